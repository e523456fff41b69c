"""Graphviz DOT of the data-flow diagram: zones as nested clusters, flows coloured by worst finding.

Every id and label is a double-quoted DOT string with `\\` and `"` escaped, so no model text can end a
string or start an HTML-like label; `&`, `<` and `>` are written as the entities Graphviz decodes, so
no markup reaches an SVG that Graphviz makes from the file either.
"""

from __future__ import annotations

from collections.abc import Iterator

from biotm.report.diagram import drawn_structure
from biotm.report.diagram_model import COLOURS, Diagram
from biotm.report.view import printable
from biotm.result import AuditResult


def medium_style(edge_medium: str, encrypted: bool) -> str:
    if edge_medium != "network":
        return edge_medium
    return "network-encrypted" if encrypted else "network-plain"


#: Graphviz line styles by medium, the ones the SVG legend describes (solid: encrypted network flow).
NATIVE_STYLES = {"network-plain": "dashed", "in-person": "dotted", "radio": "dashed,bold"}

SHAPES = {"actor": "ellipse", "process": "box", "store": "cylinder", "device": "box3d", "external": "component"}


def quote(value: str) -> str:
    """A DOT quoted string; newlines become spaces (labels stay one line)."""
    flat = " ".join(printable(value).split()).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return '"' + flat.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _zone(diagram: Diagram, zone_id: str, depth: int) -> Iterator[str]:
    zone = diagram.zones[zone_id]
    pad = "  " * depth
    caption = f"{zone.label} ({', '.join(p for p in (zone.owner, zone.jurisdiction, *zone.exposure) if p)})"
    yield f"{pad}subgraph {quote('cluster_' + zone.id)} {{"
    yield f"{pad}  label={quote(caption)};"
    yield f'{pad}  style="rounded";'
    for node in diagram.members(zone.id):
        attrs = [f"label={quote(node.label)}", f"shape={SHAPES.get(node.kind, 'box')}"]
        if node.severity != "none":
            attrs.append(f'color="{COLOURS[node.severity]}"')
        if node.biometric_store:
            attrs += ["penwidth=3", 'xlabel="biometric store"']
        yield f"{pad}  {quote(node.id)} [{', '.join(attrs)}];"
    for child in diagram.children(zone.id):
        yield from _zone(diagram, child.id, depth + 1)
    yield f"{pad}}}"


def render_diagram(diagram: Diagram) -> str:
    lines = [
        "digraph biotm {",
        f"  graph [rankdir=LR, fontname=Helvetica, label={quote(diagram.title)}, labelloc=t];",
        "  node [fontname=Helvetica, style=rounded];",
        "  edge [fontname=Helvetica, fontsize=10];",
    ]
    for zone in diagram.children(None):
        lines.extend(_zone(diagram, zone.id, 1))
    for edge in diagram.edges:
        attrs = [f"label={quote(edge.label)}", f'color="{COLOURS[edge.severity]}"']
        if edge.biometric:
            attrs.append("penwidth=2.5")
        style = NATIVE_STYLES.get(medium_style(edge.medium, edge.encrypted))  # in person is not "unencrypted"
        if style:
            attrs.append(f'style="{style}"')
        lines.append(f"  {quote(edge.source)} -> {quote(edge.target)} [{', '.join(attrs)}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def render(result: AuditResult, full: bool = False) -> str:
    """Graphviz DOT source (the zone overview on a large model unless `full`)."""
    return render_diagram(drawn_structure(result, full))

