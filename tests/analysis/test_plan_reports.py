"""What the plan tells management: each item's why (chains first), its cost basis, why the plan stops, and which
chain breakers an auditor expects but the plan leaves out because items above already break their chains."""

from __future__ import annotations

import html as html_lib

from support import run, scenario

from biotm.analysis.candidates import _takes_login, fits
from biotm.graph import build_graph
from biotm.report import html, markdown
from biotm.result import AuditResult


def sim_plan(**changes: object) -> AuditResult:
    result = run(scenario(), plan=True, **changes)
    assert result.plan is not None and result.plan.items
    return result


def test_the_why_leads_with_the_chains_an_item_breaks_then_the_findings_it_lowers() -> None:
    plan = sim_plan().plan
    for item in plan.items:
        if item.breaks_chains:
            assert item.reason.startswith(f"breaks {len(item.breaks_chains)} identity-theft chain")
        elif item.closes:
            assert f"lowers {len(item.closes)} finding" in item.reason


def test_at_a_verifier_of_people_the_second_factor_is_proposed_not_staff_mfa() -> None:
    loaded = scenario()
    graph = build_graph(loaded)
    plan = run(loaded, plan=True, plan_items=60).plan
    assert plan is not None
    people = [e for e in graph.model.elements if e.verifies]
    verifiers = {e.id for e in people if not all(_takes_login(graph, v) for v in e.verifies)}
    members = [m.split(":", 1) for item in plan.items for m in item.members]
    assert not [(p, c) for p, c in members if p in verifiers and c == "mfa"]
    second = next(i for i in plan.items if i.control == "second-factor" and i.place == "realname_system")
    assert second.breaks_chains  # the SIM swaps on a live face and an ID number
    assert all(fits(graph, p, c) for p, c in members)


def test_a_chain_breaker_left_out_is_named_with_its_chains_and_the_item_that_broke_them() -> None:
    plan = sim_plan(budget_days=40).plan
    planned = {m for item in plan.items for m in item.members}
    assert plan.superseded
    for note in plan.superseded:
        if "superseded the same way" in note:
            continue  # the count of those not shown
        breaker, rest = note.split(": ", 1)
        controls, place = breaker.split(" at ")
        assert not {f"{place}:{c}" for c in controls.split(" + ")} <= planned  # not in the plan
        chains = int(rest.split(" chain", 1)[0])
        ranks = [int(r) for r in rest.split("all broken by ", 1)[1].replace("item ", "").split(" and ")]
        assert chains >= 1 and ranks and sum(len(plan.items[r - 1].breaks_chains) for r in ranks) >= chains


def test_markdown_and_html_show_each_cost_basis_the_stop_note_and_the_superseded_list() -> None:
    result = sim_plan(budget_days=40)
    plan = result.plan
    text = markdown.render(result)
    page = html_lib.unescape(html.render(result))
    for item in plan.items:
        assert item.cost_basis
        assert markdown.text(item.cost_basis) in text
        assert item.cost_basis in page
    assert markdown.text(plan.stopped) in text and plan.stopped in page
    for note in plan.superseded:
        assert markdown.text(note) in text and note in page


def test_a_zero_budget_report_says_why_the_plan_is_empty() -> None:
    result = run(scenario(), plan=True, budget_days=0)
    assert result.plan is not None and not result.plan.items
    assert "stopped by the budget" in markdown.render(result)
    assert "stopped by the budget" in html_lib.unescape(html.render(result))
