"""The minimum cut between attackers and the riskiest exposed data item, offered as one plan candidate.

When many attack routes converge on one store, the cheapest set of controls that lowers every one of
them at once is a minimum s-t cut of the attack graph with each edge's capacity the cost of the
cheapest control it lacks (networkx preflow-push max-flow).
"""

from __future__ import annotations

import math
from collections import defaultdict

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
    priced: dict[tuple[str, ...], tuple[float, Placed | None]] = {}

    def cheapest(missing: tuple[str, ...]) -> tuple[float, Placed | None]:
        # Once per distinct list: each attacker's start edges into a place lack the same controls there.
        found = priced.get(missing)
        if found is not None:
            return found
        best: tuple[float, Placed | None] = (math.inf, None)
        for entry in sorted(missing):
            place, control = entry.split(":", 1)
            place = place.removeprefix(FLOW_PREFIX)
            if not fits(graph, place, control):
                continue  # a cut through a place that cannot carry the control is no cut
            if control in CONTROLS and (cost := cost_of(graph, [(place, control)], overrides)) < best[0]:
                best = (cost, (place, control))
        priced[missing] = best
        return best

    # Inserted by id: which of several equally cheap cuts max-flow finds depends on insertion order.
    edges: list[tuple[str, str, tuple[str, ...] | None]] = []  # None: an infinite edge that carries no control
    for source in sorted(attack_graph.adjacency):
        row = attack_graph.adjacency[source]
        for target in sorted(row):
            edge = row[target]
            if edge.probability >= CUT_IGNORE_BELOW:
                edges.append((source, target, edge.missing))
    for attacker in analysis.attackers:
        if data_id in authorized(attack_graph, attacker):
            continue
        start = f"{START}:{attacker.id}"
        edges.append((START, start, None))
        for target, edge in sorted(attack_graph.start_edges(attacker).items()):
            if edge.probability >= CUT_IGNORE_BELOW:
                edges.append((start, target, edge.missing))
    edges.extend((node, SINK, None) for node in attack_graph.holders.get(data_id, []))
    g: nx.DiGraph[str] = nx.DiGraph()
    # Only edges on some route from an attacker to the data can carry flow or be cut: pricing and max-flow skip
    # the rest (most of a dense model's attack graph leads elsewhere).
    live = _between(edges, START, SINK)
    if START not in live:
        return None  # no attacker reaches the data over edges worth cutting
    for source, target, missing in edges:
        if source in live and target in live:
            cost, control = (math.inf, None) if missing is None else cheapest(missing)
            g.add_edge(source, target, capacity=cost, control=control)
    controls = cut_controls(g)
    if not controls:
        return None
    return tuple(sorted(controls)), f"minimum cut between attackers and '{data_id}'"


def cut_controls(g: nx.DiGraph[str]) -> set[Placed]:
    """The controls on the edges of `g`'s minimum START-SINK cut by capacity (none when no finite cut exists)."""
    try:
        value, (reachable, _) = nx.minimum_cut(g, START, SINK, capacity="capacity")
    except nx.NetworkXUnbounded:
        return set()
    if not math.isfinite(value):
        return set()
    controls: set[Placed] = set()
    for u, v, attributes in g.edges(data=True):
        if u in reachable and v not in reachable and attributes["control"] is not None:
            place, control = attributes["control"]
            controls.add((place.removeprefix(FLOW_PREFIX), control))
    return controls


def _between(edges: list[tuple[str, str, tuple[str, ...] | None]], source: str, sink: str) -> set[str]:
    """The nodes on some path from `source` to `sink` over `edges`."""
    forward: dict[str, list[str]] = defaultdict(list)
    backward: dict[str, list[str]] = defaultdict(list)
    for u, v, _ in edges:
        forward[u].append(v)
        backward[v].append(u)
    return _reached(forward, source) & _reached(backward, sink)


def _reached(adjacency: dict[str, list[str]], start: str) -> set[str]:
    seen = {start}
    stack = [start]
    while stack:
        for nxt in adjacency.get(stack.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return seen
