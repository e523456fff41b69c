"""OTM trust zones, assets, components and dataflows as biotm zones, data items, elements and flows."""

from __future__ import annotations

from typing import Any

from biotm.interop.common import (
    UNKNOWN_JURISDICTION,
    as_list,
    text_of,
)
from biotm.interop.otm.base import ImporterBase
from biotm.interop.otm.words import _copy_texts, _element_type, _internet_facing, _percent


class PlaceMapping(ImporterBase):
    """Zones first, then the data and the components in them, then the flows between components."""

    def zones(self) -> None:
        zones, seen = [], set()
        for path, zone in self.items("trustZones"):
            if text_of(zone.get("id")) in seen:
                self.skipped[("trust zones", "their id is used by an earlier zone")][text_of(zone.get("id"))] += 1
                continue
            seen.add(text_of(zone.get("id")))
            zones.append((path, zone))
        kept_of = {path: self.kept(zone, path) for path, zone in zones}
        for path, zone in zones:
            self.zone_ids[text_of(zone.get("id"))] = self.readable_id("zone", zone, "zone", kept_of[path])
        ratings = {_percent(z.get("risk", {}).get("trustRating")) for _p, z in zones if isinstance(z.get("risk"), dict)}
        ratings_vary = len(ratings - {None}) > 1
        for path, zone in zones:
            kept = kept_of[path]
            otm_id = text_of(zone.get("id"))
            out: dict[str, Any] = {"id": self.zone_ids[otm_id]}
            parent = zone.get("parent")
            parent_id = text_of(parent.get("trustZone")) if isinstance(parent, dict) else ""
            if kept is not None:
                out.update({k: v for k, v in kept.items() if k not in ("id", "parent")})
                if parent_id in self.zone_ids:
                    out["parent"] = self.zone_ids[parent_id]
                self.draft.add("zones", out, path)
                continue
            out["name"] = text_of(zone.get("name")) or out["id"]
            description = text_of(zone.get("description"))
            if description:
                out["description"] = description
            out.update({"owner": self.owner(), "jurisdiction": UNKNOWN_JURISDICTION})
            if parent_id in self.zone_ids and self.zone_ids[parent_id] != out["id"]:
                out["parent"] = self.zone_ids[parent_id]
            internet, why = _internet_facing(zone, ratings_vary)
            if internet:
                out["internet_facing"] = True
            index = self.draft.add("zones", out, path)
            self.note_otm_id(("zones", index, "id"), zone, out["id"])
            self.draft.note_zone_guesses(index, "OTM", "the project owner")
            if internet:
                self.draft.note(("zones", index, "internet_facing"), why)
            self.count_dropped(zone, "trust zones")
        if not zones and self.items("components"):
            zone_id = self.draft.unique_id("zone", "default", "default")
            index = self.draft.add(
                "zones",
                {"id": zone_id, "name": "Default zone", "owner": self.owner(), "jurisdiction": UNKNOWN_JURISDICTION},
                (),
            )
            self.draft.note(("zones", index), "the OTM file has no trust zones: every component is put here")

    def assets(self) -> None:
        for path, asset in self.items("assets"):
            otm_id = text_of(asset.get("id"))
            kept = self.kept(asset, path)
            item_id = self.readable_id("data", asset, "data", kept)
            self.data_ids[otm_id] = item_id
            if kept is not None:
                self.draft.add("data", {"id": item_id, **{k: v for k, v in kept.items() if k != "id"}}, path)
                continue
            name = text_of(asset.get("name"))
            item: dict[str, Any] = {"id": item_id, "name": name or item_id}
            description = text_of(asset.get("description"))
            if description:
                item["description"] = description
            index = self.draft.add("data", item, path)
            self.note_otm_id(("data", index, "id"), asset, item_id)
            item.update(self.draft.categorise(("data", index), name or otm_id, [], description))
            risk = asset.get("risk")
            if isinstance(risk, dict) and _percent(risk.get("confidentiality")) == 0:
                item["public"] = True
                self.draft.note(("data", index, "public"), "OTM confidentiality 0")
            self.count_dropped(asset, "assets")

    def unplaced(self) -> str:
        """A zone for components whose trust zone the file does not define (never a real zone by guess)."""
        if self._unplaced is None:
            if not self.items("trustZones"):
                self._unplaced = str(self.draft.sections["zones"][0]["id"])  # the default zone
                return self._unplaced
            self._unplaced = self.draft.unique_id("zone", "unknown-zone", "unknown-zone")
            zone = {
                "id": self._unplaced,
                "name": "Zone not in the OTM file",
                "owner": self.owner(),
                "jurisdiction": UNKNOWN_JURISDICTION,
            }
            index = self.draft.add("zones", zone, ("components",))
            self.draft.note(("zones", index), "components whose parent names no trust zone of the file")
            self.draft.note_zone_guesses(index, "OTM", "the project owner")
        return self._unplaced

    def _zone_of_component(self, otm_id: str) -> str | None:
        """The trust zone up the component parent chain; iterative, so a 3,000-deep chain is fine."""
        seen: set[str] = set()
        current = otm_id
        while current not in seen:
            seen.add(current)
            kind, parent = self.component_parent.get(current, ("", ""))
            if kind == "trustZone":
                return self.zone_ids.get(parent)
            if kind != "component":
                return None
            current = parent
        return None

    def components(self) -> None:
        components = self.items("components")
        kept_of = {path: self.kept(component, path) for path, component in components}
        for path, component in components:
            otm_id = text_of(component.get("id"))
            parent = component.get("parent")
            if isinstance(parent, dict) and text_of(parent.get("trustZone")):
                self.component_parent[otm_id] = ("trustZone", text_of(parent.get("trustZone")))
            elif isinstance(parent, dict) and text_of(parent.get("component")):
                self.component_parent[otm_id] = ("component", text_of(parent.get("component")))
            if otm_id not in self.element_ids:
                self.element_ids[otm_id] = self.readable_id("place", component, "element", kept_of[path])
        if not components:
            return
        done: set[str] = set()
        for path, component in components:
            otm_id = text_of(component.get("id"))
            if otm_id in done:
                self.skipped[("components", "their id is used by an earlier component")][otm_id] += 1
                continue
            done.add(otm_id)
            zone = self._zone_of_component(otm_id)
            kept = kept_of[path]
            element: dict[str, Any] = {"id": self.element_ids[otm_id]}
            if kept is not None:
                element.update({k: v for k, v in kept.items() if k not in ("id", "zone")})
                element["zone"] = zone or self.unplaced()
                self.draft.add("elements", element, path)
                continue
            element["type"], why = _element_type(component)
            name = _copy_texts(element, component)
            element["zone"] = zone or self.unplaced()
            assets = component.get("assets")
            stored: list[str] = []
            if isinstance(assets, dict):
                stored = [
                    self.data_ids[text_of(a)] for a in as_list(assets.get("stored")) if text_of(a) in self.data_ids
                ]
                self.processed[element["id"]] = [
                    self.data_ids[text_of(a)] for a in as_list(assets.get("processed")) if text_of(a) in self.data_ids
                ]
            if stored:
                element["holds"] = list(dict.fromkeys(stored))
            index = self.draft.add("elements", element, path)
            self.note_otm_id(("elements", index, "id"), component, element["id"])
            self.draft.note(("elements", index, "type"), why)
            if zone is None:
                self.draft.note(
                    ("elements", index, "zone"), "its trust zone is not in the OTM file: put it in the right zone"
                )
            elif self.component_parent.get(otm_id, ("", ""))[0] == "component":
                self.draft.note(("elements", index, "zone"), "nested in another component in OTM: its zone")
            if stored:
                self.draft.note(("elements", index, "holds"), "assets stored here in OTM")
            if not name:
                self.draft.note(("elements", index), "no name in OTM")
            self.count_dropped(component, "components")

    def dataflows(self) -> None:
        for path, flow in self.items("dataflows"):
            otm_id = text_of(flow.get("id"))
            source = self.element_ids.get(text_of(flow.get("source")))
            target = self.element_ids.get(text_of(flow.get("destination")))
            if source is None or target is None or source == target:
                end = "source" if source is None else "destination"
                why = f"their {end} is not a component" if source is None or target is None else "they loop"
                self.skipped[("dataflows", why)][otm_id] += 1
                continue
            if otm_id in self.flow_ids:
                self.skipped[("dataflows", "their id is used by an earlier dataflow")][otm_id] += 1
                continue
            kept = self.kept(flow, path)
            if kept is not None:
                flow_id = self.draft.unique_id("place", otm_id, f"{source}-to-{target}", keep=True)
            else:
                flow_id = self.draft.unique_id("place", text_of(flow.get("name")), f"{source}-to-{target}")
            self.flow_ids[otm_id] = flow_id
            data = [self.data_ids[text_of(a)] for a in as_list(flow.get("assets")) if text_of(a) in self.data_ids]
            data = list(dict.fromkeys(data))
            if kept is not None:
                out = {"id": flow_id, **{k: v for k, v in kept.items() if k not in ("id", "source", "target", "data")}}
                out.update({"source": source, "target": target, "data": data})
                self.draft.add("flows", out, path)
                continue
            out = {"id": flow_id}
            _copy_texts(out, flow)
            out.update({"source": source, "target": target, "data": data})
            index = self.draft.add("flows", out, path)
            self.note_otm_id(("flows", index, "id"), flow, flow_id)
            self.count_dropped(flow, "dataflows")
            if flow.get("bidirectional") is True:
                reverse_id = self.draft.unique_id("place", flow_id, "flow", suffix="-reverse")
                reverse = {**out, "id": reverse_id, "source": target, "target": source}
                index = self.draft.add("flows", reverse, path)
                self.draft.note(("flows", index), f"the return direction of the bidirectional dataflow '{otm_id}'")
