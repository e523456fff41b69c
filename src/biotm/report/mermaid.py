"""Mermaid flowchart of the data-flow diagram (renders on GitHub inside a ```mermaid block).

Node and subgraph ids are generated (`e1`, `z1`) because model ids may be Mermaid keywords; labels are
quoted and every character Mermaid or HTML treats specially is written as a `#code;` entity.
"""

from __future__ import annotations

from collections.abc import Iterator

from biotm.report.diagram import drawn_structure
from biotm.report.diagram_model import COLOURS, Diagram
from biotm.report.view import printable
from biotm.result import AuditResult

_ENTITIES = {"#": "#35;", '"': "#quot;", "<": "#lt;", ">": "#gt;", "&": "#amp;", "`": "#96;", "|": "#124;"}

SHAPES = {
    "actor": ('(["', '"])'),
    "process": ('("', '")'),
    "store": ('[("', '")]'),
    "device": ('["', '"]'),
    "external": ('[["', '"]]'),
}


def label(value: str) -> str:
    """Text safe inside a quoted Mermaid label, on one line."""
    return "".join(_ENTITIES.get(ch, ch) for ch in " ".join(printable(value).split()))


def _zone(diagram: Diagram, zone_id: str, ids: dict[str, str], depth: int) -> Iterator[str]:
    zone = diagram.zones[zone_id]
    pad = "  " * depth
    caption = f"{zone.label} ({', '.join(p for p in (zone.owner, zone.jurisdiction) if p)})"
    yield f'{pad}subgraph {ids["zone:" + zone.id]}["{label(caption)}"]'
    for node in diagram.members(zone.id):
        opening, closing = SHAPES.get(node.kind, SHAPES["device"])
        text = ("🧬 " if node.biometric_store else "") + node.label
        yield f"{pad}  {ids[node.id]}{opening}{label(text)}{closing}"
    for child in diagram.children(zone.id):
        yield from _zone(diagram, child.id, ids, depth + 1)
    yield f"{pad}end"


def render_diagram(diagram: Diagram) -> str:
    ids = {node_id: f"e{i}" for i, node_id in enumerate(sorted(diagram.nodes), 1)}
    ids.update({f"zone:{zone_id}": f"z{i}" for i, zone_id in enumerate(sorted(diagram.zones), 1)})
    lines = ["flowchart LR"]
    for zone in diagram.children(None):
        lines.extend(_zone(diagram, zone.id, ids, 1))
    styles = []
    for index, edge in enumerate(diagram.edges):
        arrow = "==>" if edge.biometric else "-->"
        plain = "" if edge.encrypted else " (plaintext)"  # of a network link: a face shown to a clerk is neither
        text = edge.label + {"in-person": " (in person)", "radio": " (radio)"}.get(edge.medium, plain)
        lines.append(f'  {ids[edge.source]} {arrow}|"{label(text)}"| {ids[edge.target]}')
        if edge.severity != "none":
            styles.append(f"  linkStyle {index} stroke:{COLOURS[edge.severity]},stroke-width:3px")
    lines.extend(styles)
    for severity in ("critical", "high", "medium", "low", "info"):
        marked = [ids[n.id] for n in diagram.nodes.values() if n.severity == severity]
        if marked:
            lines.append(f"  classDef {severity} stroke:{COLOURS[severity]},stroke-width:3px")
            lines.append(f"  class {','.join(sorted(marked))} {severity}")
    return "\n".join(lines) + "\n"


def render(result: AuditResult, full: bool = False) -> str:
    """Mermaid flowchart source (the zone overview on a large model unless `full`)."""
    return render_diagram(drawn_structure(result, full))
