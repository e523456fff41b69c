"""The terminal report's what-if and mitigation-plan sections."""

from __future__ import annotations

from rich.console import RenderableType
from rich.markup import escape
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from biotm.report import view
from biotm.report.terminal_layout import TableOrTree, prose_column, whole_column
from biotm.result import AuditResult, WhatIfDelta

__all__ = ["plan_section", "what_if_section"]


def _chain_effect(delta: WhatIfDelta) -> str:
    """'broken by' only when the chain's finding is gone; a chain still there was only lowered."""
    if not delta.broken_by:
        return ""
    verb = "broken by" if delta.after is None else "lowered by"
    return f"{verb} {', '.join(delta.broken_by)}"


def what_if_section(result: AuditResult) -> RenderableType:
    title = "What if: " + ", ".join(result.what_if)
    rows = [
        (
            delta.finding,
            delta.rule,
            delta.before or "gone",
            delta.after or "gone",
            f"{delta.risk_before:.3f} -> {delta.risk_after:.3f}",
            _chain_effect(delta),
        )
        for delta in result.what_if_deltas
    ]
    table = Table(title=title, title_justify="left")
    for index, header in enumerate(("finding", "rule", "before", "after", "risk")):
        whole_column(table, header, [row[index] for row in rows])
    prose_column(table, "chain")
    tree = Tree(Text(title, style="italic"), guide_style="dim")
    for row in rows:
        table.add_row(*(escape(cell) for cell in row))
        node = tree.add(Text(f"{row[0]}  {row[1]}", style="bold"))
        node.add(Text(f"{row[2]} -> {row[3]}, risk {row[4]}"))
        if row[5]:
            node.add(Text(row[5]))
    return TableOrTree(table, tree)


def plan_section(result: AuditResult) -> RenderableType:
    plan = result.plan
    if plan is None:
        return Text("No mitigation plan.")
    budget = "no budget" if plan.budget_days is None else f"budget {view.person_days(plan.budget_days)}"
    title = (
        f"Mitigation plan ({budget}): risk {plan.risk_before:.3f} -> {plan.risk_after:.3f} "
        f"for {view.person_days(plan.total_cost_days)}"
    )
    if not plan.items and plan.stopped:  # an empty table says nothing; why there is no item does
        return Text(f"{title}\nNo mitigation plan item: {plan.stopped}.")
    rows = [
        (
            str(item.rank),
            item.control,
            item.place.replace(", ", "\n"),  # one place a line: an obligation's places keep the table narrow
            view.days(item.cost_days),
            f"{item.risk_removed:.3f}",
            str(len(item.closes)),
            str(len(item.breaks_chains)),
            f"{item.reason}; cost {item.cost_basis}" if item.cost_basis else item.reason,
        )
        for item in plan.items
    ]
    caption = f"{plan.method}; {plan.candidates} candidates. {plan.stopped}." if plan.stopped else plan.method
    if plan.superseded:  # why a control an auditor expects first is not planned: items above already did its work
        caption += f" {view.SUPERSEDED_LEAD}: " + "; ".join(plan.superseded) + "."
    table = Table(title=title, title_justify="left", caption=caption)
    for index, header in enumerate(("#", "control", "place", "days", "risk removed", "findings", "breaks chains")):
        whole_column(table, header, [row[index] for row in rows])
    prose_column(table, "why, and the cost")
    tree = Tree(Text(title, style="italic"), guide_style="dim")
    for rank, control, place, days, removed, closes, chains, why in rows:
        node = tree.add(Text(f"{rank}. {control} @ {place.replace(chr(10), ', ')}", style="bold"))
        node.add(Text(f"{view.person_days(float(days))}, risk removed {removed}, {_gain(int(closes), int(chains))}"))
        node.add(Text(why))
        table.add_row(*(escape(cell) for cell in (rank, control, place, days, removed, closes, chains, why)))
    tree.add(Text(caption, style="dim"))
    return TableOrTree(table, tree)


def _gain(findings: int, chains: int) -> str:
    """'closes or lowers 2 findings, breaks 1 chain' (no chain count when it breaks none)."""
    text = f"closes or lowers {findings} finding{'' if findings == 1 else 's'}"
    return text + (f", breaks {chains} chain{'' if chains == 1 else 's'}" if chains else "")
