"""The JSON fast path: cheap item marks equal the full YAML pass, and errors are still located."""

from __future__ import annotations

import json
from typing import Any

import pytest

from biotm.generate import national_model
from biotm.model import ModelError, load_bytes
from biotm.model.json_marks import LazySourceMap
from biotm.model.parse import Limits, _json_slow, parse_json

SECTIONS = ("zones", "elements", "data", "flows", "attackers")


def _texts(model: dict[str, Any]) -> dict[str, str]:
    return {
        "indented": json.dumps(model, indent=1),
        "tabs-crlf": json.dumps(model, indent="\t").replace("\n", "\r\n"),
        "compact": json.dumps(model),
        "lone-cr": json.dumps(model, indent=2).replace("\n", "\r"),
    }


@pytest.mark.parametrize("style", ["indented", "tabs-crlf", "compact", "lone-cr"])
def test_item_marks_match_the_full_pass(style: str) -> None:
    model = national_model(120, seed=5)
    text = _texts(model)[style]
    data, source = parse_json(text, "m.json")
    assert isinstance(source, LazySourceMap)
    full = _json_slow(text, "m.json", Limits(), data)[1]
    for section in SECTIONS:
        for index in range(len(model[section])):
            assert source.mark((section, index)) == full.mark((section, index)), (section, index)
    # cheap marks need no full pass for indented files
    assert (source._full is None) == (style in ("indented", "tabs-crlf"))


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
