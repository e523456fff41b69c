"""Import and export the Open Threat Model (OTM 0.2.0, IriusRisk's tool-neutral format).

Import (docs/interop.md, "OTM"): trust zones -> zones (`parent.trustZone` -> `parent`; trust
rating <= 30 or type 'internet' -> internet-facing); components -> elements in their trust zone
(a component inside a component goes to the enclosing component's zone); dataflows -> flows
(bidirectional -> two flows); assets -> data items (confidentiality 0 -> public); threat instances
on components and dataflows -> `threats` (state mitigated, or every mitigation implemented ->
mitigated; 'accepted' -> accepted; else open; severity from likelihood x impact).

Export: every biotm part becomes its OTM counterpart, and the biotm fields OTM has no place for
are kept under `attributes.biotm` of that part (the model-wide ones, such as attackers and
accepted risks, under `project.attributes.biotm`), so an exported model re-imports unchanged.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from typing import Any

from biotm.interop.common import (
    UNKNOWN_JURISDICTION,
    Draft,
    as_list,
    as_mapping,
    located,
    text_of,
    type_name,
)
from biotm.interop.otm_export import BIOTM_KEY, DERIVED_KEYS, LEGAL_SECTIONS, export, export_json
from biotm.model.parse import Limits
from biotm.model.source import Path, SourceMap

_STORE_WORDS = frozenset(
    {
        "database",
        "databases",
        "datastore",
        "storage",
        "store",
        "bucket",
        "s3",
        "cache",
        "db",
        "file",
        "files",
        "filesystem",
        "disk",
        "postgresql",
        "postgres",
        "mysql",
        "mariadb",
        "rds",
        "aurora",
        "redis",
        "memcached",
        "elasticache",
        "mongo",
        "mongodb",
        "documentdb",
        "dynamodb",
        "cosmosdb",
        "cassandra",
        "couchdb",
        "sql",
        "sqlserver",
        "mssql",
        "oracle",
        "sqlite",
        "elasticsearch",
        "opensearch",
        "efs",
        "ebs",
        "glacier",
        "blob",
        "repository",
        "warehouse",
        "redshift",
        "bigquery",
        "snowflake",
        "vault",
        "ledger",
    }
)
_DEVICE_WORDS = frozenset(
    {
        "client",
        "browser",
        "mobile",
        "android",
        "ios",
        "iphone",
        "smartphone",
        "tablet",
        "device",
        "phone",
        "terminal",
        "camera",
        "kiosk",
        "iot",
        "desktop",
        "laptop",
        "workstation",
    }
)
_ACTOR_WORDS = frozenset({"user", "users", "actor", "person", "human", "customer", "operator", "staff", "employee"})
_EXTERNAL_WORDS = frozenset({"external", "third", "thirdparty", "partner", "saas"})

#: IriusRisk's built-in trust-zone UUIDs (StartLeft writes them as `type` or `id`), and whether each
#: is reachable from the internet. Every StartLeft zone carries trust rating 10, so the rating is no signal.
IRIUSRISK_ZONES = {
    "f0ba7722-39b6-4c81-8290-a30a248bb8d9": ("Internet", True),
    "6376d53e-6461-412b-8e04-7b3fe2b397de": ("Public", True),
    "b61d6911-338d-46a8-9f39-8dcd24abfe91": ("Public Cloud", False),
    "2ab4effa-40b7-4cd2-ba81-8247d29a6f2d": ("Private Secured", False),
}
_INTERNET_WORDS = frozenset({"internet", "public", "untrusted", "dmz", "external", "wan"})
_PRIVATE_WORDS = frozenset({"private", "internal", "secured", "trusted", "intranet", "lan", "cloud", "vpc"})
#: OTM risk values are percentages; anything else is clamped with a note.
RISK_RANGE = (0.0, 100.0)


def detect(data: dict[str, Any]) -> bool:
    return "otmVersion" in data


# -- import ------------------------------------------------------------------------------------


def _biotm_attributes(item: dict[str, Any], source: SourceMap, path: Path) -> dict[str, Any] | None:
    """The biotm fields a biotm export kept on this part, or None for a part another tool wrote."""
    attributes = item.get("attributes")
    if not isinstance(attributes, dict) or attributes.get(BIOTM_KEY) is None:
        return None
    kept = attributes[BIOTM_KEY]
    if not isinstance(kept, dict):
        raise located(
            source, (*path, "attributes", BIOTM_KEY), f"'attributes.biotm' must be a mapping, not {type_name(kept)}"
        )
    return dict(kept)


def _copy_texts(out: dict[str, Any], item: dict[str, Any]) -> str:
    """Copy the non-empty name and description of an OTM part into `out`; the name ('' if none)."""
    for key in ("name", "description"):
        if text_of(item.get(key)):
            out[key] = text_of(item.get(key))
    return text_of(item.get("name"))


def _tokens(text: str) -> set[str]:
    return set(re.split(r"[^a-z0-9]+", text.lower())) - {""}


def _kind_of(tokens: set[str]) -> str | None:
    for choices, kind in ((_EXTERNAL_WORDS, "external"), (_STORE_WORDS, "store"), (_DEVICE_WORDS, "device")):
        if tokens & choices:
            return kind
    if tokens & _ACTOR_WORDS:
        return "actor"
    return None


def _element_type(component: dict[str, Any]) -> tuple[str, str]:
    """The biotm element type of an OTM component and what decided it: its type and tags, else its name."""
    words = " ".join([text_of(component.get("type")), *(text_of(t) for t in as_list(component.get("tags")))])
    kind = _kind_of(_tokens(words))
    if kind is not None:
        return kind, f"guessed from OTM type/tags '{words.strip()}'"
    kind = _kind_of(_tokens(text_of(component.get("name"))))
    if kind is not None:
        return kind, f"guessed from the component's name (OTM type '{text_of(component.get('type'))}')"
    return "process", f"OTM type '{text_of(component.get('type'))}' says nothing more specific: process assumed"


def _percent(value: Any) -> float | None:
    """An OTM risk value as a float within 0-100, or None when it is not a number."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, int) and abs(value) > 10**6:
        value = RISK_RANGE[1] if value > 0 else RISK_RANGE[0]
    number = float(value)
    if number != number:  # NaN
        return None
    return min(max(number, RISK_RANGE[0]), RISK_RANGE[1])


def _severity(risk: Any) -> str:
    if not isinstance(risk, dict):
        return "medium"
    likelihood, impact = _percent(risk.get("likelihood")), _percent(risk.get("impact"))
    if impact is None:
        return "medium"
    score = (50.0 if likelihood is None else likelihood) * impact / 10_000
    for floor, name in ((0.64, "critical"), (0.36, "high"), (0.16, "medium"), (0.0001, "low")):
        if score >= floor:
            return name
    return "info"


def _internet_facing(zone: dict[str, Any], ratings_vary: bool) -> tuple[bool, str]:
    """Whether an OTM trust zone faces the internet, and why: IriusRisk type UUID, type text, name, rating."""
    for key in ("type", "id"):
        known = IRIUSRISK_ZONES.get(text_of(zone.get(key)).lower())
        if known is not None:
            return known[1], f"IriusRisk trust zone type '{known[0]}'"
    for what, text in (("type", text_of(zone.get("type"))), ("name", text_of(zone.get("name")))):
        tokens = _tokens(text)
        if tokens & _PRIVATE_WORDS:  # "Public Cloud" hosts servers; it is not the internet
            return False, ""
        if tokens & _INTERNET_WORDS:
            return True, f"guessed from the zone's {what} '{text}'"
    risk = zone.get("risk")
    rating = _percent(risk.get("trustRating")) if isinstance(risk, dict) else None
    if ratings_vary and rating is not None and rating <= 30:
        return True, f"guessed from its trust rating {rating:g} (the lowest of the file's zones)"
    return False, ""


class _Importer:
    def __init__(self, data: dict[str, Any], source: SourceMap) -> None:
        self.data = data
        self.source = source
        self.draft = Draft(source)
        self.zone_ids: dict[str, str] = {}
        self.element_ids: dict[str, str] = {}
        self.flow_ids: dict[str, str] = {}
        self.data_ids: dict[str, str] = {}
        self.component_parent: dict[str, tuple[str, str]] = {}
        self.processed: dict[str, list[str]] = {}  # element id -> assets.processed
        self.project: dict[str, Any] = {}
        self.dropped: Counter[str] = Counter()
        self.skipped: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)  # (part, why) -> OTM ids
        self._unplaced: str | None = None

    def items(self, key: str) -> list[tuple[Path, dict[str, Any]]]:
        value = self.data.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            raise located(self.source, (key,), f"'{key}' must be a list")
        out: list[tuple[Path, dict[str, Any]]] = []
        for index, item in enumerate(value):
            if not isinstance(item, dict):
                raise located(self.source, (key, index), f"each of '{key}' must be a mapping")
            out.append(((key, index), item))
        return out

    def kept(self, item: dict[str, Any], path: Path) -> dict[str, Any] | None:
        return _biotm_attributes(item, self.source, path)

    def readable_id(self, space: str, item: dict[str, Any], fallback: str, kept: dict[str, Any] | None) -> str:
        """biotm's own id for a part biotm exported; a slug of the name for another tool's part.

        Other tools' ids are UUIDs or numbers ('17 > 56 > 53' in a report says nothing): the OTM id
        is written as a comment and the source map still points at the part in the OTM file.
        """
        otm_id = text_of(item.get("id"))
        if kept is not None:
            return self.draft.unique_id(space, otm_id, fallback, keep=True)
        return self.draft.unique_id(space, text_of(item.get("name")) or otm_id, fallback)

    def note_otm_id(self, path: Path, item: dict[str, Any], new_id: str) -> None:
        otm_id = text_of(item.get("id"))
        if otm_id and otm_id != new_id:
            self.draft.note(path, f"OTM id '{otm_id}'")

    def run(self) -> Draft:
        self.project = as_mapping(self.data.get("project"), self.source, ("project",), "'project'")
        extra = self.kept(self.project, ("project",)) or {}
        name = text_of(self.project.get("name"))
        meta = extra.get("meta")
        if meta is not None and not isinstance(meta, dict):
            raise located(self.source, ("project", "attributes", BIOTM_KEY), "'meta' must be a mapping")
        self.draft.meta = dict(meta or {}) or {"name": name or "Imported OTM model"}
        if not meta:
            description = text_of(self.project.get("description"))
            if description:
                self.draft.meta["description"] = description
            self.draft.header.append(
                f"Imported from OTM (otmVersion {text_of(self.data.get('otmVersion'))}) by `biotm import`."
            )
        self.zones()
        self.assets()
        self.components()
        self.dataflows()
        self.draft.hold_processed(self.processed, "OTM", "assets.processed")
        self.threats()
        for section in ("attackers", "accepted"):
            for item in as_list(extra.get(section)):
                self.draft.add(section, item, ("project",))
        if isinstance(extra.get("settings"), dict):
            self.draft.extra["settings"] = extra["settings"]
        for section in LEGAL_SECTIONS:  # roles, agreements and purpose bases: model-wide, like settings
            if isinstance(extra.get(section), list):
                self.draft.extra[section] = extra[section]
        if as_list(self.data.get("representations")):
            self.dropped["representations (diagram positions)"] += len(as_list(self.data.get("representations")))
        for (part, why), ids in sorted(self.skipped.items()):
            shown = [f"'{i}'" + (f" x{n}" if n > 1 else "") for i, n in sorted(ids.items())]
            listed = ", ".join(shown[:12]) + (f" and {len(shown) - 12} more" if len(shown) > 12 else "")
            self.draft.header.append(f"{sum(ids.values())} {part} dropped, {why}: {listed}")
        for what, count in sorted(self.dropped.items()):
            self.draft.header.append(f"dropped (no biotm equivalent): {count} {what}")
        return self.draft

    def count_dropped(self, item: dict[str, Any], kind: str) -> None:
        """Count the OTM tags and attributes of another tool's part that no biotm field carries."""
        if as_list(item.get("tags")):
            why = " (used only to guess the element type)" if kind == "components" else ""
            self.dropped[f"tags on {kind}{why}"] += len(as_list(item.get("tags")))
        attributes = item.get("attributes")
        if isinstance(attributes, dict) and attributes:
            self.dropped[f"attributes on {kind}"] += len(attributes)

    def owner(self) -> str:
        return text_of(self.project.get("owner")) or text_of(self.project.get("name")) or "unknown owner"

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

    def threats(self) -> None:
        catalog: dict[str, tuple[Path, dict[str, Any]]] = {}
        derived: set[str] = set()
        for path, threat in self.items("threats"):
            attributes = threat.get("attributes")
            if isinstance(attributes, dict) and any(k in attributes for k in DERIVED_KEYS):
                derived.add(text_of(threat.get("id")))  # an audit's finding or chain: the audit derives it again
                continue
            catalog.setdefault(text_of(threat.get("id")), (path, threat))
        if derived:
            self.draft.header.append(
                f"{len(derived)} threats from an earlier biotm audit (findings and chains) skipped: "
                "`biotm analyze` derives them again from the model"
            )
        mitigations: dict[str, dict[str, Any]] = {}
        for _path, mitigation in self.items("mitigations"):
            mitigations.setdefault(text_of(mitigation.get("id")), mitigation)
        instances: list[tuple[str, Path, dict[str, Any]]] = []
        for section, ids in (("components", self.element_ids), ("dataflows", self.flow_ids)):
            for path, item in self.items(section):
                place = ids.get(text_of(item.get("id")))
                for k, instance in enumerate(as_list(item.get("threats"))):
                    if place is not None and isinstance(instance, dict):
                        instances.append((place, (*path, "threats", k), instance))
        used: set[str] = set()
        dangling: Counter[str] = Counter()
        for place, path, instance in instances:
            threat_ref = text_of(instance.get("threat"))
            if threat_ref in derived:
                continue
            if threat_ref not in catalog:
                dangling[threat_ref] += 1
                continue
            tpath, threat = catalog[threat_ref]
            kept = self.kept(threat, tpath)
            if kept is not None:
                if threat_ref not in used:
                    self.draft.add(
                        "threats", {"id": self.draft.unique_id("threat", threat_ref, "threat", keep=True), **kept}, path
                    )
                used.add(threat_ref)
                continue
            used.add(threat_ref)
            self.threat_instance(place, path, instance, threat_ref, threat, mitigations)
        if dangling:
            shown = [f"'{ref}'" + (f" x{n}" if n > 1 else "") for ref, n in sorted(dangling.items())]
            refs = ", ".join(shown[:12]) + (f" and {len(shown) - 12} more" if len(shown) > 12 else "")
            self.draft.header.append(
                f"{sum(dangling.values())} threat instance(s) dropped: they name threats not in 'threats': {refs}"
            )
        unused = []
        for threat_ref, (tpath, threat) in catalog.items():
            if threat_ref in used:
                continue
            kept = self.kept(threat, tpath)
            if kept is not None:  # a biotm threat on a zone, data item or interaction
                threat_id = self.draft.unique_id("threat", threat_ref, "threat", keep=True)
                self.draft.add("threats", {"id": threat_id, **kept}, tpath)
            else:
                unused.append(f"'{text_of(threat.get('name')) or threat_ref}'")
        if unused:
            self.draft.header.append(
                f"{len(unused)} catalogue threat(s) not carried over: no component or dataflow has an instance of "
                f"them, and a biotm threat needs a place: {', '.join(unused)}"
            )

    def threat_instance(
        self,
        place: str,
        path: Path,
        instance: dict[str, Any],
        threat_ref: str,
        threat: dict[str, Any],
        mitigations: dict[str, dict[str, Any]],
    ) -> None:
        state = text_of(instance.get("state")).lower()
        steps = [m for m in as_list(instance.get("mitigations")) if isinstance(m, dict)]
        implemented = bool(steps) and all(text_of(m.get("state")).lower() == "implemented" for m in steps)
        status = "accepted" if state == "accepted" else "mitigated" if state == "mitigated" or implemented else "open"
        names = []
        for step in steps:
            known = mitigations.get(text_of(step.get("mitigation")))
            label = text_of(known.get("name")) if known else text_of(step.get("mitigation"))
            step_state = text_of(step.get("state")).lower() or "unstated"
            shown = label if step_state == "implemented" else f"{label} ({step_state})"
            names.append(shown + ("" if known else " [not in 'mitigations']"))
        title = text_of(threat.get("name")) or threat_ref
        entry: dict[str, Any] = {"id": self.draft.unique_id("threat", f"{title}-{place}", "threat"), "title": title}
        description = text_of(threat.get("description"))
        if description:
            entry["description"] = description
        entry.update(
            {
                "place": place,
                "severity": _severity(threat.get("risk")),
                "status": status,
                "categories": [text_of(c) for c in as_list(threat.get("categories")) if text_of(c)],
            }
        )
        if names:
            entry["mitigation"] = "; ".join(names)
        entry["source"] = "otm"
        index = self.draft.add("threats", entry, path)
        self.draft.note(("threats", index, "severity"), "from OTM likelihood x impact")
        if state and state not in ("accepted", "mitigated", "exposed", "open"):
            self.draft.note(("threats", index, "status"), f"OTM state '{state}': carried as {status}")


def convert(data: Any, source: SourceMap, limits: Limits) -> Draft:
    """A biotm draft from a parsed OTM document."""
    if not isinstance(data, dict):
        raise located(source, (), "an OTM document must be a mapping with 'otmVersion' and 'project'")
    if "project" not in data:
        raise located(source, (), "an OTM document needs a 'project'")
    return _Importer(data, source).run()


__all__ = ["convert", "detect", "export", "export_json"]
