"""Likelihood, impact and severity of a finding, each number with the reasons that built it.

The model is documented in docs/scoring.md; every constant here appears there. Impact comes from the
data involved (sensitivity, number of subjects, irrevocability, identity-kit completeness, minors);
likelihood from the rule's base rate, the exposure of the places involved, and the controls present.
Severity is read from a likelihood x impact matrix.
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

#: Band edges for likelihood and impact: [0, .25) 0, [.25, .5) 1, [.5, .75) 2, [.75, 1] 3.
BANDS = (0.25, 0.50, 0.75)
#: SEVERITY_MATRIX[likelihood band][impact band]
SEVERITY_MATRIX: tuple[tuple[Severity, ...], ...] = (
    ("info", "low", "low", "medium"),
    ("low", "low", "medium", "high"),
    ("low", "medium", "medium", "high"),
    ("medium", "medium", "high", "critical"),
)


@lru_cache(maxsize=65536)
def _factor(reason: str, effect: float) -> Factor:
    """One shared Factor per (reason, effect): the same few reasons recur on every finding, and a national
    model has hundreds of thousands of findings (sharing cut the rules' memory and time; Factors are
    never mutated)."""
    return Factor(reason=reason, effect=effect)


def _round(value: float) -> float:
    return round(value, 4)


def band(value: float) -> int:
    return sum(1 for edge in BANDS if value >= edge)


def severity(likelihood: float, impact: float) -> Severity:
    return SEVERITY_MATRIX[band(likelihood)][band(impact)]


def impact(
    items: Sequence[DataItem],
    *,
    subjects: int,
    kit: Iterable[str] = (),
    scale: float = 1.0,
    extra: Iterable[Factor] = (),
) -> tuple[float, list[Factor]]:
    """Impact in [0, 1] of a finding over `items`, with one Factor per reason.

    `kit` names the identity-kit parts ('face', 'national-id', 'phone') the items fill together.
    """
    factors: list[Factor] = []
    if items:
        worst = max(items, key=lambda d: (SENSITIVITY[d.category], d.id))
        base = SENSITIVITY[worst.category]
        factors.append(_factor(f"most sensitive data: '{worst.id}' ({worst.category.value})", base))
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
    if items and all(d.public for d in items):
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
    value = max(0.0, min(1.0, value))
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
    value = max(LIKELIHOOD_FLOOR, min(LIKELIHOOD_CEILING, value))
    for control, effect in controls:
        lowered = value * (1.0 - effect)
        factors.append(_factor(f"control present: {control}", _round(lowered - value)))
        value = lowered
    value = max(LIKELIHOOD_FLOOR, min(LIKELIHOOD_CEILING, value))
    return _round(value), factors
