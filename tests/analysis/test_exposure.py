"""Exposure findings: an open place is one finding listing what it gives out, critical for biometrics of many
people; an open store or console stays the rules' finding; mutual TLS on every way in is not an open door."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from strategies import load_dict
from support import run

from biotm.model.loader import load_model
from biotm.result import AuditResult
from biotm.rules import registry

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
NET = {"id": "net", "owner": "Vendor", "jurisdiction": "CN", "internet_facing": True}
CORE = {"id": "core", "owner": "Vendor", "jurisdiction": "CN"}
DATA = [
    {"id": "face", "category": "biometric_sample", "modality": "face", "subjects": 2_000_000},
    {"id": "face_t", "category": "biometric_template", "modality": "face", "subjects": 2_000_000},
]


def _exposures(result: AuditResult) -> list[Any]:
    return [f for f in result.findings if f.rule == "atk-exposure"]


def _model(api: dict[str, Any], flows: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    elements = [api, {"id": "source", "type": "process", "zone": "core"}]
    return {"meta": {"name": "t"}, "zones": [NET, CORE], "elements": elements, "data": DATA, "flows": flows or []}


def test_the_exam_vendor_platform_is_one_critical_finding_naming_what_it_gives_out() -> None:
    result = run(load_model(SCENARIOS / "exam-registration.yaml"))
    at_platform = [f for f in _exposures(result) if " at vendor_platform " in f.evidence]
    assert len(at_platform) == 1
    finding = at_platform[0]
    assert finding.severity == "critical" and finding.places == ["vendor_platform"]
    assert finding.data == ["face_image", "face_template", "fingerprint_image", "fingerprint_template"]
    assert "no authentication at all" in finding.evidence
    # No item of the open place is reported again on its own.
    assert not [f for f in _exposures(result) if f.place_kind == "data" and set(f.data) & set(finding.data)]
    assert result.findings[0].id == finding.id  # the likeliest critical comes first


def test_an_open_service_folds_its_items_and_authentication_splits_them_again_lower() -> None:
    api = {"id": "api", "type": "process", "zone": "net", "holds": ["face", "face_t"]}
    open_result = run(load_dict(_model(api)))
    [finding] = _exposures(open_result)
    assert (finding.places, finding.data, finding.severity) == (["api"], ["face", "face_t"], "critical")
    closed = run(load_dict(_model({**api, "controls": ["authentication"]})))
    assert {tuple(f.places) for f in _exposures(closed)} == {("face",), ("face_t",)}
    assert all(f.risk < finding.risk and f.severity != "critical" for f in _exposures(closed))


def test_an_open_store_is_the_store_rules_finding_not_a_second_one() -> None:
    store = {"id": "db", "type": "store", "zone": "net", "holds": ["face", "face_t"]}
    result = run(load_dict(_model(store)))
    assert [f.places for f in result.findings if f.rule == "bio-store-exposed"] == [["db"]]
    assert _exposures(result) == []


OPEN_PLACE_RULES = {"bio-store-exposed", "bio-console-exposed"}
OPEN_STORE = {"id": "db", "type": "store", "zone": "net", "holds": ["face", "face_t"]}
OPEN_CONSOLE = {"id": "db", "type": "process", "zone": "net", "holds": ["face", "face_t"], "console": True}


@pytest.mark.parametrize("place", [OPEN_STORE, OPEN_CONSOLE], ids=["store", "console"])
@pytest.mark.parametrize(
    "selection",
    [
        {},
        {"skip_rules": ("bio-store-exposed", "bio-console-exposed")},
        {"rules": ("atk-exposure",)},
        {"rules": ("atk-exposure", "bio-store-exposed")},
        {"skip_rules": ("biometric",)},
        {"attackers": ("insider-operator",)},
        {"attackers": ("outsider",), "skip_rules": ("bio-store-exposed", "bio-console-exposed")},
    ],
)
def test_an_open_store_or_console_is_reported_once_in_every_rule_and_attacker_selection(
    place: dict[str, Any], selection: dict[str, Any]
) -> None:
    """The exposure stands aside only for a rule that ran and reported the place: left out, the exposure
    reports it; run, it is the rule's one finding (never both)."""
    result = run(load_dict(_model(place)), **selection)
    at_db = [f for f in result.findings if f.rule in {"atk-exposure", *OPEN_PLACE_RULES} and "db" in f.places]
    assert len(at_db) == 1, [(f.rule, f.places) for f in at_db]
    [finding] = at_db
    assert finding.severity == "critical" and set(finding.data) >= {"face", "face_t"}
    rule = "bio-store-exposed" if place is OPEN_STORE else "bio-console-exposed"
    if not registry.is_selected(selection.get("rules", ()), selection.get("skip_rules", ()), rule, "biometric", ()):
        assert finding.rule == "atk-exposure" and "no authentication at all" in finding.evidence


def test_a_place_every_flow_into_which_is_mutually_authenticated_is_not_open() -> None:
    api = {"id": "api", "type": "process", "zone": "net", "holds": ["face"]}
    flow = {"id": "push", "source": "source", "target": "api", "data": ["face"], "authentication": "mutual"}
    result = run(load_dict(_model(api, [flow])))
    assert [f.places for f in _exposures(result)] == [["face"]]
    assert "every flow into it authenticates both ends" in _exposures(result)[0].likelihood_factors[0].reason
    one_way = run(load_dict(_model(api, [{**flow, "authentication": "one-way"}])))
    assert [f.places for f in _exposures(one_way)] == [["api"]]


def test_what_the_system_shows_the_public_is_its_publication_not_an_exposure() -> None:
    result = run(load_model(SCENARIOS / "citizen-scoring-aggregation.yaml"))
    assert not [f for f in _exposures(result) if "reference_portrait" in f.data]  # the defaulters' list shows it
    assert [f.places for f in result.findings if f.rule == "bio-public-disclosure"] == [["public_reading"]]
    reader = {"id": "readers", "type": "actor", "zone": "net", "role": "public", "people": 1_000_000}
    api = {"id": "api", "type": "process", "zone": "net", "holds": ["face", "face_t"]}
    model = _model(api, [{"id": "show", "source": "api", "target": "readers", "data": ["face"]}])
    model["elements"].append(reader)
    assert [f.data for f in _exposures(run(load_dict(model)))] == [["face_t"]]


def test_items_held_at_the_same_places_and_taken_by_one_route_are_one_finding() -> None:
    samples = [{**DATA[0], "id": "face_a"}, {**DATA[0], "id": "face_b"}]
    app = {"id": "app", "type": "process", "zone": "core", "holds": ["face_a", "face_b"]}
    model = _model({"id": "api", "type": "process", "zone": "net"},
                   [{"id": "call", "source": "api", "target": "app", "data": [], "authentication": "one-way"}])
    model["elements"].append(app)
    model["data"] = samples
    [finding] = _exposures(run(load_dict(model)))
    assert finding.data == ["face_a", "face_b"]
    assert finding.title == "Attackers can obtain biometric samples 'face_a', 'face_b'"


def test_items_held_at_other_places_keep_their_own_findings_where_their_routes_meet() -> None:
    """The EES kiosk's faces are held at the gates too: a control that slowed the kiosk's route would send them
    their own way, and the one finding would become two with more risk between them than it had."""
    result = run(load_model(SCENARIOS / "airport-egates.yaml"))
    at_kiosk = sorted((f.data, f.impact) for f in _exposures(result) if " at ees_kiosk " in f.evidence)
    assert at_kiosk == [(["face_image"], 1.0), (["fingerprint_image"], 1.0), (["passport_chip"], 0.8)]


def test_a_control_on_a_shared_route_does_not_split_an_exposure_into_more_risk() -> None:
    """Found by the property test: 'a' is held at p1 only, 'a-1' (made from it) at p1 and p2. Access control
    at p1 slowed the route both items shared, 'a-1' went its own way at p2, and one finding became two."""
    from biotm.analysis.mitigation import risk_of
    from biotm.analysis.whatif import with_controls

    face = {"category": "biometric_sample", "modality": "face", "subjects": 0}
    verify = {"action": "", "requires": "live:face", "high_assurance": False, "second_factor": False}
    elements = [
        {"id": "p1", "type": "process", "zone": "hall", "holds": ["a"], "derives": [{"from": ["a"], "to": "a-1"}],
         "verifies": [{"id": "v1", "grants": ["cap-1"], **verify}]},
        {"id": "p2", "type": "process", "zone": "hall", "derives": [{"from": ["a"], "to": "a-1"}],
         "verifies": [{"id": "v2", "grants": ["cap-2"], **verify}]},
    ]
    model = {"meta": {"name": "t"}, "zones": [{"id": "hall", "owner": "c", "jurisdiction": "CN", "public_place": True}],
             "elements": elements, "data": [{"id": "a", **face}, {"id": "a-1", **face}]}
    loaded = load_dict(model)
    before, after = run(loaded), run(with_controls(loaded, [("p1", "access-control")]))
    assert {f.id for f in _exposures(after)} <= {f.id for f in _exposures(before)}
    assert sum(f.risk for f in _exposures(after)) <= sum(f.risk for f in _exposures(before)) + 1e-9
    assert risk_of(after) <= risk_of(before) + 1e-9


def test_a_place_that_verifies_its_callers_is_not_an_open_place() -> None:
    """The bank's password reset asks for the ID number and the SMS code: not an open database."""
    verifies = [{"id": "reset", "action": "reset", "requires": {"all": ["face_t"]}, "grants": ["takeover"],
                 "high_assurance": True}]
    api = {"id": "api", "type": "process", "zone": "net", "holds": ["face"], "verifies": verifies}
    [finding] = _exposures(run(load_dict(_model(api))))
    assert finding.places == ["face"] and finding.likelihood < 0.5
    assert "it verifies whoever calls it" in finding.likelihood_factors[0].reason
    paths = run(load_model(SCENARIOS / "china-sim-registration.yaml")).attack_paths
    assert not [p for p in paths if p.reaches == "bank_online" and p.probability > 0.9]


def test_an_item_and_an_open_place_of_the_same_id_are_two_findings_with_two_ids() -> None:
    """Item 'face' found by its route and the open place 'face' are apart: one id each (the planner keys on ids)."""
    model = _model({"id": "face", "type": "process", "zone": "net", "holds": ["face_t"]})
    model["elements"].append({"id": "api", "type": "process", "zone": "net", "holds": ["face"],
                              "controls": ["authentication"]})
    found = _exposures(run(load_dict(model)))
    assert {(f.place_kind, tuple(f.places)) for f in found} >= {("element", ("face",)), ("data", ("face",))}
    assert len({f.id for f in found}) == len(found)
