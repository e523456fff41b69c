"""Threat Dragon diagram cells: their kind, name and drawn box, read defensively (any number may be huge or missing)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from biotm.interop.common import as_list, text_of
from biotm.model.source import Path

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
