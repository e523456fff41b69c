"""The OTM importer's state and the reading every mapping step shares: lists of parts, kept biotm fields, ids."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from biotm.interop.common import (
    Draft,
    as_list,
    located,
    text_of,
)
from biotm.interop.otm.words import _biotm_attributes
from biotm.model.source import Path, SourceMap


class ImporterBase:
    """One OTM document being read into a Draft; the mapping steps extend it."""

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
