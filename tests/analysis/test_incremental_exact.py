"""Every gain the planner measures incrementally equals what a full re-audit with the controls gives.

The plan never runs a whole audit per candidate (`biotm.analysis.incremental`); these tests run the whole
audit anyway, on every scenario and on random models, and compare: the risk each item claims to remove,
the chains it claims to break and the findings it claims to close.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from strategies import load_dict, models
from support import QUIET, run

from biotm.analysis.exposure import rule_reported
from biotm.analysis.mitigation import _Entry, _Planner, collect
from biotm.analysis.risk import OPEN, risk_of
from biotm.analysis.stage import analyze_attacks
from biotm.analysis.whatif import with_controls
from biotm.graph import build_graph
from biotm.model.loader import LoadedModel, load_model
from biotm.result import AuditResult

SCENARIOS = sorted((Path(__file__).resolve().parents[2] / "scenarios").glob("*.yaml"))
TOLERANCE = 1e-9


def closed(before: AuditResult, after: AuditResult) -> list[str]:
    new = {f.id: f for f in after.findings if f.status in OPEN}
    return sorted(f.id for f in before.findings if f.status in OPEN and (f.id not in new or new[f.id].risk < f.risk))


def check_plan_against_full_audits(loaded: LoadedModel, items: int, budget: float | None = None) -> None:
    plan = run(loaded, plan=True, plan_items=items, budget_days=budget).plan
    assert plan is not None
    previous = run(loaded)
    assert abs(plan.risk_before - risk_of(previous)) <= TOLERANCE
    placed: list[tuple[str, str]] = []
    for item in plan.items:
        placed += [(m.split(":", 1)[0], m.split(":", 1)[1]) for m in item.members]
        after = run(with_controls(loaded, placed))
        assert abs((risk_of(previous) - risk_of(after)) - item.risk_removed) <= TOLERANCE, item
        assert item.breaks_chains == sorted({c.id for c in previous.chains} - {c.id for c in after.chains}), item
        assert item.closes == closed(previous, after), item
        previous = after
    assert abs(risk_of(previous) - plan.risk_after) <= TOLERANCE


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.name)
def test_every_claimed_gain_on_every_scenario_is_the_reaudited_difference(path: Path) -> None:
    check_plan_against_full_audits(load_model(path), items=8)


def measured_against_full(loaded: LoadedModel, limit: int) -> None:
    """The first `limit` candidates, each measured alone on the unchanged model, against a full re-audit."""
    result = run(loaded)
    graph = build_graph(loaded)
    analysis = analyze_attacks(graph, (), rule_reported(result.findings))  # as the pipeline's attack stage does
    planner = _Planner(graph, result, analysis, QUIET)
    before = risk_of(result)
    for candidate in collect(graph, result, analysis)[:limit]:
        entry = _Entry(candidate, 1.0)
        planner.measure(entry, 0)
        full = risk_of(run(with_controls(loaded, list(candidate.controls))))
        assert abs((before - full) - entry.gain) <= TOLERANCE, candidate


@settings(max_examples=20, deadline=None)
@given(models(max_elements=6, max_flows=8, max_data=4))
def test_incremental_gains_equal_full_reaudits_on_random_models(model: dict[str, Any]) -> None:
    measured_against_full(load_dict(model), limit=12)


@settings(max_examples=8, deadline=None)
@given(models(max_elements=6, max_flows=8, max_data=4))
def test_plans_on_random_models_claim_what_full_reaudits_give(model: dict[str, Any]) -> None:
    check_plan_against_full_audits(load_dict(model), items=6)
