"""The minimum cut between attackers and the riskiest exposed data item, offered as one plan candidate.

When many attack routes converge on one store, the cheapest set of controls that lowers every one of
them at once is a minimum s-t cut of the attack graph with each edge's capacity the cost of the
cheapest control it lacks (networkx preflow-push max-flow).
"""

from __future__ import annotations

import math

import networkx as nx

from biotm.analysis.candidates import Placed, cost_of, fits
from biotm.analysis.paths import FLOW_PREFIX, START
from biotm.analysis.risk import OPEN
from biotm.analysis.stage import EXPOSURE_RULE, AttackAnalysis, authorized
from biotm.model.controls import CONTROLS
from biotm.model.loader import LoadedModel
from biotm.result import AuditResult

#: Attack edges already less likely than this count as cut: no control is needed on them.
CUT_IGNORE_BELOW = 0.05
SINK = "@sink"


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
    data_id = exposures[0].data[0]
    attack_graph = analysis.attack_graph
    overrides = loaded.model.settings.control_cost_days
    graph = attack_graph.graph
    g: nx.DiGraph[str] = nx.DiGraph()

    def cheapest(missing: tuple[str, ...]) -> tuple[float, Placed | None]:
        best: tuple[float, Placed | None] = (math.inf, None)
        for entry in sorted(missing):
            place, control = entry.split(":", 1)
            place = place.removeprefix(FLOW_PREFIX)
            if not fits(graph, place, control):
                continue  # a cut through a place that cannot carry the control is no cut
            if control in CONTROLS and (cost := cost_of(graph, [(place, control)], overrides)) < best[0]:
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
