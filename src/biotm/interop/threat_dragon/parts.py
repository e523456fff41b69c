"""Threat Dragon actors, processes, stores, flows and their threats as biotm elements, flows and threats."""

from __future__ import annotations

from typing import Any

from biotm.interop.common import as_list, located, text_of
from biotm.interop.threat_dragon.cells import _Cell
from biotm.interop.threat_dragon.diagram import DiagramBase

_STATUS = {"open": "open", "mitigated": "mitigated", "n/a": "accepted", "notapplicable": "accepted"}
_SEVERITY = {"critical": "critical", "high": "high", "medium": "medium", "low": "low", "info": "info"}


class PartMapping(DiagramBase):
    """Each drawn element, flow (both ways when bidirectional) and threat as the biotm part it stands for."""

    def _element(self, cell: _Cell, zone: str) -> None:
        props = cell.props
        kind = cell.kind
        element_id = self.draft.unique_id("place", cell.name, kind)
        element: dict[str, Any] = {"id": element_id, "type": kind}
        if cell.name:
            element["name"] = cell.name
        description = text_of(props.get("description"))
        if description:
            element["description"] = description
        element["zone"] = zone
        index = self.draft.add("elements", element, cell.path)
        if not cell.name:
            self.draft.note(("elements", index), "no name in Threat Dragon: name it")
        if props.get("outOfScope") is True:
            reason = text_of(props.get("reasonOutOfScope"))
            if kind != "actor":
                element["type"] = "external"
            self.draft.note(
                ("elements", index, "type"),
                "out of scope in Threat Dragon" + (f" ({reason})" if reason else "") + ": treated as outside the audit",
            )
        if kind == "store" and props.get("isEncrypted") is True:
            element["controls"] = ["encryption-at-rest"]
        if kind == "store" and props.get("isALog") is True:
            element["purpose"] = "log"
            self.draft.note(("elements", index, "purpose"), "a log store in Threat Dragon (isALog)")
        if kind == "process" and props.get("providesAuthentication") is True:
            element["controls"] = [*element.get("controls", []), "access-control"]
            self.draft.note(("elements", index, "controls"), "provides authentication in Threat Dragon")
        if text_of(props.get("privilegeLevel")):
            self.draft.note(
                ("elements", index), f"privilege level in Threat Dragon: {text_of(props['privilegeLevel'])}"
            )
            self.draft.dropped["privilege levels (noted on each process)"] += 1
        if kind == "process" and props.get("handlesCardPayment") is True:
            self.draft.note(("elements", index), "handles card payments (Threat Dragon)")
        if kind == "store" and props.get("storesCredentials") is True:
            self.draft.note(("elements", index), "stores credentials (Threat Dragon): add the credential data item")
        self.element_ids[cell.cell_id] = element_id
        self.element_index[cell.cell_id] = index
        self.index_of[element_id] = index
        if cell.box is not None:
            self.centres[element_id] = cell.centre
        self._threats(cell, element_id)

    def _flow(self, cell: _Cell) -> None:
        props = cell.props
        source, target = self._end(cell, "source"), self._end(cell, "target")
        label = cell.name or cell.cell_id
        if source is None or target is None:
            end = "source" if source is None else "target"
            self.draft.header.append(
                f"flow '{label}' in diagram '{self.title}' dropped: its {end} is not attached to an element"
                + (
                    f" (and its {len(as_list(props.get('threats')))} threat(s))"
                    if as_list(props.get("threats"))
                    else ""
                )
            )
            return
        if source == target:
            self.draft.header.append(f"flow '{label}' in diagram '{self.title}' dropped: it loops on '{source}'")
            return
        if props.get("outOfScope") is True:
            reason = text_of(props.get("reasonOutOfScope")) or "no reason given"
            line = f"Out of scope in Threat Dragon, not audited: flow '{label}' ({source} -> {target}): {reason}"
            self.draft.meta.setdefault("assumptions", []).append(line)
            self.draft.header.append(line + f" ({len(as_list(props.get('threats')))} threat(s) not carried over)")
            return
        flow_id = self.draft.unique_id("place", cell.name, f"{source}-to-{target}")
        flow = self._flow_dict(flow_id, cell, source, target)
        index = self.draft.add("flows", flow, cell.path)
        self._flow_notes(index, cell, target)
        self._threats(cell, flow_id)
        if props.get("isBidirectional") is True:
            reverse_id = self.draft.unique_id("place", flow_id, "flow", suffix="-reverse")
            reverse = self._flow_dict(reverse_id, cell, target, source)
            r_index = self.draft.add("flows", reverse, cell.path)
            self.draft.note(("flows", r_index), f"the return direction of the bidirectional flow '{flow_id}'")
            self._flow_notes(r_index, cell, source)

    def _flow_dict(self, flow_id: str, cell: _Cell, source: str, target: str) -> dict[str, Any]:
        props = cell.props
        flow: dict[str, Any] = {"id": flow_id}
        if cell.name:
            flow["name"] = cell.name
        description = text_of(props.get("description"))
        if description:
            flow["description"] = description
        flow.update({"source": source, "target": target, "data": []})
        protocol = text_of(props.get("protocol"))
        if protocol:
            flow["protocol"] = protocol
        flow["encrypted"] = props.get("isEncrypted") is True
        return flow

    def _flow_notes(self, index: int, cell: _Cell, target: str) -> None:
        props = cell.props
        self.draft.note(("flows", index, "data"), "Threat Dragon records no data: list what this flow carries")
        if props.get("isPublicNetwork") is True:
            self.draft.note(
                ("flows", index), "crosses a public network (Threat Dragon): its target zone is internet-facing"
            )
            zone_id = self._zone_of(target)
            z_index = self.zone_index[zone_id]
            zone = self.draft.sections["zones"][z_index]
            if not zone.get("internet_facing"):
                zone["internet_facing"] = True
                self.draft.note(("zones", z_index, "internet_facing"), "a public-network flow enters this zone")

    def _threats(self, cell: _Cell, place: str) -> None:
        for k, threat in enumerate(as_list(cell.props.get("threats"))):
            origin = (*cell.props_path, "threats", k)
            if not isinstance(threat, dict):
                raise located(self.draft.source, origin, "a threat must be a mapping")
            number = text_of(threat.get("number"))
            threat_id = self.draft.unique_id("threat", f"td-{number}" if number else "", f"td-{place}")
            title = text_of(threat.get("title")) or text_of(threat.get("type")) or "Untitled threat"
            entry: dict[str, Any] = {"id": threat_id, "title": title}
            description = text_of(threat.get("description"))
            if description:
                entry["description"] = description
            entry["place"] = place
            raw_severity = text_of(threat.get("severity")).lower()
            entry["severity"] = _SEVERITY.get(raw_severity, "medium")
            raw_status = text_of(threat.get("status")).lower().replace(" ", "")
            entry["status"] = _STATUS.get(raw_status, "open")
            categories = [c for c in (text_of(threat.get("type")), text_of(threat.get("modelType"))) if c]
            entry["categories"] = categories
            mitigation = text_of(threat.get("mitigation"))
            if mitigation:
                entry["mitigation"] = mitigation
            entry["source"] = "threat-dragon"
            index = self.draft.add("threats", entry, origin)
            score = text_of(threat.get("score"))
            if score:
                self.draft.note(("threats", index), f"Threat Dragon score: {score}")
                self.draft.dropped["threat scores (noted on each threat)"] += 1
            if raw_severity not in _SEVERITY:
                self.draft.note(("threats", index, "severity"), f"severity '{raw_severity}' unknown: medium assumed")
            if raw_status not in _STATUS:
                self.draft.note(("threats", index, "status"), f"status '{raw_status}' unknown: open assumed")
            elif _STATUS[raw_status] == "accepted":
                self.draft.note(("threats", index, "status"), "'N/A' in Threat Dragon: carried as accepted")
