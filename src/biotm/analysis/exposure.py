"""Exposure findings (`atk-exposure`): biometric or document-image data an attacker obtains beyond its own access.

An open place (an element reached from the internet where it asks for no authentication at all: the open
database or API, the commonest cause of mass biometric leaks) is one finding that lists every such item it
gives out, critical when it gives out biometric data of many people. Every other item gets one finding, at
its likeliest attack path (docs/attack-paths.md, "Exposure findings").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from biotm.analysis.attack_steps import Edge, Leak, skill_scale
from biotm.analysis.factors import attack_finding, product_factors
from biotm.analysis.paths import AttackGraph
from biotm.graph import SystemGraph
from biotm.model.schema import (
    BIOMETRIC_CATEGORIES,
    IRREVERSIBLE_PROTECTION,
    ActorRole,
    Attacker,
    DataCategory,
    DataItem,
    ElementType,
)
from biotm.result import Factor, Finding
from biotm.rules.base import MANY_SUBJECTS
from biotm.scoring import summed

EXPOSURE_RULE = "atk-exposure"
EXPOSURE_IMPACT = {
    DataCategory.BIOMETRIC_SAMPLE: 0.8,
    DataCategory.BIOMETRIC_TEMPLATE: 0.6,
    DataCategory.DOCUMENT_IMAGE: 0.6,
}
#: How a title names each exposed category, in this order.
_PLURAL = {
    DataCategory.BIOMETRIC_SAMPLE: "samples",
    DataCategory.BIOMETRIC_TEMPLATE: "templates",
    DataCategory.DOCUMENT_IMAGE: "document images",
}
#: An open place that gives out biometric data of at least this many people is critical: a mass leak waiting
#: for the first scanner (docs/scoring.md, "Critical triggers").
OPEN_CRITICAL_SUBJECTS = MANY_SUBJECTS
#: Rules that report an open store or console of identity data with its law; the exposure stands aside for them.
OPEN_PLACE_RULES = frozenset({"bio-store-exposed", "bio-console-exposed"})
_CATEGORIES = ["STRIDE:Information disclosure", "LINDDUN:Data disclosure", "BIO:exposure"]


def authorized(attack_graph: AttackGraph, attacker: Attacker) -> set[str]:
    """Data the attacker already sees where it stands (the clerk sees every capture): not a leak to it."""
    return set().union(
        *(attack_graph.obtains.get(t, ()) for t, e in attack_graph.start_edges(attacker).items() if e.kind == "stand")
    )


#: An item, the attackers who reach it (likelihood, id; likeliest first), and its impact with its factors.
_Member = tuple[DataItem, list[tuple[float, str]], tuple[float, list[Factor]]]


@dataclass(frozen=True)
class OpenPlace:
    """An element the likeliest attacker reaches in one open step, and the exposable items it gives out there."""

    node: str
    likelihood: float
    attacker: str
    edge: Edge
    items: tuple[DataItem, ...]
    #: Other attackers with an open step here: (likelihood, id), likeliest first.
    others: tuple[tuple[float, str], ...]


def exposable_items(graph: SystemGraph) -> list[DataItem]:
    """Non-public biometric samples, templates and document images, by id, less what the system itself shows the
    public (a defaulters' list with ID photos): published, they are `bio-public-disclosure`'s finding, and
    anyone reads them there without an attack. Flows decide it, so no control makes an item exposable."""
    public = {e.id for e in graph.model.elements if e.type is ElementType.ACTOR and e.role is ActorRole.PUBLIC}
    shown = {d for f in graph.model.flows if f.target in public for d in f.data}
    return sorted((d for d in graph.model.data if d.category in EXPOSURE_IMPACT and not d.public and d.id not in shown),
                  key=lambda d: d.id)


def open_places(
    graph: SystemGraph, attackers: list[Attacker], attack_graph: AttackGraph, allowed: dict[str, set[str]]
) -> dict[str, OpenPlace]:
    """Per open element, who reaches it likeliest and which non-public exposable items it gives out."""
    exposable = {d.id: d for d in exposable_items(graph)}
    reached: dict[str, list[tuple[float, str, Edge, tuple[DataItem, ...]]]] = {}
    for attacker in attackers:
        scale = skill_scale(attacker)
        for target, edge in attack_graph.start_edges(attacker).items():
            if not edge.open or target not in graph.elements:
                continue
            seen = allowed[attacker.id]
            ids = sorted(d for d in attack_graph.obtains.get(target, ()) if d in exposable and d not in seen)
            if ids:
                reached.setdefault(target, []).append(
                    (edge.probability**scale, attacker.id, edge, tuple(exposable[d] for d in ids))
                )
    out = {}
    for node in sorted(reached):
        ranked = sorted(reached[node], key=lambda r: (-r[0], r[1]))
        likelihood, attacker_id, edge, items = ranked[0]
        others = tuple((p, a) for p, a, _, _ in ranked[1:])
        out[node] = OpenPlace(node, likelihood, attacker_id, edge, items, others)
    return out


def exposure_findings(
    graph: SystemGraph,
    attackers: list[Attacker],
    leaks: dict[str, dict[str, Leak]],
    attack_graph: AttackGraph,
    reported: frozenset[str] = frozenset(),
) -> list[Finding]:
    """One finding per open place, and one per other biometric or document-image item an attacker can obtain.

    Insiders and vendors standing where the data already is are left to the rules on access and
    disclosure; these findings are about data taken by attack steps. An item an open place gives out is
    reported there, unless some attacker obtains it likelier elsewhere (then that route is its own finding too).
    An open place in `reported` (`rule_reported`: a rule that ran reports it as an open store or console) is
    that rule's finding, with its law: one cause, one finding. Any other open place is reported here, whatever
    the rule selection.
    """
    allowed: dict[str, set[str]] = {}
    by_starts: dict[int, set[str]] = {}  # attackers who enter alike (one set of start edges) see alike
    for attacker in attackers:
        starts = id(attack_graph.start_edges(attacker))
        if starts not in by_starts:
            by_starts[starts] = authorized(attack_graph, attacker)
        allowed[attacker.id] = by_starts[starts]
    places = open_places(graph, attackers, attack_graph, allowed)
    best_open: dict[str, float] = {}
    for place in places.values():
        # A store a rule reports names what rests there; what only passes through it is found by its routes.
        by_rule = place.node in reported and graph.elements[place.node].type is ElementType.STORE
        rest = graph.at_rest.get(place.node, set()) if by_rule else set()
        for item in (i for i in place.items if not by_rule or i.id in rest):
            best_open[item.id] = max(best_open.get(item.id, 0.0), place.likelihood)
    out = [_open_finding(graph, place) for place in places.values() if place.node not in reported]
    routes: dict[tuple[object, ...], list[_Member]] = {}
    exposable = exposable_items(graph)
    wanted = {item.id for item in exposable}
    held_at: dict[str, set[str]] = {item_id: set() for item_id in wanted}
    for node, items in attack_graph.obtains.items():
        for item_id in items & wanted:
            held_at[item_id].add(node)
    for item in exposable:
        reached = sorted(
            (
                (leaks[a.id][item.id].probability, a.id)
                for a in attackers
                if item.id in leaks[a.id] and item.id not in allowed[a.id]
            ),
            key=lambda pair: (-pair[0], pair[1]),
        )
        if not reached or reached[0][0] <= best_open.get(item.id, -1.0) + 1e-9:
            continue  # nobody obtains it, or an open place gives it out as likely: reported there
        best = leaks[reached[0][1]][item.id]
        subjects = item.subjects if best.subjects is None else best.subjects
        scored = _impact(item, subjects, best.subjects is not None)
        # Items one attacker takes by one route at one place, alike in harm (one impact), are one finding: the
        # kiosk skimmed for faces and fingerprints is one cause. Only items held at the very same places go
        # together: every route to one is then a route to the other, so no control splits the finding in two
        # (an item also held elsewhere would take its own route once a control slowed the shared one, and the
        # risk of two findings would exceed that of the one), nor does an item join one with a harm above its own.
        key = (reached[0][1], frozenset(held_at[item.id]), best.node, best.edges, scored[0], subjects, item.category)
        routes.setdefault(key, []).append((item, reached, scored))
    # In the order of their first item (items come by id); the keys hold edges, which do not sort.
    out.extend(_route_finding(graph, members, leaks, attackers) for members in sorted(routes.values(),
                                                                                       key=lambda m: m[0][0].id))
    return out


def rule_reported(findings: Iterable[Finding]) -> frozenset[str]:
    """The elements the open-place rules (`bio-store-exposed`, `bio-console-exposed`) reported in this run.

    Read from the findings the rule stage made, not from what those rules would say: a rule left out by
    `--rules` / `--skip-rules`, or whose controls suppress it, reports nothing, and the exposure stage must then
    report the open place itself (no open store goes unreported in any selection)."""
    return frozenset(f.places[0] for f in findings if f.rule in OPEN_PLACE_RULES and f.place_kind == "element")


def _impact(item: DataItem, subjects: int, scoped: bool) -> tuple[float, list[Factor]]:
    base = EXPOSURE_IMPACT[item.category]
    if item.category is DataCategory.BIOMETRIC_TEMPLATE and item.protection in IRREVERSIBLE_PROTECTION:
        base = 0.3
    factors = [Factor(reason=f"{item.category.value} '{item.id}'", effect=base)]
    if not item.is_revocable:
        factors.append(Factor(reason="cannot be reset after a leak", effect=0.1))
    if subjects >= 10_000:
        factors.append(Factor(reason=f"{subjects:,} data subjects", effect=0.1))
    elif scoped:
        factors.append(
            Factor(reason=f"one copy of a replicated element: {subjects:,} of {item.subjects:,} people", effect=0.0)
        )
    return summed(factors)


def _open_finding(graph: SystemGraph, place: OpenPlace) -> Finding:
    """The open place as one finding: its likeliest attacker's open step, the worst item it gives out."""
    scored = {d.id: _impact(d, d.subjects, False) for d in place.items}
    lead = min(place.items, key=lambda d: (-scored[d.id][0], -d.subjects, d.id))
    impact, factors = scored[lead.id]
    if len(place.items) > 1:
        worst = f"{factors[0].reason}, the most sensitive of {len(place.items)} items"
        factors = [Factor(reason=worst, effect=factors[0].effect), *factors[1:]]
    subjects = max(d.subjects for d in place.items)
    ids = [d.id for d in place.items]
    quoted = ", ".join(f"'{i}'" for i in ids)
    evidence = (
        f"{place.attacker} obtains {quoted} at {place.node} via entry -> {place.node}: it is reachable from the "
        f"internet and asks for no authentication at all"
    )
    if place.others:
        evidence += "; also open to " + "; ".join(f"{a} ({p:.3g})" for p, a in place.others[:3])
    kinds = [_PLURAL[c] for c in _PLURAL if any(d.category is c for d in place.items)]
    what = " and ".join(kinds)
    if kinds[0] != _PLURAL[DataCategory.DOCUMENT_IMAGE]:
        what = "biometric " + what  # "biometric samples and templates", "biometric templates and document images"
    step = place.edge.probability
    scale_note = "" if step == place.likelihood else f" (step {step:.3g}, attacker skill)"
    biometric = any(d.category in BIOMETRIC_CATEGORIES for d in place.items)
    return attack_finding(
        EXPOSURE_RULE,
        f"Open to anyone on the internet: '{place.node}' gives out {what} without authentication",
        place.likelihood,
        product_factors([(f"{place.node}: {place.edge.reason()}{scale_note}", place.likelihood)]),
        impact,
        factors,
        "element",
        [place.node],
        ids,
        subjects,
        list(_CATEGORIES),
        sorted({m.split(":", 1)[1] for m in place.edge.missing}),
        evidence,
        graph,
        may_be_critical=biometric and subjects >= OPEN_CRITICAL_SUBJECTS,
    )


def _route_finding(
    graph: SystemGraph,
    members: list[_Member],
    leaks: dict[str, dict[str, Leak]],
    attackers: list[Attacker],
) -> Finding:
    """Items alike in harm at their likeliest attacker's best path, one route and place."""
    item, reached, (impact, impact_factors) = members[0]
    likelihood, attacker_id = reached[0]
    best = leaks[attacker_id][item.id]
    subjects = item.subjects if best.subjects is None else best.subjects
    scale = skill_scale(next(a for a in attackers if a.id == attacker_id))
    ids = [m[0].id for m in members]
    quoted = ", ".join(f"'{i}'" for i in ids)
    route = " -> ".join(["entry", *(e.target.removeprefix("flow:") for e in best.edges)])
    others = "; ".join(f"{a} ({p:.3g})" for p, a in reached[1:4])
    evidence = f"{attacker_id} obtains {quoted} at {best.node.removeprefix('flow:')} via {route}"
    if others:
        evidence += f"; also reachable by {others}"
    if len(ids) > 1:
        impact_factors = [
            Factor(reason=f"{item.category.value} {quoted}", effect=impact_factors[0].effect), *impact_factors[1:]
        ]
    kind = item.category.value.replace("_", " ")
    missing = sorted({m.split(":", 1)[1] for e in best.edges for m in e.missing})
    return attack_finding(
        EXPOSURE_RULE,
        f"Attackers can obtain {kind} '{item.id}'" if len(ids) == 1 else f"Attackers can obtain {kind}s {quoted}",
        likelihood,
        product_factors([(f"{_at(e)}: {e.reason()}{_skill_note(e.probability, scale)}", e.probability**scale)
                         for e in best.edges]),
        impact,
        impact_factors,
        "data",
        ids,
        ids,
        subjects,
        list(_CATEGORIES),
        missing,
        evidence,
        graph,
    )


def _at(edge: Edge) -> str:
    return edge.target.removeprefix("flow:")


def _skill_note(probability: float, scale: float) -> str:
    return "" if scale == 1.0 or probability == 1.0 else f" (step {probability:.3g}, attacker skill: ^{scale:g})"
