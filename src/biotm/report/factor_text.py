"""How a finding's likelihood reads: a product of step multipliers for attack findings, a sum for rules.

An attack finding's (`atk-exposure`, `idt-chain`) likelihood is a product of step probabilities. Its factors
carry effects that add up (the first multiplier, then the change each later one makes to the running
product; analysis/factors.py), so each multiplier is recovered from the running sums and shown as what it
is: `0.27 = 1 (start with ...) × 0.266 (fakes a live face ...)`, which multiplies out to the likelihood.
"""

from __future__ import annotations

from collections.abc import Callable

from biotm.result import Factor, Finding

#: Findings whose likelihood is a product of step probabilities.
PRODUCT_RULES = frozenset({"atk-exposure", "idt-chain"})
TIMES = " × "


def multipliers(factors: list[Factor]) -> list[float]:
    """Each step's multiplier, from the running sums of the factors' effects."""
    out: list[float] = []
    before = 0.0
    for i, factor in enumerate(factors):
        after = before + factor.effect
        out.append(after if i == 0 else (after / before if before > 0 else 0.0))
        before = after
    return out


def _number(value: float) -> str:
    return f"{value:.3g}"


def likelihood_text(finding: Finding, esc: Callable[[str], str] = str) -> str:
    """`0.27 = 1 (reason) × 0.266 (reason)` for an attack finding, `0.45: reason (+0.45); ...` for a rule's."""
    factors = finding.likelihood_factors
    if finding.rule in PRODUCT_RULES and factors:
        terms = [f"{_number(m)} ({esc(f.reason)})" for m, f in zip(multipliers(factors), factors, strict=True)]
        return f"{finding.likelihood:.2f} = " + TIMES.join(terms)
    return f"{finding.likelihood:.2f}: " + sum_text(factors, esc)


def sum_text(factors: list[Factor], esc: Callable[[str], str] = str) -> str:
    """`reason (+0.45); reason (-0.10)`: factors that add up."""
    return "; ".join(f"{esc(f.reason)} ({f.effect:+.2f})" for f in factors) or "none given"
