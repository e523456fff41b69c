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

import json
import re
from typing import Any

from biotm.interop.common import UNKNOWN_JURISDICTION, Draft, as_list, as_mapping, located, slug, text_of
from biotm.model.parse import Limits
from biotm.model.schema import DataCategory, Element, ElementType, Model, Threat
from biotm.model.source import Path, SourceMap

OTM_VERSION = "0.2.0"
BIOTM_KEY = "biotm"
#: Model-wide legal sections, kept under `project.attributes.biotm`.
LEGAL_SECTIONS = ("organisations", "agreements", "bases")

_STORE_WORDS = ("database", "datastore", "data-store", "storage", "store", "bucket", "s3", "cache", "db", "file")
_DEVICE_WORDS = ("client", "browser", "mobile", "device", "phone", "terminal", "camera", "kiosk", "iot")
_ACTOR_WORDS = ("user", "actor", "person", "human", "customer", "operator", "staff")


def detect(data: dict[str, Any]) -> bool:
    return "otmVersion" in data


# -- import ------------------------------------------------------------------------------------


def _biotm_attributes(item: dict[str, Any]) -> dict[str, Any] | None:
    """The biotm fields a biotm export kept on this part, or None for a part another tool wrote."""
    attributes = item.get("attributes")
    if isinstance(attributes, dict) and isinstance(attributes.get(BIOTM_KEY), dict):
        return dict(attributes[BIOTM_KEY])
    return None


def _copy_texts(out: dict[str, Any], item: dict[str, Any]) -> str:
    """Copy the non-empty name and description of an OTM part into `out`; the name ('' if none)."""
    for key in ("name", "description"):
        if text_of(item.get(key)):
            out[key] = text_of(item.get(key))
    return text_of(item.get("name"))


def _element_type(component: dict[str, Any]) -> str:
    """The biotm element type of an OTM component, guessed from its type and tags."""
    words = " ".join([text_of(component.get("type")), *(text_of(t) for t in as_list(component.get("tags")))]).lower()
    if "external" in words:
        return "external"
    tokens = set(re.split(r"[\s_\-]+", words))
    for choices, kind in ((_STORE_WORDS, "store"), (_DEVICE_WORDS, "device"), (_ACTOR_WORDS, "actor")):
        if tokens & set(choices):
            return kind
    return "process"


def _severity(risk: Any) -> str:
    if not isinstance(risk, dict):
        return "medium"
    likelihood, impact = risk.get("likelihood"), risk.get("impact")
    if not isinstance(impact, int | float):
        return "medium"
    score = (likelihood if isinstance(likelihood, int | float) else 50) * impact / 10_000
    for floor, name in ((0.64, "critical"), (0.36, "high"), (0.16, "medium"), (0.0001, "low")):
        if score >= floor:
            return name
    return "info"


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
        self.project: dict[str, Any] = {}

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

    def run(self) -> Draft:
        self.project = as_mapping(self.data.get("project"), self.source, ("project",), "'project'")
        extra = _biotm_attributes(self.project) or {}
        name = text_of(self.project.get("name"))
        self.draft.meta = dict(extra.get("meta") or {}) or {"name": name or "Imported OTM model"}
        if not extra.get("meta"):
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
        self.threats()
        for section in ("attackers", "accepted"):
            for item in as_list(extra.get(section)):
                self.draft.add(section, item, ("project",))
        if isinstance(extra.get("settings"), dict):
            self.draft.extra["settings"] = extra["settings"]
        for section in LEGAL_SECTIONS:  # roles, agreements and purpose bases: model-wide, like settings
            if isinstance(extra.get(section), list):
                self.draft.extra[section] = extra[section]
        if not self.draft.sections["elements"]:
            raise located(
                self.source, ("components",) if "components" in self.data else (), "the model has no components"
            )
        return self.draft

    def owner(self) -> str:
        return text_of(self.project.get("owner")) or text_of(self.project.get("name")) or "unknown owner"

    def zones(self) -> None:
        zones = self.items("trustZones")
        for _path, zone in zones:
            otm_id = text_of(zone.get("id"))
            self.zone_ids[otm_id] = self.draft.unique_id("zone", otm_id, text_of(zone.get("name")) or "zone", keep=True)
        for path, zone in zones:
            kept = _biotm_attributes(zone)
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
            if parent_id in self.zone_ids:
                out["parent"] = self.zone_ids[parent_id]
            risk = zone.get("risk")
            rating = risk.get("trustRating") if isinstance(risk, dict) else None
            internet = "internet" in text_of(zone.get("type")).lower() or (
                isinstance(rating, int | float) and rating <= 30
            )
            if internet:
                out["internet_facing"] = True
            index = self.draft.add("zones", out, path)
            self.draft.note_zone_guesses(index, "OTM", "the project owner")
            if internet:
                self.draft.note(("zones", index, "internet_facing"), f"guessed from type/trust rating ({rating})")
        if not zones:
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
            item_id = self.draft.unique_id("data", otm_id, text_of(asset.get("name")) or "data", keep=True)
            self.data_ids[otm_id] = item_id
            kept = _biotm_attributes(asset)
            if kept is not None:
                self.draft.add("data", {"id": item_id, **{k: v for k, v in kept.items() if k != "id"}}, path)
                continue
            name = text_of(asset.get("name"))
            item: dict[str, Any] = {"id": item_id, "name": name or item_id}
            description = text_of(asset.get("description"))
            if description:
                item["description"] = description
            index = self.draft.add("data", item, path)
            item.update(self.draft.categorise(("data", index), name or otm_id, [], description))
            risk = asset.get("risk")
            if isinstance(risk, dict) and risk.get("confidentiality") == 0:
                item["public"] = True
                self.draft.note(("data", index, "public"), "OTM confidentiality 0")

    def _zone_of_component(self, otm_id: str, seen: frozenset[str] = frozenset()) -> str | None:
        kind, parent = self.component_parent.get(otm_id, ("", ""))
        if kind == "trustZone":
            return self.zone_ids.get(parent)
        if kind == "component" and parent not in seen:
            return self._zone_of_component(parent, seen | {otm_id})
        return None

    def components(self) -> None:
        components = self.items("components")
        for _path, component in components:
            otm_id = text_of(component.get("id"))
            parent = component.get("parent")
            if isinstance(parent, dict) and text_of(parent.get("trustZone")):
                self.component_parent[otm_id] = ("trustZone", text_of(parent.get("trustZone")))
            elif isinstance(parent, dict) and text_of(parent.get("component")):
                self.component_parent[otm_id] = ("component", text_of(parent.get("component")))
            self.element_ids[otm_id] = self.draft.unique_id(
                "place", otm_id, text_of(component.get("name")) or "element", keep=True
            )
        default_zone = self.draft.sections["zones"][0]["id"]
        for path, component in components:
            otm_id = text_of(component.get("id"))
            zone = self._zone_of_component(otm_id)
            kept = _biotm_attributes(component)
            element: dict[str, Any] = {"id": self.element_ids[otm_id]}
            if kept is not None:
                element.update({k: v for k, v in kept.items() if k not in ("id", "zone")})
                element["zone"] = zone or default_zone
                self.draft.add("elements", element, path)
                continue
            element["type"] = _element_type(component)
            name = _copy_texts(element, component)
            element["zone"] = zone or default_zone
            assets = component.get("assets")
            stored = []
            if isinstance(assets, dict):
                stored = [
                    self.data_ids[text_of(a)] for a in as_list(assets.get("stored")) if text_of(a) in self.data_ids
                ]
            if stored:
                element["holds"] = stored
            index = self.draft.add("elements", element, path)
            self.draft.note(("elements", index, "type"), f"guessed from OTM type '{text_of(component.get('type'))}'")
            if zone is None:
                self.draft.note(("elements", index, "zone"), "no trust zone in OTM: put in the first zone")
            elif self.component_parent.get(otm_id, ("", ""))[0] == "component":
                self.draft.note(("elements", index, "zone"), "nested in another component in OTM: its zone")
            if stored:
                self.draft.note(("elements", index, "holds"), "assets stored here in OTM")
            if not name:
                self.draft.note(("elements", index), "no name in OTM")

    def dataflows(self) -> None:
        for path, flow in self.items("dataflows"):
            otm_id = text_of(flow.get("id"))
            source = self.element_ids.get(text_of(flow.get("source")))
            target = self.element_ids.get(text_of(flow.get("destination")))
            if source is None or target is None or source == target:
                end = "source" if source is None else "destination"
                why = f"its {end} is not a component" if source is None or target is None else "it loops"
                self.draft.header.append(f"dataflow '{otm_id}' dropped: {why}")
                continue
            flow_id = self.draft.unique_id("place", otm_id, f"{source}-to-{target}", keep=True)
            self.flow_ids[otm_id] = flow_id
            data = [self.data_ids[text_of(a)] for a in as_list(flow.get("assets")) if text_of(a) in self.data_ids]
            kept = _biotm_attributes(flow)
            if kept is not None:
                out = {"id": flow_id, **{k: v for k, v in kept.items() if k not in ("id", "source", "target", "data")}}
                out.update({"source": source, "target": target, "data": data})
                self.draft.add("flows", out, path)
                continue
            out = {"id": flow_id}
            _copy_texts(out, flow)
            out.update({"source": source, "target": target, "data": data})
            self.draft.add("flows", out, path)
            if flow.get("bidirectional") is True:
                reverse_id = self.draft.unique_id("place", f"{flow_id}-reverse", "reverse")
                reverse = {**out, "id": reverse_id, "source": target, "target": source}
                index = self.draft.add("flows", reverse, path)
                self.draft.note(("flows", index), f"the return direction of the bidirectional dataflow '{otm_id}'")

    def threats(self) -> None:
        catalog = {text_of(t.get("id")): (path, t) for path, t in self.items("threats")}
        mitigations = {text_of(m.get("id")): m for _path, m in self.items("mitigations")}
        instances: list[tuple[str, Path, dict[str, Any]]] = []
        for section, ids in (("components", self.element_ids), ("dataflows", self.flow_ids)):
            for path, item in self.items(section):
                place = ids.get(text_of(item.get("id")))
                for k, instance in enumerate(as_list(item.get("threats"))):
                    if place is not None and isinstance(instance, dict):
                        instances.append((place, (*path, "threats", k), instance))
        used: set[str] = set()
        for place, path, instance in instances:
            threat_ref = text_of(instance.get("threat"))
            if threat_ref not in catalog:
                raise located(self.source, (*path, "threat"), f"threat instance names unknown threat '{threat_ref}'")
            _tpath, threat = catalog[threat_ref]
            kept = _biotm_attributes(threat)
            if kept is not None:
                if threat_ref not in used:
                    self.draft.add(
                        "threats", {"id": self.draft.unique_id("threat", threat_ref, "threat", keep=True), **kept}, path
                    )
                used.add(threat_ref)
                continue
            used.add(threat_ref)
            state = text_of(instance.get("state")).lower()
            steps = [m for m in as_list(instance.get("mitigations")) if isinstance(m, dict)]
            implemented = bool(steps) and all(text_of(m.get("state")).lower() == "implemented" for m in steps)
            status = (
                "accepted" if state == "accepted" else "mitigated" if state == "mitigated" or implemented else "open"
            )
            names = [
                text_of(mitigations[text_of(m.get("mitigation"))].get("name"))
                for m in steps
                if text_of(m.get("mitigation")) in mitigations
            ]
            entry: dict[str, Any] = {
                "id": self.draft.unique_id("threat", f"{threat_ref}-{place}", "threat", keep=True),
                "title": text_of(threat.get("name")) or threat_ref,
            }
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
        for threat_ref, (tpath, threat) in catalog.items():
            kept = _biotm_attributes(threat)
            if kept is not None and threat_ref not in used:  # a biotm threat on a zone, data item or interaction
                threat_id = self.draft.unique_id("threat", threat_ref, "threat", keep=True)
                self.draft.add("threats", {"id": threat_id, **kept}, tpath)


def convert(data: Any, source: SourceMap, limits: Limits) -> Draft:
    """A biotm draft from a parsed OTM document."""
    if not isinstance(data, dict):
        raise located(source, (), "an OTM document must be a mapping with 'otmVersion' and 'project'")
    if "project" not in data:
        raise located(source, (), "an OTM document needs a 'project'")
    return _Importer(data, source).run()


# -- export ------------------------------------------------------------------------------------

_TRUST = {"internet": 20, "public": 40, "private": 80}
_CONFIDENTIALITY = {
    DataCategory.BIOMETRIC_SAMPLE: 100,
    DataCategory.BIOMETRIC_TEMPLATE: 100,
    DataCategory.DOCUMENT_IMAGE: 90,
    DataCategory.IDENTIFIER: 80,
    DataCategory.NATIONAL_ID: 90,
    DataCategory.DOCUMENT_NUMBER: 80,
    DataCategory.DRIVER_LICENCE: 80,
    DataCategory.PHONE_NUMBER: 60,
    DataCategory.CREDENTIAL: 90,
    DataCategory.QUASI_IDENTIFIER: 60,
    DataCategory.CONTACT: 50,
    DataCategory.BEHAVIOURAL: 60,
    DataCategory.OTHER: 50,
}
_RISK = {"critical": (90, 90), "high": (70, 70), "medium": (50, 50), "low": (30, 30), "info": (10, 10)}
_STATE = {"open": "exposed", "mitigated": "mitigated", "accepted": "accepted"}


def _named(item: Any) -> dict[str, Any]:
    """The id, name (the id when unnamed) and description every OTM part starts with."""
    entry: dict[str, Any] = {"id": item.id, "name": item.name or item.id}
    if item.description:
        entry["description"] = item.description
    return entry


def _kept(item: Any, *drop: str) -> dict[str, Any]:
    dumped: dict[str, Any] = item.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    return {k: v for k, v in dumped.items() if k not in drop}


def _tags(element: Element) -> list[str]:
    tags = [element.type.value]
    if element.role:
        tags.append(f"role:{element.role.value}")
    if element.capture.value != "none":
        tags.append(f"biometric-capture:{element.capture.value}")
    if element.matching.value != "none":
        tags.append(f"biometric-matching:{element.matching.value}")
    tags.extend(f"control:{c}" for c in element.controls)
    return tags


def _threat_instance(threat: Threat) -> dict[str, Any]:
    instance: dict[str, Any] = {"threat": threat.id, "state": _STATE[threat.status]}
    if threat.mitigation:
        state = "implemented" if threat.status == "mitigated" else "required"
        instance["mitigations"] = [{"mitigation": f"{threat.id}-mitigation", "state": state}]
    return instance


def export(model: Model) -> dict[str, Any]:
    """The OTM document of a biotm model; biotm-only fields ride in `attributes.biotm`."""
    threats_at: dict[str, list[Threat]] = {}
    for threat in model.threats:
        threats_at.setdefault(threat.place, []).append(threat)
    project_extra: dict[str, Any] = {"meta": _kept(model.meta)}
    if model.attackers:
        project_extra["attackers"] = [_kept(a) for a in model.attackers]
    if model.accepted:
        project_extra["accepted"] = [_kept(a) for a in model.accepted]
    settings = _kept(model.settings)
    if settings:
        project_extra["settings"] = settings
    for section in LEGAL_SECTIONS:
        if getattr(model, section):
            project_extra[section] = [_kept(part) for part in getattr(model, section)]
    project: dict[str, Any] = {"name": model.meta.name, "id": slug(model.meta.name) or "biotm-model"}
    if model.meta.description:
        project["description"] = model.meta.description
    if model.meta.authors:
        project["owner"] = model.meta.authors[0]
    project["tags"] = ["biotm"]
    project["attributes"] = {BIOTM_KEY: project_extra}

    def zone_type(internet: bool, public: bool) -> str:
        return "internet" if internet else "public" if public else "private"

    trust_zones = []
    for zone in model.zones:
        kind = zone_type(zone.internet_facing, zone.public_place)
        entry = {**_named(zone), "type": kind}
        entry["risk"] = {"trustRating": _TRUST[kind]}
        if zone.parent:
            entry["parent"] = {"trustZone": zone.parent}
        entry["attributes"] = {BIOTM_KEY: _kept(zone, "id", "parent")}
        trust_zones.append(entry)

    received: dict[str, set[str]] = {}
    for flow in model.flows:
        received.setdefault(flow.target, set()).update(flow.data)
    components = []
    for element in model.elements:
        entry = {**_named(element), "type": element.type.value}
        entry["parent"] = {"trustZone": element.zone}
        processed = sorted(received.get(element.id, set()) | {d.output for d in element.derives})
        stored = list(element.holds) if element.type in (ElementType.STORE, ElementType.DEVICE) else []
        if processed or stored:
            entry["assets"] = {"processed": processed, "stored": stored}
        if element.id in threats_at:
            entry["threats"] = [_threat_instance(t) for t in threats_at[element.id]]
        entry["tags"] = _tags(element)
        entry["attributes"] = {BIOTM_KEY: _kept(element, "id", "zone")}
        components.append(entry)

    dataflows = []
    for flow in model.flows:
        entry = _named(flow)
        entry.update(
            {"bidirectional": False, "source": flow.source, "destination": flow.target, "assets": list(flow.data)}
        )
        if flow.id in threats_at:
            entry["threats"] = [_threat_instance(t) for t in threats_at[flow.id]]
        tags = [
            t
            for t in (
                flow.protocol,
                "encrypted" if flow.encrypted else "",
                f"authentication:{flow.authentication.value}",
            )
            if t
        ]
        entry["tags"] = tags + [f"control:{c}" for c in flow.controls]
        entry["attributes"] = {BIOTM_KEY: _kept(flow, "id", "source", "target", "data")}
        dataflows.append(entry)

    assets = []
    for item in model.data:
        entry = _named(item)
        confidentiality = 0 if item.public else _CONFIDENTIALITY[item.category]
        entry["risk"] = {
            "confidentiality": confidentiality,
            "integrity": 50,
            "availability": 50,
            "comment": f"biotm category {item.category.value}"
            + (f", modality {item.modality.value}" if item.modality else ""),
        }
        entry["attributes"] = {BIOTM_KEY: _kept(item, "id")}
        assets.append(entry)

    threats, mitigations = [], []
    for threat in model.threats:
        likelihood, impact = _RISK[threat.severity]
        entry = {"id": threat.id, "name": threat.title}
        if threat.description:
            entry["description"] = threat.description
        entry["categories"] = list(threat.categories)
        entry["risk"] = {"likelihood": likelihood, "impact": impact}
        entry["attributes"] = {BIOTM_KEY: _kept(threat, "id")}
        threats.append(entry)
        if threat.mitigation:
            mitigations.append(
                {
                    "id": f"{threat.id}-mitigation",
                    "name": threat.mitigation[:80],
                    "description": threat.mitigation,
                    "riskReduction": 100 if threat.status == "mitigated" else 50,
                }
            )
    return {
        "otmVersion": OTM_VERSION,
        "project": project,
        "representations": [],
        "assets": assets,
        "components": components,
        "dataflows": dataflows,
        "trustZones": trust_zones,
        "threats": threats,
        "mitigations": mitigations,
    }


def export_json(model: Model) -> str:
    """The OTM document as JSON text, stable byte for byte."""
    return json.dumps(export(model), indent=2, ensure_ascii=False) + "\n"
