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


#: The columns that are Finding fields, read straight off it (a hasattr per column and finding cost a second
#: on 77,000 findings: pydantic raises for every name that is not a field).
_FIELD_COLUMNS = tuple(name for name in COLUMNS if name in Finding.model_fields)


def cell(value: object) -> str:
    """A value as spreadsheet-safe text."""
    text = view.printable("; ".join(str(v) for v in value) if isinstance(value, list) else str(value))
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def row(result: AuditResult, finding: Finding, group: str = "", cells: dict[object, str] | None = None) -> list[str]:
    """The finding's cells in COLUMNS order. `cells` memoises `cell` per value for one report: a register
    repeats most of its values (severities, rules, data, regulations) across its rows."""
    where = view.finding_location(result, finding)
    values: dict[str, object] = {
        **{name: getattr(finding, name) for name in _FIELD_COLUMNS},
        "likelihood": f"{finding.likelihood:.4f}",
        "impact": f"{finding.impact:.4f}",
        "risk": f"{finding.risk:.4f}",
        "file": where.file if where else "",
        "line": where.line if where else "",
        "column": where.column if where else "",
        "tracking": view.tracking_note(finding),
        "group": group,
    }
    cells = {} if cells is None else cells
    out = []
    for name in COLUMNS:
        value = values[name]
        key = (type(value), tuple(value) if isinstance(value, list) else value)  # 1 and 1.0 read differently
        text = cells.get(key)
        if text is None:
            text = cells[key] = cell(value)
        out.append(text)
    return out


def render(result: AuditResult) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(COLUMNS)
    owner = {member: g.id for g in result.groups for member in g.members}
    cells: dict[object, str] = {}
    writer.writerows(row(result, f, owner.get(f.id, ""), cells) for f in result.findings)
    return buffer.getvalue()
