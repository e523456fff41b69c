"""Records built in bulk without validating each one (source marks, crossings, built-in findings) equal the
records validated one by one, in everything biotm or a caller can observe.

They are built through pydantic's public API only (a list TypeAdapter, `model_copy(update=...)`), so these
tests are a check on biotm's own shaping of the values, run on every scenario.
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
from biotm.pipeline import AuditOptions, audit
from biotm.result import Finding, trusted_finding
from biotm.rules import registry, run_rules

SCENARIOS = sorted((Path(__file__).resolve().parents[2] / "scenarios").glob("*.yaml"))


def assert_same_as_validated(made: BaseModel) -> None:
    cls = type(made)
    validated = cls.model_validate(made.model_dump())
    assert made == validated
    assert made.model_dump() == validated.model_dump()
    assert made.model_dump_json() == validated.model_dump_json()
    assert made.__dict__ == validated.__dict__
    assert list(made.__dict__) == list(validated.__dict__) == list(cls.model_fields)
    assert made.model_fields_set == validated.model_fields_set == set(cls.model_fields)
    assert made.__pydantic_extra__ == validated.__pydantic_extra__
    assert made.__pydantic_private__ == validated.__pydantic_private__
    assert repr(made) == repr(validated)
    assert made.model_copy() == validated
    assert copy.deepcopy(made) == validated
    assert pickle.loads(pickle.dumps(made)) == validated
    if cls.model_config.get("frozen"):
        assert hash(made) == hash(validated)
        with pytest.raises(ValidationError):
            made.line = 0  # type: ignore[attr-defined]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda p: p.stem)
def test_bulk_crossings_equal_validated_ones(scenario: Path) -> None:
    crossings = build_graph(load_model(str(scenario))).crossings()
    assert [c.flow for c in crossings] == sorted(c.flow for c in crossings)
    for crossing in crossings:
        assert_same_as_validated(crossing)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda p: p.stem)
def test_bulk_source_locations_equal_validated_ones(scenario: Path) -> None:
    # JSON input marks its items in bulk (model/json_marks.py).
    raw = json.dumps(yaml.safe_load(scenario.read_text(encoding="utf-8")), indent=1).encode()
    locations = load_bytes(raw, scenario.stem + ".json").locations
    assert locations
    for location in locations.values():
        assert_same_as_validated(location)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda p: p.stem)
def test_trusted_findings_equal_validated_ones(scenario: Path) -> None:
    findings = run_rules(build_graph(load_model(str(scenario))), AuditOptions()).findings
    findings = [f for f in findings if f.rule != registry.MANUAL_RULE_ID]  # built from keywords, fewer fields set
    assert findings
    for finding in findings:
        assert_same_as_validated(finding)


def test_a_trusted_finding_keeps_its_values_and_shares_nothing_with_the_next() -> None:
    source = audit(load_model(str(SCENARIOS[0]))).findings[0]
    values = dict(source.__dict__)
    made = trusted_finding(dict(reversed(values.items())))  # the order values come in does not matter
    assert made == source and made.model_dump() == source.model_dump()
    assert list(made.__dict__) == list(Finding.model_fields)
    other = trusted_finding(dict(values))
    made.evidence = "changed"
    assert other.evidence == values["evidence"] and other.model_fields_set == set(Finding.model_fields)
    with pytest.raises(ValueError, match="needs every field"):
        trusted_finding({k: v for k, v in values.items() if k != "evidence"})
    with pytest.raises(ValueError, match="needs every field"):
        trusted_finding({**values, "surplus": 1})
