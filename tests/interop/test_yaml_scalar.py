"""The one YAML scalar writer (biotm/yaml_scalar.py), shared by `biotm generate` and `biotm import`: whatever
it writes, YAML and biotm's own loader read back as the same value, as a value, a key and a flow-list item."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from biotm.generate import dump_yaml, national_model
from biotm.interop.commented_yaml import emit_yaml
from biotm.model.parse import parse_text
from biotm.yaml_scalar import scalar

#: Text biotm can hold: no lone surrogates (refused at load) and nothing YAML may not hold raw even quoted.
TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=40)
WORDS = st.sampled_from(
    ["yes", "No", "on", "OFF", "y", "N", "true", "null", "Null", "~", "", " ", "1", "0x1f", "0o17", "1_000",
     "1e3", ".inf", "-.nan", "190:20:30", "12:30", "2026-01-01", "2026-01-01 10:00:00", "<<", "=", "a: b",
     "a #b", "a:", "- x", "[x]", "{x}", "x,y", "&a", "*a", "!tag", "%x", "@x", "`x", "'x'", '"x"', "|", ">",
     "None as yet :)", "Web API's config", "a/b", "c++", "user@example", "1st floor", "0755", "inf", "nan"]
)


def _read_back(text: str) -> Any:
    """What both YAML readers make of `text`; they must agree."""
    ours, _source = parse_text(text, "t.yaml")
    assert ours == yaml.safe_load(text)
    return ours


@settings(max_examples=300, deadline=None)
@given(st.one_of(TEXT, WORDS))
def test_text_reads_back_as_the_same_text_as_value_key_and_list_item(text: str) -> None:
    written = scalar(text)
    assert "\n" not in written
    assert _read_back(f"k: {written}\n") == {"k": text}
    assert _read_back(f"{written}: 1\n") == {text: 1}
    assert _read_back(f"k: [{written}, {written}]\n") == {"k": [text, text]}


@pytest.mark.parametrize("value", [None, True, False, 0, -7, 10**12, 0.5, -1e-9, 1e300, 1e16, 3.0, 2.5e-7])
def test_other_scalars_read_back_as_themselves(value: Any) -> None:
    assert _read_back(f"k: {scalar(value)}\n") == {"k": value}
    assert _read_back(f"k: [{scalar(value)}]\n") == {"k": [value]}


@settings(max_examples=300, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False) | st.integers(-(10**15), 10**15))
def test_numbers_read_back_as_the_same_numbers(value: float) -> None:
    assert _read_back(f"k: [{scalar(value)}]\n") == {"k": [value]}


def test_non_finite_floats_are_yaml_floats_and_other_objects_their_text() -> None:
    infinities = f"k: [{scalar(float('inf'))}, {scalar(float('-inf'))}]"
    assert yaml.safe_load(infinities) == {"k": [float("inf"), -float("inf")]}
    assert scalar(dt.date(2026, 1, 1)) == '"2026-01-01"'  # plain, YAML would read a date


def test_readable_text_stays_plain_and_unicode_stays_readable() -> None:
    for text in ("Web API's config files", "None as yet :)", "a/b (c+d)", "user@example.org", "face_image"):
        assert scalar(text) == text
    assert scalar("人脸图像") == json.dumps("人脸图像", ensure_ascii=False)
    assert scalar("a\u2028b") == '"a\\u2028b"'  # a line break to YAML, escaped


def test_a_generated_model_and_an_imported_draft_load_back_identically() -> None:
    model = national_model(300, seed=4)
    assert _read_back(dump_yaml(model)) == json.loads(json.dumps(model))
    document = {"meta": {"name": "yes", "description": "a: b #c"}, "data": [{"id": "d1", "tags": ["on", "1e3", "x"]}]}
    assert _read_back(emit_yaml(document, {})) == document
