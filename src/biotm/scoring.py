"""Likelihood, impact and severity of a finding, each number with the reasons that built it.

The model is documented in docs/scoring.md; every constant here appears there. Impact comes from the
data involved (sensitivity, number of subjects, irrevocability, identity-kit completeness, minors);
likelihood from the rule's base rate, the exposure of the places involved, and the controls present.
Severity is a band of risk = likelihood x impact.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache
from math import log10

from biotm.model.schema import DataCategory, DataItem
from biotm.result import Factor, Severity

#: How much harm a leak of one category does on its own (impact base).
SENSITIVITY: dict[DataCategory, float] = {
    DataCategory.BIOMETRIC_SAMPLE: 0.80,
    DataCategory.BIOMETRIC_TEMPLATE: 0.75,
    DataCategory.DOCUMENT_IMAGE: 0.65,
    DataCategory.IDENTIFIER: 0.50,
    DataCategory.NATIONAL_ID: 0.50,
    DataCategory.DOCUMENT_NUMBER: 0.45,
    DataCategory.DRIVER_LICENCE: 0.45,
    DataCategory.PHONE_NUMBER: 0.35,
    DataCategory.CREDENTIAL: 0.45,
    DataCategory.BEHAVIOURAL: 0.40,
    DataCategory.QUASI_IDENTIFIER: 0.30,
    DataCategory.CONTACT: 0.25,
    DataCategory.OTHER: 0.10,
}
NO_DATA_IMPACT = 0.20
#: Impact added per factor of ten data subjects, and its cap (reached at one billion people).
SUBJECTS_PER_DECADE = 0.02
SUBJECTS_CAP = 0.18
IRREVOCABLE_BONUS = 0.05
KIT_FULL_BONUS = 0.10
KIT_PARTIAL_BONUS = 0.04
MINORS_BONUS = 0.05
#: When every item is already public (a face on a social-media profile), a leak adds less.
ALREADY_PUBLIC = -0.15

INTERNET_FACING = 0.15
#: Likelihood added to data at rest that a remote login without a second factor leads to (a stolen contractor
#: VPN password, then lateral movement): as reachable as an internet-facing place.
REMOTE_LOGIN_REACH = 0.15
PUBLIC_PLACE = 0.10
BOUNDARY_CROSSING = 0.05
OWNER_CROSSING = 0.05
#: Likelihood added per factor of ten people with access, and its cap.
PEOPLE_PER_DECADE = 0.025
PEOPLE_CAP = 0.15
#: Default fraction of the likelihood a lowering control removes (a model overrides it per control
#: under settings.control_effect).
CONTROL_EFFECT = 0.35
LIKELIHOOD_FLOOR = 0.01
LIKELIHOOD_CEILING = 0.99

#: Severity bands on risk (likelihood x impact): the lowest risk of each severity, worst first. Severity
#: follows risk, so a report ordered by severity and then risk is ordered by risk within and across bands.
RISK_BANDS: tuple[tuple[Severity, float], ...] = (
    ("critical", 0.60),
    ("high", 0.30),
    ("medium", 0.12),
    ("low", 0.04),
)
#: Critical also needs this impact ("fix before go-live" is for severe harm, not a likely nuisance), and a
#: rule that reports a direct route to mass data loss or account takeover (Rule.may_be_critical); others stop
#: at high, however likely.
CRITICAL_MIN_IMPACT = 0.75
#: An identity-theft chain at least this likely is "working": critical whatever its risk band, since it ends
#: in a grant of identity, money or account control (docs/scoring.md, "Critical triggers").
WORKING_CHAIN_LIKELIHOOD = 0.2

@lru_cache(maxsize=65536)
def _factor(reason: str, effect: float) -> Factor:
    """One shared Factor per (reason, effect): the same few reasons recur on every finding, and a national
    model has hundreds of thousands of findings (sharing cut the rules' memory and time; Factors are
    never mutated)."""
    return Factor(reason=reason, effect=effect)


def _round(value: float) -> float:
    return round(value, 4)


def severity(likelihood: float, impact: float, *, may_be_critical: bool = True) -> Severity:
    """The severity band of risk = likelihood x impact (docs/scoring.md, "Severity")."""
    risk = round(likelihood * impact, 4)
    for name, edge in RISK_BANDS:
        if risk < edge:
            continue
        if name == "critical" and not (may_be_critical and impact >= CRITICAL_MIN_IMPACT):
            continue
        return name
    return "info"


def chain_severity(likelihood: float, impact: float) -> Severity:
    """Severity of an identity-theft chain finding: critical once the chain works, else its risk band."""
    if likelihood >= WORKING_CHAIN_LIKELIHOOD and impact >= CRITICAL_MIN_IMPACT:
        return "critical"
    return severity(likelihood, impact)


def impact(
    items: Sequence[DataItem],
    *,
    subjects: int,
    kit: Iterable[str] = (),
    scale: float = 1.0,
    extra: Iterable[Factor] = (),
    leak: bool = True,
    portraits: frozenset[str] = frozenset(),
) -> tuple[float, list[Factor]]:
    """Impact in [0, 1] of a finding over `items`, with one Factor per reason.

    `portraits` are the ids of document images the rules read as biometric samples (compared as face
    data): scored as samples, named for what the model declares them to be.

    `kit` names the identity-kit parts ('face', 'national-id', 'phone') the items fill together. `leak` is
    False for compliance gaps: processing public faces without a legal basis is no less unlawful for their
    being public, so the already-public reduction applies only to findings about data getting out.
    """
    factors: list[Factor] = []
    if items:
        worst = max(items, key=lambda d: (SENSITIVITY[d.category], d.id))
        base = SENSITIVITY[worst.category]
        kind = worst.category.value
        if worst.id in portraits and worst.modality is not None:
            kind = f"document image compared as {worst.modality.value} data"
        factors.append(_factor(f"most sensitive data: '{worst.id}' ({kind})", base))
    else:
        base = NO_DATA_IMPACT
        factors.append(_factor("no personal data named on this place", base))
    value = base
    if subjects > 1:
        bonus = min(SUBJECTS_CAP, SUBJECTS_PER_DECADE * log10(subjects))
        factors.append(_factor(f"{subjects:,} data subjects (log scale)", _round(bonus)))
        value += bonus
    irrevocable = sorted(d.id for d in items if not d.is_revocable)
    if irrevocable:
        factors.append(
            _factor(f"cannot be reset after a leak: {', '.join(irrevocable)}", IRREVOCABLE_BONUS)
        )
        value += IRREVOCABLE_BONUS
    parts = sorted(set(kit))
    if len(parts) == 3:
        factors.append(
            _factor("complete identity kit: face or document image + national id + phone", KIT_FULL_BONUS)
        )
        value += KIT_FULL_BONUS
    elif len(parts) == 2:
        factors.append(_factor(f"partial identity kit: {' + '.join(parts)}", KIT_PARTIAL_BONUS))
        value += KIT_PARTIAL_BONUS
    minors = sorted(d.id for d in items if d.minors)
    if minors:
        factors.append(_factor(f"includes children under 14: {', '.join(minors)}", MINORS_BONUS))
        value += MINORS_BONUS
    if leak and items and all(d.public for d in items):
        factors.append(Factor(reason="already obtainable by anyone (public: true)", effect=ALREADY_PUBLIC))
        value += ALREADY_PUBLIC
    for factor in extra:
        factors.append(factor)
        value += factor.effect
    if value > 1.0:
        factors.append(_factor("capped at 1.00", _round(1.0 - value)))
        value = 1.0
    if scale != 1.0:
        scaled = value * scale
        factors.append(_factor(f"rule weight x{scale:g}", _round(scaled - value)))
        value = scaled
    if value < 0.0:
        factors.append(_factor("kept at 0.00", _round(-value)))
        value = 0.0
    return _round(value), factors


def likelihood(
    base: float,
    *,
    internet_facing: bool,
    public_place: bool,
    crosses_boundary: bool,
    crosses_owner: bool,
    people: int,
    extra: Iterable[Factor] = (),
    controls: Iterable[tuple[str, float]] = (),
) -> tuple[float, list[Factor]]:
    """Likelihood in [0.01, 0.99] with one Factor per reason.

    `controls` are (control id, effect) pairs for the lowering controls present; each multiplies the
    likelihood by (1 - effect).
    """
    factors = [_factor("base rate of this threat", base)]
    value = base
    for present, amount, reason in (
        (internet_facing, INTERNET_FACING, "reachable from the internet"),
        (public_place, PUBLIC_PLACE, "in a public place"),
        (crosses_boundary, BOUNDARY_CROSSING, "crosses a trust boundary"),
        (crosses_owner, OWNER_CROSSING, "data pass to another organisation"),
    ):
        if present:
            factors.append(_factor(reason, amount))
            value += amount
    if people > 1:
        bonus = min(PEOPLE_CAP, PEOPLE_PER_DECADE * log10(people))
        factors.append(_factor(f"{people:,} people with access (log scale)", _round(bonus)))
        value += bonus
    for factor in extra:
        factors.append(factor)
        value += factor.effect
    value = _clamped(value, factors)
    for control, effect in controls:
        lowered = value * (1.0 - effect)
        factors.append(_factor(f"control present: {control}", _round(lowered - value)))
        value = lowered
    value = _clamped(value, factors)
    return _round(value), factors


#: The first factor of a path or chain likelihood: an attacker who sets out starts from certainty.
PATH_START = "an attacker who tries starts from certainty"


def path_factors(steps: Sequence[tuple[str, float]]) -> tuple[float, list[Factor]]:
    """Likelihood of an attack path whose steps succeed with these probabilities, and its factors.

    The steps multiply; each factor shows how much its step took off, so the factors add up to the
    likelihood (docs/scoring.md, "Attack paths and chains").
    """
    factors = [_factor(PATH_START, 1.0)]
    value = 1.0
    for reason, probability in steps:
        after = value * probability
        factors.append(_factor(f"{reason} (x{probability:.3g})", _round(after - value)))
        value = after
    return _round(value), factors


def chain_factors(steps: Sequence[tuple[str, float]]) -> tuple[float, list[Factor]]:
    """Likelihood of an identity-theft chain from its steps' likelihoods, and its factors.

    Each step's likelihood is that of reaching it (its prerequisites included), so the chain is as likely
    as its least likely step, the final grant; each factor shows the drop a step adds to those before.
    """
    factors = [_factor(PATH_START, 1.0)]
    value = 1.0
    for reason, reached in steps:
        after = min(value, reached)
        factors.append(_factor(f"{reason} (reached with {reached:.3g})", _round(after - value)))
        value = after
    return _round(value), factors


def summed(factors: Sequence[Factor], cap: float = 1.0) -> tuple[float, list[Factor]]:
    """A value that is the sum of `factors`, capped at `cap` with a factor showing the cut."""
    out = list(factors)
    value = sum(f.effect for f in out)
    if value > cap:
        out.append(_factor(f"capped at {cap:.2f}", _round(cap - value)))
        value = cap
    return _round(value), out


def _clamped(value: float, factors: list[Factor]) -> float:
    """`value` kept within [LIKELIHOOD_FLOOR, LIKELIHOOD_CEILING], with a factor showing the cut."""
    kept = max(LIKELIHOOD_FLOOR, min(LIKELIHOOD_CEILING, value))
    if _round(kept - value) != 0.0:
        factors.append(_factor(f"kept within [{LIKELIHOOD_FLOOR:g}, {LIKELIHOOD_CEILING:g}]", _round(kept - value)))
    return kept
