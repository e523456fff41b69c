"""Likelihood factors of attack findings that add up: a product shown as a base and its changes.

An attack finding's likelihood is a product of step probabilities. Its factors list them in order: the
first factor's effect is the first step's probability (the base); every later factor multiplies the
running value by its step's probability, and its effect is the change that makes. The effects therefore
sum to the likelihood, as a rule finding's do (docs/attack-paths.md, "Likelihood factors").
"""

from __future__ import annotations

from collections.abc import Sequence

from biotm.graph import SystemGraph
from biotm.result import Factor, Finding, PlaceKind, finding_id
from biotm.scoring import chain_severity, severity

#: The rule id of identity-theft chain findings (critical may be reached only by them).
CHAIN_RULE = "idt-chain"

#: Factors shown per finding; the steps between the first and the last ones shown are merged into one.
MAX_FACTORS = 24
DIGITS = 6


def product_factors(steps: Sequence[tuple[str, float]]) -> list[Factor]:
    """(reason, multiplier) in order -> Factors whose effects sum to the rounded product."""
    if not steps:
        return [Factor(reason="certain: nothing stands in the way", effect=1.0)]
    steps = list(steps)
    if len(steps) > MAX_FACTORS:
        head, middle, tail = steps[: MAX_FACTORS // 2], steps[MAX_FACTORS // 2 : 1 - MAX_FACTORS // 2], steps[
            1 - MAX_FACTORS // 2 :
        ]
        merged = 1.0
        for _, multiplier in middle:
            merged *= multiplier
        steps = [*head, (f"{len(middle)} more steps, their probabilities multiplied", merged), *tail]
    value = 1.0
    values = []
    for _, multiplier in steps:
        value *= multiplier
        values.append(value)
    total = round(min(1.0, max(0.0, value)), DIGITS)
    out = []
    shown = 0.0
    before = 0.0
    for i, ((reason, _), after) in enumerate(zip(steps, values, strict=True)):
        last = i == len(steps) - 1
        effect = round(total - shown, DIGITS) if last else round(after - before, DIGITS)
        # The multiplier is not written into the reason: reports recover it from the effects and show the
        # product (report/factor_text.py), `0.27 = 1 (...) × 0.266 (...)`.
        out.append(Factor(reason=reason or "step", effect=effect))
        shown = round(shown + effect, DIGITS)
        before = after
    return out


def attack_finding(
    rule: str,
    title: str,
    likelihood: float,
    likelihood_factors: list[Factor],
    impact: float,
    impact_factors: list[Factor],
    place_kind: str,
    places: list[str],
    data: list[str],
    subjects: int,
    categories: list[str],
    mitigations: list[str],
    evidence: str,
    graph: SystemGraph,
    may_be_critical: bool = False,
) -> Finding:
    """An attack finding (`atk-exposure` or `idt-chain`) with its numbers clamped and rounded.

    A chain is critical once it works; an exposure only when `may_be_critical` (an open place giving out
    biometric data of many people) and its risk is in the critical band.
    """
    likelihood = round(min(1.0, max(0.0, likelihood)), 6)
    impact = round(min(1.0, max(0.0, impact)), 6)
    risk = round(likelihood * impact, 6)
    kind: PlaceKind = "data" if place_kind == "data" else "element"
    # Data ids and element ids are apart: an exposure of item 'x' must not take the id of the open place 'x'.
    # Only a colliding id is marked ("data:" is no id), so every other finding keeps its id.
    named = ["data:", *places] if kind == "data" and any(p in graph.elements for p in places) else places
    return Finding(
        id=finding_id(rule, named),
        rule=rule,
        title=title,
        severity=chain_severity(likelihood, impact) if rule == CHAIN_RULE else severity(
            likelihood, impact, may_be_critical=may_be_critical
        ),
        likelihood=likelihood,
        impact=impact,
        risk=risk,
        likelihood_factors=likelihood_factors,
        impact_factors=impact_factors,
        place_kind=kind,
        places=places,
        data=data,
        subjects=subjects,
        categories=categories,
        mitigations=mitigations,
        regulations=[],
        evidence=evidence,
        location=graph.location(kind, places[0]),
    )
