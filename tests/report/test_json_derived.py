"""The JSON report leaves out what its audited model gives back (schema 1.3) and reads back to the very result."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from pydantic import ValidationError
from report_support import SCENARIOS, audited
from strategies import load_dict, models

from biotm.derived import CROSSING_FIELDS, LINEAGE_FIELDS, LOCATED_KINDS, Derived
from biotm.generate import dump_yaml, national_model
from biotm.graph import build_graph
from biotm.model import load_bytes
from biotm.model.loader import LoadedModel, load_model
from biotm.pipeline import AuditOptions, audit
from biotm.report import json_report
from biotm.result import AuditResult

TODAY = dt.date(2026, 1, 1)


@pytest.fixture(scope="module")
def national() -> AuditResult:
    loaded = load_bytes(dump_yaml(national_model(600, seed=1)).encode(), "national.yaml")
    return audit(loaded, AuditOptions(today=TODAY))


def _written(result: AuditResult) -> dict[str, Any]:
    text = json_report.render(result)
    assert AuditResult.model_validate_json(text) == result
    document: dict[str, Any] = json.loads(text)
    return document


def _assert_derivation_is_the_graphs(loaded: LoadedModel) -> None:
    """`Derived` gives exactly the lineage lists, crossing fields and zone members the audit computes."""
    graph = build_graph(loaded)
    derived = Derived.of_model(graph.model)
    for entry in graph.lineage_entries():
        assert derived.lineage(entry.data) == {name: getattr(entry, name) for name in LINEAGE_FIELDS}
    for crossing in graph.crossings():
        assert derived.flow_fields(crossing.flow) == {name: getattr(crossing, name) for name in CROSSING_FIELDS}
    members: dict[str, list[str]] = {}
    for element in graph.model.elements:
        members.setdefault(element.zone, []).append(element.id)
    for zone in graph.model.zones:
        assert derived.members(zone.id) == sorted(members.get(zone.id, []))


def test_a_national_report_leaves_out_every_list_its_model_gives(national: AuditResult) -> None:
    document = _written(national)
    assert all(not set(LINEAGE_FIELDS) & set(entry) for entry in document["lineage"])
    crossings = document["crossings"]
    assert crossings and all(set(c) == {"flow", "disclosure", "cross_border"} for c in crossings)
    assert all("elements" not in zone for zone in document["zones"])
    # every part of the model is located in its file: one table per kind, in the order the model lists them
    locations = document["locations"]
    assert list(locations) == ["attacker", "data", "element", "flow", "zone"]
    for kind, section in LOCATED_KINDS.items():
        parts = getattr(national.model, section)
        assert locations[kind] == [[national.locations[f"{kind}:{p.id}"].line,
                                    national.locations[f"{kind}:{p.id}"].column] for p in parts]
    # what stays is the audit's own judgement: which crossings disclose, which cross a border
    assert any(c["disclosure"] for c in document["crossings"])


@pytest.mark.parametrize("path", sorted(SCENARIOS.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_scenario_derives_what_its_audit_computed(path: Path) -> None:
    _assert_derivation_is_the_graphs(load_model(str(path)))
    document = _written(audited(path))
    assert all(not set(LINEAGE_FIELDS) & set(entry) for entry in document["lineage"])


@settings(max_examples=15, deadline=None)
@given(raw=models())
def test_random_models_derive_what_their_audit_computed(raw: dict[str, object]) -> None:
    loaded = load_dict(raw)
    _assert_derivation_is_the_graphs(loaded)
    _written(audit(loaded, AuditOptions(today=TODAY)))


def test_a_field_that_does_not_follow_from_the_model_is_written_whole(national: AuditResult) -> None:
    lineage = national.lineage[0]
    odd_lineage = lineage.model_copy(update={"reaches": [*lineage.reaches, "zz_not_in_model"]})
    crossing = national.crossings[0]
    odd_crossing = crossing.model_copy(update={"data": [*crossing.data, "zz_extra"]})
    key = next(iter(national.locations))
    elsewhere = national.locations[key].model_copy(update={"file": "imported/other.yaml"})
    zone = national.zones[0]
    odd_zone = zone.model_copy(update={"elements": zone.elements[1:]})
    result = national.model_copy(update={
        "lineage": [odd_lineage, *national.lineage[1:]],
        "crossings": [odd_crossing, *national.crossings[1:]],
        "locations": {**national.locations, key: elsewhere},
        "zones": [odd_zone, *national.zones[1:]],
    })
    document = _written(result)
    first = document["lineage"][0]
    assert first["reaches"][-1] == "zz_not_in_model" and "flows" not in first  # only the odd list is written
    assert document["crossings"][0]["data"][-1] == "zz_extra" and "source" not in document["crossings"][0]
    # a kind with a location in another file is keyed as before, each location in the model's file [line, column]
    kind = key.partition(":")[0]
    assert kind not in document["locations"] and "element" in document["locations"]
    assert document["locations"][key] == {"file": "imported/other.yaml", "line": elsewhere.line,
                                          "column": elsewhere.column}
    other = next(k for k in national.locations if k.startswith(f"{kind}:") and k != key)
    assert document["locations"][other] == [national.locations[other].line, national.locations[other].column]
    assert document["zones"][0]["elements"] == zone.elements[1:]


def test_a_report_whose_model_is_missing_cannot_give_back_what_it_left_out(national: AuditResult) -> None:
    document = _written(national)
    del document["model"]
    with pytest.raises(ValidationError) as raised:
        AuditResult.model_validate(document)
    assert "locations: 3 attacker locations, but the report's model has 0 attackers" in str(raised.value)
    document["locations"] = {}
    with pytest.raises(ValidationError, match=r"a finding names flow .*, which the report's model does not have"):
        AuditResult.model_validate(document)
    document["findings"] = []
    with pytest.raises(ValidationError, match=r"lineage\.0\.reaches"):  # nothing to give the lineage back from
        AuditResult.model_validate(document)


def test_locations_not_in_key_order_are_keyed_as_written(national: AuditResult) -> None:
    shuffled = dict(reversed(list(national.locations.items())))
    document = _written(national.model_copy(update={"locations": shuffled}))
    assert list(document["locations"]) == list(shuffled)
    assert AuditResult.model_validate(document).locations == shuffled


def test_a_schema_1_2_report_with_every_list_written_still_loads(national: AuditResult) -> None:
    document = json.loads(national.model_dump_json())
    document["schema_version"] = "1.2"
    again = AuditResult.model_validate(document)
    assert again.lineage == national.lineage and again.locations == national.locations
    assert again.crossings == national.crossings and again.zones == national.zones
