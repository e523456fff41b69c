"""The minimum cut: where every attack route to the riskiest exposed data passes one place, the plan offers
the cheapest control there as the cut, says so, and that control alone closes every route."""

from __future__ import annotations

from support import HERE, run

from biotm.analysis.candidates import cost_of
from biotm.analysis.mincut import min_cut
from biotm.analysis.risk import risk_of
from biotm.analysis.stage import analyze_attacks
from biotm.analysis.whatif import with_controls
from biotm.graph import build_graph
from biotm.model.loader import LoadedModel, load_model

FIXTURE = HERE / "fixtures" / "converging-routes.yaml"
DATA = "face_template"


def routes(loaded: LoadedModel) -> dict[str, float]:
    """Each attacker's likeliest route to the template, by probability."""
    analysis = analyze_attacks(build_graph(loaded))
    return {a: leaks[DATA].probability for a, leaks in analysis.leaks.items() if DATA in leaks}


def test_one_control_on_the_converging_hop_is_the_min_cut_and_the_plan_says_so() -> None:
    loaded = load_model(FIXTURE)
    graph = build_graph(loaded)
    analysis = analyze_attacks(graph)
    result = run(loaded)
    cut = min_cut(analysis, result, loaded)
    assert cut is not None
    members, reason = cut
    assert len(members) == 1 and members[0][0] == "vault" and "minimum cut" in reason
    # every route's last hop is into the vault and lacks the cut's control there
    for leaks in analysis.leaks.values():
        if DATA in leaks:
            assert f"vault:{members[0][1]}" in leaks[DATA].edges[-1].missing
    # the cheapest control that lowers that hop: cutting each entry instead costs more
    lacking = [m.split(":", 1) for m in next(iter(analysis.leaks.values()))[DATA].edges[-1].missing]
    cheapest = min(cost_of(graph, [(p, c)], {}) for p, c in lacking if p == "vault")
    assert cost_of(graph, list(members), {}) == cheapest
    plan = run(loaded, plan=True).plan
    assert plan is not None
    item = next(i for i in plan.items if i.members == [f"{p}:{c}" for p, c in members])
    assert item.reason.startswith(reason) and item.risk_removed > 0  # says it is the cut, then what it lowers


def test_the_cut_lowers_every_route_and_removing_it_reopens_them() -> None:
    loaded = load_model(FIXTURE)
    before = routes(loaded)
    assert len(before) >= 2  # several attackers, several entries
    members, _ = min_cut(analyze_attacks(build_graph(loaded)), run(loaded), loaded) or ((), "")
    hardened = with_controls(loaded, list(members))
    cut = routes(hardened)
    assert all(cut.get(a, 0.0) < p for a, p in before.items())  # every attacker's route is lowered
    assert risk_of(run(hardened)) < risk_of(run(loaded))
    # the same model without the cut's control: every route is back at its old likelihood
    reopened = routes(load_model(FIXTURE))
    assert reopened == before and all(reopened[a] > cut.get(a, 0.0) for a in before)


def _whole_graph_cut(loaded: LoadedModel) -> tuple[tuple[tuple[str, str], ...], str] | None:
    """The cut over every attack edge worth cutting, priced edge by edge (what `min_cut` computed before it
    left out the edges on no route from an attacker to the data)."""
    import math

    import networkx as nx

    from biotm.analysis.candidates import fits
    from biotm.analysis.mincut import CUT_IGNORE_BELOW, SINK, cut_controls
    from biotm.analysis.paths import FLOW_PREFIX, START
    from biotm.analysis.risk import OPEN
    from biotm.analysis.stage import EXPOSURE_RULE, authorized
    from biotm.model.controls import CONTROLS

    graph = build_graph(loaded)
    analysis = analyze_attacks(graph)
    result = run(loaded)
    exposures = sorted(
        (f for f in result.findings if f.rule == EXPOSURE_RULE and f.status in OPEN), key=lambda f: (-f.risk, f.id)
    )
    if not exposures:
        return None
    data_id, attack_graph = exposures[0].data[0], analysis.attack_graph
    overrides = loaded.model.settings.control_cost_days

    def cheapest(missing: tuple[str, ...]) -> tuple[float, tuple[str, str] | None]:
        best: tuple[float, tuple[str, str] | None] = (math.inf, None)
        for entry in sorted(missing):
            place, control = entry.split(":", 1)
            place = place.removeprefix(FLOW_PREFIX)
            if fits(attack_graph.graph, place, control) and control in CONTROLS:
                cost = cost_of(attack_graph.graph, [(place, control)], overrides)
                if cost < best[0]:
                    best = (cost, (place, control))
        return best

    g: nx.DiGraph[str] = nx.DiGraph()
    for source, row in sorted(attack_graph.adjacency.items()):
        for target, edge in sorted(row.items()):
            if edge.probability >= CUT_IGNORE_BELOW:
                cost, control = cheapest(edge.missing)
                g.add_edge(source, target, capacity=cost, control=control)
    for attacker in analysis.attackers:
        if data_id in authorized(attack_graph, attacker):
            continue
        g.add_edge(START, f"{START}:{attacker.id}", capacity=math.inf, control=None)
        for target, edge in sorted(attack_graph.start_edges(attacker).items()):
            if edge.probability >= CUT_IGNORE_BELOW:
                cost, control = cheapest(edge.missing)
                g.add_edge(f"{START}:{attacker.id}", target, capacity=cost, control=control)
    for node in attack_graph.holders.get(data_id, []):
        g.add_edge(node, SINK, capacity=math.inf, control=None)
    if START not in g or SINK not in g:
        return None
    controls = cut_controls(g)  # the same cut of a graph; what differs is which graph
    return (tuple(sorted(controls)), f"minimum cut between attackers and '{data_id}'") if controls else None


SCENARIOS = sorted((HERE.parents[1] / "scenarios").glob("*.yaml"))


def test_the_cut_is_the_cut_of_the_whole_attack_graph_on_every_scenario_and_fixture() -> None:
    """Leaving out the edges that lead elsewhere (most of a dense model's attack graph) changes no cut: every
    capacity is a positive cost, so those edges carry no flow and no cut crosses them."""
    cuts = 0
    for path in [FIXTURE, *SCENARIOS, *sorted((HERE / "fixtures").glob("*.yaml"))]:
        loaded = load_model(path)
        expected = _whole_graph_cut(loaded)
        assert min_cut(analyze_attacks(build_graph(loaded)), run(loaded), loaded) == expected, path.name
        cuts += expected is not None
    assert cuts >= 5  # the comparison is of real cuts, not of two Nones
