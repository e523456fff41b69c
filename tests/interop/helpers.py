"""Shared paths and small helpers for the interop tests."""

from __future__ import annotations

from pathlib import Path

from biotm.interop import import_draft
from biotm.interop.common import Draft, write_model
from biotm.model import LoadedModel, load_bytes

HERE = Path(__file__).parent
FIXTURES = HERE / "fixtures"
PEERS = HERE.parent.parent.parent / "shared" / "peer-models"
TD = PEERS / "threat-dragon"
THREAGILE = PEERS / "threagile"
OTM = PEERS / "otm"


def imported(path: Path, fmt: str = "auto") -> tuple[Draft, LoadedModel]:
    """The draft of `path` and its validated in-memory model."""
    draft = import_draft(str(path), fmt)
    return draft, draft.loaded()


def written_model(draft: Draft, name: str = "imported.yaml") -> LoadedModel:
    """The model read back from the commented YAML the importer writes."""
    return load_bytes(write_model(draft).encode(), name)


def zone_of(loaded: LoadedModel, name: str) -> str:
    """The zone id of the element named `name` (exactly one must exist)."""
    matches = [e.zone for e in loaded.model.elements if e.name == name]
    assert len(matches) == 1, (name, matches)
    return matches[0]


def zone_name(loaded: LoadedModel, zone_id: str) -> str | None:
    return next(z.name for z in loaded.model.zones if z.id == zone_id)
