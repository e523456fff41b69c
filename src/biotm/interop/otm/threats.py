"""OTM threats and their instances on components and dataflows as biotm threats."""

from __future__ import annotations

from collections import Counter
from typing import Any

from biotm.interop.common import (
    as_list,
    text_of,
)
from biotm.interop.otm.base import ImporterBase
from biotm.interop.otm.words import _severity
from biotm.interop.otm_export import DERIVED_KEYS
from biotm.model.source import Path


class ThreatMapping(ImporterBase):
    """Threat instances whose place is known; the rest counted in the header."""

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
