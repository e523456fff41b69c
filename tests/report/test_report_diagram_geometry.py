"""The built-in diagram layout (used without Graphviz) on the shipped scenarios: no flow crosses an unrelated
element box, and no flow label overlaps another label or an element box."""

from __future__ import annotations

import re

import pytest
from report_support import SCENARIOS, audited

from biotm.report.diagram import EDGE_LABEL_W, NODE_H, NODE_W, Diagram, _width, layout, wrap

Box = tuple[float, float, float, float]


def _bezier(path: str, samples: int = 60) -> list[tuple[float, float]]:
    x0, y0, x1, y1, x2, y2, x3, y3 = (float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", path))
    out = []
    for i in range(samples + 1):
        t = i / samples
        u = 1 - t
        out.append((u**3 * x0 + 3 * u * u * t * x1 + 3 * u * t * t * x2 + t**3 * x3,
                    u**3 * y0 + 3 * u * u * t * y1 + 3 * u * t * t * y2 + t**3 * y3))
    return out


def _inside(point: tuple[float, float], box: Box, inset: float = 2.0) -> bool:
    x, y, w, h = box
    return x + inset < point[0] < x + w - inset and y + inset < point[1] < y + h - inset


def _overlap(a: Box, b: Box) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def _label_box(diagram: Diagram, index: int) -> Box:
    edge = diagram.edges[index]
    width = min(_width(edge.label), EDGE_LABEL_W) + 6
    return (edge.label_x - width / 2, edge.label_y - 12, width, 13.0 * len(wrap(edge.label, EDGE_LABEL_W, 2)))


SHIPPED = sorted(p.name for p in SCENARIOS.glob("*.yaml"))


def _boxes(diagram: Diagram) -> dict[str, Box]:
    return {n.id: (n.x, n.y, NODE_W, NODE_H) for n in diagram.nodes.values()}


# Known defect (issue 19 point 4, open): `_curve` draws one side-to-side Bezier per flow with no routing
# around the boxes between its ends, so on every shipped scenario some flow runs through an unrelated box.
# strict: the day routing avoids boxes, this xfail fails and must be removed.
@pytest.mark.xfail(strict=True, reason="built-in layout does not route flows around boxes yet")
@pytest.mark.parametrize("name", SHIPPED)
def test_no_flow_through_an_unrelated_box(name: str) -> None:
    diagram = layout(audited(SCENARIOS / name))
    crossings = [(edge.id, other) for edge in diagram.edges for other, box in _boxes(diagram).items()
                 if other not in (edge.source, edge.target) and any(_inside(p, box) for p in _bezier(edge.path))]
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
