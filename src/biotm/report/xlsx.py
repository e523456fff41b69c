"""Risk register as an XLSX workbook: one row per finding, chain and plan item, ready for tracking.

Written by `xlsx_package`: every cell is a string or a number, never a formula, and text that a spreadsheet
would run as a formula when retyped (= + - @, tab, CR) gets Excel's quote prefix. The package's entries
carry the ZIP epoch and the document properties a fixed creation date (the audit date, else 2000-01-01), so
the same result gives the same bytes. The `owner`, `due date` and `ticket` columns are filled from the model's
tracking entries and left empty for the reader to fill in; every sheet has filters and a frozen header row.
"""

from __future__ import annotations

import datetime as dt

from biotm.report import ReportOptions, view, xlsx_package
from biotm.report.place_names import evidence_text, place_joiner, title_text, ways_text
from biotm.result import AuditResult, Finding

FINDING_COLUMNS: tuple[tuple[str, int], ...] = (
    ("id", 26), ("title", 48), ("severity", 10), ("status", 16), ("risk", 7), ("likelihood", 9), ("impact", 8),
    ("where", 40), ("place ids", 30), ("rule", 26), ("data", 24), ("subjects", 12), ("regulations", 24),
    ("mitigate with", 28), ("evidence", 70), ("tracking", 40), ("owner", 14), ("due date", 12), ("ticket", 14),
    ("notes", 30),
)
CHAIN_COLUMNS: tuple[tuple[str, int], ...] = (
    ("id", 20), ("attacker", 22), ("goal", 22), ("severity", 10), ("likelihood", 9), ("subjects", 12),
    ("steps", 80), ("broken by", 40), ("finding", 26), ("owner", 14), ("due date", 12), ("ticket", 14),
    ("notes", 30),
)
PLAN_COLUMNS: tuple[tuple[str, int], ...] = (
    ("rank", 6), ("control", 24), ("where", 30), ("cost (days)", 10), ("risk removed", 11), ("closes", 40),
    ("breaks chains", 30), ("why", 60), ("owner", 14), ("due date", 12), ("ticket", 14), ("status", 12),
)
FIXED_DATE = dt.datetime(2000, 1, 1)


def _finding_row(result: AuditResult, f: Finding) -> list[object]:
    a = f.acceptance
    due = a.due if a is not None and a.due is not None else a.expires if a is not None else None
    return [
        f.id, title_text(result, f), f.severity, f.status, f.risk, f.likelihood, f.impact,
        place_joiner(f).join(view.label(result, p) for p in f.places), place_joiner(f, " > ").join(f.places), f.rule,
        ", ".join(f.data),
        f.subjects, ", ".join(f.regulations), ", ".join(f.mitigations), evidence_text(result, f), view.tracking_note(f),
        a.owner if a is not None else "", due.isoformat() if due is not None else "",
        (a.ticket or "") if a is not None else "", "",
    ]


def _cells(rows: list[list[object]]) -> list[list[str | int | float]]:
    """Rows as cell values: numbers kept, everything else printable text cut to what a cell holds, and past
    Excel's row limit one last row that says how many rows the sheet could not hold."""
    # A register repeats most of its text (severities, rules, place names): each distinct text is made
    # printable once.
    seen: dict[str, str] = {}

    def text(value: object) -> str:
        raw = value if isinstance(value, str) else str(value)
        done = seen.get(raw)
        if done is None:
            done = seen[raw] = xlsx_package.fitted(view.printable(raw))
        return done

    cells: list[list[str | int | float]] = [
        [value if isinstance(value, (int, float)) and not isinstance(value, bool) else text(value) for value in row]
        for row in rows[: xlsx_package.SHEET_ROWS - 1]
    ]
    if len(rows) > xlsx_package.SHEET_ROWS - 1:
        cut = len(rows) - (xlsx_package.SHEET_ROWS - 2)
        cells[-1] = [f"… and {cut:,} more rows than a worksheet holds: the JSON report lists every one."]
    return cells


def render(result: AuditResult) -> bytes:
    return render_with(result, ReportOptions())


def render_with(result: AuditResult, options: ReportOptions) -> bytes:
    created = dt.datetime.combine(options.date, dt.time()) if options.date else FIXED_DATE
    properties = xlsx_package.Properties(
        title=view.printable(f"Risk register: {result.summary.name}"),
        subject="biotm audit",
        author=view.printable(", ".join(result.model.meta.authors)) or "biotm",
        comments=f"{result.tool} {result.tool_version}",
        created=created,
        custom=(("biotm version", result.tool_version),),
    )
    chains = [
        [c.id, c.who(), c.goal, c.severity, c.likelihood, c.subjects,
         " ⇒ ".join(f"{s.action} at {view.label(result, s.verifier)}" for s in c.steps), ways_text(result, c.broken_by),
         c.finding, "", "", "", ""]
        for c in result.chains
    ]
    items = result.plan.items if result.plan is not None else []
    plan = [
        [i.rank, i.control, view.label(result, i.place), i.cost_days, i.risk_removed, ", ".join(i.closes),
         ", ".join(i.breaks_chains), i.reason, "", "", "", "planned"]
        for i in items
    ]
    sheets = [
        xlsx_package.Sheet("Findings", FINDING_COLUMNS, _cells([_finding_row(result, f) for f in result.findings])),
        xlsx_package.Sheet("Chains", CHAIN_COLUMNS, _cells(chains)),
        xlsx_package.Sheet("Plan", PLAN_COLUMNS, _cells(plan)),
    ]
    return xlsx_package.workbook(sheets, properties)
