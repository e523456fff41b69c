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

from typing import Any

from biotm.interop.common import Draft, as_list, as_mapping, document_pieces, located, text_of
from biotm.interop.otm.places import PlaceMapping
from biotm.interop.otm.threats import ThreatMapping
from biotm.interop.otm_export import BIOTM_KEY, LEGAL_SECTIONS, export, export_json
from biotm.model.parse import Limits
from biotm.model.source import SourceMap


def detect(data: dict[str, Any]) -> bool:
    return "otmVersion" in data


class _Importer(PlaceMapping, ThreatMapping):
    """A whole OTM document: project meta, then zones, data, components, flows and threats, then the header."""

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


def convert(data: Any, source: SourceMap, limits: Limits) -> Draft:
    """A biotm draft from a parsed OTM document."""
    if not isinstance(data, dict):
        raise located(source, (), "an OTM document must be a mapping with 'otmVersion' and 'project'")
    if "project" not in data:
        raise located(source, (), "an OTM document needs a 'project'")
    return _Importer(data, source).run()


__all__ = ["convert", "detect", "document_pieces", "export", "export_json"]
