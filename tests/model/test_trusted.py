"""`trusted()` builds pydantic records without validation by setting pydantic's own slots (model/trusted.py).

That leans on pydantic internals, so these tests fail loudly, on every scenario, the day a pydantic upgrade
makes a trusted record differ from the validated one in anything biotm or a caller can observe.
"""

from __future__ import annotations

import copy
import json
import pickle
from pathlib import Path

import pytest
import yaml
from pydantic import BaseModel, ValidationError

from biotm.graph.system import build_graph
from biotm.model.loader import load_bytes, load_model
from biotm.model.source import SourceLocation
from biotm.model.trusted import trusted
from biotm.result import Crossing

SCENARIOS = sorted((Path(__file__).resolve().parents[2] / "scenarios").glob("*.yaml"))


def assert_same_as_validated(made: BaseModel) -> None:
    cls = type(made)
    validated = cls.model_validate(made.model_dump())
    assert made == validated
    assert made.model_dump() == validated.model_dump()
    assert made.model_dump_json() == validated.model_dump_json()
    assert made.__dict__ == validated.__dict__
    assert made.__pydantic_fields_set__ == validated.__pydantic_fields_set__ == set(cls.model_fields)
    assert made.__pydantic_extra__ == validated.__pydantic_extra__
    assert made.__pydantic_private__ == validated.__pydantic_private__
    assert made.model_fields_set == validated.model_fields_set
    assert repr(made) == repr(validated)
    assert made.model_copy() == validated
    assert copy.deepcopy(made) == validated
    assert pickle.loads(pickle.dumps(made)) == validated
    if cls.model_config.get("frozen"):
        assert hash(made) == hash(validated)
        with pytest.raises(ValidationError):
            made.line = 0  # type: ignore[attr-defined]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda p: p.stem)
def test_trusted_crossings_equal_validated_ones(scenario: Path) -> None:
    crossings = build_graph(load_model(str(scenario))).crossings()
    for crossing in crossings:
        assert_same_as_validated(crossing)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda p: p.stem)
def test_trusted_source_locations_equal_validated_ones(scenario: Path) -> None:
    # JSON input marks its items through SourceLocation.trusted.
    raw = json.dumps(yaml.safe_load(scenario.read_text(encoding="utf-8")), indent=1).encode()
    locations = load_bytes(raw, scenario.stem + ".json").locations
    assert locations
    for location in locations.values():
        assert_same_as_validated(location)


def test_a_trusted_record_keeps_the_values_it_was_given_and_can_be_assigned_as_pydantic_allows() -> None:
    values = {
        "flow": "f1",
        "source": "a",
        "target": "b",
        "source_zone": "z1",
        "target_zone": "z2",
        "disclosure": True,
        "cross_border": False,
        "data": ["face"],
    }
    fields = set(Crossing.model_fields)
    made = trusted(Crossing, dict(values), fields)
    assert made.model_dump() == values
    made.flow = "f2"  # pydantic adds the name to the (shared) fields set, which already holds it
    assert made.flow == "f2" and fields == set(Crossing.model_fields)
    assert SourceLocation.trusted("m.json", 3, 4) == SourceLocation(file="m.json", line=3, column=4)
