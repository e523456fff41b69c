"""CSV report: one row per finding (every place kept), for spreadsheets; `group` names its finding group.

Columns are fixed (COLUMNS); lists are joined with '; '. Cells that a spreadsheet would run as a
formula (starting with = + - @, tab or carriage return) get a leading apostrophe.
"""

from __future__ import annotations

import csv
import io

from biotm.report import view
from biotm.result import AuditResult, Finding

COLUMNS = (
    "id", "rule", "title", "severity", "status", "likelihood", "impact", "risk", "place_kind", "places", "data",
    "subjects", "categories", "cwe", "regulations", "mitigations", "evidence", "file", "line", "column", "tracking",
    "group",
)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value: object) -> str:
    """A value as spreadsheet-safe text."""
    text = view.printable("; ".join(str(v) for v in value) if isinstance(value, list) else str(value))
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def row(result: AuditResult, finding: Finding, group: str = "") -> list[str]:
    where = view.finding_location(result, finding)
    values: dict[str, object] = {
        **{name: getattr(finding, name) for name in COLUMNS if hasattr(finding, name)},
        "likelihood": f"{finding.likelihood:.4f}",
        "impact": f"{finding.impact:.4f}",
        "risk": f"{finding.risk:.4f}",
        "file": where.file if where else "",
        "line": where.line if where else "",
        "column": where.column if where else "",
        "tracking": view.tracking_note(finding),
        "group": group,
    }
    return [cell(values[name]) for name in COLUMNS]


def render(result: AuditResult) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(COLUMNS)
    owner = {member: g.id for g in result.groups for member in g.members}
    writer.writerows(row(result, f, owner.get(f.id, "")) for f in result.findings)
    return buffer.getvalue()
