"""Import Threagile YAML models (the released v0.9.x dialect and the 1.0 one, with `includes:`).

Threagile keys its maps by title and keeps links inside their source asset; values are often null.
How each part maps (docs/interop.md, "Threagile"):

* data assets -> data items; `quantity` -> `subjects` (very-few 10, few 1,000, many 100,000,
  very-many 10,000,000); confidentiality `public` -> `public: true`; the category is guessed from
  the title and tags.
* trust boundaries -> zones, `trust_boundaries_nested` -> `parent`; assets inside no boundary
  share the zone "outside". A zone is internet-facing when an asset in it has `internet: true`.
* technical assets -> elements: datastore -> store, clients (browser, desktop, mobile app, IoT) ->
  device, other external entities -> external, the rest -> process; out-of-scope ones -> external.
  `encryption` other than none -> control encryption-at-rest; `data_assets_stored` -> `holds`.
* communication links -> flows (`data_assets_sent`), plus a response flow when data is received.
* `risk_tracking` with status accepted -> `accepted` entries (expiring one year after the tracking
  date); mitigated / false-positive -> `threats` with that status. Individual (custom) risks ->
  `threats`. Wildcard entries that name no single element stay as comments.

Includes are resolved relative to the including file and must stay inside the directory tree of
the main model file; absolute paths, `..` escapes and cycles are refused with a located error.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections import Counter
from pathlib import Path as FsPath
from typing import Any

from biotm.interop.common import (
    UNKNOWN_JURISDICTION,
    Draft,
    as_list,
    as_mapping,
    located,
    slug,
    text_of,
)
from biotm.model.loader import read_bounded
from biotm.model.parse import Limits, decode, parse_text
from biotm.model.source import Path, SourceMap
from biotm.report.view import printable

MAX_INCLUDED_FILES = 256
MAX_INCLUDE_NAME = 1024
_BAD_PATH = re.compile("[\x00-\x1f\x7f]")

SUBJECTS = {"very-few": 10, "few": 1_000, "many": 100_000, "very-many": 10_000_000}

_MAP_SECTIONS = (
    "data_assets",
    "technical_assets",
    "trust_boundaries",
    "shared_runtimes",
    "risk_tracking",
    "individual_risk_categories",
    "abuse_cases",
    "security_requirements",
    "questions",
)
_DEVICE_TECHNOLOGIES = {"browser", "desktop", "mobile-app", "iot-device", "devops-client", "client-system"}
#: Threagile's own `Protocol.IsEncrypted()`: these plus every `*-encrypted` protocol.
_ENCRYPTED_PROTOCOLS = {"https", "wss", "ssh", "ssh-tunnel", "sftp", "ftps", "scp", "ldaps"}
_AUTHENTICATION = {
    "none": "none",
    "credentials": "one-way",
    "session-id": "one-way",
    "token": "one-way",
    "two-factor": "one-way",
    "externalized": "one-way",
    "client-certificate": "mutual",
}
_SEVERITY = {"low": "low", "medium": "medium", "elevated": "high", "high": "high", "critical": "critical"}
ACCEPTANCE_DAYS = 365


def detect(data: dict[str, Any]) -> bool:
    return "threagile_version" in data or "technical_assets" in data or "data_assets" in data


Origin = tuple[SourceMap, Path]


def _size_of(name: str) -> int:
    """The size of the main model file (bounded when it was read); 0 for a pipe or a device."""
    try:
        return os.stat(name).st_size if FsPath(name).is_file() else 0
    except (OSError, ValueError):
        return 0


class _Merger:
    """Merges a model and its includes; remembers which file each map entry came from."""

    def __init__(self, main: SourceMap, limits: Limits) -> None:
        self.limits = limits
        self.root = FsPath(main.file).resolve().parent
        self.merged: dict[str, Any] = {}
        self.origins: dict[tuple[str, str], Origin] = {}
        self.read: set[FsPath] = set()
        self.total = _size_of(main.file)  # bytes of the model and its includes read so far

    def add(self, data: Any, source: SourceMap, stack: tuple[FsPath, ...]) -> None:
        if data is None:
            return
        if not isinstance(data, dict):
            raise located(source, (), "a Threagile model must be a mapping of sections")
        for key, value in data.items():
            if key == "includes":
                continue
            if key in _MAP_SECTIONS or (key == "custom_risk_categories" and isinstance(value, dict)):
                section = as_mapping(value, source, (key,), f"'{key}'")
                target = self.merged.setdefault(key, {})
                for name, entry in section.items():
                    if name not in target:
                        target[name] = entry
                        self.origins[(key, name)] = (source, (key, name))
            elif isinstance(value, list):
                target_list = self.merged.setdefault(key, [])
                for index, item in enumerate(value):
                    if item not in target_list:
                        target_list.append(item)
                        self.origins[(key, str(len(target_list) - 1))] = (source, (key, index))
            else:
                self.merged.setdefault(key, value)
        includes = data.get("includes")
        if includes is not None and not isinstance(includes, list):
            raise located(source, ("includes",), "'includes' must be a list of file names")
        here = FsPath(source.file).resolve().parent
        for index, name in enumerate(as_list(includes)):
            self._include(name, source, ("includes", index), here, stack)

    def _include(self, name: Any, source: SourceMap, path: Path, here: FsPath, stack: tuple[FsPath, ...]) -> None:
        if not isinstance(name, str) or not name.strip():
            raise located(source, path, "an include must be a file name")
        shown = printable(name[:80]) + ("..." if len(name) > 80 else "")
        if _BAD_PATH.search(name):
            raise located(source, path, f"include '{shown}' contains a control character; refusing it")
        if len(name) > MAX_INCLUDE_NAME or any(len(part) > 255 for part in re.split(r"[\\/]", name)):
            raise located(source, path, f"include '{shown}' is longer than a file name can be ({len(name)} characters)")
        if FsPath(name).is_absolute() or re.match(r"^[A-Za-z]:[\\/]", name):
            raise located(source, path, f"include '{shown}' is an absolute path; only paths inside the model's folder")
        try:
            target = (here / name).resolve()
            exists = target.is_file()
        except (OSError, ValueError, RuntimeError) as exc:  # symlink loops, odd file systems
            raise located(source, path, f"cannot resolve include '{shown}': {exc}") from None
        if not target.is_relative_to(self.root):
            raise located(source, path, f"include '{shown}' points outside the model's folder; refusing to read it")
        if target in stack:
            chain = " -> ".join(p.name for p in (*stack, target))
            raise located(source, path, f"include cycle: {printable(chain)}")
        if target in self.read:
            return  # each file is merged once: including it again adds nothing (and no include bomb)
        if not exists:
            raise located(source, path, f"cannot read include '{shown}': no such file")
        self.read.add(target)
        if len(self.read) > MAX_INCLUDED_FILES:
            raise located(source, path, f"more than {MAX_INCLUDED_FILES} included files; refusing to go on")
        display = str(FsPath(source.file).parent / name)
        raw = read_bounded(str(target), self.limits)
        self.total += len(raw)
        if self.total > self.limits.max_bytes:
            raise located(
                source,
                path,
                f"the model and its includes exceed {self.limits.max_bytes // 1_000_000} MB together "
                "(raise it with --max-size-mb if the model is really this large)",
            )
        text = decode(raw, display)
        if not [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]:
            return  # a file of comments only contributes nothing
        data, child = parse_text(text, display, self.limits)
        self.add(data, child, (*stack, target))


def _id(draft: Draft, space: str, value: Any, title: str) -> str:
    """The Threagile id when it is a valid biotm id, else a slug of the title."""
    wanted = text_of(value)
    return draft.unique_id(space, wanted or title, title, keep=bool(wanted))


def _plain(text: Any) -> str:
    """Threagile text without its HTML tags."""
    return " ".join(re.sub(r"<[^>]*>", "", text_of(text)).split())


class _Converter:
    def __init__(self, merger: _Merger, draft: Draft) -> None:
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

    def run(self) -> None:
        self.meta()
        self.data_assets()
        self.zones()
        self.technical_assets()
        self.links()
        self.finish()
        self.shared_runtimes()
        self.custom_risks()
        self.risk_tracking()

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

    def links(self) -> None:
        for title, raw in self.section("technical_assets").items():
            asset = self.entry("technical_assets", title, raw)
            source, path = self.origin("technical_assets", title)
            key = text_of(asset.get("id")) or title
            links = as_mapping(
                asset.get("communication_links"), source, (*path, "communication_links"), "communication_links"
            )
            for link_title, link_raw in links.items():
                link_path = (*path, "communication_links", link_title)
                link = as_mapping(link_raw, source, link_path, f"link '{link_title}'")
                target_key = text_of(link.get("target"))
                src, tgt = self.asset_ids[key], self.asset_ids.get(target_key)
                if tgt is None or tgt == src:
                    why = f"unknown target '{target_key}'" if tgt is None else "it loops on its source"
                    self.draft.header.append(f"link '{link_title}' of '{key}' dropped: {why}")
                    continue
                threagile_id = f"{key}>{re.sub(r'[^a-z0-9]+', '-', link_title.lower()).strip('-')}"
                flow_id = self.draft.unique_id("place", f"{src}.{slug(link_title)}", f"{src}-to-{tgt}")
                self.link_ids[threagile_id] = flow_id
                sent = self._data(link.get("data_assets_sent"))
                received = self._data(link.get("data_assets_received"))
                flow = self._flow(flow_id, link_title, link, src, tgt, sent)
                index = self.draft.add("flows", flow, link_path, source)
                self.filtered.setdefault(tgt, []).append(link.get("ip_filtered") is True)
                self._losses(link, ("flows", index), "communication links")
                if link.get("readonly") is True:
                    self.draft.note(("flows", index), "read-only in Threagile: the source only reads from the target")
                if link.get("ip_filtered") is True:
                    self.draft.note(("flows", index), "ip_filtered in Threagile")
                authorization = text_of(link.get("authorization")).replace("enduser-", "end-user-")
                if authorization not in ("", "none"):
                    self.draft.note(("flows", index), f"Threagile authorization: {authorization}")
                if received:
                    reply_id = self.draft.unique_id("place", flow_id, "flow", suffix=".response")
                    reply = self._flow(reply_id, f"{link_title} (response)", link, tgt, src, received)
                    r_index = self.draft.add("flows", reply, link_path, source)
                    self.draft.note(("flows", r_index), f"data_assets_received of the Threagile link '{link_title}'")

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

    def finish(self) -> None:
        """What needs every element and flow: processed data, ip filtering, and the header of losses."""
        self.draft.hold_processed(self.processed, "Threagile", "data_assets_processed")
        for index, element in enumerate(self.draft.sections["elements"]):
            element_id = element["id"]
            inbound = self.filtered.get(element_id, [])
            if inbound and all(inbound) and "network-isolation" not in element.get("controls", []):
                element["controls"] = [*element.get("controls", []), "network-isolation"]
                self.draft.note(("elements", index, "controls"), "every Threagile link into it is ip_filtered")
        for section in ("abuse_cases", "security_requirements", "questions"):
            entries = self.m.get(section)
            if isinstance(entries, dict) and entries:
                self.dropped[f"{section.replace('_', ' ')} (no biotm equivalent)"] += len(entries)
        for what, count in sorted(self.dropped.items()):
            self.draft.header.append(f"not mapped to a biotm field: {count} {what}")

    def _data(self, value: Any) -> list[str]:
        return [self.data_ids[d] for d in (text_of(x) for x in as_list(value)) if d in self.data_ids]

    def _flow(
        self, flow_id: str, title: str, link: dict[str, Any], src: str, tgt: str, data: list[str]
    ) -> dict[str, Any]:
        flow: dict[str, Any] = {"id": flow_id, "name": _plain(title)}
        description = _plain(link.get("description"))
        if description:
            flow["description"] = description
        flow.update({"source": src, "target": tgt, "data": data})
        protocol = text_of(link.get("protocol"))
        if protocol:
            flow["protocol"] = protocol
        encrypted = protocol in _ENCRYPTED_PROTOCOLS or protocol.endswith("-encrypted") or link.get("vpn") is True
        flow["encrypted"] = encrypted
        flow["authentication"] = _AUTHENTICATION.get(text_of(link.get("authentication")), "none")
        return flow

    def shared_runtimes(self) -> None:
        for title, raw in self.section("shared_runtimes").items():
            runtime = self.entry("shared_runtimes", title, raw)
            running = [text_of(a) for a in as_list(runtime.get("technical_assets_running"))]
            names = ", ".join(self.asset_ids.get(a, a) for a in running)
            for asset in running:
                if asset in self.element_index:
                    self.draft.note(
                        ("elements", self.element_index[asset]),
                        f"shares the runtime '{_plain(title)}' with: {names} (no biotm equivalent)",
                    )

    def _place(self, parts: list[str]) -> str | None:
        for part in parts:
            if part in self.asset_ids:
                return self.asset_ids[part]
            if part in self.link_ids:
                return self.link_ids[part]
            if part in self.data_ids:
                return self.data_ids[part]
            if part in self.zone_ids:
                return self.zone_ids[part]
        return None

    def custom_risks(self) -> None:
        categories: list[tuple[str, dict[str, Any], Origin]] = []
        for title, raw in self.section("individual_risk_categories").items():
            categories.append(
                (
                    title,
                    self.entry("individual_risk_categories", title, raw),
                    self.origin("individual_risk_categories", title),
                )
            )
        custom = self.m.get("custom_risk_categories")
        if isinstance(custom, dict):
            for title, raw in custom.items():
                categories.append(
                    (
                        title,
                        self.entry("custom_risk_categories", title, raw),
                        self.origin("custom_risk_categories", title),
                    )
                )
        elif isinstance(custom, list):
            for index, raw in enumerate(custom):
                source, path = self.origins.get(
                    ("custom_risk_categories", str(index)), (self.draft.source, ("custom_risk_categories",))
                )
                entry = as_mapping(raw, source, path, "custom risk category")
                categories.append((text_of(entry.get("title")) or text_of(entry.get("id")), entry, (source, path)))
        for title, category, (source, path) in categories:
            rule = text_of(category.get("id")) or slug(title)
            risks = as_mapping(
                category.get("risks_identified"), source, (*path, "risks_identified"), "risks_identified"
            )
            for risk_title, risk_raw in risks.items():
                risk_path = (*path, "risks_identified", risk_title)
                risk = as_mapping(risk_raw, source, risk_path, f"risk '{risk_title}'")
                parts = [
                    text_of(risk.get(k))
                    for k in (
                        "most_relevant_technical_asset",
                        "most_relevant_communication_link",
                        "most_relevant_data_asset",
                        "most_relevant_trust_boundary",
                    )
                ]
                place = self._place([p for p in parts if p])
                if place is None:
                    self.draft.header.append(f"risk '{_plain(risk_title)}' not carried over: it names no known asset")
                    continue
                severity = text_of(risk.get("severity"))
                threat: dict[str, Any] = {
                    "id": self.draft.unique_id("threat", f"{rule}-{place}", rule),
                    "title": _plain(risk_title) or _plain(title),
                    "place": place,
                    "severity": _SEVERITY.get(severity, "medium"),
                    "status": "open",
                    "categories": [c for c in (text_of(category.get("stride")), f"threagile:{rule}") if c],
                }
                mitigation = _plain(category.get("mitigation"))
                if mitigation:
                    threat["mitigation"] = mitigation
                threat["source"] = "threagile"
                index = self.draft.add("threats", threat, risk_path, source)
                if severity == "elevated":
                    self.draft.note(("threats", index, "severity"), "Threagile severity 'elevated'")

    def risk_tracking(self) -> None:
        for risk_id, raw in self.section("risk_tracking").items():
            tracking = self.entry("risk_tracking", risk_id, raw)
            source, path = self.origin("risk_tracking", risk_id)
            parts = risk_id.split("@")
            rule = parts[0]
            concrete = [p for p in parts[1:] if p and p != "*"]
            place = self._place(concrete)
            status = text_of(tracking.get("status"))
            justification = _plain(tracking.get("justification")) or f"Threagile risk tracking: {status}"
            ticket = text_of(tracking.get("ticket"))
            if ticket:
                justification += f" (ticket {ticket})"
            if place is None or status not in ("accepted", "mitigated", "false-positive"):
                why = "it names no single element (wildcards)" if place is None else f"status '{status}'"
                self.draft.header.append(f"risk tracking '{risk_id}' ({status}) kept only here: {why}")
                continue
            if status == "accepted":
                checked = tracking.get("date")
                day = checked if isinstance(checked, dt.date) else None
                start = day or dt.date(2000, 1, 1)
                # a check date in year 9999 has no date a year later: keep the last representable day
                expires = start + dt.timedelta(days=min(ACCEPTANCE_DAYS, (dt.date.max - start).days))
                entry = {
                    "rule": f"threagile:{rule}",
                    "place": place,
                    "justification": justification,
                    "owner": text_of(tracking.get("checked_by")) or "unknown",
                    "expires": expires.isoformat(),
                }
                index = self.draft.add("accepted", entry, path, source)
                self.draft.note(
                    ("accepted", index, "expires"),
                    f"Threagile records no expiry: one year after the check date {day or 'unknown'}",
                )
                if not text_of(tracking.get("checked_by")):
                    self.draft.note(("accepted", index, "owner"), "no checked_by in Threagile: set who accepted it")
                continue
            threat = {
                "id": self.draft.unique_id("threat", f"{rule}-{place}", rule),
                "title": f"Threagile risk {rule}",
                "description": justification,
                "place": place,
                "status": "mitigated" if status == "mitigated" else "accepted",
                "categories": [f"threagile:{rule}"],
                "source": "threagile",
            }
            index = self.draft.add("threats", threat, path, source)
            if status == "false-positive":
                self.draft.note(("threats", index, "status"), "false positive in Threagile")


def convert(data: Any, source: SourceMap, limits: Limits) -> Draft:
    """A biotm draft from a parsed Threagile model, resolving its `includes:`."""
    merger = _Merger(source, limits)
    merger.add(data, source, (FsPath(source.file).resolve(),))
    draft = Draft(source)
    converter = _Converter(merger, draft)
    converter.run()
    if draft.sections["elements"] and not draft.sections["zones"]:
        converter._outside()
    return draft
