"""Shared paths and small helpers for the interop tests."""

from __future__ import annotations

from pathlib import Path

from shared_corpus import shared

from biotm.interop import import_draft
from biotm.interop.commented_yaml import write_model
from biotm.interop.common import Draft
from biotm.model import LoadedModel, load_bytes

HERE = Path(__file__).parent
FIXTURES = HERE / "fixtures"


# The tools' own published models live in ../shared/peer-models (CI and developers only). Tests name
# them by relative path and resolve them inside the test, so a clone without ../shared still collects
# and runs the fixture tests; the peer-file tests skip there (and fail under BIOTM_REQUIRE_SHARED=1).
def td(name: str) -> Path:
    """A Threat Dragon peer model, ``../shared/peer-models/threat-dragon/<name>``."""
    return shared("peer-models", "threat-dragon", name)


def threagile(relative: str) -> Path:
    """A Threagile peer model, ``../shared/peer-models/threagile/<relative>``."""
    return shared("peer-models", "threagile", *relative.split("/"))


def otm(name: str) -> Path:
    """An OTM peer file, ``../shared/peer-models/otm/<name>``."""
    return shared("peer-models", "otm", name)


def source(spec: str) -> Path:
    """``fixtures/<x>`` from this project's own fixtures, anything else from ``../shared/peer-models``."""
    first, _, rest = spec.partition("/")
    return FIXTURES.joinpath(*rest.split("/")) if first == "fixtures" else shared("peer-models", *spec.split("/"))


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
