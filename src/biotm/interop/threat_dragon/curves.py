"""Boundary curves: zones split along the curves that flows cross, so a crossing flow crosses a zone boundary."""

from __future__ import annotations

from biotm.interop.common import as_list
from biotm.interop.threat_dragon.cells import Point, _Cell, _point
from biotm.interop.threat_dragon.diagram import DiagramBase
from biotm.interop.threat_dragon.geometry import _Regions, polylines_cross

#: How many nearest elements a lone element tries to see past the curves (bounds the work per element).
_VISIBLE_CANDIDATES = 16


class CurveSplitting(DiagramBase):
    """Splits the zones a crossing flow touches along the drawn curves it crosses."""

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
