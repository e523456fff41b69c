"""The tool-neutral benchmark topology (`biotm-bench-topology/1`, written by the pytm harness) as a biotm model.

`from_topology(topology)` gives a model of the same nodes and flows, so biotm and pytm are timed on identical
graphs. It returns plain data ready for `generate.dump_yaml` / `json.dumps`, as the generator does.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

TOPOLOGY_FORMAT = "biotm-bench-topology/1"

_KIND = {"actor": "actor", "process": "process", "server": "process", "datastore": "store", "external": "external"}
#: Topology node attributes that name a control in biotm's catalog.
_ATTR_CONTROLS = {
    "access_control": "access-control",
    "encrypted_at_rest": "encryption-at-rest",
    "session_tokens": "authentication",
}
_BAD_ID_CHARS = re.compile(r"[^A-Za-z0-9_.\-]")


def _safe_id(raw: str) -> str:
    """A topology id as a biotm id ('face_template@f0_3' -> 'face_template-f0_3')."""
    cleaned = _BAD_ID_CHARS.sub("-", raw)
    return cleaned if cleaned[:1].isalnum() else f"x{cleaned}"


def _category(item: dict[str, Any]) -> str:
    if item.get("biometric"):
        return "biometric_template" if item.get("stored") else "biometric_sample"
    if item.get("credential"):
        return "credential"
    return "identifier" if item.get("pii") else "other"


def boundary_roots(boundaries: Mapping[str, dict[str, Any]]) -> dict[str, str]:
    """The outermost boundary above each boundary (itself at the top), in one pass over the parent links.

    Each boundary is looked up about twice in all: a walk stops at the first boundary whose root is already
    known, and every boundary it passed gets that root. (Walking each chain from the bottom, as before, made a
    chain of n nested boundaries cost n squared.) A boundary in a parent cycle is its own root, and one that
    leads into a cycle gets the first boundary of the cycle it reaches.
    """
    roots: dict[str, str] = {}
    for start in boundaries:
        path: list[str] = []
        on_path: dict[str, int] = {}
        current = start
        while True:
            if current in roots:
                top = roots[current]
                break
            if current in on_path:
                cycle_starts = on_path[current]
                roots.update((node, node) for node in path[cycle_starts:])
                del path[cycle_starts:]
                top = current
                break
            on_path[current] = len(path)
            path.append(current)
            parent = boundaries[current].get("parent")
            if not parent or parent not in boundaries:
                top = current
                break
            current = parent
        roots.update((node, top) for node in path)
    return roots


def from_topology(topology: dict[str, Any]) -> dict[str, Any]:
    """The biotm model of a `biotm-bench-topology/1` document: same nodes, flows, boundaries and data.

    Boundaries become zones (owned by their outermost boundary; 'Public' is a public place), servers
    become processes, datastores stores; the access-control, encryption-at-rest and session-token
    attributes become controls, the others have no biotm counterpart and are dropped. Data a node
    sends but never receives is held there from the start, so the model has no lineage warnings.
    """
    if not isinstance(topology, dict) or topology.get("format") != TOPOLOGY_FORMAT:
        raise ValueError(f"not a {TOPOLOGY_FORMAT} document")
    boundaries: dict[str, dict[str, Any]] = {b["id"]: b for b in topology["boundaries"]}

    roots = boundary_roots(boundaries)

    zones = []
    for boundary in topology["boundaries"]:
        top = boundaries[roots[boundary["id"]]]
        zone: dict[str, Any] = {"id": _safe_id(boundary["id"]), "name": boundary["name"], "owner": top["name"],
                                "jurisdiction": "CN"}
        if boundary.get("parent"):
            zone["parent"] = _safe_id(boundary["parent"])
        if top["name"].lower() == "public":
            zone["public_place"] = True
        zones.append(zone)
    if any(not node.get("boundary") for node in topology["nodes"]):
        zones.append({"id": "outside", "name": "Outside every boundary", "owner": "Unknown", "jurisdiction": "CN"})

    subjects = max(1, int(topology.get("params", {}).get("cells", 1)))
    data = []
    for item in topology["data"]:
        entry: dict[str, Any] = {"id": _safe_id(item["id"]), "name": item["name"], "category": _category(item),
                                 "subjects": subjects}
        if item.get("biometric"):
            entry["modality"] = "face"
        if item.get("credential"):
            entry["revocable"] = True
        data.append(entry)

    sent: dict[str, set[str]] = {}
    received: dict[str, set[str]] = {}
    for flow in topology["flows"]:
        sent.setdefault(flow["source"], set()).update(flow["data"])
        received.setdefault(flow["sink"], set()).update(flow["data"])
    elements = []
    for node in topology["nodes"]:
        attrs = node.get("attrs") or {}
        element: dict[str, Any] = {"id": _safe_id(node["id"]), "type": _KIND[node["kind"]], "name": node["name"],
                                   "zone": _safe_id(node["boundary"]) if node.get("boundary") else "outside"}
        if node["kind"] == "actor":
            element["role"] = "data-subject"
        controls = [control for attr, control in _ATTR_CONTROLS.items() if attrs.get(attr)]
        if controls:
            element["controls"] = controls
        holds = sorted(sent.get(node["id"], set()) - received.get(node["id"], set()))
        if holds:
            element["holds"] = [_safe_id(h) for h in holds]
        elements.append(element)

    flows = []
    for flow in topology["flows"]:
        out: dict[str, Any] = {"id": _safe_id(flow["id"]), "name": flow["name"], "source": _safe_id(flow["source"]),
                               "target": _safe_id(flow["sink"]), "data": [_safe_id(d) for d in flow["data"]]}
        if flow.get("protocol"):
            out["protocol"] = flow["protocol"]
        if flow.get("encrypted"):
            out["encrypted"] = True
        flows.append(out)

    return {
        "biotm": 1,
        "meta": {"name": str(topology.get("name") or "benchmark topology"),
                 "description": f"Converted by biotm generate from a {TOPOLOGY_FORMAT} document."},
        "zones": zones,
        "elements": elements,
        "data": data,
        "flows": flows,
    }


# -- writing -----------------------------------------------------------------------------------------
