"""The bulk item locations of a loaded model equal those built one at a time, validated."""

from __future__ import annotations

import json
from typing import Any

import pytest

from biotm.generate import national_model
from biotm.model import SourceLocation, load_bytes
from biotm.model.json_marks import LazySourceMap
from biotm.model.json_parse import _json_slow
from biotm.model.parse import Limits, parse_json
from biotm.model.source import locations

SECTIONS = {"element": "elements", "flow": "flows", "data": "data", "zone": "zones", "attacker": "attackers"}


def _texts(model: dict[str, Any]) -> dict[str, str]:
    return {
        "indented": json.dumps(model, indent=1),
        "compact": json.dumps(model),
        "lone-cr": json.dumps(model, indent=2).replace("\n", "\r"),  # no cheap marks: every item falls back
    }


def _same(fast: SourceLocation, slow: SourceLocation) -> None:
    assert fast == slow
    assert fast.model_dump_json() == slow.model_dump_json()
    assert fast.model_fields_set == slow.model_fields_set
    assert hash(fast) == hash(slow)


def test_bulk_locations_are_the_validated_ones() -> None:
    (bulk,) = locations("m.json", [(3, 7)])
    _same(bulk, SourceLocation(file="m.json", line=3, column=7))
    with pytest.raises(Exception, match="frozen"):
        bulk.line = 4  # type: ignore[misc]


@pytest.mark.parametrize("style", ["indented", "compact", "lone-cr"])
def test_item_locations_match_the_full_pass(style: str) -> None:
    model = national_model(150, seed=3)
    text = _texts(model)[style]
    source = parse_json(text, "m.json")[1]
    assert isinstance(source, LazySourceMap)
    full = _json_slow(text, "m.json", Limits(), model)[1]
    for section in SECTIONS.values():
        count = len(model[section])
        bulk = source.item_locations(section, count)
        assert len(bulk) == count
        for index, place in enumerate(bulk):
            _same(place, full.location((section, index)))


@pytest.mark.parametrize("style", ["indented", "lone-cr"])
def test_loaded_locations_match_one_at_a_time(style: str) -> None:
    model = national_model(150, seed=4)
    loaded = load_bytes(_texts(model)[style].encode(), "m.json")
    expected: dict[str, SourceLocation] = {}
    for kind, section in SECTIONS.items():
        for index, item in enumerate(getattr(loaded.model, section)):
            expected.setdefault(f"{kind}:{item.id}", loaded.source.location((section, index)))
    assert list(loaded.locations) == list(expected)
    for key, place in expected.items():
        _same(loaded.locations[key], place)
