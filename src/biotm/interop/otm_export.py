"""Export a biotm model, and optionally its audit, as an Open Threat Model (OTM 0.2.0) document.

Every biotm part becomes its OTM counterpart and the biotm fields OTM has no place for ride in
`attributes.biotm` of that part, so an exported model re-imports unchanged. The audit's findings
and chains become OTM threats, and the controls present or planned OTM mitigations, for OTM
consumers; they are marked so that a re-import skips them (the audit derives them again).
"""

from __future__ import annotations

from typing import Any

from biotm.interop.common import document_pieces, slug
from biotm.model.controls import CONTROLS
from biotm.model.schema import DataCategory, Element, ElementType, Model, Threat
from biotm.result import AuditResult, Finding, TheftChain

OTM_VERSION = "0.2.0"
BIOTM_KEY = "biotm"
#: Model-wide legal sections, kept under `project.attributes.biotm`.
LEGAL_SECTIONS = ("organisations", "agreements", "bases")
#: Attribute keys of the audit's parts; an import skips parts that carry one.
FINDING_KEY = "biotm-finding"
CHAIN_KEY = "biotm-chain"
CONTROL_KEY = "biotm-control"
DERIVED_KEYS = (FINDING_KEY, CHAIN_KEY, CONTROL_KEY)

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


def export(model: Model, result: AuditResult | None = None) -> dict[str, Any]:
    """The OTM document of a biotm model; biotm-only fields ride in `attributes.biotm`.

    With the audit `result`, its findings and identity-theft chains become OTM threats (with
    instances on their component or dataflow) and the controls present or planned become OTM
    mitigations; these carry `attributes.biotm-finding` / `biotm-chain` / `biotm-control`, and an
    import skips them, since an audit derives them again from the model.
    """
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
    if result is not None:
        _audit_parts(model, result, components, dataflows, threats, mitigations)
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


def export_json(model: Model, result: AuditResult | None = None) -> str:
    """The OTM document as JSON text, stable byte for byte."""
    return b"".join(document_pieces(export(model, result))).decode("utf-8")


_INSTANCE_STATE = {"open": "exposed", "expired-acceptance": "exposed", "accepted": "accepted", "mitigated": "mitigated"}
_IMPACT = {"critical": 90, "high": 70, "medium": 50, "low": 30, "info": 10}


def _percent(value: float) -> float:
    return round(100 * value, 1)


def _controls_present(model: Model) -> dict[str, set[str]]:
    """Place id -> the controls present there."""
    present: dict[str, set[str]] = {}
    for element in model.elements:
        present.setdefault(element.id, set()).update(element.controls)
    for flow in model.flows:
        present.setdefault(flow.id, set()).update(flow.controls)
    return present


def _finding_places(finding: Finding) -> tuple[str, str] | None:
    """('components' | 'dataflows', id) where an OTM threat instance of the finding goes, if any."""
    if finding.place_kind == "element" and finding.places:
        return "components", finding.places[0]
    if finding.place_kind == "flow" and finding.places:
        return "dataflows", finding.places[0]
    if finding.place_kind == "interaction" and len(finding.places) == 3:
        return "dataflows", finding.places[1]
    return None


def _audit_parts(
    model: Model,
    result: AuditResult,
    components: list[dict[str, Any]],
    dataflows: list[dict[str, Any]],
    threats: list[dict[str, Any]],
    mitigations: list[dict[str, Any]],
) -> None:
    """Add the audit's findings and chains as threats, and present or planned controls as mitigations."""
    parts = {"components": {c["id"]: c for c in components}, "dataflows": {d["id"]: d for d in dataflows}}
    present = _controls_present(model)
    planned: dict[tuple[str, str], int] = {}
    removed: dict[str, float] = {}
    if result.plan is not None:
        for item in result.plan.items:
            planned[(item.control, item.place)] = item.rank
            removed[item.control] = removed.get(item.control, 0.0) + item.risk_removed
    regulations = {r.id: r for r in result.regulations}
    used: set[str] = set()

    def step_state(control: str, places: list[str]) -> dict[str, Any]:
        used.add(control)
        if any(control in present.get(p, set()) for p in places):
            state = "implemented"
        elif any((control, p) in planned for p in places):
            state = "required"
        else:
            state = "recommended"
        return {"mitigation": f"control-{control}", "state": state}

    for finding in result.findings:
        threat_id = f"finding-{finding.id}"
        threats.append(
            {
                "id": threat_id,
                "name": finding.title,
                "description": finding.evidence,
                "categories": list(finding.categories),
                "cwes": list(finding.cwe),
                "risk": {
                    "likelihood": _percent(finding.likelihood),
                    "likelihoodComment": "; ".join(f.reason for f in finding.likelihood_factors),
                    "impact": _percent(finding.impact),
                    "impactComment": "; ".join(f.reason for f in finding.impact_factors),
                },
                "tags": ["biotm-finding", f"severity:{finding.severity}", f"rule:{finding.rule}"],
                "attributes": {
                    FINDING_KEY: {
                        "rule": finding.rule,
                        "severity": finding.severity,
                        "risk": finding.risk,
                        "status": finding.status,
                        "place_kind": finding.place_kind,
                        "places": list(finding.places),
                        "data": list(finding.data),
                        "subjects": finding.subjects,
                        "regulations": [
                            {"id": r, "law": regulations[r].law, "article": regulations[r].article}
                            if r in regulations
                            else {"id": r}
                            for r in finding.regulations
                        ],
                    }
                },
            }
        )
        where = _finding_places(finding)
        if where is not None and where[1] in parts[where[0]]:
            instance: dict[str, Any] = {"threat": threat_id, "state": _INSTANCE_STATE[finding.status]}
            if finding.mitigations:
                instance["mitigations"] = [step_state(c, list(finding.places)) for c in finding.mitigations]
            parts[where[0]][where[1]].setdefault("threats", []).append(instance)
    for chain in result.chains:
        _chain_threat(chain, parts["components"], threats, step_state)
    used.update(c for controls in present.values() for c in controls)
    used.update(control for control, _place in planned)
    risk_before = result.plan.risk_before if result.plan is not None else 0.0
    for control in sorted(used):
        known = CONTROLS.get(control)
        reduction = round(100 * removed.get(control, 0.0) / risk_before, 1) if risk_before > 0 else 0.0
        mitigations.append(
            {
                "id": f"control-{control}",
                "name": known.title if known else control,
                "description": known.description if known else control,
                "riskReduction": min(reduction, 100.0),
                "attributes": {
                    CONTROL_KEY: {
                        "control": control,
                        "present_at": sorted(p for p, controls in present.items() if control in controls),
                        "planned_at": [
                            {"place": place, "rank": rank}
                            for (c, place), rank in sorted(planned.items(), key=lambda kv: kv[1])
                            if c == control
                        ],
                    }
                },
            }
        )


def _chain_threat(
    chain: TheftChain, components: dict[str, dict[str, Any]], threats: list[dict[str, Any]], step_state: Any
) -> None:
    threat_id = f"chain-{chain.id}"
    steps = [
        f"{i}. {s.action}" + (f" at {s.verifier} using {', '.join(s.uses)}" if s.uses else "")
        for i, s in enumerate(chain.steps, 1)
    ]
    threats.append(
        {
            "id": threat_id,
            "name": f"Identity-theft chain: {chain.goal}",
            "description": "\n".join(steps),
            "categories": ["BIO:identity-theft-chain"],
            "risk": {"likelihood": _percent(chain.likelihood), "impact": _IMPACT[chain.severity]},
            "tags": ["biotm-chain", f"severity:{chain.severity}"],
            "attributes": {
                CHAIN_KEY: {
                    "attacker": chain.attacker,
                    "attackers": chain.attackers,
                    "goal": chain.goal,
                    "severity": chain.severity,
                    "subjects": chain.subjects,
                    "finding": chain.finding,
                    "broken_by": list(chain.broken_by),
                }
            },
        }
    )
    verifiers = sorted({s.verifier for s in chain.steps if s.verifier in components})
    breakers: dict[str, list[str]] = {}  # broken_by holds 'PLACE:CONTROL'
    for entry in chain.broken_by:
        place, _sep, control = entry.rpartition(":")
        breakers.setdefault(place, []).append(control)
    for verifier in verifiers:
        instance: dict[str, Any] = {"threat": threat_id, "state": "exposed"}
        if breakers.get(verifier):
            instance["mitigations"] = [step_state(c, [verifier]) for c in breakers[verifier]]
        components[verifier].setdefault("threats", []).append(instance)
