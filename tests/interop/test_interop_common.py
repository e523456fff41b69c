"""The shared layer: category guessing, commented YAML, format detection."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from strategies import load_dict, models

from biotm.interop import detect_format
from biotm.interop.categories import guess_category
from biotm.interop.commented_yaml import emit_yaml, write_model
from biotm.model import load_bytes

from .helpers import imported, source


@pytest.mark.parametrize(
    ("name", "tags", "expected"),
    [
        ("Face image", [], ("biometric_sample", "face", False)),
        ("Selfie", [], ("biometric_sample", "face", False)),
        ("Customer fingerprint template", [], ("biometric_template", "fingerprint", False)),
        ("Iris scan", [], ("biometric_sample", "iris", False)),
        ("Voiceprint", [], ("biometric_template", "voice", False)),
        ("Enrolment record", ["biometric"], ("biometric_sample", "face", True)),
        ("ID card photo", [], ("document_image", None, False)),
        ("Passport number", [], ("document_number", None, False)),
        ("Phone number", [], ("phone_number", None, False)),
        ("SMS OTP", [], ("credential", None, False)),
        ("Document signature", [], None),
        ("Marketing material", [], None),
    ],
)
def test_guess_category(name: str, tags: list[str], expected: tuple[str, str | None, bool] | None) -> None:
    guess = guess_category(name, tags)
    if expected is None:
        assert guess is None
        return
    assert guess is not None
    category, modality, guessed = guess
    assert (category.value, modality.value if modality else None, guessed) == expected


@settings(max_examples=40, deadline=None)
@given(models())
def test_commented_yaml_reads_back_as_the_same_model(raw: dict[str, Any]) -> None:
    original = load_dict(raw).model
    document = original.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    notes = {("zones", 0): ["a note\nover two lines"], ("elements", 0, "zone"): ["why # this zone"]}
    text = emit_yaml(document, notes, ["header"])
    assert text.startswith("# header\n")
    assert load_bytes(text.encode(), "x.yaml").model == original


ALL_INPUTS = [
    "threat-dragon/renting-car.linddun.json",
    "threat-dragon/test-reports.multi-methodology.json",
    "threat-dragon/three-tier-web-app.stride.json",
    "threagile/demo/example/threagile.yaml",
    "threagile/test/main.yaml",
    "otm/EXAMPLE.yaml",
    "fixtures/threat-dragon-edge.json",
    "fixtures/threat-dragon-v1.json",
    "fixtures/threagile-includes/main.yaml",
    "fixtures/threagile-single.yaml",
    "fixtures/otm-edge.yaml",
]


@pytest.mark.parametrize("spec", ALL_INPUTS)
def test_written_model_is_deterministic_and_commented(spec: str) -> None:
    path = source(spec)
    first, second = (write_model(imported(path)[0]) for _ in range(2))
    assert first == second
    assert first.startswith("# Imported from ")
    assert "jurisdiction: XX" in first and "placeholder, set the country" in first


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        ({"otmVersion": "0.2.0", "project": {}}, ["otm"]),
        ({"threagile_version": "1.0.0"}, ["threagile"]),
        ({"summary": {}, "detail": {"diagrams": []}}, ["threat-dragon"]),
        ({"meta": {"name": "x"}, "zones": []}, ["biotm"]),
        ({"otmVersion": "0.2.0", "technical_assets": {}}, ["otm", "threagile"]),
        ({"hello": 1}, []),
        ([1, 2], []),
    ],
)
def test_detect_format(document: Any, expected: list[str]) -> None:
    assert detect_format(document) == expected
