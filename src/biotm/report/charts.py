"""Inline SVG charts and lineage views for the HTML report; every label is escaped here.

The charts are the series of report/summary.py as horizontal bars; the lineage view draws, for one data
item, where it is collected, processed and stored, left to right, with arrows between the stages.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from biotm.report import view
from biotm.report.label_text import wrap
from biotm.report.summary import Chart
from biotm.report.svg import FONTS
from biotm.result import AuditResult, LineageEntry

ROW = 20
LINE = 14
LABEL_W = 230
BAR_W = 360


def _safe(text: str) -> Markup:
    return escape(view.printable(text))


def _text(x: float, y: float, text: str, size: int = 12, anchor: str = "start", weight: str = "400") -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" font-weight="{weight}" '
            f'fill="#263238">{_safe(text)}</text>')


def bar_chart(chart: Chart) -> Markup:
    """Horizontal bars with their values; a long label (a zone's full name) takes up to three lines, not an ellipsis."""
    labels = [wrap(bar.label, LABEL_W - 10, 3) for bar in chart.bars]
    rows = [ROW + LINE * (len(lines) - 1) for lines in labels]
    height = 28 + (sum(rows) if rows else ROW)
    top = max((b.value for b in chart.bars), default=0) or 1
    parts = [f'<svg class="chart" data-chart="{_safe(chart.id)}" '
             f'viewBox="0 0 {LABEL_W + BAR_W + 60} {height}" width="{LABEL_W + BAR_W + 60}" height="{height}" '
             f'role="img" aria-label="{_safe(chart.title)}" font-family="{escape(FONTS)}">',
             _text(0, 16, chart.title, 13, weight="600")]
    y = 28
    for bar, lines, row in zip(chart.bars, labels, rows, strict=True):
        for index, line in enumerate(lines):
            parts.append(_text(0, y + 13 + index * LINE, line))
        length = BAR_W * bar.value / top
        parts.append(f'<rect class="bar" x="{LABEL_W}" y="{y + 2}" width="{max(length, 1):.1f}" height="{ROW - 6}" '
                     f'fill="{escape(bar.colour)}"><title>{_safe(bar.label)}: {bar.value:g}</title></rect>')
        value = f"{bar.value:.2f}" if chart.unit == "risk" else f"{bar.value:g}"
        parts.append(_text(LABEL_W + length + 6, y + 13, value, 11))
        y += row
    if not chart.bars:
        parts.append(_text(0, 40, "nothing to show", 11))
    parts.append("</svg>")
    return Markup("".join(parts))


def lineage_view(result: AuditResult, entry: LineageEntry) -> Markup:
    """Collected at → processed at → stored at, one column each, every element by its display name."""
    columns = [("collected at", entry.collected_at), ("derived or processed at", entry.derived_at +
               [e for e in entry.processed_at if e not in entry.derived_at and e not in entry.collected_at]),
               ("stored at", entry.stored_at)]
    shown = [(title, ids[:8], len(ids) - 8) for title, ids in columns]
    box_w, box_h, gap = 200, 40, 60
    rows = max((len(ids) + (1 if more > 0 else 0) for _, ids, more in shown), default=1) or 1
    width = 3 * box_w + 2 * gap
    height = 26 + rows * (box_h + 8)
    parts = [f'<svg class="lineage" data-lineage="{_safe(entry.data)}" '
             f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
             f'aria-label="Where {_safe(entry.data)} travels and rests" font-family="{escape(FONTS)}">',
             '<defs><marker id="lin-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" '
             'orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#78909c"/></marker></defs>']
    for col, (title, ids, more) in enumerate(shown):
        x = col * (box_w + gap)
        parts.append(_text(x, 14, title, 11, weight="600"))
        for row, element_id in enumerate(ids):
            y = 22 + row * (box_h + 8)
            fill = "#fce4ec" if col == 2 else "#e3f2fd" if col == 1 else "#fffde7"
            parts.append(f'<rect x="{x}" y="{y}" width="{box_w}" height="{box_h}" rx="6" fill="{fill}" '
                         'stroke="#90a4ae"/>')
            name = wrap(view.label(result, element_id), box_w - 12, 1)[0]
            parts.append(_text(x + box_w / 2, y + 17, name, 11, "middle"))
            parts.append(_text(x + box_w / 2, y + 31, wrap(element_id, box_w - 12, 1)[0], 9, "middle"))
        if more > 0:
            parts.append(_text(x + 6, 22 + len(ids) * (box_h + 8) + 16, f"and {more} more", 10))
        if not ids:
            parts.append(_text(x + 6, 40, "nowhere", 10))
        if col < 2:
            parts.append(f'<line x1="{x + box_w + 6}" y1="{22 + box_h / 2}" x2="{x + box_w + gap - 6}" '
                         f'y2="{22 + box_h / 2}" stroke="#78909c" stroke-width="1.6" marker-end="url(#lin-arrow)"/>')
    parts.append("</svg>")
    return Markup("".join(parts))
