"""The lazy planner chooses what the exhaustive greedy re-audit chooses, because its keys are upper bounds.

The planner measures a candidate exactly only when its key (an upper bound of its gain) reaches the top.
If a key ever fell below the candidate's true gain, the plan would silently skip a better item: these
tests compare the plan with `exhaustive_plan` (every candidate measured exactly every round) on every
shipped scenario, and check the bounds themselves on random models after each committed item.

Bounded subset, for the suite's time: the first 10 items without a budget on each scenario;
`benchmarks/bench_plan.py --scenarios --items 20` compares 20 items with and without a budget.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given, settings
from strategies import load_dict, models
from support import QUIET, run

from biotm.analysis.exposure import rule_reported
from biotm.analysis.mitigation import Candidate, _bound, _Entry, _Planner, collect
from biotm.analysis.plan_reference import exhaustive_plan
from biotm.analysis.stage import analyze_attacks
from biotm.graph import build_graph
from biotm.model.loader import LoadedModel, load_model

SCENARIOS = sorted((Path(__file__).resolve().parents[2] / "scenarios").glob("*.yaml"))
ITEMS = 10


def exhaustive(loaded: LoadedModel, items: int) -> list[list[str]]:
    graph = build_graph(loaded)
    result = run(loaded)
    # the attack stage as the audit runs it: open places a rule of the run reports stand aside
    analysis = analyze_attacks(graph, reported=rule_reported(result.findings))
    return [i.members for i in exhaustive_plan(graph, result, analysis, QUIET, None, items)]


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.name)
def test_the_plan_is_the_exhaustive_greedy_plan_on_every_scenario(path: Path) -> None:
    loaded = load_model(path)
    plan = run(loaded, plan=True, plan_items=ITEMS).plan
    assert plan is not None and plan.items
    assert [i.members for i in plan.items] == exhaustive(loaded, ITEMS)


def check_bounds(loaded: LoadedModel, rounds: int) -> None:
    """After each of `rounds` committed items, every candidate's bound is at least its exact gain."""
    result = run(loaded)
    graph = build_graph(loaded)
    analysis = analyze_attacks(graph, reported=rule_reported(result.findings))
    planner = _Planner(graph, result, analysis, QUIET)
    entries = [_Entry(c, 1.0) for c in collect(graph, result, analysis)]
    for round_ in range(rounds):
        best: _Entry | None = None
        for entry in entries:
            _bound(planner, entry, round_)
            bound = entry.gain
            planner.measure(entry, round_)
            assert bound >= entry.gain - 1e-9, (round_, entry.candidate, bound, entry.gain)
            if entry.gain > 1e-9 and (best is None or entry.gain / entry.cost > best.gain / best.cost):
                best = entry
        if best is None:
            return
        planner.commit(best)


#: Found by the test below: mutual authentication on the one flow into an open store closes it (the store then
#: checks its callers), a lowering no attack edge lists as missing; the bound once left it out.
OPEN_STORE_ONE_CALLER = {
    "meta": {"name": "0"},
    "zones": [
        {"id": "a", "owner": "carrier", "jurisdiction": "CN", "internet_facing": True},
        {"id": "a-1", "owner": "carrier", "jurisdiction": "CN"},
    ],
    "elements": [
        {"id": "a", "type": "actor", "zone": "a"},
        {"id": "a-1", "type": "actor", "zone": "a"},
        {"id": "a-2", "type": "process", "zone": "a", "holds": ["a"]},
        {"id": "a-3", "type": "actor", "zone": "a"},
        {"id": "a-4", "type": "process", "zone": "a-1"},
    ],
    "data": [{"id": "a", "category": "biometric_sample", "modality": "face", "subjects": 0}],
    "flows": [
        {"id": "a-5", "source": "a", "target": "a-1"},
        {"id": "a-6", "source": "a", "target": "a-1"},
        {"id": "a-7", "source": "a", "target": "a-1"},
        {"id": "a-8", "source": "a-4", "target": "a-2"},
    ],
}


@settings(max_examples=25, deadline=None)
@given(models(max_elements=7, max_flows=9, max_data=4))
@example(model=OPEN_STORE_ONE_CALLER)
def test_every_bound_is_an_upper_bound_of_the_exact_gain_on_random_models(model: dict[str, Any]) -> None:
    check_bounds(load_dict(model), rounds=3)


def test_an_entitled_insiders_likelier_route_does_not_hide_an_attackers_route_from_the_bound() -> None:
    # exam-registration: the vendor is entitled to the face images (probability 1 where it stands); the
    # exposure finding is the leaked-data buyer's route through the handheld verifier (and an invigilator's
    # misuse of what it shows), which audit logging there lowers. The bound once ignored both routes and
    # the plan took this item two places late.
    loaded = load_model(SCENARIOS[0].parent / "exam-registration.yaml")
    plan = run(loaded, plan=True, plan_items=ITEMS).plan
    assert plan is not None
    result = run(loaded)
    graph = build_graph(loaded)
    analysis = analyze_attacks(graph, reported=rule_reported(result.findings))
    planner = _Planner(graph, result, analysis, QUIET)
    target = _Entry(Candidate((("handheld_verifier", "audit-logging"),), "test"), 1.0)
    planner.measure(target, 0)
    assert target.gain > 0  # the route the bound must not ignore is there
    for item in plan.items:
        if item.members == ["handheld_verifier:audit-logging"]:
            break
        placed = tuple((m.split(":", 1)[0], m.split(":", 1)[1]) for m in item.members)
        chosen = _Entry(Candidate(placed, "test"), 1.0)
        planner.measure(chosen, 0)
        planner.commit(chosen)
        _bound(planner, target, 1)
        bound = target.gain
        planner.measure(target, 1)
        assert bound >= target.gain - 1e-9, (item.members, bound, target.gain)
