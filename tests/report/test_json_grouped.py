"""The JSON report's grouped findings (schema 1.2; variants and flows 1.3): every place kept, and read back exactly
the per-place result."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from report_support import SCENARIOS, audited
from strategies import load_dict, models

from biotm.compact import FLOW_KEY, GROUP_KEY, LOCATED_KEY, TEMPLATE_KEY, VARIANT_KEY, VARIANTS_KEY
from biotm.generate import dump_yaml, national_model
from biotm.model import load_bytes
from biotm.pipeline import AuditOptions, audit
from biotm.report import json_report
from biotm.result import SCHEMA_VERSION, AuditResult


def _national(size: int) -> AuditResult:
    loaded = load_bytes(dump_yaml(national_model(size, seed=1)).encode(), "national.yaml")
    return audit(loaded, AuditOptions(today=dt.date(2026, 1, 1)))


@pytest.fixture(scope="module")
def national() -> AuditResult:
    return _national(600)


def _places(entry: dict[str, Any], ends: dict[str, tuple[str, str]]) -> list[str]:
    """A member entry's places: its own, or its flow's source, the flow and its target."""
    if FLOW_KEY in entry:
        source, target = ends[entry[FLOW_KEY]]
        return [source, entry[FLOW_KEY], target]
    places: list[str] = entry["places"]
    return places


def _per_place(result: AuditResult) -> list[str]:
    return [finding.model_dump_json() for finding in result.findings]


def _assert_reads_back(result: AuditResult) -> dict[str, Any]:
    """The report expands to exactly the per-place findings (byte for byte) and the equal result."""
    text = json_report.render(result)
    again = AuditResult.model_validate_json(text)
    assert _per_place(again) == _per_place(result)
    assert again.groups == result.groups
    assert again == result
    document: dict[str, Any] = json.loads(text)
    return document


@pytest.mark.parametrize("path", sorted(SCENARIOS.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_scenario_reads_back_to_its_per_place_findings(path: Path) -> None:
    _assert_reads_back(audited(path))


@settings(max_examples=10, deadline=None)
@given(raw=models())
def test_random_models_read_back_to_their_per_place_findings(raw: dict[str, object]) -> None:
    _assert_reads_back(audit(load_dict(raw), AuditOptions(today=dt.date(2026, 1, 1))))


def test_a_national_model_writes_each_group_once_and_keeps_every_place(national: AuditResult) -> None:
    document = _assert_reads_back(national)
    assert document["schema_version"] == SCHEMA_VERSION == "1.3"
    entries = document["findings"]
    assert len(entries) == len(national.findings)  # one entry per place, in result order
    ends = {flow.id: (flow.source, flow.target) for flow in national.model.flows}
    assert [_places(e, ends) for e in entries] == [f.places for f in national.findings]
    assert sum(FLOW_KEY in e for e in entries) > len(entries) / 4  # an interaction names its flow (schema 1.3)
    owner = {m: g.id for g in national.groups for m in g.members}
    assert [e.get(GROUP_KEY) for e in entries] == [owner.get(f.id) for f in national.findings]
    members = [e for e in entries if GROUP_KEY in e]
    assert len(members) > len(entries) / 2
    # a member says only where it differs: never its rule, title, regulations or mitigations
    for entry in members:
        assert not {"rule", "title", "severity", "regulations", "mitigations", "data", "categories"} & set(entry)
    # a member whose numbers differ from its group's names the group's variant that holds them (schema 1.3),
    # its factors written where they differ
    records = {g["id"]: g for g in document["groups"]}
    differing = [e for e in members if VARIANT_KEY in e]
    assert differing and not any("likelihood" in e or "likelihood_factors" in e for e in members)
    variants = [records[e[GROUP_KEY]][VARIANTS_KEY][e[VARIANT_KEY]] for e in differing]
    assert all(None in v["likelihood_factors"] for v in variants if "likelihood_factors" in v)
    assert sum(len(g.get(VARIANTS_KEY, [])) for g in records.values()) < len(differing) / 5
    # evidence naming the member's own places, and its location, follow from its places (evidence naming a
    # neighbour beyond them, such as the verifier a terminal feeds or the stores a store links with, stays)
    assert sum("evidence" in e for e in members) < len(members) / 5
    assert sum("location" in e for e in members) < len(members) / 10
    assert all(TEMPLATE_KEY in g and "members" not in g for g in records.values())
    assert all(g[LOCATED_KEY][0] in ("element", "flow") for g in records.values() if LOCATED_KEY in g)
    whole = national.model_dump_json(indent=2)
    assert len(json_report.render(national)) < 0.6 * len(whole)


def test_a_group_whose_members_are_not_in_result_order_keeps_its_member_list(national: AuditResult) -> None:
    group = max(national.groups, key=lambda g: g.places)
    shuffled = group.model_copy(update={"members": list(reversed(group.members))})
    result = national.model_copy(update={"groups": [shuffled if g.id == group.id else g for g in national.groups]})
    document = _assert_reads_back(result)
    assert next(g for g in document["groups"] if g["id"] == group.id)["members"] == shuffled.members


def test_a_member_entry_naming_an_unknown_group_is_refused(national: AuditResult) -> None:
    document = json.loads(json_report.render(national))
    entry = next(e for e in document["findings"] if GROUP_KEY in e)
    entry[GROUP_KEY] = "no-such-group"
    with pytest.raises(ValueError, match="no-such-group"):
        AuditResult.model_validate(document)


def test_a_member_entry_naming_a_variant_or_flow_its_report_lacks_is_refused(national: AuditResult) -> None:
    document = json.loads(json_report.render(national))
    entry = next(e for e in document["findings"] if VARIANT_KEY in e)
    entry[VARIANT_KEY] = 999
    with pytest.raises(ValueError, match="names variant 999, which it does not list"):
        AuditResult.model_validate(document)
    entry[VARIANT_KEY] = 0
    entry = next(e for e in document["findings"] if FLOW_KEY in e)
    entry[FLOW_KEY] = "no-such-flow"
    with pytest.raises(ValueError, match="names flow 'no-such-flow', which the report's model does not have"):
        AuditResult.model_validate(document)


def test_a_member_whose_evidence_or_location_does_not_follow_from_its_places_keeps_its_own(
    national: AuditResult,
) -> None:
    group = max(national.groups, key=lambda g: g.places)
    odd_id = group.members[2]
    odd = next(f for f in national.findings if f.id == odd_id)
    moved = odd.location.model_copy(update={"line": 99999}) if odd.location else None
    changed = odd.model_copy(update={"evidence": odd.evidence + " Seen twice.", "location": moved})
    result = national.model_copy(update={"findings": [changed if f.id == odd_id else f for f in national.findings]})
    document = _assert_reads_back(result)
    ends = {flow.id: (flow.source, flow.target) for flow in national.model.flows}
    entry = next(e for e in document["findings"] if _places(e, ends) == odd.places and e.get(GROUP_KEY) == group.id)
    assert entry["evidence"].endswith("Seen twice.")
    assert moved is None or entry["location"]["line"] == 99999


def test_a_schema_1_1_report_with_every_finding_whole_still_loads(national: AuditResult) -> None:
    whole = json.loads(national.model_dump_json())
    whole["schema_version"] = "1.1"
    again = AuditResult.model_validate(whole)
    assert _per_place(again) == _per_place(national) and again.groups == national.groups
