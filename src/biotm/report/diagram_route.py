"""Orthogonal flow routing for the built-in diagram layout: no flow through an unrelated box, labels apart.

Every element box, grown by CLEARANCE, is an obstacle. The candidate lines of a route are the grown boxes'
sides, each element's centre and its ports either side of it, and lanes across the wide channels between
zones; a route is the cheapest walk over that grid (length, plus a price per bend and for running along a
stretch an earlier flow already uses) from the source's centre to the target's, cut where it leaves the one
box and enters the other. Walks never enter a grown box other than their own two, so no flow crosses an
unrelated element. Flows are routed in id order and every tie breaks on coordinates, so the same diagram
always gives the same routes. Cost grows with grid size times flows: this is for diagrams a person reads
(a report draws the zone overview past LARGE_MODEL elements), not for 10,000 boxes.
"""

from __future__ import annotations

import heapq
import itertools
from bisect import bisect_left
from collections import defaultdict
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from biotm.report.diagram_model import Diagram, Edge, Node

Point = tuple[float, float]
Box = tuple[float, float, float, float]  # x0, y0, x1, y1

CLEARANCE = 9.0  # a route keeps this far from every box it does not start or end at
PORT = 14.0  # parallel flows leave a side this far apart
LANE = 16.0  # spacing of the extra lines across a wide channel
BEND = 30.0  # a bend costs as much as this much length
REUSE = 2.0  # running along a stretch another flow uses costs this many times its length more
FOREIGN = 1.5  # ... through a zone that holds neither end, this many times more
HEADING = 8.0  # ... over a zone's name, this many times more (it would strike the name through)
_DIRS = ((1, 0), (-1, 0), (0, 1), (0, -1))
#: Grid walk steps (queue pops) routing may take before the diagram falls back to elbows, at 7 to 9 µs a step
#: about 10 s of CPU: the generated 100-element model's 182 flows take 1.19 million (8 s), a random one's 250
#: flows over 50 zones 5.4 million (46 s).
ROUTE_STEPS = 1_250_000


def route(diagram: Diagram, node_w: float, node_h: float, header: float) -> bool:
    """Set `points` and `path` of every flow in `diagram` (positions already set); False if past ROUTED_MAX
    elements or ROUTED_MAX_FLOWS flows, or once the walks took ROUTE_STEPS, where each flow is one elbow with its
    label set (`elbows`)."""
    from biotm.report.diagram_model import ROUTED_MAX, ROUTED_MAX_FLOWS

    if len(diagram.nodes) > ROUTED_MAX or len(diagram.edges) > ROUTED_MAX_FLOWS:
        elbows(diagram, node_w, node_h)
        return False
    boxes = {n.id: (n.x, n.y, n.x + node_w, n.y + node_h) for n in diagram.nodes.values()}
    grid = _Grid(diagram, boxes, header)
    for edge in sorted(diagram.edges, key=lambda e: e.id):
        if grid.steps > ROUTE_STEPS:
            # A dense diagram (100 boxes, 250 flows took 44 s): the whole of it drawn as elbows instead, so
            # that no diagram mixes routed and elbowed flows. Counted in steps, never time: deterministic.
            elbows(diagram, node_w, node_h)
            return False
        source, target = diagram.nodes[edge.source], diagram.nodes[edge.target]
        if source.id == target.id:
            points = _loop(source, node_w, node_h, grid.loops[source.id])
            grid.loops[source.id] += 1
        else:
            walk = grid.walk(source.id, target.id, _enclosing(diagram, source.zone) | _enclosing(diagram, target.zone))
            points = clip_points([grid.point_of(c) for c in walk], boxes[source.id], boxes[target.id])
            grid.use(walk)
        edge.points = points
        edge.path = "M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in points)
    return True


def elbows(diagram: Diagram, node_w: float, node_h: float) -> None:
    """Every flow as one elbow from centre to centre, its label at the bend: linear, for diagrams too large
    to route (`ROUTED_MAX`); routes may cross unrelated boxes."""
    loops: dict[str, int] = defaultdict(int)
    for edge in sorted(diagram.edges, key=lambda e: e.id):
        source, target = diagram.nodes[edge.source], diagram.nodes[edge.target]
        if source.id == target.id:
            points = _loop(source, node_w, node_h, loops[source.id])
            loops[source.id] += 1
        else:
            start = (source.x + node_w / 2, source.y + node_h / 2)
            end = (target.x + node_w / 2, target.y + node_h / 2)
            box_s = (source.x, source.y, source.x + node_w, source.y + node_h)
            box_t = (target.x, target.y, target.x + node_w, target.y + node_h)
            points = clip_points([start, (end[0], start[1]), end], box_s, box_t)
        edge.points = points
        edge.path = "M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in points)
        bend = points[len(points) // 2]
        edge.label_x, edge.label_y = round(bend[0], 1), round(bend[1], 1)


def _loop(node: Node, w: float, h: float, index: int) -> list[Point]:
    """A flow from an element to itself: a small square out of and back into its right side."""
    out = 12.0 + 6.0 * index
    top, bottom = node.y + h / 2 - 10 - 4 * index, node.y + h / 2 + 10 + 4 * index
    right = node.x + w
    return [(right, top), (right + out, top), (right + out, bottom), (right, bottom)]


class _Grid:
    """The candidate lines and which box, if any, covers each grid point and each step between two."""

    def __init__(self, diagram: Diagram, boxes: dict[str, Box], header: float) -> None:
        self.steps = 0  # queue pops of every walk so far (`ROUTE_STEPS`)
        xs: set[float] = set()
        ys: set[float] = set()
        for x0, y0, x1, y1 in boxes.values():
            cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
            xs.update((x0 - CLEARANCE, x1 + CLEARANCE, cx, cx - 2 * PORT, cx + 2 * PORT))
            ys.update((y0 - CLEARANCE, y1 + CLEARANCE, cy, cy - PORT, cy + PORT))
        for lo, hi in _channels([(z.x, z.x + z.w) for z in diagram.zones.values() if z.parent is None]):
            xs.update(lo + LANE * k for k in range(1, int((hi - lo) / LANE)))
        for lo, hi in _channels([(z.y, z.y + z.h) for z in diagram.zones.values() if z.parent is None]):
            ys.update(lo + LANE * k for k in range(1, int((hi - lo) / LANE)))
        self.xs = sorted({round(x, 2) for x in xs})
        self.ys = sorted({round(y, 2) for y in ys})
        nx_, ny_ = len(self.xs), len(self.ys)
        # owner of a point / of the step to its right / of the step below it: "" when free
        self.point: list[list[str]] = [[""] * ny_ for _ in range(nx_)]
        self.right: list[list[str]] = [[""] * ny_ for _ in range(nx_)]
        self.down: list[list[str]] = [[""] * ny_ for _ in range(nx_)]
        for owner, (x0, y0, x1, y1) in sorted(boxes.items()):
            a, b = self._ix(x0 - CLEARANCE), self._ix(x1 + CLEARANCE)
            c, d = self._iy(y0 - CLEARANCE), self._iy(y1 + CLEARANCE)
            for i in range(a, b + 1):
                for j in range(c, d + 1):
                    if a < i < b and c < j < d:
                        self.point[i][j] = owner
                    if i < b and c < j < d:
                        self.right[i][j] = owner
                    if a < i < b and j < d:
                        self.down[i][j] = owner
        # zones each step runs through, and the steps over a zone's name band
        self.zones: dict[tuple[int, int, int], list[str]] = defaultdict(list)
        self.heading: set[tuple[int, int, int]] = set()
        for zone in sorted(diagram.zones.values(), key=lambda z: z.id):
            x0, y0, x1, y1 = zone.x, zone.y, zone.x + zone.w, zone.y + zone.h
            for i in range(max(self._ix(x0) - 1, 0), min(self._ix(x1) + 1, len(self.xs))):
                for j in range(max(self._iy(y0) - 1, 0), min(self._iy(y1) + 1, len(self.ys))):
                    x, y = self.xs[i], self.ys[j]
                    ends = ((i + 1 < len(self.xs), (x + self.xs[min(i + 1, len(self.xs) - 1)]) / 2, y, 0),
                            (j + 1 < len(self.ys), x, (y + self.ys[min(j + 1, len(self.ys) - 1)]) / 2, 1))
                    for exists, mx, my, axis in ends:
                        if exists and x0 < mx < x1 and y0 < my < y1:
                            self.zones[(i, j, axis)].append(zone.id)
                            if my < y0 + header:
                                self.heading.add((i, j, axis))
        self.centre = {owner: (self._ix((x0 + x1) / 2), self._iy((y0 + y1) / 2))
                       for owner, (x0, y0, x1, y1) in boxes.items()}
        self.used: dict[tuple[int, int, int], int] = defaultdict(int)  # (i, j, 0 right / 1 down) -> flows on it
        self.loops: dict[str, int] = defaultdict(int)

    def _ix(self, x: float) -> int:
        return bisect_left(self.xs, round(x, 2))

    def _iy(self, y: float) -> int:
        return bisect_left(self.ys, round(y, 2))

    def _step(self, i: int, j: int, di: int, dj: int) -> tuple[int, int, str, tuple[int, int, int]] | None:
        """The grid point one step from (i, j), the owner of that step and its key; None off the grid."""
        ni, nj = i + di, j + dj
        if not (0 <= ni < len(self.xs) and 0 <= nj < len(self.ys)):
            return None
        if dj == 0:
            lo = min(i, ni)
            return ni, nj, self.right[lo][j] or self.point[ni][nj], (lo, j, 0)
        lo = min(j, nj)
        return ni, nj, self.down[i][lo] or self.point[ni][nj], (i, lo, 1)

    def walk(self, source: str, target: str, home: set[str]) -> list[tuple[int, int]]:
        """The cheapest grid walk from the centre of `source` to the centre of `target` (A*, bends priced);
        `home` holds the zones around either end, which the walk may cross at no extra cost."""
        start, goal = self.centre[source], self.centre[target]
        allowed = {"", source, target}
        gx, gy = self.xs[goal[0]], self.ys[goal[1]]

        def estimate(i: int, j: int) -> float:
            return abs(self.xs[i] - gx) + abs(self.ys[j] - gy)

        counter = itertools.count()
        best: dict[tuple[int, int, int], float] = {}
        came: dict[tuple[int, int, int], tuple[int, int, int] | None] = {}
        queue: list[tuple[float, int, float, tuple[int, int, int], tuple[int, int, int] | None]] = []
        for d in range(4):
            heapq.heappush(queue, (estimate(*start), next(counter), 0.0, (start[0], start[1], d), None))
        while queue:
            _, _, cost, state, parent = heapq.heappop(queue)
            self.steps += 1
            if state in came:
                continue
            came[state] = parent
            i, j, d = state
            if (i, j) == goal:
                return self._trace(came, state)
            for nd, (di, dj) in enumerate(_DIRS):
                if (di, dj) == (-_DIRS[d][0], -_DIRS[d][1]):
                    continue
                step = self._step(i, j, di, dj)
                if step is None or step[2] not in allowed:
                    continue
                ni, nj, _, key = step
                length = abs(self.xs[ni] - self.xs[i]) + abs(self.ys[nj] - self.ys[j])
                factor = 1 + REUSE * self.used.get(key, 0)
                factor += FOREIGN * sum(1 for z in self.zones.get(key, ()) if z not in home)
                factor += HEADING * (key in self.heading)
                price = cost + length * factor + (BEND if nd != d else 0.0)
                nxt = (ni, nj, nd)
                if nxt not in came and price < best.get(nxt, float("inf")):
                    best[nxt] = price
                    heapq.heappush(queue, (price + estimate(ni, nj), next(counter), price, nxt, state))
        # unreachable only if boxes wall a centre in completely; a straight line is then the honest answer
        return [start, (goal[0], start[1]), goal]

    def _trace(self, came: dict[tuple[int, int, int], tuple[int, int, int] | None],
               state: tuple[int, int, int]) -> list[tuple[int, int]]:
        cells: list[tuple[int, int]] = []
        current: tuple[int, int, int] | None = state
        while current is not None:
            cells.append((current[0], current[1]))
            current = came[current]
        cells.reverse()
        return cells

    def use(self, cells: list[tuple[int, int]]) -> None:
        for (i, j), (ni, nj) in itertools.pairwise(cells):
            if (i, j) == (ni, nj):
                continue
            step = self._step(i, j, ni - i, nj - j) if abs(ni - i) + abs(nj - j) == 1 else None
            if step is not None:
                self.used[step[3]] += 1

    def point_of(self, cell: tuple[int, int]) -> Point:
        return self.xs[cell[0]], self.ys[cell[1]]


def _enclosing(diagram: Diagram, zone_id: str) -> set[str]:
    """`zone_id` and every zone around it."""
    out: set[str] = set()
    current: str | None = zone_id
    while current is not None and current in diagram.zones and current not in out:
        out.add(current)
        current = diagram.zones[current].parent
    return out


def _channels(spans: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """The gaps between the union of `spans` (top-level zone extents on one axis)."""
    merged: list[list[float]] = []
    for lo, hi in sorted(spans):
        if merged and lo <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], hi)
        else:
            merged.append([lo, hi])
    return [(a[1], b[0]) for a, b in itertools.pairwise(merged)]


def _inside(point: Point, box: Box) -> bool:
    return box[0] < point[0] < box[2] and box[1] < point[1] < box[3]


def _merge(points: list[Point]) -> list[Point]:
    """Drop repeated points and the middle of three collinear ones."""
    out: list[Point] = []
    for p in points:
        if out and out[-1] == p:
            continue
        if len(out) >= 2 and (out[-2][0] == out[-1][0] == p[0] or out[-2][1] == out[-1][1] == p[1]):
            out[-1] = p
            continue
        out.append(p)
    return out


def _border(inside: Point, outside: Point, box: Box) -> Point:
    """Where the axis-parallel segment from `inside` to `outside` crosses the border of `box`."""
    (x0, y0), (x1, y1) = inside, outside
    if y0 == y1:
        return (box[2] if x1 > x0 else box[0]), y0
    return x0, (box[3] if y1 > y0 else box[1])


def clip_points(points: list[Point], source: Box, target: Box) -> list[Point]:
    """Cut a route from centre to centre where it last leaves `source` and first enters `target`."""
    points = _merge(points)
    last_in = max((k for k, p in enumerate(points) if _inside(p, source)), default=0)
    first_in = min((k for k, p in enumerate(points) if k > last_in and _inside(p, target)), default=len(points) - 1)
    start = _border(points[last_in], points[last_in + 1], source)
    end = _border(points[first_in], points[first_in - 1], target)
    return _merge([start, *points[last_in + 1 : first_in], end])


def label_spots(edge: Edge) -> list[Point]:
    """Where a flow's label may sit, best first: along its longest horizontal runs, then anywhere on it."""
    segments = sorted(
        itertools.pairwise(edge.points),
        key=lambda s: (s[0][1] != s[1][1], -abs(s[1][0] - s[0][0]) - abs(s[1][1] - s[0][1]), s),
    )
    spots: list[Point] = []
    for (x0, y0), (x1, y1) in segments:
        for t in (0.5, 0.3, 0.7, 0.15, 0.85):
            spots.append((round(x0 + (x1 - x0) * t, 1), round(y0 + (y1 - y0) * t, 1)))
    return spots or [(edge.label_x, edge.label_y)]
