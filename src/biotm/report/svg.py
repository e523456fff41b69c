"""The data-flow diagram as SVG (inline in the HTML report, or a file from `biotm diagram`)."""

from __future__ import annotations

import re

from markupsafe import Markup, escape

from biotm.report.diagram import arrange, caption, drawn_structure
from biotm.report.diagram_model import COLOURS, MARGIN, NODE_H, NODE_W, Diagram, Edge
from biotm.report.label_text import fit, wrap
from biotm.report.templates import environment
from biotm.result import AuditResult

LEGEND_H = 50.0
#: Fonts with Latin and CJK glyphs first, so names like 营业厅 never show as empty boxes where one is installed.
FONTS = ("'Noto Sans', 'Noto Sans CJK SC', 'Source Han Sans SC', 'PingFang SC', 'Hiragino Sans GB', "
         "'Microsoft YaHei', 'WenQuanYi Micro Hei', system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif")
#: What each line style means; in-person and radio flows are neither encrypted nor unencrypted network links.
LINE_STYLES = (
    ("encrypted network flow", ""),
    ("unencrypted network flow", "7 4"),
    ("in person / on screen", "1.5 3"),
    ("radio", "9 3 2 3"),
)


def dashes(edge: Edge) -> str:
    if edge.medium == "in-person":
        return LINE_STYLES[2][1]
    if edge.medium == "radio":
        return LINE_STYLES[3][1]
    return "" if edge.encrypted else LINE_STYLES[1][1]


def medium_words(edge: Edge) -> str:
    if edge.medium == "in-person":
        return "in person (no network link)"
    if edge.medium == "radio":
        return "over radio"
    return "encrypted" if edge.encrypted else "not encrypted"
ZONE_FILLS = ("#f7f9fb", "#eef3f7", "#e4ecf2")


def render_diagram(diagram: Diagram) -> str:
    """The `<svg>` element (no XML declaration) of a ranked `diagram`: Graphviz's layout when installed, else
    the built-in one. Only the built-in one positions and routes the diagram (`arrange`): Graphviz lays it out
    itself, and routing a dense diagram takes seconds."""
    from biotm.report import graphviz

    laid = graphviz.layout_svg(diagram)
    if laid is not None:
        return _framed(diagram, laid)
    return builtin_svg(arrange(diagram))


_SIZE = re.compile(r'<svg width="([\d.]+)pt" height="([\d.]+)pt"')


def _framed(diagram: Diagram, laid: str) -> str:
    """Graphviz's SVG nested in one of ours that adds the title, the CJK font stack and the legend."""
    found = _SIZE.search(laid)
    width, height = (float(found.group(1)) * 4 / 3, float(found.group(2)) * 4 / 3) if found else (800.0, 600.0)
    inner = _SIZE.sub(f'<svg x="0" y="0" width="{width:.1f}" height="{height:.1f}"', laid, count=1)
    inner = inner.replace(f'font-family="{graphviz_font()}"', f'font-family="{escape(FONTS)}"')
    # nested in our <svg>, so in its namespace already; nothing in it links
    inner = inner.replace(' xmlns:xlink="http://www.w3.org/1999/xlink"', "").replace(
        ' xmlns="http://www.w3.org/2000/svg"', "", 1)
    total_w = max(width, 900.0)
    return environment().get_template("diagram_frame.svg.j2").render(
        d=diagram, width=round(total_w, 1), height=round(height + LEGEND_H, 1), inner=Markup(inner),
        top=round(height, 1), fonts=FONTS, colours=COLOURS, legend=list(COLOURS), line_styles=LINE_STYLES,
    )


def graphviz_font() -> str:
    from biotm.report.graphviz import FONT

    return FONT


def builtin_svg(diagram: Diagram) -> str:
    """The built-in layout's `<svg>`, every model text escaped by the template."""
    zones = sorted(diagram.zones.values(), key=lambda z: (z.depth, z.id))
    return environment().get_template("diagram.svg.j2").render(
        d=diagram,
        height=round(diagram.height + LEGEND_H, 1),
        zones=zones,
        nodes=[diagram.nodes[k] for k in sorted(diagram.nodes)],
        colours=COLOURS,
        legend=list(COLOURS),
        zone_fills=ZONE_FILLS,
        w=NODE_W,
        h=NODE_H,
        margin=MARGIN,
        fit=fit,
        wrap=wrap,
        caption=caption,
        fonts=FONTS,
        line_styles=LINE_STYLES,
        dashes=dashes,
        medium_words=medium_words,
    )


def render(result: AuditResult, full: bool = False) -> str:
    """A standalone SVG document (the zone overview on a large model unless `full`)."""
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + render_diagram(drawn_structure(result, full))
