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

import itertools
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


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


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


def side_of(line: list[Point], point: Point) -> int:
    """Which side (+1 / -1) of a polyline `point` lies on, judged by the nearest segment's line."""
    best: tuple[float, int] | None = None
    for start, end in itertools.pairwise(line):
        dx, dy = end[0] - start[0], end[1] - start[1]
        length2 = dx * dx + dy * dy
        t = (
            0.0
            if length2 == 0
            else max(0.0, min(1.0, ((point[0] - start[0]) * dx + (point[1] - start[1]) * dy) / length2))
        )
        px, py = start[0] + t * dx, start[1] + t * dy
        distance = (point[0] - px) ** 2 + (point[1] - py) ** 2
        sign = 1 if _cross(start, end, point) >= 0 else -1
        if best is None or distance < best[0]:
            best = (distance, sign)
    return best[1] if best else 1


@dataclass
class _Diagram:
    draft: Draft
    owner: str
    path: Path
    title: str
    multi: bool
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
        boxes = sorted((c for c in self._of("box") if c.box is not None), key=lambda c: (-c.area, c.index))
        box_zone: dict[str, str] = {}
        for number, box in enumerate(boxes, start=1):
            enclosing = [b for b in boxes if b is not box and b.encloses(box)]
            parent = box_zone[min(enclosing, key=lambda b: b.area).cell_id] if enclosing else None
            name = box.name or f"Trust boundary {number}"
            prefix = f"{self.title} " if self.multi else ""
            zone_id = self._zone(prefix + (box.name or ""), f"{prefix}boundary-{number}", name, box.path, parent)
            box_zone[box.cell_id] = zone_id
            index = self.zone_index[zone_id]
            if not box.name:
                self.draft.note(("zones", index, "name"), "the boundary has no name in Threat Dragon: name it")
            if "internet" in name.lower():
                self.draft.sections["zones"][index]["internet_facing"] = True
                self.draft.note(("zones", index, "internet_facing"), "guessed from the boundary's name")
        outside: str | None = None
        for cell in self._of("actor", "process", "store"):
            holders = [b for b in boxes if cell.box is not None and b.contains(cell.centre)]
            if holders:
                zone = box_zone[min(holders, key=lambda b: b.area).cell_id]
            else:
                if outside is None:
                    wanted = f"{self.title} outside" if self.multi else "outside"
                    outside = self._zone(wanted, "outside", "Outside any trust boundary", self.path, None)
                zone = outside
            self._element(cell, zone)
        flows = self._of("flow")
        self._split_by_curves(flows)
        for flow in flows:
            self._flow(flow)

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

    def _split_by_curves(self, flows: list[_Cell]) -> None:
        """Put the elements on each side of a crossed boundary curve into their own zones."""
        curves = [(c, self._polyline(c)) for c in self._of("curve")]
        crossed: list[tuple[_Cell, list[Point]]] = []
        touched: set[str] = set()
        for curve, line in curves:
            if line is None or len(line) < 2:
                continue
            hits = []
            for flow in flows:
                source, target = self._end(flow, "source"), self._end(flow, "target")
                path = self._polyline(flow) if source and target else None
                if path and polylines_cross(path, line):
                    hits.append(flow)
                    for end in (source, target):
                        assert end is not None
                        touched.add(self._zone_of(end))
            if hits:
                crossed.append((curve, line))
        if not crossed:
            return
        elements = self.draft.sections["elements"]
        for zone_id in sorted(touched):
            members = [
                (cell_id, idx) for cell_id, idx in self.element_index.items() if elements[idx]["zone"] == zone_id
            ]
            signatures: dict[str, tuple[int, ...]] = {}
            for cell_id, _idx in members:
                centre = self._centre_of(self.element_ids[cell_id])
                if centre is not None:
                    signatures[cell_id] = tuple(side_of(line, centre) for _curve, line in crossed)
            distinct = sorted(set(signatures.values()), reverse=True)
            if len(distinct) < 2:
                continue
            base = self.draft.sections["zones"][self.zone_index[zone_id]]
            names = ", ".join(f"'{c.name or 'unnamed curve'}'" for c, _ in crossed)
            for number, signature in enumerate(distinct, start=1):
                side_name = f"{base['name']}, side {number} of boundary curve {names}"
                origin = next(c.path for c, _ in crossed)
                side_zone = self._zone(f"{zone_id}-side-{number}", "side", side_name, origin, zone_id)
                self.draft.note(
                    ("zones", self.zone_index[side_zone]),
                    f"inferred: elements of '{zone_id}' on side {number} of the boundary curve(s) {names}",
                )
                for cell_id, idx in members:
                    if signatures.get(cell_id) == signature:
                        elements[idx]["zone"] = side_zone

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
        if props.get("outOfScope") is True:
            self.draft.note(("flows", index), "out of scope in Threat Dragon")
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
        worker = _Diagram(draft, owner, path, dtitle, len(diagrams) > 1)
        if isinstance(diagram.get("cells"), list):
            worker.read_cells(diagram["cells"], (*path, "cells"), v1=False)
        elif isinstance(diagram.get("diagramJson"), dict) and isinstance(diagram["diagramJson"].get("cells"), list):
            worker.read_cells(diagram["diagramJson"]["cells"], (*path, "diagramJson", "cells"), v1=True)
        elif diagram.get("cells") is not None:
            raise located(source, (*path, "cells"), "'cells' must be a list")
        worker.build()
    return draft
