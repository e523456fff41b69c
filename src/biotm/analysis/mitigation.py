"""The mitigation plan: which controls to add first, by risk removed per person-day.

Risk is the sum of the `risk` (likelihood x impact) of every open finding, whatever stage produced
it. Candidates come from three places: the mitigations open findings name at their own places, the
controls that break theft chains, and a minimum cut (networkx max-flow / min-cut) between attackers
and the most sensitive exposed data item, which is the cheapest set of controls that lowers every
attack path to it at once. Candidates are chosen greedily (lazily re-evaluated) by risk removed per
person-day within the budget; every gain is measured by re-running the whole audit with the controls
applied, so the plan's claimed reduction is exactly the re-analysed difference.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable
from dataclasses import dataclass

import networkx as nx

from biotm.analysis.paths import FLOW_PREFIX, START, controls_of_flow
from biotm.analysis.stage import CHAIN_RULE, EXPOSURE_RULE, AttackAnalysis, authorized
from biotm.analysis.whatif import Placed, with_controls
from biotm.model.controls import CONTROLS, cost_days
from biotm.model.loader import LoadedModel
from biotm.result import AuditResult, MitigationPlan, PlanItem

#: Re-runs the audit of a model with no plan and no what-if (the pipeline passes its own `audit`).
Rerun = Callable[[LoadedModel], AuditResult]

OPEN = ("open", "expired-acceptance")
#: Attack edges already less likely than this count as cut: no control is needed on them.
CUT_IGNORE_BELOW = 0.05
SINK = "@sink"


@dataclass(frozen=True)
class Candidate:
    controls: tuple[Placed, ...]
    reason: str


def risk_of(result: AuditResult) -> float:
    """The plan's risk measure: the sum of open findings' risk."""
    return sum(f.risk for f in result.findings if f.status in OPEN)


def present_controls(loaded: LoadedModel) -> dict[str, set[str]]:
    """Controls already at every element and flow id."""
    out = {e.id: set(e.controls) for e in loaded.model.elements}
    out.update({f.id: controls_of_flow(f) for f in loaded.model.flows})
    return out


def candidates(loaded: LoadedModel, result: AuditResult, analysis: AttackAnalysis | None) -> list[Candidate]:
    """Every control worth trying, deduplicated, in a fixed order."""
    elements = {e.id for e in loaded.model.elements}
    flows = {f.id for f in loaded.model.flows}
    found: dict[tuple[Placed, ...], str] = {}
    present = present_controls(loaded)

    def add(controls: tuple[Placed, ...], reason: str) -> None:
        controls = tuple(sorted({c for c in controls if c[1] not in present.get(c[0], set())}))
        if controls and all(c[1] in CONTROLS for c in controls):
            found.setdefault(controls, reason)

    for finding in result.findings:
        if finding.status not in OPEN or finding.rule in (EXPOSURE_RULE, CHAIN_RULE):
            continue  # these two carry exact candidates below
        places = [p for p in finding.places if p in elements or p in flows]
        for control in finding.mitigations:
            if control not in CONTROLS:
                continue
            applies = CONTROLS[control].applies_to
            for place in places:
                kind = "flow" if place in flows else "element"
                if applies in (kind, "both"):
                    add(((place, control),), f"mitigates {finding.rule} at {place}")
    for chain in result.chains:
        for entry in chain.broken_by:
            parts = tuple((p.split(":", 1)[0], p.split(":", 1)[1]) for p in entry.split("+"))
            add(parts, f"breaks {chain.attacker} -> {chain.goal}")
    if analysis is not None:
        exposed = {f.places[0] for f in result.findings if f.rule == EXPOSURE_RULE and f.status in OPEN}
        for attacker in analysis.attackers:
            allowed = authorized(analysis.attack_graph, attacker)
            for data_id, leak in sorted(analysis.leaks[attacker.id].items()):
                if data_id in exposed and data_id not in allowed:
                    for missing in sorted({m for edge in leak.edges for m in edge.missing}):
                        place, control = missing.split(":", 1)
                        add(((place, control),), f"lowers {attacker.id}'s path to '{data_id}'")
        cut = min_cut(analysis, result, loaded)
        if cut is not None:
            add(cut[0], cut[1])
    return [Candidate(controls, reason) for controls, reason in sorted(found.items())]


def min_cut(
    analysis: AttackAnalysis, result: AuditResult, loaded: LoadedModel
) -> tuple[tuple[Placed, ...], str] | None:
    """The cheapest set of controls on attack edges that separates attackers from the riskiest exposed data.

    Each attack edge's capacity is the cost of the cheapest control it lacks (infinite if none would
    lower it; edges already below CUT_IGNORE_BELOW are left out as good as cut); the minimum s-t cut
    over a super source (every attacker not already entitled to the
    data) and a super sink (every place the data is available) is found with networkx's
    preflow-push max-flow.
    """
    exposures = sorted(
        (f for f in result.findings if f.rule == EXPOSURE_RULE and f.status in OPEN),
        key=lambda f: (-f.risk, f.id),
    )
    if not exposures:
        return None
    data_id = exposures[0].places[0]
    attack_graph = analysis.attack_graph
    overrides = loaded.model.settings.control_cost_days
    g: nx.DiGraph[str] = nx.DiGraph()

    def cheapest(missing: tuple[str, ...]) -> tuple[float, Placed | None]:
        best: tuple[float, Placed | None] = (math.inf, None)
        for entry in sorted(missing):
            place, control = entry.split(":", 1)
            if control in CONTROLS and (cost := cost_days(control, overrides)) < best[0]:
                best = (cost, (place, control))
        return best

    # Inserted by id: which of several equally cheap cuts max-flow finds depends on insertion order.
    for source in sorted(attack_graph.adjacency):
        row = attack_graph.adjacency[source]
        for target in sorted(row):
            edge = row[target]
            if edge.probability < CUT_IGNORE_BELOW:
                continue
            cost, control = cheapest(edge.missing)
            g.add_edge(source, target, capacity=cost, control=control)
    for attacker in analysis.attackers:
        if data_id in authorized(attack_graph, attacker):
            continue
        start = f"{START}:{attacker.id}"
        g.add_edge(START, start, capacity=math.inf, control=None)
        for target, edge in sorted(attack_graph.start_edges(attacker).items()):
            if edge.probability < CUT_IGNORE_BELOW:
                continue
            cost, control = cheapest(edge.missing)
            g.add_edge(start, target, capacity=cost, control=control)
    for node in attack_graph.holders.get(data_id, []):
        g.add_edge(node, SINK, capacity=math.inf, control=None)
    if START not in g or SINK not in g:
        return None
    try:
        value, (reachable, _) = nx.minimum_cut(g, START, SINK, capacity="capacity")
    except nx.NetworkXUnbounded:
        return None
    if not math.isfinite(value):
        return None
    controls: set[Placed] = set()
    for u, v, attributes in g.edges(data=True):
        if u in reachable and v not in reachable and attributes["control"] is not None:
            place, control = attributes["control"]
            controls.add((place.removeprefix(FLOW_PREFIX), control))
    if not controls:
        return None
    return tuple(sorted(controls)), f"minimum cut between attackers and '{data_id}'"


def plan(
    loaded: LoadedModel,
    result: AuditResult,
    analysis: AttackAnalysis | None,
    rerun: Rerun,
    budget_days: float | None = None,
    max_items: int = 20,
    max_candidates: int | None = None,
) -> MitigationPlan:
    """A greedy plan (exact re-analysis of every gain) within `budget_days` (None: no limit)."""
    overrides = loaded.model.settings.control_cost_days
    risk_before = risk_of(result)
    pool = candidates(loaded, result, analysis)
    found = len(pool)
    if max_candidates is not None and len(pool) > max_candidates:
        pool = sorted(pool, key=lambda c: -_estimate(c, result) / _cost(c, overrides))[:max_candidates]
    chosen: list[Placed] = []
    reasons: dict[Placed, str] = {}
    current = risk_before
    remaining = math.inf if budget_days is None else budget_days

    def gain(candidate: Candidate) -> float:
        extra = [c for c in candidate.controls if c not in chosen]
        if not extra:
            return 0.0
        return current - risk_of(rerun(with_controls(loaded, [*chosen, *extra])))

    heap = []
    for index, candidate in enumerate(pool):
        if _cost(candidate, overrides) <= remaining:
            heap.append((-gain(candidate) / _cost(candidate, overrides), index))
    heapq.heapify(heap)
    while heap and len(chosen) < max_items:
        _, index = heapq.heappop(heap)
        candidate = pool[index]
        extra = [c for c in candidate.controls if c not in chosen]
        cost = sum(cost_days(c, overrides) for _, c in extra)
        if not extra or cost > remaining:
            continue
        fresh = gain(candidate)
        if fresh <= 1e-12:
            continue
        ratio = fresh / cost
        if heap and ratio < -heap[0][0] - 1e-12:
            heapq.heappush(heap, (-ratio, index))  # stale: others may now be better
            continue
        for control in extra:
            reasons[control] = candidate.reason
        chosen.extend(extra)
        remaining -= cost
        current -= fresh
    chosen = _prune(loaded, chosen, current, rerun)
    plan = _itemise(loaded, result, chosen, reasons, rerun, budget_days, analysis is not None)
    if len(pool) < found:
        plan.method += f", the {len(pool)} of {found} candidates with the highest estimated gain per person-day"
    return plan


def _prune(loaded: LoadedModel, chosen: list[Placed], reached: float, rerun: Rerun) -> list[Placed]:
    """Drop controls (a min cut's members, say) without which the plan still reaches the same risk."""
    for placed in reversed(list(chosen)):
        without = [c for c in chosen if c != placed]
        if risk_of(rerun(with_controls(loaded, without))) <= reached + 1e-12:
            chosen = without
    return chosen


def _itemise(
    loaded: LoadedModel,
    result: AuditResult,
    chosen: list[Placed],
    reasons: dict[Placed, str],
    rerun: Rerun,
    budget_days: float | None,
    with_cut: bool,
) -> MitigationPlan:
    """Apply the chosen controls one by one, re-running the audit after each, and record what each removed."""
    overrides = loaded.model.settings.control_cost_days
    items = []
    previous = result
    for rank, placed in enumerate(chosen, start=1):
        after = rerun(with_controls(loaded, chosen[:rank]))
        old = {f.id: f for f in previous.findings if f.status in OPEN}
        new = {f.id: f for f in after.findings if f.status in OPEN}
        closes = sorted(i for i, f in old.items() if i not in new or new[i].risk < f.risk)
        broken = sorted({c.id for c in previous.chains} - {c.id for c in after.chains})
        items.append(
            PlanItem(
                rank=rank,
                control=placed[1],
                place=placed[0],
                cost_days=cost_days(placed[1], overrides),
                risk_removed=risk_of(previous) - risk_of(after),
                closes=closes,
                breaks_chains=broken,
                reason=reasons.get(placed, ""),
            )
        )
        previous = after
    risk_before = risk_of(result)
    risk_after = risk_of(previous)
    method = "greedy by risk removed per person-day, exact re-analysis"
    if with_cut:
        method += ", minimum-cut candidates"
    return MitigationPlan(
        method=method,
        budget_days=budget_days,
        total_cost_days=sum(i.cost_days for i in items),
        total_risk_removed=risk_before - risk_after,
        risk_before=risk_before,
        risk_after=risk_after,
        items=items,
    )


def _cost(candidate: Candidate, overrides: dict[str, float]) -> float:
    return max(1e-9, sum(cost_days(c, overrides) for _, c in candidate.controls))


def _estimate(candidate: Candidate, result: AuditResult) -> float:
    """A cheap upper guess of the risk a candidate removes: the open findings that name its controls at its places."""
    total = 0.0
    for finding in result.findings:
        if finding.status not in OPEN:
            continue
        if any(c in finding.mitigations and (p in finding.places or not finding.places) for p, c in candidate.controls):
            total += finding.risk
    broken = {f"{p}:{c}" for p, c in candidate.controls}
    for chain in result.chains:
        if any(set(entry.split("+")) <= broken for entry in chain.broken_by):
            total += chain.likelihood
    return total
