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
