"""The data-flow diagram laid out by Graphviz (`dot`), when it is installed; None tells callers to fall back.

Graphviz places zones as nested clusters, routes edges around unrelated boxes and keeps labels apart, which
the pure-Python layout (report/diagram.py) only approximates. Labels are wrapped, never cut; fonts name a
CJK-capable stack. Set BIOTM_DIAGRAM=python to force the fallback (the same model then gives the same bytes on
machines with and without Graphviz). Model text reaches `dot` only as quoted, entity-escaped DOT strings, and
Graphviz escapes it again in the SVG it writes.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess

from biotm.report.diagram_model import COLOURS, Diagram
from biotm.report.dot import NATIVE_STYLES, SHAPES, medium_style, quote
from biotm.report.label_text import wrap

FONT = "Noto Sans CJK SC"
TIMEOUT_S = 60
#: Boxes Graphviz lays out; its time grows about cubically (600: 0.5 s, 1,000: 2.5 s, 10,000: past the timeout),
#: so a larger diagram (`--full`) gets the built-in layout at once.
GRAPHVIZ_MAX = 1000
#: Flows per box Graphviz lays out at most (and 50 more): a dense random model's zone overview, 50 zones and the
#: 2,450 flows between them, ran into the timeout; the built-in layout draws such a diagram at once.
GRAPHVIZ_FLOWS_PER_BOX = 2.5
_COMMENT = re.compile(r"<!--.*?-->\n?", re.DOTALL)
_EDGE_GROUP = re.compile(r'(<g id="[^"]*" class="edge ([^"]*)">)(.*?)(</g>)', re.DOTALL)
#: Dash patterns by flow medium; the legend in report/svg.py names the same ones.
DASHES = {"network-plain": "7,4", "in-person": "1.5,3", "radio": "9,3,2,3"}


@functools.cache
def dot_binary() -> str | None:
    if os.environ.get("BIOTM_DIAGRAM", "").lower() == "python":
        return None
    return shutil.which("dot")


def _lines(text: str, width: float, lines: int) -> str:
    """A quoted DOT label of wrapped lines (DOT's own \\n between them, each line escaped on its own)."""
    parts = [quote(line)[1:-1] for line in wrap(text, width, lines)]
    return '"' + "\\n".join(parts) + '"'


def dot_source(diagram: Diagram) -> str:
    """DOT for Graphviz to lay out: wrapped labels, clusters for zones, styles by severity and medium."""
    out = [
        "digraph biotm {",
        f'  graph [rankdir=LR, fontname="{FONT}", fontsize=12, nodesep=0.35, ranksep=0.9, compound=true, '
        'newrank=true, pad=0.2, splines=true, outputorder=edgesfirst];',
        f'  node [fontname="{FONT}", fontsize=11, style="rounded,filled", fillcolor="#ffffff", margin="0.12,0.06"];',
        f'  edge [fontname="{FONT}", fontsize=9, fontcolor="#37474f", arrowsize=0.7];',
    ]

    def zone(zone_id: str, depth: int) -> None:
        box = diagram.zones[zone_id]
        pad = "  " * depth
        caption = box.label + (f" · {box.owner} · {box.jurisdiction}" if box.jurisdiction else "")
        caption += "".join(f" · {e}" for e in box.exposure)
        out.append(f"{pad}subgraph {quote('cluster_' + box.id)} {{")
        colour = "#c62828" if box.exposure else "#546e7a"
        style = "rounded,dashed" if box.exposure else "rounded"
        fill = ("#f7f9fb", "#eef3f7", "#e4ecf2")[box.depth % 3]
        out.append(f'{pad}  label={_lines(caption, 300, 3)}; style="{style},filled"; color="{colour}"; '
                   f'fillcolor="{fill}"; fontsize=12; labeljust=l;')
        for node in diagram.members(zone_id):
            fill_node = {"actor": "#fffde7", "store": "#fce4ec" if node.biometric_store else "#f3e5f5",
                         "process": "#e3f2fd", "device": "#e8f5e9", "zone": "#ffffff"}.get(node.kind, "#eceff1")
            sub = node.kind if node.label == node.id else f"{node.kind} · {node.id}"
            label = _lines(node.label, 150, 4)[:-1] + "\\n" + quote(sub)[1:-1] + '"'
            attrs = [f"label={label}", f"shape={SHAPES.get(node.kind, 'box')}", f'fillcolor="{fill_node}"',
                     f'class="element {node.kind} sev-{node.severity}"',
                     f'color="{COLOURS[node.severity]}"', f"penwidth={2.4 if node.severity != 'none' else 1.1}"]
            if node.biometric_store:
                attrs += ['xlabel="BIO"', 'fontcolor="#212121"']
            out.append(f"{pad}  {quote(node.id)} [{', '.join(attrs)}];")
        for child in diagram.children(zone_id):
            zone(child.id, depth + 1)
        out.append(f"{pad}}}")

    for top in diagram.children(None):
        zone(top.id, 1)
    for edge in diagram.edges:
        medium = medium_style(edge.medium, edge.encrypted)
        attrs = [f"label={_lines(edge.label, 130, 4)}", f'color="{COLOURS[edge.severity]}"',
                 f"penwidth={2.6 if edge.biometric else 1.3}", f'class="flow {medium} sev-{edge.severity}"']
        if medium in NATIVE_STYLES:
            attrs.append(f'style="{NATIVE_STYLES[medium]}"')  # the SVG gets the exact dash pattern after layout
        out.append(f"  {quote(edge.source)} -> {quote(edge.target)} [{', '.join(attrs)}];")
    out.append("}")
    return "\n".join(out) + "\n"


def _restyle(svg: str) -> str:
    def edge(match: re.Match[str]) -> str:
        classes = match.group(2).replace("&#45;", "-").split()  # Graphviz writes "-" in classes as &#45;
        body = match.group(3)
        for medium, dash in DASHES.items():
            if medium in classes:
                body = re.sub(r'stroke-dasharray="[^"]*"', f'stroke-dasharray="{dash}"', body)
        return match.group(1) + body + match.group(4)

    return _EDGE_GROUP.sub(edge, svg)


def _too_large(diagram: Diagram) -> bool:
    """Past what Graphviz lays out in time: GRAPHVIZ_MAX boxes, or GRAPHVIZ_FLOWS_PER_BOX flows per box that has
    a flow (and 50). Boxes without flows do not count: 950 empty zones beside a dense overview's 50 let its
    2,450 flows through, and Graphviz ran into its timeout (71 s for the HTML report)."""
    linked = {e.source for e in diagram.edges} | {e.target for e in diagram.edges}
    return len(diagram.nodes) > GRAPHVIZ_MAX or len(diagram.edges) > GRAPHVIZ_FLOWS_PER_BOX * len(linked) + 50


def layout_svg(diagram: Diagram) -> str | None:
    """The `<svg>` Graphviz draws for `diagram` (no XML prolog, no comments), or None without Graphviz."""
    binary = dot_binary()
    if binary is None or _too_large(diagram):
        return None
    try:
        run = subprocess.run([binary, "-Tsvg"], input=dot_source(diagram).encode("utf-8"), capture_output=True,
                             timeout=TIMEOUT_S, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if run.returncode != 0:
        return None
    svg = run.stdout.decode("utf-8", errors="replace")
    svg = svg[svg.index("<svg"):] if "<svg" in svg else ""
    return _restyle(_COMMENT.sub("", svg)) or None


def layout_png(diagram: Diagram, dpi: int = 150) -> bytes | None:
    """The diagram as PNG (for the PDF report), or None without Graphviz."""
    binary = dot_binary()
    if binary is None or _too_large(diagram):
        return None
    try:
        run = subprocess.run([binary, "-Tpng", f"-Gdpi={dpi}"], input=dot_source(diagram).encode("utf-8"),
                             capture_output=True, timeout=TIMEOUT_S, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return run.stdout if run.returncode == 0 and run.stdout.startswith(b"\x89PNG") else None
