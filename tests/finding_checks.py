"""Checks every finding must pass: its numbers recompute from its factors, its severity from its bands.

Shared by the property tests over random models, the scenario library and the calibration set.
"""

from __future__ import annotations

from biotm.result import Finding
from biotm.rules import all_rules
from biotm.scoring import CRITICAL_MIN_IMPACT, WORKING_CHAIN_LIKELIHOOD, severity

#: Factors are rounded to 4 decimals each; their sum may drift by half a unit of the last place per factor.
ROUNDING = 0.00005

_MAY_BE_CRITICAL = {r.id for r in all_rules() if r.may_be_critical}


def assert_factors_add_up(finding: Finding) -> None:
    """Likelihood and impact are the sums of their factors, in order, and every factor has a reason."""
    for value, factors, what in (
        (finding.likelihood, finding.likelihood_factors, "likelihood"),
        (finding.impact, finding.impact_factors, "impact"),
    ):
        assert factors, f"{finding.id}: no {what} factors"
        assert all(f.reason.strip() for f in factors), f"{finding.id}: a {what} factor without a reason"
        total = sum(f.effect for f in factors)
        assert abs(total - value) <= ROUNDING * (len(factors) + 1), (
            f"{finding.id}: {what} {value} but its factors add up to {total:.4f}: "
            + ", ".join(f"{f.effect:+.4f} {f.reason}" for f in factors)
        )


def assert_severity_follows_the_bands(finding: Finding) -> None:
    """Severity is the risk band, or critical by a documented trigger of a rule that may be critical."""
    if finding.rule == "manual-threat":
        return
    chain = finding.rule == "idt-chain"
    # An exposure is critical only by its trigger (an open place giving out biometrics), never by its band alone.
    exposure = finding.rule == "atk-exposure"
    may = chain or finding.rule in _MAY_BE_CRITICAL
    banded = severity(finding.likelihood, finding.impact, may_be_critical=may and not exposure)
    if finding.severity == banded:
        return
    assert finding.severity == "critical" and may, (finding.id, finding.severity, banded)
    if chain:
        assert finding.likelihood >= WORKING_CHAIN_LIKELIHOOD and finding.impact >= CRITICAL_MIN_IMPACT
    if exposure:
        assert finding.place_kind == "element" and severity(finding.likelihood, finding.impact) == "critical"
