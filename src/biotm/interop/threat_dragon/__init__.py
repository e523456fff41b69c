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

from typing import Any

from biotm.interop.common import Draft, as_list, as_mapping, located, text_of
from biotm.interop.threat_dragon.curves import CurveSplitting
from biotm.interop.threat_dragon.geometry import _BoxIndex, polylines_cross
from biotm.interop.threat_dragon.parts import PartMapping
from biotm.model.parse import Limits
from biotm.model.source import Path, SourceMap

__all__ = ["convert", "detect", "polylines_cross"]


def detect(data: dict[str, Any]) -> bool:
    detail = data.get("detail")
    return isinstance(detail, dict) and "diagrams" in detail and "summary" in data


class _Diagram(PartMapping, CurveSplitting):
    """A whole diagram: boxes become zones, elements go into the smallest box around them, curves split zones."""

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
