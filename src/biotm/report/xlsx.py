"""Risk register as an XLSX workbook: one row per finding, chain and plan item, ready for tracking.

Written with XlsxWriter (pure Python, no dependencies): every cell is written as a string or a number,
never as a formula, and text that a spreadsheet would run as a formula when retyped (= + - @, tab, CR)
gets Excel's quote prefix. The package's entries carry XlsxWriter's fixed 1980 timestamps and the
document properties a fixed creation date (the audit date, else 2000-01-01), so the same result gives the
same bytes. The `owner`, `due date` and `ticket` columns are filled from the model's tracking entries
and left empty for the reader to fill in; every sheet has filters and a frozen header row.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from typing import Any

from biotm.report import ReportOptions, view
from biotm.report.csv_report import FORMULA_STARTS
from biotm.report.place_names import evidence_text, title_text, ways_text
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
        " → ".join(view.label(result, p) for p in f.places), " > ".join(f.places), f.rule, ", ".join(f.data),
        f.subjects, ", ".join(f.regulations), ", ".join(f.mitigations), evidence_text(result, f), view.tracking_note(f),
        a.owner if a is not None else "", due.isoformat() if due is not None else "",
        (a.ticket or "") if a is not None else "", "",
    ]


def _sheet(book: Any, name: str, columns: Sequence[tuple[str, int]], rows: list[list[object]], formats: Any) -> None:
    sheet = book.add_worksheet(name)
    header, wrap, quoted = formats
    for col, (title, width) in enumerate(columns):
        sheet.set_column(col, col, width, wrap)  # the column's format, so what a reader types in wraps too
        sheet.write_string(0, col, title, header)
    # The hot loop of a dense model's register (1.2 million cells): methods bound once, numbers told apart
    # with one tuple isinstance (a union type was slower), a string never converted.
    write_string, write_number, printable = sheet.write_string, sheet.write_number, view.printable
    for r, row in enumerate(rows, start=1):
        for col, value in enumerate(row):
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                write_number(r, col, value, wrap)
                continue
            text = printable(value if isinstance(value, str) else str(value))
            if text:  # an empty cell takes its column's format; writing 300,000 of them took 2 s
                write_string(r, col, text, quoted if text.startswith(FORMULA_STARTS) else wrap)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(len(rows), 1), len(columns) - 1)


def render(result: AuditResult) -> bytes:
    return render_with(result, ReportOptions())


def render_with(result: AuditResult, options: ReportOptions) -> bytes:
    import xlsxwriter  # type: ignore[import-untyped]  # only for this format; it ships no type hints

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    created = dt.datetime.combine(options.date, dt.time()) if options.date else FIXED_DATE
    book.set_properties({
        "title": view.printable(f"Risk register: {result.summary.name}"),
        "subject": "biotm audit",
        "author": view.printable(", ".join(result.model.meta.authors)) or "biotm",
        "comments": f"{result.tool} {result.tool_version}",
        "created": created,
    })
    book.set_custom_property("biotm version", result.tool_version)
    formats = (
        book.add_format({"bold": True, "bg_color": "#dfe6ec", "bottom": 1}),
        book.add_format({"text_wrap": True, "valign": "top"}),
        book.add_format({"text_wrap": True, "valign": "top", "quote_prefix": True}),
    )
    _sheet(book, "Findings", FINDING_COLUMNS, [_finding_row(result, f) for f in result.findings], formats)
    chains = [
        [c.id, c.who(), c.goal, c.severity, c.likelihood, c.subjects,
         " ⇒ ".join(f"{s.action} at {view.label(result, s.verifier)}" for s in c.steps), ways_text(result, c.broken_by),
         c.finding, "", "", "", ""]
        for c in result.chains
    ]
    _sheet(book, "Chains", CHAIN_COLUMNS, chains, formats)
    items = result.plan.items if result.plan is not None else []
    plan = [
        [i.rank, i.control, view.label(result, i.place), i.cost_days, i.risk_removed, ", ".join(i.closes),
         ", ".join(i.breaks_chains), i.reason, "", "", "", "planned"]
        for i in items
    ]
    _sheet(book, "Plan", PLAN_COLUMNS, plan, formats)
    book.close()
    return buffer.getvalue()
