"""One Threat Dragon diagram as it is read: its cells, the zones made for it, where each element was put."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from biotm.interop.common import UNKNOWN_JURISDICTION, Draft, located, text_of
from biotm.interop.threat_dragon.cells import _KINDS, Point, _Cell, _geometry, _label
from biotm.model.source import Path


@dataclass
class DiagramBase:
    """A diagram's cells and what was made of them so far; the mapping steps extend it."""

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

    def _end(self, cell: _Cell, end: str) -> str | None:
        ref = cell.raw.get(end)
        if isinstance(ref, dict):
            target = ref.get("cell", ref.get("id"))
            if target is not None:
                return self.element_ids.get(str(target))
        return None

    def _centre_of(self, element_id: str) -> Point | None:
        return self.centres.get(element_id)

    def _zone_of(self, element_id: str) -> str:
        return str(self.draft.sections["elements"][self.index_of[element_id]]["zone"])
