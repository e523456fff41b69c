"""Threagile data assets, trust boundaries and technical assets as biotm data items, zones and elements."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from biotm.interop.common import (
    UNKNOWN_JURISDICTION,
    Draft,
    as_list,
    as_mapping,
    text_of,
)
from biotm.interop.threagile.includes import Merger, Origin
from biotm.model.source import Path

SUBJECTS = {"very-few": 10, "few": 1_000, "many": 100_000, "very-many": 10_000_000}

_DEVICE_TECHNOLOGIES = {"browser", "desktop", "mobile-app", "iot-device", "devops-client", "client-system"}


def _id(draft: Draft, space: str, value: Any, title: str) -> str:
    """The Threagile id when it is a valid biotm id, else a slug of the title."""
    wanted = text_of(value)
    return draft.unique_id(space, wanted or title, title, keep=bool(wanted))


def _plain(text: Any) -> str:
    """Threagile text without its HTML tags."""
    return " ".join(re.sub(r"<[^>]*>", "", text_of(text)).split())


class AssetMapping:
    """The converter's state and the mapping of the parts every other part refers to: data, zones, elements."""

    def __init__(self, merger: Merger, draft: Draft) -> None:
        self.m = merger.merged
        self.origins = merger.origins
        self.draft = draft
        self.data_ids: dict[str, str] = {}
        self.asset_ids: dict[str, str] = {}
        self.zone_ids: dict[str, str] = {}
        self.link_ids: dict[str, str] = {}
        self.element_index: dict[str, int] = {}
        self.processed: dict[str, list[str]] = {}  # element id -> data_assets_processed
        self.filtered: dict[str, list[bool]] = {}  # element id -> ip_filtered of each link into it
        self.dropped: Counter[str] = Counter()
        self._innermost: dict[str, str] | None = None
        self._outside_id: str | None = None
        self._zone_at: dict[str, int] = {}

    def section(self, name: str) -> dict[str, Any]:
        value = self.m.get(name)
        return value if isinstance(value, dict) else {}

    def origin(self, section: str, key: str) -> Origin:
        return self.origins.get((section, key), (self.draft.source, (section,)))

    def entry(self, section: str, key: str, value: Any) -> dict[str, Any]:
        source, path = self.origin(section, key)
        return as_mapping(value, source, path, f"{section} entry '{key}'")

    def meta(self) -> None:
        title = _plain(self.m.get("title"))
        self.draft.meta = {"name": title or "Imported Threagile model"}
        summary = _plain(self.m.get("management_summary_comment"))
        overview = self.m.get("business_overview")
        if not summary and isinstance(overview, dict):
            summary = _plain(overview.get("description"))
        if summary:
            self.draft.meta["description"] = summary
        author = self.m.get("author")
        if isinstance(author, dict) and text_of(author.get("name")):
            self.draft.meta["authors"] = [text_of(author.get("name"))]
        version = text_of(self.m.get("threagile_version"))
        self.draft.header.append(
            f"Imported from Threagile (threagile_version {version or 'unknown'}) by `biotm import`."
        )

    def data_assets(self) -> None:
        for title, raw in self.section("data_assets").items():
            asset = self.entry("data_assets", title, raw)
            source, path = self.origin("data_assets", title)
            item_id = _id(self.draft, "data", asset.get("id"), title)
            self.data_ids[text_of(asset.get("id")) or title] = item_id
            item: dict[str, Any] = {"id": item_id, "name": _plain(title) or item_id}
            description = _plain(asset.get("description"))
            if description:
                item["description"] = description
            index = self.draft.add("data", item, path, source)
            tags = [text_of(t) for t in as_list(asset.get("tags"))]
            item.update(self.draft.categorise(("data", index), _plain(title), tags, description))
            quantity = text_of(asset.get("quantity"))
            if quantity in SUBJECTS:
                item["subjects"] = SUBJECTS[quantity]
                self.draft.note(("data", index, "subjects"), f"estimated from Threagile quantity '{quantity}'")
            confidentiality = text_of(asset.get("confidentiality"))
            if confidentiality == "public":
                item["public"] = True
            ratings = [f"{k} {text_of(asset.get(k))}" for k in ("confidentiality", "integrity", "availability")]
            ratings = [r for r in ratings if not r.endswith(" ")]
            if ratings:
                self.draft.note(("data", index), f"Threagile ratings: {', '.join(ratings)} (biotm judges by category)")
                self.dropped["C/I/A ratings on data assets (noted on each)"] += 1
            if tags:
                self.dropped["tags on data assets (used to guess the category)"] += len(tags)

    def zones(self) -> None:
        boundaries = self.section("trust_boundaries")
        parent_of: dict[str, str] = {}
        by_id: dict[str, str] = {}
        for title, raw in boundaries.items():
            boundary = self.entry("trust_boundaries", title, raw)
            key = text_of(boundary.get("id")) or title
            by_id[key] = title
            for nested in as_list(boundary.get("trust_boundaries_nested")):
                parent_of.setdefault(text_of(nested), key)
        owner_of = {
            text_of(a.get("id")): text_of(a.get("owner"))
            for a in self.section("technical_assets").values()
            if isinstance(a, dict) and text_of(a.get("owner"))
        }
        owners: dict[str, Counter[str]] = {}
        for title, raw in boundaries.items():
            boundary = self.entry("trust_boundaries", title, raw)
            key = text_of(boundary.get("id")) or title
            self.zone_ids[key] = _id(self.draft, "zone", boundary.get("id"), title)
            inside = {text_of(a) for a in as_list(boundary.get("technical_assets_inside"))}
            owners[key] = Counter(owner_of[a] for a in inside if a in owner_of)
        fallback_owner = (self.draft.meta.get("authors") or [self.draft.meta["name"]])[0]
        for title, raw in boundaries.items():
            boundary = self.entry("trust_boundaries", title, raw)
            source, path = self.origin("trust_boundaries", title)
            key = text_of(boundary.get("id")) or title
            counter = owners[key]
            owner = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[0][0] if counter else fallback_owner
            zone: dict[str, Any] = {"id": self.zone_ids[key], "name": _plain(title) or self.zone_ids[key]}
            description = _plain(boundary.get("description"))
            if description:
                zone["description"] = description
            zone.update({"owner": owner, "jurisdiction": UNKNOWN_JURISDICTION})
            parent = parent_of.get(key)
            if parent in self.zone_ids:
                zone["parent"] = self.zone_ids[parent]
            index = self.draft.add("zones", zone, path, source)
            self._zone_at[zone["id"]] = index
            how = "the most common owner of its assets" if counter else "the model author"
            self.draft.note_zone_guesses(index, "Threagile", how)
            kind = text_of(boundary.get("type"))
            if kind:
                self.draft.note(("zones", index), f"Threagile boundary type: {kind}")

    def _zone_for(self, asset_id: str) -> str | None:
        """The innermost boundary that lists the asset (computed for all assets once)."""
        if self._innermost is None:
            parents = {z["id"]: z["parent"] for z in self.draft.sections["zones"] if "parent" in z}
            depth_of: dict[str, int] = {}
            for zone_id in self.zone_ids.values():
                depth, current, seen = 0, zone_id, {zone_id}
                while current in parents and parents[current] not in seen:
                    current = parents[current]
                    seen.add(current)
                    depth += 1
                depth_of[zone_id] = depth
            self._innermost = {}
            for title, raw in self.section("trust_boundaries").items():
                boundary = self.entry("trust_boundaries", title, raw)
                zone_id = self.zone_ids[text_of(boundary.get("id")) or title]
                for asset in as_list(boundary.get("technical_assets_inside")):
                    best = self._innermost.get(text_of(asset))
                    if best is None or depth_of[zone_id] > depth_of[best]:
                        self._innermost[text_of(asset)] = zone_id
        return self._innermost.get(asset_id)

    def _zone_index(self, zone_id: str) -> int:
        return next(i for i, z in enumerate(self.draft.sections["zones"]) if z["id"] == zone_id)

    def _outside(self) -> str:
        if self._outside_id is not None:
            return self._outside_id
        zone_id = self.draft.unique_id("zone", "outside", "outside")
        owner = (self.draft.meta.get("authors") or [self.draft.meta["name"]])[0]
        zone = {
            "id": zone_id,
            "name": "Outside any trust boundary",
            "owner": owner,
            "jurisdiction": UNKNOWN_JURISDICTION,
        }
        index = self.draft.add("zones", zone, ("technical_assets",))
        self.draft.note(("zones", index), "assets that no Threagile trust boundary lists")
        self.draft.note_zone_guesses(index, "Threagile", "the model author")
        self._outside_id = zone_id
        return zone_id

    def technical_assets(self) -> None:
        for title, raw in self.section("technical_assets").items():
            asset = self.entry("technical_assets", title, raw)
            source, path = self.origin("technical_assets", title)
            key = text_of(asset.get("id")) or title
            element_id = _id(self.draft, "place", asset.get("id"), title)
            self.asset_ids[key] = element_id
            kind = text_of(asset.get("type"))
            technology = text_of(asset.get("technology"))
            if kind == "datastore":
                element_type = "store"
            elif technology in _DEVICE_TECHNOLOGIES:
                element_type = "device"
            elif kind == "external-entity":
                element_type = "external"
            else:
                element_type = "process"
            zone = self._zone_for(key) or self._outside()
            element: dict[str, Any] = {"id": element_id, "type": element_type, "name": _plain(title) or element_id}
            description = _plain(asset.get("description"))
            if description:
                element["description"] = description
            element["zone"] = zone
            if text_of(asset.get("encryption")) not in ("", "none"):
                element["controls"] = ["encryption-at-rest"]
            if asset.get("multi_tenant") is True:
                self.dropped["multi_tenant technical assets (noted on each)"] += 1
            stored = [
                self.data_ids[d]
                for d in (text_of(x) for x in as_list(asset.get("data_assets_stored")))
                if d in self.data_ids
            ]
            if stored:
                element["holds"] = stored
            human = asset.get("used_as_client_by_human") is True
            customer = human and text_of(asset.get("usage")) != "devops" and asset.get("out_of_scope") is not True
            if customer:
                element["type"] = "device"
                element["subject_controlled"] = True
            index = self.draft.add("elements", element, path, source)
            if customer:
                self.draft.note(
                    ("elements", index, "subject_controlled"),
                    "used as a client by a human (Threagile usage business): the person holding it controls it",
                )
            elif human:
                self.draft.note(("elements", index), "a client used by a human for devops (an operator's machine)")
            self.processed[element_id] = self._data(asset.get("data_assets_processed"))
            self._losses(asset, ("elements", index), "technical assets")
            self.element_index[key] = index
            self.draft.note(
                ("elements", index, "type"), f"Threagile type {kind or '?'}, technology {technology or '?'}"
            )
            if stored:
                self.draft.note(("elements", index, "holds"), "data_assets_stored in Threagile")
            if asset.get("out_of_scope") is True:
                element["type"] = "external"
                reason = _plain(asset.get("justification_out_of_scope"))
                self.draft.note(
                    ("elements", index, "type"), "out of scope in Threagile" + (f": {reason}" if reason else "")
                )
            if asset.get("internet") is True:
                z_index = self._zone_at.get(zone)
                if z_index is None:
                    z_index = self._zone_at[zone] = self._zone_index(zone)
                zone_dict = self.draft.sections["zones"][z_index]
                if not zone_dict.get("internet_facing"):
                    zone_dict["internet_facing"] = True
                    self.draft.note(
                        ("zones", z_index, "internet_facing"), f"'{element_id}' is on the internet (Threagile)"
                    )

    def _losses(self, part: dict[str, Any], path: Path, kind: str) -> None:
        """Note the Threagile fields of one part that no biotm field carries, and count them for the header."""
        tags = [text_of(t) for t in as_list(part.get("tags")) if text_of(t)]
        if tags:
            self.draft.note(path, f"Threagile tags: {', '.join(tags)}")
            self.dropped[f"tags on {kind} (noted on each)"] += len(tags)
        ratings = [
            f"{k} {text_of(part.get(k))}" for k in ("confidentiality", "integrity", "availability") if part.get(k)
        ]
        if ratings and kind != "data assets":
            self.draft.note(path, f"Threagile ratings: {', '.join(ratings)}")
            self.dropped[f"C/I/A ratings on {kind} (noted on each)"] += 1
        if part.get("multi_tenant") is True:
            self.draft.note(path, "multi-tenant in Threagile: other tenants share it")
        if text_of(part.get("usage")) == "devops" and kind == "communication links":
            self.draft.note(path, "a devops link in Threagile")

    def _data(self, value: Any) -> list[str]:
        return [self.data_ids[d] for d in (text_of(x) for x in as_list(value)) if d in self.data_ids]
