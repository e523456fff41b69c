"""The attack searches' shortcuts give what the straightforward searches give.

Leaks stop the Dijkstra search once every data item has its nearest holder; k_paths runs Yen's algorithm
only on the nodes near enough to matter. Both are compared with a full search: leaks with the nearest
holder over every reachable node, k_paths with every simple path enumerated and sorted by length.
"""

from __future__ import annotations

import itertools
import math
from typing import Any

import pytest
from hypothesis import given, settings
from strategies import load_dict, models
from support import SCENARIO

import biotm.analysis.paths as paths
from biotm.analysis.attack_steps import walk_back
from biotm.analysis.attackers import attackers_for, entries, entry_zones
from biotm.analysis.numbers import Numbers
from biotm.analysis.paths import GOAL, START, AttackGraph, Edge, Leak, default_targets
from biotm.graph import build_graph
from biotm.model.loader import LoadedModel, load_model
from biotm.model.schema import Attacker

SCENARIOS = sorted(SCENARIO.parent.glob("*.yaml"))


def _full_leaks(attack_graph: AttackGraph, attacker: Attacker) -> dict[str, Leak]:
    """The nearest holder of every data item after searching the whole graph."""
    dist, into = attack_graph.dijkstra(attacker)
    floor = attack_graph.numbers.step["min-probability"]
    out = {}
    own = attack_graph.own_view(attacker)
    for data_id in sorted(attack_graph.holders):
        holders = [n for n in attack_graph.holders[data_id] if n in dist and data_id not in own.get(n, {})]
        best = min(((dist[n], n) for n in holders), default=None)
        if best is not None and math.exp(-best[0]) >= floor:
            out[data_id] = Leak(data_id, math.exp(-best[0]), best[1], walk_back(best[1], into))
    return attack_graph.finish(attacker, out)


def _all_paths(attack_graph: AttackGraph, attacker: Attacker, data_id: str) -> list[tuple[float, tuple[str, ...]]]:
    """Every simple path from the start to a holder of `data_id`, as (length in -log p, node ids), sorted."""
    holders = set(attack_graph.holders.get(data_id, ()))
    starts = attack_graph.start_edges(attacker)
    found: list[tuple[float, tuple[str, ...]]] = []

    def walk(path: tuple[str, ...], length: float) -> None:
        node = path[-1]
        if node in holders:
            found.append((length, (*path, GOAL)))
        row: dict[str, Edge] = starts if node == START else attack_graph.adjacency.get(node, {})
        for target, edge in row.items():
            if edge.probability > 0.0 and target not in path:
                walk((*path, target), length - math.log(edge.probability))

    walk((START,), 0.0)
    return sorted(found)


def _check(loaded: LoadedModel, k: int) -> int:
    graph = build_graph(loaded)
    attack_graph = AttackGraph(graph, Numbers.of(graph.model.settings))
    floor = attack_graph.numbers.step["min-probability"]
    compared = 0
    for attacker in attackers_for(graph):
        leaks = attack_graph.leaks(attacker)
        assert leaks == _full_leaks(attack_graph, attacker)
        scale = 1.5 - attacker.skill
        for data_id in default_targets(graph):
            if any(data_id in views for views in attack_graph.own_view(attacker).values()):
                continue  # an insider's own view: its path is the misuse step, not a search (test_attack_paths)
            every = _all_paths(attack_graph, attacker, data_id)
            if len(every) > 2000:
                continue
            got = attack_graph.k_paths(attacker, data_id, k)
            likely = [n for length, n in every[:k] if math.exp(-scale * length) >= floor * (1 + 1e-6)]
            assert len(likely) <= len(got) <= min(k, len(every))
            # Best first with the enumeration's lengths; distinct paths; where no two lengths tie, its very paths.
            routes = {nodes for _, nodes in every}
            seen = set()
            for i, (path, (length, nodes)) in enumerate(zip(got, every, strict=False)):
                assert path.probability >= floor
                assert math.isclose(-math.log(path.probability), scale * length, rel_tol=1e-9, abs_tol=1e-12)
                route = tuple(s.target for s in path.steps)
                assert route not in seen
                seen.add(route)
                assert any(tuple(n.removeprefix("flow:") for n in r[1:-1]) == route for r in routes)
                near = [x for x, _ in every[: i + 2]] + ([every[i - 1][0]] if i else [])
                if sum(math.isclose(x, length, rel_tol=1e-9, abs_tol=1e-12) for x in near) == 1:
                    assert route == tuple(n.removeprefix("flow:") for n in nodes[1:-1])
            compared += len(got)
    return compared


@pytest.mark.parametrize("before_min", [0, 100])
@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_leaks_and_k_paths_match_a_full_search_on_scenarios(
    path: Any, before_min: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(paths, "BEFORE_MIN", before_min)  # 0: the unreachability shortcut mostly gives up
    _check(load_model(str(path)), 4)


def test_the_scenario_comparison_is_not_vacuous() -> None:
    assert _check(load_model(str(SCENARIO)), 6) > 10


@settings(max_examples=60, deadline=None)
@given(models(max_elements=6, max_flows=9, max_data=4))
def test_leaks_and_k_paths_match_a_full_search_on_random_models(model: dict[str, Any]) -> None:
    for k in (1, 3):
        _check(load_dict(model), k)


def _networkx_paths(attack_graph: AttackGraph, attacker: Attacker, data_id: str, k: int) -> list[list[str]]:
    """The k best paths by networkx's Yen (what k_paths ran before), node ids inserted in sorted order."""
    import networkx as nx

    g: nx.DiGraph[str] = nx.DiGraph()
    rows = {**attack_graph.adjacency, START: attack_graph.start_edges(attacker)}
    for source in sorted(rows):
        for target in sorted(rows[source]):
            edge = rows[source][target]
            if edge.probability > 0.0:
                g.add_edge(source, target, weight=-math.log(edge.probability))
    for node in attack_graph.holders.get(data_id, []):
        g.add_edge(node, GOAL, weight=0.0)
    if START not in g or GOAL not in g or not nx.has_path(g, START, GOAL):
        return []
    return [p[1:-1] for p in itertools.islice(nx.shortest_simple_paths(g, START, GOAL, weight="weight"), k)]


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_k_paths_break_ties_as_networkx_did_on_scenarios(path: Any) -> None:
    graph = build_graph(load_model(str(path)))
    attack_graph = AttackGraph(graph, Numbers.of(graph.model.settings))
    for attacker in attackers_for(graph):
        for data_id in default_targets(graph):
            if any(data_id in views for views in attack_graph.own_view(attacker).values()):
                continue  # an insider's own view: its path is the misuse step, not a search
            got = [[s.target for s in p.steps] for p in attack_graph.k_paths(attacker, data_id, 4)]
            expected = _networkx_paths(attack_graph, attacker, data_id, 4)[: len(got)]
            assert got == [[n.removeprefix("flow:") for n in p] for p in expected]


def _priced(attack_graph: AttackGraph, source: str, target: str, kind: str, via: str) -> tuple[Any, ...]:
    """An edge priced control by control, as the attack graph did before it cached prices."""
    from biotm.analysis.numbers import ELEMENT_CONTROLS, FLOW_CONTROLS
    from biotm.analysis.paths import controls_at

    graph, numbers = attack_graph.graph, attack_graph.numbers
    probability = numbers.step[kind] if kind != "stand" else 1.0
    if kind == "insider-abuse":
        probability = min(1.0, probability * numbers.head_count(graph.elements[source].people))
    element = graph.elements.get(target)
    serves = element is not None and element.type.value != "device" and not (
        element.per_subject if element.per_subject is not None else element.subject_controlled
    )
    inbound = [f for f in graph.model.flows if f.target == target]
    # Callers who must all present a client certificate (every flow in is mutual), or whom the place verifies,
    # do not find an open place.
    mutual = (bool(inbound) and all(f.authentication.value == "mutual" or "mutual-authentication" in f.controls
                                   for f in inbound)) or bool(element is not None and element.verifies)
    if kind == "internet-reach" and serves and not mutual and not {"authentication", "mfa", "access-control"} & (
        controls_at(graph, target)
    ):
        probability = max(probability, numbers.step["internet-reach-open"])
    present, missing = [], []
    places = [(target, ELEMENT_CONTROLS.get(kind, ()))]
    if via in graph.flows:
        places.append((via, FLOW_CONTROLS.get(kind, ())))
    for place, relevant in places:
        for control in relevant:
            if control in controls_at(graph, place):
                probability *= numbers.factor(control)
                present.append(control)
            else:
                missing.append(f"{place}:{control}")
    return source, target, via, kind, probability, tuple(present), tuple(missing)


def _eager_rows(attack_graph: AttackGraph) -> dict[str, list[tuple[Any, ...]]]:
    """Every element's edges built flow by flow in model order, as the attack graph did before it built rows lazily."""
    from biotm.model.schema import ElementType

    graph = attack_graph.graph
    rows: dict[str, dict[str, tuple[Any, ...]]] = {e: {} for e in graph.elements}

    def add(edge: tuple[Any, ...]) -> None:
        row = rows[edge[0]]
        old = row.get(edge[1])
        if old is None or (edge[4], old[2]) > (old[4], edge[2]):
            row[edge[1]] = edge

    for flow in graph.model.flows:
        source_actor = graph.elements[flow.source].type is ElementType.ACTOR
        target_actor = graph.elements[flow.target].type is ElementType.ACTOR
        if source_actor and not target_actor:
            add(_priced(attack_graph, flow.source, flow.target, "insider-abuse", flow.id))
        elif target_actor and not source_actor:
            continue  # a display: the person reads it, no step into the system behind it
        elif not source_actor:
            add(_priced(attack_graph, flow.source, flow.target, "lateral", flow.id))
            add(_priced(attack_graph, flow.target, flow.source, "response", flow.id))
    return {e: list(row.values()) for e, row in rows.items()}


def _as_tuple(edge: Edge) -> tuple[Any, ...]:
    return edge.source, edge.target, edge.via, edge.kind, edge.probability, edge.present, edge.missing


def _check_graph(loaded: LoadedModel) -> None:
    graph = build_graph(loaded)
    attack_graph = AttackGraph(graph, Numbers.of(graph.model.settings))
    rows = {e: [_as_tuple(edge) for edge in row.values()] for e, row in attack_graph.adjacency.items()}
    assert rows == _eager_rows(attack_graph)  # same edges, same prices, same order
    zone_of = {e.id: e.zone for e in graph.model.elements}
    for attacker in attackers_for(graph):
        starts = attack_graph.start_edges(attacker)
        for edge in starts.values():
            assert type(edge) is Edge
            assert _as_tuple(edge) == _priced(attack_graph, START, edge.target, edge.kind, edge.via)
        # Which start edges exist: every entry, and every flow touching a zone the attacker listens in.
        zones = entry_zones(graph, attacker)
        listened = [f"flow:{f.id}" for f in graph.model.flows if {zone_of[f.source], zone_of[f.target]} & zones]
        assert sorted(starts) == sorted({*(e.element for e in entries(graph, attacker)), *listened})


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_rows_built_on_demand_match_the_model_order_build_on_scenarios(path: Any) -> None:
    _check_graph(load_model(str(path)))


@settings(max_examples=60, deadline=None)
@given(models(max_elements=6, max_flows=9, max_data=4))
def test_rows_built_on_demand_match_the_model_order_build_on_random_models(model: dict[str, Any]) -> None:
    _check_graph(load_dict(model))
