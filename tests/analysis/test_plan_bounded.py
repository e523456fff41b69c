"""The plan's work bound: attack-stage re-runs capped by model size, what it leaves out said in the plan, and every
number it does claim still exact. The default never binds on a hand-written model."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from support import run, scenario

from biotm.analysis.plan_wording import SETUP_RUNS
from biotm.analysis.risk import risk_of
from biotm.analysis.whatif import with_controls
from biotm.graph import build_graph
from biotm.model.loader import load_model

SCENARIOS = sorted(p for p in (Path(__file__).parent.parent.parent / "scenarios").glob("*.yaml"))


def test_a_bound_plan_says_what_it_left_out_and_every_claim_stays_exact() -> None:
    loaded = scenario()
    graph = build_graph(loaded)
    places = len(graph.elements) + len(graph.flows)
    full = run(loaded, plan=True, plan_work=None).plan
    bound = run(loaded, plan=True, plan_work=(SETUP_RUNS + 2) * places).plan  # the set-up, then two re-runs
    assert full is not None and bound is not None and bound.items
    assert "Bounded:" not in full.stopped
    # the rule work bound scales with --plan-work too, and may bind as well: the wording then names both
    assert "Bounded:" in bound.stopped and re.search(r"after 2 (attack-stage )?re-runs", bound.stopped)
    assert "--plan-work" in bound.stopped
    assert bound.risk_after > full.risk_after  # the chain breakers need the attack stage
    previous = run(loaded)
    for item in bound.items:
        placed = [(m.split(":", 1)[0], m.split(":", 1)[1]) for m in item.members]
        loaded = with_controls(loaded, placed)
        after = run(loaded)
        assert abs((risk_of(previous) - risk_of(after)) - item.risk_removed) <= 1e-6, item
        previous = after
    assert abs(risk_of(previous) - bound.risk_after) <= 1e-6


@pytest.mark.parametrize("path", [p for p in SCENARIOS if not p.name.endswith("-hardened.yaml")], ids=lambda p: p.stem)
def test_the_default_bound_never_binds_on_a_shipped_scenario(path: Path) -> None:
    plan = run(load_model(str(path)), plan=True).plan
    assert plan is not None and "Bounded:" not in plan.stopped


def test_a_deferred_commit_that_changed_the_attack_outcome_makes_the_plan_again_without_deferring(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from biotm.analysis.incremental_attack import AttackState

    loaded = scenario()
    reference = run(loaded, plan=True).plan
    original = AttackState.flush
    missed: list[bool] = []

    def flush(self: AttackState) -> bool:
        same = original(self)
        if not missed:
            missed.append(True)
            return False  # as if a commit deferred with a zero attack bound had opened a chain
        return same

    monkeypatch.setattr(AttackState, "flush", flush)
    again = run(loaded, plan=True).plan
    assert missed and again == reference
