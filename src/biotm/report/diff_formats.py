"""Renderings of a ModelDiff for `biotm diff`: terminal, json, markdown."""

from __future__ import annotations

import io
from collections.abc import Callable

from rich.console import Console
from rich.table import Table
from rich.text import Text

from biotm.diff import ModelDiff
from biotm.report.markdown import code, table, text


def render_json(diff: ModelDiff) -> str:
    return diff.model_dump_json(indent=2) + "\n"


def render_markdown(diff: ModelDiff) -> str:
    lines = [f"# biotm diff: {text(diff.base)} → {text(diff.new)}", ""]
    lines.append(
        f"{len(diff.new_findings)} new, {len(diff.resolved)} resolved, {len(diff.changed)} changed, "
        f"{diff.unchanged} unchanged findings; {len(diff.chains_opened)} identity-theft chains opened, "
        f"{len(diff.chains_closed)} closed."
    )
    lines.append("")
    for title, findings in (("New findings", diff.new_findings), ("Resolved findings", diff.resolved)):
        if findings:
            lines += [f"## {title}", ""]
            lines += table(["id", "severity", "title", "where"],
                           ([code(f.id), f.severity, text(f.title), " → ".join(code(p) for p in f.places)]
                            for f in findings))
    if diff.changed:
        lines += ["## Changed findings", ""]
        lines += table(["id", "title", "severity", "status"],
                       ([code(c.id), text(c.title), f"{c.severity_before} → {c.severity_after}",
                         f"{c.status_before} → {c.status_after}"] for c in diff.changed))
    for title, chains in (("Chains opened", diff.chains_opened), ("Chains closed", diff.chains_closed)):
        if chains:
            lines += [f"## {title}", ""]
            lines += table(["chain", "attacker", "goal", "severity", "likelihood"],
                           ([code(c.id), code(c.attacker), code(c.goal), c.severity, f"{c.likelihood:.2f}"]
                            for c in chains))
    while lines[-1] == "":
        lines.pop()
    return "\n".join(lines) + "\n"


def print_terminal(diff: ModelDiff, console: Console) -> None:
    console.print(Text(f"biotm diff: {diff.base} -> {diff.new}", style="bold"))
    console.print(
        f"{len(diff.new_findings)} new, {len(diff.resolved)} resolved, {len(diff.changed)} changed, "
        f"{diff.unchanged} unchanged; chains {len(diff.chains_opened)} opened, {len(diff.chains_closed)} closed",
        markup=False,
    )
    grid = Table(show_lines=False)
    grid.add_column("change", no_wrap=True)
    grid.add_column("id", no_wrap=True)
    grid.add_column("severity", no_wrap=True)
    grid.add_column("title", overflow="fold")
    for finding in diff.new_findings:
        grid.add_row("new", finding.id, finding.severity, Text(finding.title))
    for finding in diff.resolved:
        grid.add_row("resolved", finding.id, finding.severity, Text(finding.title))
    for change in diff.changed:
        grid.add_row("changed", change.id, f"{change.severity_before} -> {change.severity_after}",
                     Text(f"{change.title} ({change.status_before} -> {change.status_after})"))
    for chain in diff.chains_opened:
        grid.add_row("chain opened", chain.id, chain.severity, Text(f"{chain.attacker} obtains {chain.goal}"))
    for chain in diff.chains_closed:
        grid.add_row("chain closed", chain.id, chain.severity, Text(f"{chain.attacker} obtains {chain.goal}"))
    if grid.row_count:
        console.print(grid)


def render_terminal(diff: ModelDiff) -> str:
    buffer = io.StringIO()
    print_terminal(diff, Console(file=buffer, width=120, color_system=None, force_terminal=False))
    return buffer.getvalue()


DIFF_FORMATS: dict[str, Callable[[ModelDiff], str]] = {
    "terminal": render_terminal,
    "json": render_json,
    "markdown": render_markdown,
}
