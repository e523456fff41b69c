"""The Markdown report's plan and what-if sections."""

from __future__ import annotations

from collections.abc import Iterator

from biotm.report import view
from biotm.report.markdown_text import code, codes, table, text
from biotm.report.view import SUPERSEDED_LEAD
from biotm.result import AuditResult


def plan(result: AuditResult) -> Iterator[str]:
    yield "## Mitigation plan"
    yield ""
    if result.plan is None:
        yield "No mitigation plan."
        yield ""
        return
    p = result.plan
    if not p.items:
        yield f"No mitigation plan item: {text(p.stopped)}." if p.stopped else "No mitigation plan item."
        yield ""
        return
    budget = f"a budget of {view.days(p.budget_days)} days" if p.budget_days is not None else "no budget limit"
    yield (
        f"Method {text(p.method)} with {budget}: {view.days(p.total_cost_days)} days of work remove "
        f"{p.total_risk_removed:.2f} risk ({p.risk_before:.2f} → {p.risk_after:.2f})."
    )
    yield ""
    yield from table(
        ["rank", "control", "where", "cost (days)", "how the cost is computed", "risk removed", "closes or lowers",
         "breaks chains", "why"],
        (
            [str(i.rank), code(i.control), code(i.place), view.days(i.cost_days), text(i.cost_basis),
             f"{i.risk_removed:.2f}", codes(i.closes), codes(i.breaks_chains), text(i.reason)]
            for i in p.items
        ),
    )
    if p.stopped:
        yield f"{p.candidates} candidates considered; {text(p.stopped)}."
        yield ""
    if p.superseded:
        yield f"{SUPERSEDED_LEAD}:"
        yield ""
        yield from (f"- {text(note)}" for note in p.superseded)
        yield ""


def what_if(result: AuditResult) -> Iterator[str]:
    if not result.what_if:
        return
    yield "## What if"
    yield ""
    yield f"Assuming {codes(result.what_if)} in place, these findings change:"
    yield ""
    yield from table(
        ["finding", "rule", "before", "after", "risk"],
        ([code(d.finding), code(d.rule), d.before or "gone", d.after or "gone",
          f"{d.risk_before:.2f} → {d.risk_after:.2f}"] for d in result.what_if_deltas),
    )
