"""The built-in diagram layout (used without Graphviz) on the shipped scenarios: no flow crosses an unrelated
element box, and no flow label overlaps another label or an element box."""

from __future__ import annotations

import itertools
import re

import pytest
from report_support import SCENARIOS, audited

from biotm.report.diagram import EDGE_LABEL_W, layout
from biotm.report.diagram_model import NODE_H, NODE_W, Diagram
from biotm.report.label_text import text_width, wrap

Box = tuple[float, float, float, float]


def _route(path: str, step: float = 2.0) -> list[tuple[float, float]]:
    """Points every `step` units along an SVG path of straight segments ("M x,y L x,y ...")."""
    assert re.fullmatch(r"M-?[\d.]+,-?[\d.]+( L-?[\d.]+,-?[\d.]+)+", path), path
    corners = [(float(x), float(y)) for x, y in re.findall(r"(-?[\d.]+),(-?[\d.]+)", path)]
    out = [corners[0]]
    for (x0, y0), (x1, y1) in itertools.pairwise(corners):
        count = max(int(max(abs(x1 - x0), abs(y1 - y0)) / step), 1)
        out += [(x0 + (x1 - x0) * k / count, y0 + (y1 - y0) * k / count) for k in range(1, count + 1)]
    return out


def _inside(point: tuple[float, float], box: Box, inset: float = 2.0) -> bool:
    x, y, w, h = box
    return x + inset < point[0] < x + w - inset and y + inset < point[1] < y + h - inset


def _overlap(a: Box, b: Box) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def _label_box(diagram: Diagram, index: int) -> Box:
    edge = diagram.edges[index]
    width = min(text_width(edge.label), EDGE_LABEL_W) + 6
    return (edge.label_x - width / 2, edge.label_y - 12, width, 13.0 * len(wrap(edge.label, EDGE_LABEL_W, 2)))


SHIPPED = sorted(p.name for p in SCENARIOS.glob("*.yaml"))


def _boxes(diagram: Diagram) -> dict[str, Box]:
    return {n.id: (n.x, n.y, NODE_W, NODE_H) for n in diagram.nodes.values()}


@pytest.mark.parametrize("name", SHIPPED)
def test_no_flow_through_an_unrelated_box(name: str) -> None:
    diagram = layout(audited(SCENARIOS / name))
    crossings = [(edge.id, other) for edge in diagram.edges for other, box in _boxes(diagram).items()
                 if other not in (edge.source, edge.target) and any(_inside(p, box) for p in _route(edge.path))]
    assert not crossings, crossings


@pytest.mark.parametrize("name", SHIPPED)
def test_no_flow_label_overlaps_another_label_or_a_box(name: str) -> None:
    diagram = layout(audited(SCENARIOS / name))
    boxes = _boxes(diagram)
    labels = [_label_box(diagram, i) for i in range(len(diagram.edges))]
    clashes = [(diagram.edges[i].id, diagram.edges[j].id) for i in range(len(labels)) for j in range(i)
               if _overlap(labels[i], labels[j])]
    clashes += [(diagram.edges[i].id, node) for i, label in enumerate(labels) for node, box in boxes.items()
                if _overlap(label, box)]
    assert not clashes, clashes
