"""Plane geometry of a drawing: polylines that cross, boxes around a point, regions joined without crossing a curve."""

from __future__ import annotations

from biotm.interop.threat_dragon.cells import Point, _Cell


def _cross(o: Point, a: Point, b: Point) -> float:
    return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])


def _segments_cross(p1: Point, p2: Point, q1: Point, q2: Point) -> bool:
    d1, d2 = _cross(q1, q2, p1), _cross(q1, q2, p2)
    d3, d4 = _cross(p1, p2, q1), _cross(p1, p2, q2)
    return ((d1 > 0) != (d2 > 0)) and ((d3 > 0) != (d4 > 0)) and d1 != 0 and d2 != 0 and d3 != 0 and d4 != 0


def polylines_cross(a: list[Point], b: list[Point]) -> bool:
    """Whether two polylines intersect (a proper crossing of any two segments)."""
    return any(_segments_cross(a[i], a[i + 1], b[j], b[j + 1]) for i in range(len(a) - 1) for j in range(len(b) - 1))


class _Regions:
    """Union-find over element ids: which elements are joined without crossing a curve."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}
        self._members: dict[str, list[str]] = {}  # root -> every element of its region

    def find(self, item: str) -> str:
        root = item
        while self.parent.get(root, root) != root:
            root = self.parent[root]
        while item != root:  # path compression keeps later look-ups flat
            self.parent[item], item = root, self.parent.get(item, item)
        return root

    def join(self, a: str, b: str) -> None:
        self.parent.setdefault(a, a)
        self.parent.setdefault(b, b)
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            root, child = min(ra, rb), max(ra, rb)
            self.parent[child] = root
            self._members.setdefault(root, [root]).extend(self._members.pop(child, [child]))

    def members(self, root: str) -> list[str]:
        return self._members.get(root, [root])

    def separated(self, a: str, b: str, across: dict[str, set[str]]) -> bool:
        """Whether a crossing flow joins an element of region `a` to one of region `b`."""
        small, other = (a, b) if len(self.members(a)) <= len(self.members(b)) else (b, a)
        return any(self.find(p) == other for m in self.members(small) for p in across.get(m, ()))

    def groups(self, members: list[str]) -> list[list[str]]:
        out: dict[str, list[str]] = {}
        for member in members:
            out.setdefault(self.find(member), []).append(member)
        return list(out.values())


class _BoxIndex:
    """Boxes bucketed on a grid, so finding the box around a point does not scan every box."""

    def __init__(self, boxes: list[_Cell]) -> None:
        self.boxes = sorted(boxes, key=lambda c: (c.area, c.index))  # smallest first
        sizes = sorted(max(c.box[2], c.box[3]) for c in boxes if c.box is not None)
        self.step = max(sizes[len(sizes) // 2], 1.0) if sizes else 1.0
        self.cells: dict[tuple[int, int], list[_Cell]] = {}
        self.wide: list[_Cell] = []  # boxes spanning too many grid cells to register in each
        for box in self.boxes:
            assert box.box is not None
            x, y, w, h = box.box
            x0, y0, x1, y1 = self._cell(x, y) + self._cell(x + w, y + h)
            if (x1 - x0 + 1) * (y1 - y0 + 1) > _WIDE_CELLS:
                self.wide.append(box)
                continue
            for gx in range(x0, x1 + 1):
                for gy in range(y0, y1 + 1):
                    self.cells.setdefault((gx, gy), []).append(box)

    def _cell(self, x: float, y: float) -> tuple[int, int]:
        return (int(x // self.step), int(y // self.step))

    def _candidates(self, point: Point) -> list[_Cell]:
        near = self.cells.get(self._cell(*point), [])
        if not self.wide:
            return near
        return sorted([*near, *self.wide], key=lambda c: (c.area, c.index))

    def smallest_containing(self, point: Point) -> _Cell | None:
        return next((b for b in self._candidates(point) if b.contains(point)), None)

    def enclosing(self, box: _Cell) -> _Cell | None:
        """The smallest other box that encloses `box` entirely."""
        assert box.box is not None
        corner = (box.box[0], box.box[1])
        return next((b for b in self._candidates(corner) if b is not box and b.encloses(box)), None)


_WIDE_CELLS = 64
