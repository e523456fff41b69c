"""The PDF's drawings: the data-flow diagram (the SVG layout as ReportLab vector graphics, or Graphviz's PNG,
scaled to fit) and the summary's bar charts."""

from __future__ import annotations

import io

from reportlab.graphics.shapes import Drawing, Path, Rect, String
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Image, Paragraph

from biotm.report import summary
from biotm.report.diagram import arrange, caption, drawn_structure
from biotm.report.diagram_model import COLOURS, NODE_H, NODE_W, Diagram
from biotm.report.label_text import wrap
from biotm.report.pdf_text import SMALL, font_for, para, script_runs
from biotm.result import AuditResult


def rect(x: float, y: float, w: float, h: float, fill: str | None, stroke: str | None = None,
         width: float = 1.0, dash: list[float] | None = None, radius: float = 0.0) -> Rect:
    # attributes set one by one: the type stubs cannot express Rect's keyword arguments
    box = Rect(x, y, w, h, rx=radius, ry=radius)
    box.fillColor = colors.HexColor(fill) if fill else None
    box.strokeColor = colors.HexColor(stroke) if stroke else None
    box.strokeWidth = width
    if dash:
        box.strokeDashArray = dash
    return box


def _vector_diagram(diagram: Diagram) -> Drawing:
    """The built-in layout drawn as vectors (when Graphviz is not installed); y flipped for PDF."""
    h = diagram.height
    drawing = Drawing(diagram.width, h)
    for zone in sorted(diagram.zones.values(), key=lambda z: (z.depth, z.id)):
        fill = ("#f7f9fb", "#eef3f7", "#e4ecf2")[zone.depth % 3]
        drawing.add(rect(zone.x, h - zone.y - zone.h, zone.w, zone.h, fill,
                          "#c62828" if zone.exposure else "#546e7a", dash=[6.0, 3.0] if zone.exposure else None,
                          radius=6))
        for index, line in enumerate(caption(zone)):
            drawing.add(String(zone.x + 8, h - zone.y - 15 - 13 * index, line, fontName=font_for(line), fontSize=10))
    dashes: dict[str, list[float]] = {"in-person": [1.5, 3], "radio": [9, 3, 2, 3]}
    for edge in diagram.edges:
        if len(edge.points) < 2:
            continue
        path = Path(strokeColor=colors.HexColor(COLOURS[edge.severity]), strokeWidth=2.6 if edge.biometric else 1.3,
                    fillColor=None, strokeDashArray=dashes.get(edge.medium, [] if edge.encrypted else [7.0, 4.0]))
        path.moveTo(edge.points[0][0], h - edge.points[0][1])
        for x, y in edge.points[1:]:
            path.lineTo(x, h - y)
        drawing.add(path)
    for node in diagram.nodes.values():
        fill = {"actor": "#fffde7", "store": "#fce4ec", "process": "#e3f2fd", "device": "#e8f5e9"}.get(node.kind,
                                                                                                    "#eceff1")
        drawing.add(rect(node.x, h - node.y - NODE_H, NODE_W, NODE_H, fill, COLOURS[node.severity],
                          2.0 if node.severity != "none" else 1.0, radius=8))
        for index, line in enumerate(wrap(node.label, NODE_W - 12, 3)):
            drawing.add(String(node.x + NODE_W / 2, h - node.y - 16 - 13 * index, line, fontName=font_for(line),
                               fontSize=10, textAnchor="middle"))
        drawing.add(String(node.x + NODE_W / 2, h - node.y - NODE_H + 7, f"{node.kind} · {node.id}"[:30],
                           fontName="Helvetica", fontSize=7, textAnchor="middle", fillColor=colors.grey))
    return drawing


class _Scaled(Flowable):
    """A drawing scaled to fit the frame, keeping its proportions."""

    def __init__(self, drawing: Drawing, width: float, height: float) -> None:
        super().__init__()
        scale = min(width / drawing.width, height / drawing.height, 1.5)
        self.drawing = drawing
        self.scale = scale
        self.width, self.height = drawing.width * scale, drawing.height * scale

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        self.canv.saveState()
        self.canv.scale(self.scale, self.scale)
        self.drawing.drawOn(self.canv, 0, 0)
        self.canv.restoreState()


def diagram_flowable(result: AuditResult, width: float, height: float) -> Flowable:
    from biotm.report import graphviz

    diagram = drawn_structure(result)  # positioned only for the built-in layout: Graphviz lays it out itself
    png = graphviz.layout_png(diagram)
    if png is not None:
        from reportlab.lib.utils import ImageReader

        w, h = ImageReader(io.BytesIO(png)).getSize()
        scale = min(width / w, height / h)
        return Image(io.BytesIO(png), width=w * scale, height=h * scale)
    return _Scaled(_vector_diagram(arrange(diagram)), width, height)


def legend() -> Paragraph:
    return para(
        "Boxes are zones (dashed red: internet-facing or public place). Line colour: worst open finding "
        "(critical dark red, high orange, medium amber, low blue, none grey); thick: carries biometric data. "
        "Solid: encrypted network flow; dashed: unencrypted network flow; dotted: in person or on a screen "
        "(no network link); bold dashes: radio. BIO marks stores where biometric data rest.",
        SMALL,
    )


def _label(drawing: Drawing, x: float, y: float, text: str, size: float = 8) -> None:
    """One line of model text, each script run in its own font (a CJK zone name in one CID run set the
    whole label, Latin included, in the narrow CJK face)."""
    for run in script_runs(text):
        font = font_for(run)
        drawing.add(String(x, y, run, fontName=font, fontSize=size))
        x += stringWidth(run, font, size)


def bar_chart(chart: summary.Chart, width: float) -> Drawing:
    """Horizontal bars with their values, one row per bar; a label takes two lines rather than being cut."""
    label_w = 170.0
    line = 9.0
    labels = [wrap(bar.label, (label_w - 8) * 1.45, 2) for bar in chart.bars]  # wrap() measures 12px text
    rows = [4 + line * len(lines) + 2 for lines in labels]
    height = sum(rows) + 24 if rows else 40
    drawing = Drawing(width, height)
    drawing.add(String(0, height - 12, chart.title, fontName="Helvetica-Bold", fontSize=10))
    top = max((b.value for b in chart.bars), default=0) or 1
    y_top = height - 18
    for bar, lines, row in zip(chart.bars, labels, rows, strict=True):
        y = y_top - row
        for index, text in enumerate(lines):
            _label(drawing, 0, y + row - 4 - line * (index + 1) + 2, text)
        length = (width - label_w - 50) * bar.value / top
        bar_y = y + row - 4 - line - 2
        drawing.add(rect(label_w, bar_y, max(length, 0.5), 11, bar.colour))
        value = f"{bar.value:g}" if chart.unit != "risk" else f"{bar.value:.2f}"
        drawing.add(String(label_w + length + 4, bar_y + 2, value, fontName="Helvetica", fontSize=8))
        y_top = y
    if not chart.bars:
        drawing.add(String(0, height - 30, "nothing to show", fontName="Helvetica-Oblique", fontSize=8))
    return drawing
