"""Import OWASP Threat Dragon models (v2 JSON, and v1 where the cells sit under `diagramJson`).

Threat Dragon draws trust boundaries but never records which element sits in which, so zones are
inferred from the drawing (docs/interop.md, "Threat Dragon"):

* a boundary box (`tm.BoundaryBox`) is a zone; an element whose centre lies inside boxes belongs to
  the smallest of them, and a box inside another box is a zone nested in it (`parent`);
* elements inside no box share one zone per diagram, "outside";
* a boundary curve (`tm.Boundary`, shape `trust-boundary-curve` or the legacy misspelt
  `trust-broundary-curve`) is a line. When a flow's polyline crosses it, the elements of the zones
  that flow touches are split by the side of the curve they lie on, so the crossing flow crosses a
  zone boundary in biotm too. Curves no flow crosses change nothing.

Flows with a dangling end (`{x, y}` instead of `{cell}`) cannot be placed and are dropped, with a
comment. Bidirectional flows become two flows. Out-of-scope processes and stores become `external`
elements (outside the audit's control). Threats become model `threats` with status and severity.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from biotm.interop.common import UNKNOWN_JURISDICTION, Draft, as_list, as_mapping, located, text_of
from biotm.model.parse import Limits
from biotm.model.source import Path, SourceMap

Point = tuple[float, float]

_KINDS = {
    "tm.actor": "actor",
    "actor": "actor",
    "tm.process": "process",
    "process": "process",
    "tm.store": "store",
    "store": "store",
    "tm.flow": "flow",
    "flow": "flow",
    "tm.boundarybox": "box",
    "trust-boundary-box": "box",
    "tm.boundary": "curve",
    "trust-boundary-curve": "curve",
    "trust-broundary-curve": "curve",  # the legacy misspelling Threat Dragon still reads
    "tm.text": "text",
    "td-text-block": "text",
}

_STATUS = {"open": "open", "mitigated": "mitigated", "n/a": "accepted", "notapplicable": "accepted"}
_SEVERITY = {"critical": "critical", "high": "high", "medium": "medium", "low": "low", "info": "info"}


def detect(data: dict[str, Any]) -> bool:
    detail = data.get("detail")
    return isinstance(detail, dict) and "diagrams" in detail and "summary" in data


@dataclass
class _Cell:
    index: int
    path: Path
    props_path: Path
    kind: str
    cell_id: str
    props: dict[str, Any]
    raw: dict[str, Any]
    name: str
    box: tuple[float, float, float, float] | None = None  # x, y, width, height

    @property
    def centre(self) -> Point:
        assert self.box is not None
        x, y, w, h = self.box
        return (x + w / 2, y + h / 2)

    def contains(self, point: Point) -> bool:
        assert self.box is not None
        x, y, w, h = self.box
        return x <= point[0] <= x + w and y <= point[1] <= y + h

    def encloses(self, other: _Cell) -> bool:
        assert self.box is not None and other.box is not None
        x, y, w, h = other.box
        return self.contains((x, y)) and self.contains((x + w, y + h)) and self.area > other.area

    @property
    def area(self) -> float:
        assert self.box is not None
        return self.box[2] * self.box[3]


#: Coordinates beyond this are no drawing (Threat Dragon's canvas is a few thousand pixels wide).
MAX_COORDINATE = 1e9


def _number(value: Any) -> float | None:
    """A coordinate as a float, or None when it is not a number or too large to be a drawing."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, int) and abs(value) > MAX_COORDINATE:
        return None  # float() of a 4,000-digit integer overflows
    number = float(value)
    return number if abs(number) <= MAX_COORDINATE else None  # also refuses inf and nan


def _geometry(cell: dict[str, Any]) -> tuple[float, float, float, float] | None:
    position, size = cell.get("position"), cell.get("size")
    if not isinstance(position, dict) or not isinstance(size, dict):
        return None
    values = [
        _number(position.get("x")),
        _number(position.get("y")),
        _number(size.get("width")),
        _number(size.get("height")),
    ]
    if any(v is None for v in values):
        return None
    x, y, w, h = (v for v in values if v is not None)
    return (x, y, w, h)


def _point(value: Any) -> Point | None:
    """An {x, y} mapping as a point, or None."""
    if not isinstance(value, dict):
        return None
    x, y = _number(value.get("x")), _number(value.get("y"))
    return None if x is None or y is None else (x, y)


def _label(cell: dict[str, Any], props: dict[str, Any]) -> str:
    """The visible name: data.name, else the drawn text or label."""
    name = text_of(props.get("name"))
    if name:
        return name
    attrs = cell.get("attrs") if isinstance(cell.get("attrs"), dict) else {}
    assert isinstance(attrs, dict)
    for key in ("text", "label"):
        part = attrs.get(key)
        if isinstance(part, dict) and text_of(part.get("text")):
            return text_of(part.get("text"))
    for label in as_list(cell.get("labels")):
        if isinstance(label, str) and label.strip():
            return text_of(label)
        if isinstance(label, dict):
            text = label.get("attrs", {}).get("text", {}) if isinstance(label.get("attrs"), dict) else {}
            if isinstance(text, dict) and text_of(text.get("text")):
                return text_of(text.get("text"))
    return ""


def _cross(o: Point, a: Point, b: Point) -> float:
    return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])


def _segments_cross(p1: Point, p2: Point, q1: Point, q2: Point) -> bool:
    d1, d2 = _cross(q1, q2, p1), _cross(q1, q2, p2)
    d3, d4 = _cross(p1, p2, q1), _cross(p1, p2, q2)
    return ((d1 > 0) != (d2 > 0)) and ((d3 > 0) != (d4 > 0)) and d1 != 0 and d2 != 0 and d3 != 0 and d4 != 0


def polylines_cross(a: list[Point], b: list[Point]) -> bool:
    """Whether two polylines intersect (a proper crossing of any two segments)."""
    return any(_segments_cross(a[i], a[i + 1], b[j], b[j + 1]) for i in range(len(a) - 1) for j in range(len(b) - 1))


#: How many nearest elements a lone element tries to see past the curves (bounds the work per element).
_VISIBLE_CANDIDATES = 16


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


@dataclass
class _Diagram:
    draft: Draft
    owner: str
    path: Path
    title: str
    multi: bool
    diagram_type: Any = None
    cells: list[_Cell] = field(default_factory=list)
    element_ids: dict[str, str] = field(default_factory=dict)  # cell id -> biotm element id
    element_index: dict[str, int] = field(default_factory=dict)  # cell id -> index in elements
    centres: dict[str, Point] = field(default_factory=dict)  # biotm element id -> centre of its shape
    index_of: dict[str, int] = field(default_factory=dict)  # biotm element id -> index in elements
    zone_index: dict[str, int] = field(default_factory=dict)  # zone id -> index in zones

    def read_cells(self, raw_cells: list[Any], cells_path: Path, v1: bool) -> None:
        for j, cell in enumerate(raw_cells):
            path = (*cells_path, j)
            if not isinstance(cell, dict):
                raise located(self.draft.source, path, f"a diagram cell must be a mapping, not {type(cell).__name__}")
            props_path = path if v1 or not isinstance(cell.get("data"), dict) else (*path, "data")
            props = cell if props_path == path else cell["data"]
            kind_name = str(props.get("type") or cell.get("type") or cell.get("shape") or "")
            kind = _KINDS.get(kind_name.lower()) or _KINDS.get(str(cell.get("shape", "")).lower(), "unknown")
            cell_id = text_of(cell.get("id")) or f"cell-{j}"
            parsed = _Cell(j, path, props_path, kind, cell_id, props, cell, _label(cell, props), _geometry(cell))
            if kind in ("actor", "process", "store", "box") and parsed.box is None:
                self.draft.header.append(
                    f"{kind} '{parsed.name or cell_id}' in diagram '{self.title}' has no position or size: "
                    "its zone could not be inferred"
                )
            if kind == "unknown":
                self.draft.header.append(f"cell '{cell_id}' of unknown type '{kind_name}' in '{self.title}' skipped")
            self.cells.append(parsed)

    def _of(self, *kinds: str) -> list[_Cell]:
        return [c for c in self.cells if c.kind in kinds]

    def _zone(self, wanted: str, fallback: str, name: str, origin: Path | None, parent: str | None) -> str:
        zone_id = self.draft.unique_id("zone", wanted, fallback)
        zone: dict[str, Any] = {"id": zone_id, "name": name, "owner": self.owner, "jurisdiction": UNKNOWN_JURISDICTION}
        if parent:
            zone["parent"] = parent
        index = self.draft.add("zones", zone, origin)
        self.draft.note_zone_guesses(index, "Threat Dragon", "the model owner")
        self.zone_index[zone_id] = index
        return zone_id

    def build(self) -> None:
        boxes = [c for c in self._of("box") if c.box is not None]
        index = _BoxIndex(boxes)
        box_zone: dict[str, str] = {}
        for number, box in enumerate(sorted(boxes, key=lambda c: (-c.area, c.index)), start=1):
            enclosing = index.enclosing(box)
            parent = box_zone[enclosing.cell_id] if enclosing is not None else None
            name = box.name or f"Trust boundary {number}"
            prefix = f"{self.title} " if self.multi else ""
            zone_id = self._zone(prefix + (box.name or ""), f"{prefix}boundary-{number}", name, box.path, parent)
            box_zone[box.cell_id] = zone_id
            z_index = self.zone_index[zone_id]
            if not box.name:
                self.draft.note(("zones", z_index, "name"), "the boundary has no name in Threat Dragon: name it")
            if "internet" in name.lower():
                self.draft.sections["zones"][z_index]["internet_facing"] = True
                self.draft.note(("zones", z_index, "internet_facing"), "guessed from the boundary's name")
        outside: str | None = None
        for cell in self._of("actor", "process", "store"):
            holder = index.smallest_containing(cell.centre) if cell.box is not None else None
            if holder is not None:
                zone = box_zone[holder.cell_id]
            else:
                if outside is None:
                    wanted = f"{self.title} outside" if self.multi else "outside"
                    outside = self._zone(wanted, "outside", "Outside any trust boundary", self.path, None)
                zone = outside
            self._element(cell, zone)
        flows = self._of("flow")
        self._split_by_curves(flows, outside)
        for flow in flows:
            self._flow(flow)
        kind = text_of(self.diagram_type)
        if kind:
            self.draft.header.append(f"diagram '{self.title}' is a {kind} diagram in Threat Dragon (not used)")

    def _element(self, cell: _Cell, zone: str) -> None:
        props = cell.props
        kind = cell.kind
        element_id = self.draft.unique_id("place", cell.name, kind)
        element: dict[str, Any] = {"id": element_id, "type": kind}
        if cell.name:
            element["name"] = cell.name
        description = text_of(props.get("description"))
        if description:
            element["description"] = description
        element["zone"] = zone
        index = self.draft.add("elements", element, cell.path)
        if not cell.name:
            self.draft.note(("elements", index), "no name in Threat Dragon: name it")
        if props.get("outOfScope") is True:
            reason = text_of(props.get("reasonOutOfScope"))
            if kind != "actor":
                element["type"] = "external"
            self.draft.note(
                ("elements", index, "type"),
                "out of scope in Threat Dragon" + (f" ({reason})" if reason else "") + ": treated as outside the audit",
            )
        if kind == "store" and props.get("isEncrypted") is True:
            element["controls"] = ["encryption-at-rest"]
        if kind == "store" and props.get("isALog") is True:
            element["purpose"] = "log"
            self.draft.note(("elements", index, "purpose"), "a log store in Threat Dragon (isALog)")
        if kind == "process" and props.get("providesAuthentication") is True:
            element["controls"] = [*element.get("controls", []), "access-control"]
            self.draft.note(("elements", index, "controls"), "provides authentication in Threat Dragon")
        if text_of(props.get("privilegeLevel")):
            self.draft.note(
                ("elements", index), f"privilege level in Threat Dragon: {text_of(props['privilegeLevel'])}"
            )
            self.draft.dropped["privilege levels (noted on each process)"] += 1
        if kind == "process" and props.get("handlesCardPayment") is True:
            self.draft.note(("elements", index), "handles card payments (Threat Dragon)")
        if kind == "store" and props.get("storesCredentials") is True:
            self.draft.note(("elements", index), "stores credentials (Threat Dragon): add the credential data item")
        self.element_ids[cell.cell_id] = element_id
        self.element_index[cell.cell_id] = index
        self.index_of[element_id] = index
        if cell.box is not None:
            self.centres[element_id] = cell.centre
        self._threats(cell, element_id)

    def _end(self, cell: _Cell, end: str) -> str | None:
        ref = cell.raw.get(end)
        if isinstance(ref, dict):
            target = ref.get("cell", ref.get("id"))
            if target is not None:
                return self.element_ids.get(str(target))
        return None

    def _centre_of(self, element_id: str) -> Point | None:
        return self.centres.get(element_id)

    def _polyline(self, cell: _Cell) -> list[Point] | None:
        """Source, vertices, target of a flow or curve; None when an end is neither a point nor a placed element."""
        points: list[Point] = []
        for end in ("source", "target"):
            point = _point(cell.raw.get(end))
            if point is None:
                element = self._end(cell, end)
                point = self._centre_of(element) if element else None
            if point is None:
                return None
            points.append(point)
        vertices = [p for p in (_point(v) for v in as_list(cell.raw.get("vertices"))) if p is not None]
        return [points[0], *vertices, points[1]]

    def _split_by_curves(self, flows: list[_Cell], outside: str | None) -> None:
        """Split zones along the boundary curves that flows actually cross.

        A curve is a drawn line, not an infinite one: a flow crosses it only if the flow's drawn
        polyline intersects the curve's drawn segments. Within a zone touched by a crossing flow,
        elements joined by a flow that crosses no curve share a region, and regions whose elements
        see each other past the crossed curves merge unless a crossing flow joins them. So every
        crossing flow, and no other, crosses a zone boundary. The largest region keeps the zone;
        every other region becomes a zone of its own inside it (beside it for "outside").
        """
        lines = [(c, line) for c in self._of("curve") if (line := self._polyline(c)) is not None and len(line) > 1]
        if not lines:
            return
        crossing: list[tuple[str, str, _Cell]] = []
        joined: list[tuple[str, str]] = []
        used: list[tuple[_Cell, list[Point]]] = []
        for flow in flows:
            source, target = self._end(flow, "source"), self._end(flow, "target")
            path = self._polyline(flow) if source and target and source != target else None
            if path is None or source is None or target is None:
                continue
            hit = [(c, line) for c, line in lines if polylines_cross(path, line)]
            if hit:
                crossing.append((source, target, flow))
                used.extend(h for h in hit if all(h[0] is not u[0] for u in used))
            else:
                joined.append((source, target))
        if not crossing:
            return
        touched = sorted({self._zone_of(end) for s, t, _f in crossing for end in (s, t)})
        elements = self.draft.sections["elements"]
        members_of: dict[str, list[str]] = {}
        for element in elements:
            if element["id"] in self.centres:
                members_of.setdefault(element["zone"], []).append(element["id"])
        regions = _Regions()
        for source, target in joined:
            regions.join(source, target)
        across: dict[str, set[str]] = {}  # element -> the elements a crossing flow separates it from
        for source, target, _flow in crossing:
            across.setdefault(source, set()).add(target)
            across.setdefault(target, set()).add(source)
        curve_lines = [line for _c, line in used]
        for zone_id in touched:
            self._merge_visible(members_of.get(zone_id, []), regions, across, curve_lines)
        names = ", ".join(f"'{c.name}'" if c.name else "an unnamed curve" for c, _l in used)
        for zone_id in touched:
            groups = regions.groups(members_of.get(zone_id, []))
            if len(groups) < 2:
                continue
            groups.sort(key=lambda g: (-len(g), self.index_of[g[0]]))
            base = self.draft.sections["zones"][self.zone_index[zone_id]]
            parent = base.get("parent") if zone_id == outside else zone_id
            base_name = base["name"]
            if zone_id == outside:  # "Outside any trust boundary" now names several zones: say which
                base["name"] = f"{base_name}: {self._shown(groups[0])}"
            for group in groups[1:]:
                first = elements[self.index_of[group[0]]].get("name") or group[0]
                side_zone = self._zone(
                    f"{zone_id}-{first}", "region", f"{base_name}: {self._shown(group)}", used[0][0].path, parent
                )
                self.draft.note(
                    ("zones", self.zone_index[side_zone]),
                    f"inferred: these elements of '{zone_id}' lie across the boundary curve(s) {names}",
                )
                for member in group:
                    elements[self.index_of[member]]["zone"] = side_zone

    def _shown(self, group: list[str]) -> str:
        elements = self.draft.sections["elements"]
        labels = [elements[self.index_of[m]].get("name") or m for m in group]
        return ", ".join(labels[:2]) + (", ..." if len(labels) > 2 else "")

    def _merge_visible(
        self, members: list[str], regions: _Regions, across: dict[str, set[str]], curve_lines: list[list[Point]]
    ) -> None:
        """Merge regions whose elements see each other past the crossed curves.

        Two regions are one area of the drawing if an element of one sees a near element of the other
        (their straight line crosses no crossed curve), unless a crossing flow joins the two regions:
        the curve it crosses is what separates them. Each element tries only its nearest neighbours.
        """
        for element_id in members:
            centre = self.centres[element_id]
            ranked = sorted(
                (m for m in members if m != element_id),
                key=lambda m: ((self.centres[m][0] - centre[0]) ** 2 + (self.centres[m][1] - centre[1]) ** 2, m),
            )
            for other in ranked[:_VISIBLE_CANDIDATES]:
                mine, theirs = regions.find(element_id), regions.find(other)
                if mine == theirs:
                    continue
                segment = [centre, self.centres[other]]
                if any(polylines_cross(segment, line) for line in curve_lines):
                    continue
                if regions.separated(mine, theirs, across):
                    continue
                regions.join(element_id, other)

    def _zone_of(self, element_id: str) -> str:
        return str(self.draft.sections["elements"][self.index_of[element_id]]["zone"])

    def _flow(self, cell: _Cell) -> None:
        props = cell.props
        source, target = self._end(cell, "source"), self._end(cell, "target")
        label = cell.name or cell.cell_id
        if source is None or target is None:
            end = "source" if source is None else "target"
            self.draft.header.append(
                f"flow '{label}' in diagram '{self.title}' dropped: its {end} is not attached to an element"
                + (
                    f" (and its {len(as_list(props.get('threats')))} threat(s))"
                    if as_list(props.get("threats"))
                    else ""
                )
            )
            return
        if source == target:
            self.draft.header.append(f"flow '{label}' in diagram '{self.title}' dropped: it loops on '{source}'")
            return
        if props.get("outOfScope") is True:
            reason = text_of(props.get("reasonOutOfScope")) or "no reason given"
            line = f"Out of scope in Threat Dragon, not audited: flow '{label}' ({source} -> {target}): {reason}"
            self.draft.meta.setdefault("assumptions", []).append(line)
            self.draft.header.append(line + f" ({len(as_list(props.get('threats')))} threat(s) not carried over)")
            return
        flow_id = self.draft.unique_id("place", cell.name, f"{source}-to-{target}")
        flow = self._flow_dict(flow_id, cell, source, target)
        index = self.draft.add("flows", flow, cell.path)
        self._flow_notes(index, cell, target)
        self._threats(cell, flow_id)
        if props.get("isBidirectional") is True:
            reverse_id = self.draft.unique_id("place", flow_id, "flow", suffix="-reverse")
            reverse = self._flow_dict(reverse_id, cell, target, source)
            r_index = self.draft.add("flows", reverse, cell.path)
            self.draft.note(("flows", r_index), f"the return direction of the bidirectional flow '{flow_id}'")
            self._flow_notes(r_index, cell, source)

    def _flow_dict(self, flow_id: str, cell: _Cell, source: str, target: str) -> dict[str, Any]:
        props = cell.props
        flow: dict[str, Any] = {"id": flow_id}
        if cell.name:
            flow["name"] = cell.name
        description = text_of(props.get("description"))
        if description:
            flow["description"] = description
        flow.update({"source": source, "target": target, "data": []})
        protocol = text_of(props.get("protocol"))
        if protocol:
            flow["protocol"] = protocol
        flow["encrypted"] = props.get("isEncrypted") is True
        return flow

    def _flow_notes(self, index: int, cell: _Cell, target: str) -> None:
        props = cell.props
        self.draft.note(("flows", index, "data"), "Threat Dragon records no data: list what this flow carries")
        if props.get("isPublicNetwork") is True:
            self.draft.note(
                ("flows", index), "crosses a public network (Threat Dragon): its target zone is internet-facing"
            )
            zone_id = self._zone_of(target)
            z_index = self.zone_index[zone_id]
            zone = self.draft.sections["zones"][z_index]
            if not zone.get("internet_facing"):
                zone["internet_facing"] = True
                self.draft.note(("zones", z_index, "internet_facing"), "a public-network flow enters this zone")

    def _threats(self, cell: _Cell, place: str) -> None:
        for k, threat in enumerate(as_list(cell.props.get("threats"))):
            origin = (*cell.props_path, "threats", k)
            if not isinstance(threat, dict):
                raise located(self.draft.source, origin, "a threat must be a mapping")
            number = text_of(threat.get("number"))
            threat_id = self.draft.unique_id("threat", f"td-{number}" if number else "", f"td-{place}")
            title = text_of(threat.get("title")) or text_of(threat.get("type")) or "Untitled threat"
            entry: dict[str, Any] = {"id": threat_id, "title": title}
            description = text_of(threat.get("description"))
            if description:
                entry["description"] = description
            entry["place"] = place
            raw_severity = text_of(threat.get("severity")).lower()
            entry["severity"] = _SEVERITY.get(raw_severity, "medium")
            raw_status = text_of(threat.get("status")).lower().replace(" ", "")
            entry["status"] = _STATUS.get(raw_status, "open")
            categories = [c for c in (text_of(threat.get("type")), text_of(threat.get("modelType"))) if c]
            entry["categories"] = categories
            mitigation = text_of(threat.get("mitigation"))
            if mitigation:
                entry["mitigation"] = mitigation
            entry["source"] = "threat-dragon"
            index = self.draft.add("threats", entry, origin)
            score = text_of(threat.get("score"))
            if score:
                self.draft.note(("threats", index), f"Threat Dragon score: {score}")
                self.draft.dropped["threat scores (noted on each threat)"] += 1
            if raw_severity not in _SEVERITY:
                self.draft.note(("threats", index, "severity"), f"severity '{raw_severity}' unknown: medium assumed")
            if raw_status not in _STATUS:
                self.draft.note(("threats", index, "status"), f"status '{raw_status}' unknown: open assumed")
            elif _STATUS[raw_status] == "accepted":
                self.draft.note(("threats", index, "status"), "'N/A' in Threat Dragon: carried as accepted")


def convert(data: Any, source: SourceMap, limits: Limits) -> Draft:
    """A biotm draft from a parsed Threat Dragon model."""
    if not isinstance(data, dict):
        raise located(source, (), "a Threat Dragon model must be a JSON object with 'summary' and 'detail'")
    draft = Draft(source)
    summary = as_mapping(data.get("summary"), source, ("summary",), "'summary'")
    detail = as_mapping(data.get("detail"), source, ("detail",), "'detail'")
    diagrams = detail.get("diagrams")
    if not isinstance(diagrams, list):
        raise located(
            source, ("detail", "diagrams") if "diagrams" in detail else ("detail",), "'detail.diagrams' must be a list"
        )
    title = text_of(summary.get("title"))
    owner = text_of(summary.get("owner")) or title or "unknown owner"
    draft.meta = {"name": title or "Imported Threat Dragon model"}
    if not title:
        draft.note(("meta", "name"), "the model has no title in Threat Dragon")
    description = text_of(summary.get("description"))
    if description:
        draft.meta["description"] = description
    authors = [text_of(c.get("name")) for c in as_list(detail.get("contributors")) if isinstance(c, dict)]
    if [a for a in authors if a]:
        draft.meta["authors"] = [a for a in authors if a]
    draft.header.extend(
        [
            f"Imported from Threat Dragon (version {text_of(data.get('version')) or 'unknown'}) by `biotm import`.",
            "Zones were inferred from the boundary boxes and curves of the diagrams (see docs/interop.md).",
            "Threat Dragon records no data items: add them under data: and list them on each flow.",
        ]
    )
    for i, diagram in enumerate(diagrams):
        path: Path = ("detail", "diagrams", i)
        if not isinstance(diagram, dict):
            raise located(source, path, "a diagram must be a mapping")
        dtitle = text_of(diagram.get("title")) or f"diagram {i + 1}"
        worker = _Diagram(draft, owner, path, dtitle, len(diagrams) > 1, diagram.get("diagramType"))
        if isinstance(diagram.get("cells"), list):
            worker.read_cells(diagram["cells"], (*path, "cells"), v1=False)
        elif isinstance(diagram.get("diagramJson"), dict) and isinstance(diagram["diagramJson"].get("cells"), list):
            worker.read_cells(diagram["diagramJson"]["cells"], (*path, "diagramJson", "cells"), v1=True)
        elif diagram.get("cells") is not None:
            raise located(source, (*path, "cells"), "'cells' must be a list")
        worker.build()
    for what, count in sorted(draft.dropped.items()):
        draft.header.append(f"not mapped to a biotm field: {count} {what}")
    return draft
