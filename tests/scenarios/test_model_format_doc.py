"""docs/model-format.md documents every key of the schema and every control, and its example is valid."""

from __future__ import annotations

import re

import pytest
from pydantic import BaseModel
from scenario_support import ROOT

from biotm.model.controls import CONTROLS
from biotm.model.loader import load_bytes
from biotm.model.schema import (
    Accepted,
    Agreement,
    Attacker,
    DataItem,
    Derivation,
    Element,
    Flow,
    LegalBasis,
    Meta,
    Model,
    Organisation,
    PurposeBasis,
    Requirement,
    Settings,
    Threat,
    Verification,
    Zone,
)
from biotm.pipeline import audit

DOC = ROOT / "docs" / "model-format.md"
SCHEMA_CLASSES: list[type[BaseModel]] = [
    Model,
    Meta,
    Zone,
    Element,
    Derivation,
    Verification,
    Requirement,
    DataItem,
    Flow,
    Attacker,
    Accepted,
    Threat,
    Settings,
    Organisation,
    Agreement,
    LegalBasis,
    PurposeBasis,
]


def doc_text() -> str:
    return DOC.read_text(encoding="utf-8")


@pytest.mark.parametrize("cls", SCHEMA_CLASSES, ids=lambda c: c.__name__)
def test_every_schema_key_is_documented(cls: type[BaseModel]) -> None:
    text = doc_text()
    keys = [field.alias or name for name, field in cls.model_fields.items()]
    # Derivation and Requirement keys are documented in prose and examples, the rest in key tables.
    pattern = "`{}`" if cls in (Derivation, Requirement) else "| `{}` |"
    assert [key for key in keys if pattern.format(key) not in text] == []


def test_every_control_is_documented() -> None:
    text = doc_text()
    assert [c for c in sorted(CONTROLS) if f"| `{c}` |" not in text] == []


def test_the_minimal_example_is_a_valid_warning_free_model() -> None:
    block = re.search(r"## A minimal model\n\n```yaml\n(.*?)```", doc_text(), re.DOTALL)
    assert block is not None
    loaded = load_bytes(block.group(1).encode(), "model-format.md.yaml")
    assert audit(loaded).warnings == []
