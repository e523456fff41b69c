"""The event-driven YAML builder builds what PyYAML's safe loader builds, for every kind of plain data."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from biotm.model import ModelError
from biotm.model.parse import Limits, parse_text
from biotm.model.yaml_builder import _build

SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**20), max_value=10**20)
    | st.floats(allow_nan=False)
    | st.dates(min_value=dt.date(1900, 1, 1))
    | st.text(max_size=12)
    | st.sampled_from(["yes", "no", "on", "off", "~", "null", "1e3", "0x1F", "0o17", "1_000", ".inf", "2026-01-01",
                       "<<", "=", "-", "*x", "&y", "'q'", "#c", "a: b", "- a", ""])
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=25,
)


@settings(max_examples=200, deadline=None)
@given(value=st.dictionaries(st.text(max_size=6), VALUES, max_size=5), flow=st.booleans(), share=st.booleans())
def test_builder_equals_the_safe_loader(value: dict[str, Any], flow: bool, share: bool) -> None:
    if share and value:  # the same object twice: the dumper writes an anchor and an alias
        first = next(iter(value))
        value["shared"] = value[first]
    text = yaml.safe_dump(value, default_flow_style=flow, allow_unicode=True)
    data, source, found = _build(text, "m.yaml", Limits())
    assert found
    assert data == yaml.safe_load(text)
    shallow = _build(text, "m.yaml", Limits(), mark_depth=2)[1]
    assert {p: m for p, m in source.marks.items() if len(p) <= 2} == shallow.marks
    assert {p: m for p, m in source.key_marks.items() if len(p) <= 2} == shallow.key_marks


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: &x {k: 1, j: 2}\nb:\n  <<: *x\n  k: 3\n", {"a": {"k": 1, "j": 2}, "b": {"k": 3, "j": 2}}),
        ('"<<": 1\n<<: {a: 2}\n', {"<<": 1, "a": 2}),  # a quoted '<<' is an ordinary key
        ("a: !!str 12\nb: !!int '12'\nc: ! 12\nd: !!binary aGk=\n", {"a": "12", "b": 12, "c": 12, "d": b"hi"}),
        ("on: off\n1: 2\n", {"on": False, "1": 2}),
        ("a: [1, 1, 1]\nb: [true, true]\n", {"a": [1, 1, 1], "b": [True, True]}),
    ],
)
def test_keys_merges_and_tags(text: str, expected: dict[str, Any]) -> None:
    assert parse_text(text, "m.yaml")[0] == expected


def test_a_duplicate_key_is_found_after_a_merge_too() -> None:
    with pytest.raises(ModelError, match="2:1: duplicate key 'k'"):
        parse_text("k: 1\nk: 2\n", "m.yaml")
    with pytest.raises(ModelError, match="4:3: duplicate key 'k'"):
        parse_text("a: &x {k: 1}\nb:\n  k: 2\n  k: 3\n  <<: *x\n", "m.yaml")
