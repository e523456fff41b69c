"""The JSON fast path: cheap item marks equal the full YAML pass, and errors are still located."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from biotm.generate import national_model
from biotm.model import ModelError, load_bytes
from biotm.model.json_marks import LazySourceMap, read
from biotm.model.json_parse import _json_constant, _json_object, _json_slow, _json_source
from biotm.model.parse import Limits, parse_json

SECTIONS = ("zones", "elements", "data", "flows", "attackers")


def _texts(model: dict[str, Any]) -> dict[str, str]:
    return {
        "indented": json.dumps(model, indent=1),
        "tabs-crlf": json.dumps(model, indent="\t").replace("\n", "\r\n"),
        "compact": json.dumps(model),
        # items share lines, and the line each starts on began several items earlier
        "line-per-section": "{\n" + ",\n".join(f"{json.dumps(k)}: {json.dumps(v)}" for k, v in model.items()) + "\n}",
        "lone-cr": json.dumps(model, indent=2).replace("\n", "\r"),
    }


def _cheap_marks_match(text: str, model: dict[str, Any]) -> LazySourceMap:
    """The source map of `text`, after checking each item's cheap mark against the full YAML pass."""
    data, source = parse_json(text, "m.json")
    assert isinstance(source, LazySourceMap)
    full = _json_slow(text, "m.json", Limits(), data)[1]
    for section in SECTIONS:
        for index in range(len(model[section])):
            assert source.mark((section, index)) == full.mark((section, index)), (section, index)
    return source


@pytest.mark.parametrize("style", ["indented", "tabs-crlf", "compact", "line-per-section", "lone-cr"])
def test_item_marks_match_the_full_pass(style: str) -> None:
    model = national_model(120, seed=5)
    source = _cheap_marks_match(_texts(model)[style], model)
    # cheap marks need no full pass, unless a lone CR (a line break to YAML only) makes lines ambiguous
    assert (source._full is None) == (style != "lone-cr")


@pytest.mark.parametrize("style", ["indented", "compact"])
def test_an_item_of_more_brackets_than_the_depth_limit_keeps_its_cheap_mark(style: str) -> None:
    """An element with 40 verifications of alternatives has hundreds of brackets, shallow ones: counting them
    refused the cheap marks, and a minified 10,000-element model then spent 2 s in the YAML pass."""
    model = national_model(120, seed=5)
    host = next(e for e in model["elements"] if e["type"] == "process")
    host["verifies"] = [{"id": f"v{n}", "action": "pass", "grants": [f"c{n}"],
                         "requires": {"any": [{"all": ["face", f"c{n - 1}"]}, {"all": ["id_number"]}]}}
                        for n in range(40)]
    source = _cheap_marks_match(_texts(model)[style], model)
    assert source._full is None


def test_deeper_marks_and_errors_still_located() -> None:
    model = national_model(120, seed=5)
    model["flows"][7]["encrypted"] = "sometimes"
    text = json.dumps(model, indent=1)
    with pytest.raises(ModelError) as raised:
        load_bytes(text.encode(), "bad.json")
    problem = raised.value.problems[0]
    line = text.splitlines()[problem.line - 1]
    assert '"encrypted": "sometimes"' in line


def test_nesting_limit_still_applies() -> None:
    text = '{"meta": ' + "[" * 80 + "]" * 80 + "}"
    with pytest.raises(ModelError, match="nesting deeper"):
        parse_json(text, "deep.json", Limits())


def test_yaml_keeps_item_marks_and_builds_deeper_ones_on_demand() -> None:
    from biotm.generate import dump_yaml
    from biotm.model.parse import parse_text
    from biotm.model.yaml_builder import _build

    text = dump_yaml(national_model(120, seed=5))
    data, source = parse_text(text, "m.yaml")
    assert isinstance(source, LazySourceMap)
    full = _build(text, "m.yaml", Limits())[1]
    for section in SECTIONS:
        for index in range(len(data[section])):
            assert source.mark((section, index)) == full.mark((section, index))
    assert source._full is None  # item marks needed no second pass
    assert source.mark(("flows", 3, "data", 1)) == full.mark(("flows", 3, "data", 1))
    assert source.marks == full.marks and source.key_marks == full.key_marks


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=20,
)
DOCUMENTS = st.dictionaries(
    st.sampled_from(["meta", "zones", "elements", "flows", "x[", '"q', "é"]),
    JSON_VALUES | st.lists(st.dictionaries(st.text(max_size=6), JSON_VALUES, max_size=3), max_size=5),
    max_size=5,
)


@settings(max_examples=150, deadline=None)
@given(document=DOCUMENTS, indent=st.sampled_from([None, 0, 1, "\t"]), ascii_only=st.booleans(),
       max_depth=st.integers(min_value=1, max_value=8))
def test_fast_reader_equals_json_loads_and_the_full_pass(
    document: dict[str, Any], indent: int | str | None, ascii_only: bool, max_depth: int
) -> None:
    """`read` gives json.loads' values and the YAML pass's item marks, or steps aside for the general path."""
    text = json.dumps(document, indent=indent, ensure_ascii=ascii_only)
    limits = Limits(max_depth=max_depth)
    found = read(text, json.JSONDecoder(object_pairs_hook=_json_object, parse_constant=_json_constant), max_depth)
    try:
        general = parse_json(text, "m.json", Limits(max_depth=max_depth))
    except ModelError:
        general = None
    if found is None:
        return
    assert general is not None  # never accepts what the general path refuses (depth)
    assert found[0] == json.loads(text) and list(found[0]) == list(json.loads(text))
    full = _json_source(text, "m.json", limits)
    if not full.marks:
        return  # valid JSON the YAML pass cannot read (a surrogate pair escape): it has no marks to compare
    for (section, index), mark in found[1].items():
        assert full.mark((section, index)) == mark


def test_brackets_in_strings_never_hide_deep_nesting() -> None:
    deep = '{"meta": {"name": "]]]]]]]]"}, "zones": [' + "[" * 70 + "]" * 70 + "]}"
    with pytest.raises(ModelError, match="nesting deeper than 64 levels"):
        parse_json(deep, "deep.json")
    shallow = '{"meta": {"name": "' + "[" * 70 + '"}, "zones": []}'
    assert parse_json(shallow, "m.json")[0]["meta"]["name"].startswith("[[[")  # counted as a bound, then checked


def test_a_duplicate_top_level_key_is_still_located() -> None:
    text = '{\n "meta": {"name": "a"},\n "meta": {"name": "b"}\n}\n'
    with pytest.raises(ModelError) as raised:
        parse_json(text, "dup.json")
    assert [str(p) for p in raised.value.problems] == ["dup.json:3:2: duplicate key 'meta'"]
