"""The mitigation plan on the SIM scenario: ranked, within budget, and true to a re-analysis."""

from __future__ import annotations

from support import run, scenario

from biotm.analysis.mitigation import risk_of
from biotm.analysis.whatif import with_controls


def test_plan_on_the_scenario_is_ranked_and_exact() -> None:
    loaded = scenario()
    result = run(loaded, plan=True, budget_days=25)
    plan = result.plan
    assert plan is not None and plan.items
    assert [i.rank for i in plan.items] == list(range(1, len(plan.items) + 1))
    assert plan.total_cost_days <= 25
    assert all(i.risk_removed >= 0 for i in plan.items)
    after = run(with_controls(loaded, [(i.place, i.control) for i in plan.items]))
    assert abs(risk_of(after) - plan.risk_after) < 1e-9
    assert plan.total_risk_removed == plan.risk_before - plan.risk_after


def test_zero_budget_plans_nothing() -> None:
    plan = run(scenario(), plan=True, budget_days=0).plan
    assert plan is not None and plan.items == [] and plan.total_risk_removed == 0


def test_analyze_plans_only_with_a_budget_and_keeps_it_short() -> None:
    assert run(scenario(), plan=None).plan is None
    result = run(scenario(), plan=None, budget_days=100)
    assert result.plan is not None and 0 < len(result.plan.items) <= 5
