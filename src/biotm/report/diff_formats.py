"""Renderings of a ModelDiff for `biotm diff`: terminal, json, markdown."""

from __future__ import annotations

import io
from collections.abc import Callable

from rich.console import Console
from rich.text import Text

from biotm.diff import ModelDiff
from biotm.escaping import terminal
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
        lines += table(["id", "title", "where", "severity", "status"],
                       ([code(c.id), text(c.title), " → ".join(code(p) for p in c.places),
                         f"{c.severity_before} → {c.severity_after}", f"{c.status_before} → {c.status_after}"]
                        for c in diff.changed))
    for title, chains in (("Chains opened", diff.chains_opened), ("Chains closed", diff.chains_closed)):
        if chains:
            lines += [f"## {title}", ""]
            lines += table(["chain", "attacker", "goal", "severity", "likelihood"],
                           ([code(c.id), code(c.who()), code(c.goal), c.severity, f"{c.likelihood:.2f}"]
                            for c in chains))
    while lines[-1] == "":
        lines.pop()
    return "\n".join(lines) + "\n"


def print_terminal(diff: ModelDiff, console: Console) -> None:
    """Three lines per change (what, severity, id; then the title and where, indented): a 4-column table
    folded every title into one word per line at 80 columns. File names, ids, titles and places pass through
    `terminal`, so they cannot send escape sequences; severities and statuses are the schema's words."""
    console.print(Text(f"biotm diff: {terminal(diff.base)} -> {terminal(diff.new)}", style="bold"))
    console.print(
        f"findings: {len(diff.new_findings)} new, {len(diff.resolved)} resolved, {len(diff.changed)} changed, "
        f"{diff.unchanged} unchanged",
        markup=False,
    )
    console.print(
        f"identity-theft chains: {len(diff.chains_opened)} opened, {len(diff.chains_closed)} closed", markup=False
    )
    console.print(f"risk {diff.risk_before:.3f} -> {diff.risk_after:.3f} (the mitigation plan's measure)", markup=False)
    rows: list[tuple[str, str, str, str, list[str]]] = []
    rows += [("new", f.id, f.severity, f.title, f.places) for f in diff.new_findings]
    rows += [("resolved", f.id, f.severity, f.title, f.places) for f in diff.resolved]
    rows += [("changed", c.id, f"{c.severity_before} -> {c.severity_after}",
              f"{c.title} ({c.status_before} -> {c.status_after})", c.places) for c in diff.changed]
    rows += [("chain opened", c.id, c.severity, f"{c.who()} obtains {c.goal}", []) for c in diff.chains_opened]
    rows += [("chain closed", c.id, c.severity, f"{c.who()} obtains {c.goal}", []) for c in diff.chains_closed]
    if not rows:
        return
    # One Text for every row, printed once: a console.print per line was most of the time of a large diff.
    body = Text()
    for change, item, severity, title, places in rows:
        body.append(f"{change:<12} ", style="bold")
        body.append(f"{severity:<8} {terminal(item)}\n" + " " * 4 + terminal(title) + "\n")
        if places:
            body.append(" " * 4 + "at " + terminal(" -> ".join(places)) + "\n")
    body.rstrip()
    console.print(body)


def render_terminal(diff: ModelDiff, width: int = 100) -> str:
    buffer = io.StringIO()
    print_terminal(diff, Console(file=buffer, width=width, color_system=None, force_terminal=False))
    return buffer.getvalue()


DIFF_FORMATS: dict[str, Callable[[ModelDiff], str]] = {
    "terminal": render_terminal,
    "json": render_json,
    "markdown": render_markdown,
}
