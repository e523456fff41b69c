"""Terminal report: the AuditResult as rich renderables (tables, trees, panels)."""

from __future__ import annotations

import io
from collections.abc import Iterator

from rich.console import Console, Group, RenderableType
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from biotm import escaping
from biotm.report import ReportOptions, grouping, view
from biotm.report.factor_text import likelihood_text
from biotm.report.place_names import evidence_text, place_joiner, title_text, ways_text
from biotm.report.terminal_layout import prose_column
from biotm.report.terminal_plan import plan_section, what_if_section
from biotm.report.view import printable_result
from biotm.result import OPEN_STATUSES, SEVERITIES, AttackPath, AuditResult, Finding

SEVERITY_STYLE = {
    "critical": "bold white on red",
    "high": "bold red",
    "medium": "yellow",
    "low": "cyan",
    "info": "dim",
}


def _count(number: int, noun: str, plural: str | None = None) -> str:
    """`1 attacker`, `2 attackers`: the noun agrees with the number."""
    return f"{number} {noun if number == 1 else plural or noun + 's'}"


def summary_panel(result: AuditResult) -> Panel:
    s = result.summary
    c = s.counts
    lines = Text()
    lines.append(f"{s.name}", style="bold")
    if s.version:
        lines.append(f"  v{s.version}")
    lines.append(f"\n{s.file}\n", style="dim")
    lines.append(
        f"{_count(c.zones, 'zone')}, {_count(c.elements, 'element')}, {_count(c.flows, 'flow')}, "
        f"{_count(c.data, 'data item')} ({c.biometric_data} biometric), {_count(c.attackers, 'attacker')}\n"
    )
    plural = "" if s.max_subjects == 1 else "s"
    lines.append(f"Largest population: {view.people(s.max_subjects)} data subject{plural}\n")
    if s.irrevocable_data:
        lines.append("Irrevocable data: ", style="bold")
        lines.append(", ".join(s.irrevocable_data) + "\n")
    counts = {sev: 0 for sev in SEVERITIES}
    for finding in result.findings:
        if finding.status in OPEN_STATUSES:
            counts[finding.severity] += 1
    lines.append("Open findings: ")
    for sev in SEVERITIES:
        lines.append(f"{counts[sev]} {sev}", style=SEVERITY_STYLE[sev])
        lines.append("  ")
    return Panel(lines, title="biotm audit", expand=False)


#: Names listed per lineage line; the rest are counted. A national model's data reaches thousands of elements.
LIST_AT_MOST = 6


def _some(names: list[str], limit: int = LIST_AT_MOST) -> str:
    """`a, b, c` or, past `limit`, `a, b, … (+N more)`; the JSON, Markdown and HTML reports list them all."""
    if len(names) <= limit:
        return ", ".join(names)
    return ", ".join(names[:limit]) + f", … (+{len(names) - limit} more)"


def lineage_tree(result: AuditResult) -> Tree:
    """One branch per data item with labelled lines: readable at 80 columns, where an 8-column table
    folded every cell into a tall column of fragments."""
    tree = Tree(Text("Where each data item goes", style="italic"), guide_style="dim")
    for entry in result.lineage:
        head = Text()
        head.append(entry.data, style="bold")
        head.append(f"  {entry.category}, {view.people(entry.subjects)} subject{'' if entry.subjects == 1 else 's'}",
                    style="dim")
        branch = tree.add(head)
        lines = [
            ("collected at", entry.collected_at),
            ("derived from", entry.derived_from),
            ("derives", entry.derives),
            ("stored at", entry.stored_at),
            (f"reaches {len(entry.reaches)} element{'' if len(entry.reaches) == 1 else 's'}", entry.reaches),
            ("owners", entry.owners),
        ]
        for label, names in lines:
            if names:
                line = Text()
                line.append(f"{label}: ", style="bold")
                line.append(_some(names))
                branch.add(line)
    return tree


#: Crossings listed one by one; a national model has thousands (two lines each).
CROSSINGS_SHOWN = 40


def crossings_tree(result: AuditResult) -> Tree:
    """One line per flow leaving a zone (route, kind), its data below: a 5-column table folded at 80 columns."""
    tree = Tree(Text("Boundary crossings", style="italic"), guide_style="dim")
    for crossing in result.crossings[:CROSSINGS_SHOWN]:
        head = Text()
        head.append(crossing.flow, style="bold")
        head.append(f"  {crossing.source} ({crossing.source_zone}) -> {crossing.target} ({crossing.target_zone})")
        flags = (("disclosure", crossing.disclosure), ("cross-border", crossing.cross_border))
        kinds = [kind for kind, on in flags if on]
        if kinds:
            head.append(f"  {', '.join(kinds)}", style="yellow")
        tree.add(head).add(Text("carries: " + _some(crossing.data)))
    rest = result.crossings[CROSSINGS_SHOWN:]
    if rest:
        disclosures = sum(1 for c in rest if c.disclosure)
        abroad = sum(1 for c in rest if c.cross_border)
        tree.add(Text(f"… {len(rest)} more ({disclosures} disclosures, {abroad} cross-border); "
                      "-f html, markdown or json lists them all", style="bold"))
    return tree


def warnings_table(result: AuditResult) -> Table:
    table = Table(title="Model warnings", title_justify="left")
    table.add_column("where", no_wrap=True)
    prose_column(table, "warning")
    listed, more = view.shown_warnings(result)
    for warning in listed:
        where = f"{warning.location.line}:{warning.location.column}" if warning.location else ""
        table.add_row(where, escape(warning.message))
    if more:
        table.caption, table.caption_justify = more, "left"
    return table


def finding_tree(result: AuditResult, finding: Finding, group: grouping.FindingGroup | None = None) -> Tree:
    """One finding, or a group as its worst member (`finding`) with the group's id, size and risk range."""
    grouped = group is not None and group.grouped
    head = Text()
    head.append(f"[{finding.severity}] ", style=SEVERITY_STYLE[finding.severity])
    head.append(group.headline if group is not None and grouped else title_text(result, finding), style="bold")
    if group is not None and grouped:
        head.append(f"  {finding.rule}, group {group.id}", style="dim")
    else:
        head.append(f"  {finding.rule} @ {place_joiner(finding, ' > ').join(finding.places)}", style="dim")
    if finding.status != "open":
        head.append(f"  ({finding.status})", style="italic")
    tree = Tree(head)
    if group is not None and grouped:
        worst = place_joiner(finding, " > ").join(finding.places)
        tree.add(Text(f"{group.risks} at the {group.size:,} places; the worst, {worst}, in full:",
                      style="bold"))
    tree.add(Text(evidence_text(result, finding)))
    note = view.tracking_note(finding)
    if note:
        tree.add(Text(f"{finding.status}: {note}", style="italic"))
    tree.add(Text(f"likelihood {likelihood_text(finding)}"))
    tree.add(
        Text(
            f"impact {finding.impact:.2f}: "
            + "; ".join(f"{f.reason} ({f.effect:+.2f})" for f in finding.impact_factors)
        )
    )
    if finding.mitigations:
        tree.add(Text("mitigate with: " + ", ".join(finding.mitigations)))
    if finding.regulations:
        tree.add(Text("regulations: " + ", ".join(finding.regulations)))
    if finding.location:
        tree.add(Text(f"{finding.location.file}:{finding.location.line}:{finding.location.column}", style="dim"))
    return tree


#: Findings of one rule and cause at many alike places are one tree (report/grouping.py): a 2,000-element model
#: has ~6,600 findings (90,000 lines) but about a hundred groups.
def findings_section(result: AuditResult, top: int | None = None) -> Iterator[RenderableType]:
    every = grouping.groups(result)
    shown = grouping.top_groups(every, top)
    for severity in SEVERITIES:
        members = [g for g in shown if g.lead.severity == severity]
        if not members:
            continue
        yield Text(f"\n{severity.upper()} ({sum(g.size for g in members)})", style=SEVERITY_STYLE[severity])
        for group in members:
            tree = finding_tree(result, group.lead, group)
            if group.grouped:
                line = Text(f"all {group.size:,} {group.noun}: ", style="bold")
                line.append(_some([place_joiner(f, " > ").join(f.places) for f in group.findings]))
                tree.add(line)
            yield tree
    if len(shown) != len(every) and top is None:
        # HTML, Markdown and the PDF show the same first groups unless told: only the registers hold every one
        yield Text(f"\nThe first {len(shown)} of {len(every):,} groups, worst first: --top N shows more (0 shows "
                   "all); -f json, csv or xlsx lists every finding.", style="dim")
        return
    if len(shown) != len(every):
        yield Text(f"\nThe first {len(shown)} of {len(every):,} groups, worst first (--top).", style="dim")
    if any(g.grouped for g in shown):
        yield Text("\n-f html, markdown or json lists every finding in full.", style="dim")


def renderables(result: AuditResult, options: ReportOptions | None = None) -> Iterator[RenderableType]:
    options = options or ReportOptions()
    yield summary_panel(result)
    if options.summary_only:
        yield Text("Summary only (--summary-only): run without it for the findings, chains and plan.", style="dim")
        return
    yield lineage_tree(result)
    if result.crossings:
        yield crossings_tree(result)
    if result.warnings:
        yield warnings_table(result)
    if result.findings:
        yield Group(*findings_section(result, options.top))
    yield from attack_sections(result)


def print_report(result: AuditResult, console: Console, options: ReportOptions | None = None) -> None:
    """Print every section; model text cannot send escape sequences to the terminal."""
    for renderable in renderables(printable_result(result, escaping.terminal), options):
        console.print(renderable)


#: Columns of the plain-text report when nobody asks for another width.
TEXT_WIDTH = 100


def render(result: AuditResult, width: int = TEXT_WIDTH) -> str:
    return render_with(result, ReportOptions(width=width))


def render_with(result: AuditResult, options: ReportOptions) -> str:
    """Plain text (no colour codes) at a fixed width, for files and pipes."""
    buffer = io.StringIO()
    console = Console(file=buffer, width=options.width, color_system=None, force_terminal=False, record=False)
    print_report(result, console, options)
    return buffer.getvalue()


# -- attack paths, theft chains, what-if and the mitigation plan ------------------------------------
def paths_section(paths: list[AttackPath]) -> RenderableType:
    """Attack paths as one tree per (attacker, target), most likely first."""
    root = Tree(Text(f"Attack paths ({len(paths)})", style="bold"))
    branches: dict[tuple[str, str], Tree] = {}
    for path in paths:
        key = (path.attacker, path.target_data)
        if key not in branches:
            branches[key] = root.add(Text(f"{path.attacker} -> {path.target_data}", style="bold"))
        node = branches[key].add(Text(f"p={path.probability:.3g}, obtained at {path.reaches}"))
        for step in path.steps:
            node.add(Text(f"{step.source} -[{step.via}]-> {step.target}  p={step.probability:.3g}: {step.reason}"))
    return root


#: Chains and attacker-target pairs shown in full; a national model has thousands of each.
FULL_CHAINS = 20
FULL_PATH_PAIRS = 20


def _more(count: int, what: str) -> Text:
    return Text(f"… {count} more {what}; -f html, markdown or json lists them all.", style="dim")


def chains_section(result: AuditResult) -> RenderableType:
    root = Tree(Text(f"Identity-theft chains ({len(result.chains)})", style="bold"))
    likeliest = sorted(result.chains, key=lambda c: (-c.likelihood, c.id))[:FULL_CHAINS]
    for chain in [c for c in result.chains if c in likeliest]:
        head = Text()
        head.append(f"[{chain.severity}] ", style=SEVERITY_STYLE[chain.severity])
        head.append(f"{chain.who()} -> {chain.goal}", style="bold")
        head.append(f"  likelihood {chain.likelihood:.3g}, {view.persons(chain.subjects)}", style="dim")
        node = root.add(head)
        for step in chain.steps:
            where = "" if step.verifier == "leak" else f"@ {view.label(result, step.verifier)}: "
            evidence = f" - {step.evidence}" if step.evidence.strip() else ""
            node.add(Text(f"{where}{step.action} ({step.likelihood:.3g}){evidence}"))
        if chain.broken_by:
            node.add(Text("broken by: " + ways_text(result, chain.broken_by), style="green"))
    if len(result.chains) > FULL_CHAINS:
        root.add(_more(len(result.chains) - FULL_CHAINS, "chains"))
    return root


def attack_sections(result: AuditResult) -> Iterator[RenderableType]:
    if result.what_if:
        yield what_if_section(result)
    if result.chains:
        yield chains_section(result)
    if result.attack_paths:  # the most likely path per pair; `biotm paths` shows k of them
        best = {(p.attacker, p.target_data): p for p in reversed(result.attack_paths)}
        likeliest = sorted(best, key=lambda key: (-best[key].probability, key))[:FULL_PATH_PAIRS]
        yield paths_section([best[key] for key in sorted(likeliest)])
        if len(best) > FULL_PATH_PAIRS:
            yield _more(len(best) - FULL_PATH_PAIRS, "attacker-target pairs (biotm paths shows each)")
    if result.plan is not None:
        yield plan_section(result)


def render_to_text(renderable: RenderableType, width: int = TEXT_WIDTH) -> str:
    """One renderable as plain text at the report width."""
    buffer = io.StringIO()
    Console(file=buffer, width=width, color_system=None, force_terminal=False).print(renderable)
    return buffer.getvalue()
