"""The data-flow diagram as SVG (inline in the HTML report, or a file from `biotm diagram`)."""

from __future__ import annotations

from biotm.report.diagram import COLOURS, MARGIN, NODE_H, NODE_W, Diagram, fit, layout
from biotm.report.templates import environment
from biotm.result import AuditResult

LEGEND_H = 30.0
ZONE_FILLS = ("#f7f9fb", "#eef3f7", "#e4ecf2")


def render_diagram(diagram: Diagram) -> str:
    """The `<svg>` element (no XML declaration), every model text escaped by the template."""
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
    )


def render(result: AuditResult) -> str:
    """A standalone SVG document."""
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + render_diagram(layout(result))
