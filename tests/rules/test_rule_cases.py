"""Every rule fires on its minimal model and is suppressed by its mitigating control, and nothing else."""

from __future__ import annotations

import pytest
from rule_models import CASES, Case, run
from rule_models import case as case_of

from biotm.model.controls import CONTROLS
from biotm.regulations import CATALOG
from biotm.rules import all_rules
from biotm.scoring import severity

REQUIRED = {
    "bio-store-unencrypted",
    "bio-store-exposed",
    "bio-transit-cleartext",
    "bio-raw-sample-retained",
    "bio-template-unprotected",
    "bio-cross-database-linkage",
    "bio-no-pad",
    "bio-no-injection-detection",
    "bio-third-party-disclosure",
    "bio-insider-bulk-access",
    "bio-function-creep",
    "bio-no-separate-consent",
    "bio-cross-border-transfer",
    "bio-central-identification",
    "bio-identity-kit",
    "bio-sole-factor",
    "bio-public-surveillance",
    "bio-public-disclosure",
}


def test_every_rule_has_a_case_and_every_required_rule_exists() -> None:
    ids = {r.id for r in all_rules()}
    assert ids >= REQUIRED
    # Scored by the attack stage, not the rule engine: their cases are tests/analysis/test_attack_model.py.
    assert {c.rule for c in CASES} == ids - {"atk-exposure", "idt-chain"}


def test_rule_metadata_points_at_known_controls_and_regulations() -> None:
    for rule in all_rules():
        assert rule.mitigations, rule.id
        assert set(rule.mitigations) <= set(CONTROLS), rule.id
        assert set(rule.regulations) <= set(CATALOG), rule.id
        assert rule.categories and all(":" in c for c in rule.categories), rule.id
        if rule.family == "biometric":
            assert rule.regulations, rule.id
            assert any(c.startswith("BIO:") for c in rule.categories), rule.id


@pytest.mark.parametrize("case", CASES, ids=[c.rule for c in CASES])
def test_rule_fires_and_control_suppresses(case: Case) -> None:
    fired = [f for f in run(case.fires(), case.rule).findings if f.rule == case.rule]
    assert [f.places for f in fired if tuple(f.places) == case.places], [f.places for f in fired]
    finding = next(f for f in fired if tuple(f.places) == case.places)
    assert finding.evidence and finding.location is not None
    assert finding.mitigations and set(case.control_at[2]) <= set(finding.mitigations)
    assert finding.regulations and all(r in CATALOG for r in finding.regulations)
    assert 0 < finding.likelihood <= 1 and 0 < finding.impact <= 1
    assert finding.risk == pytest.approx(finding.likelihood * finding.impact, abs=1e-3)
    rule = next(r for r in all_rules() if r.id == case.rule)
    assert finding.severity == severity(finding.likelihood, finding.impact, may_be_critical=rule.may_be_critical) or (
        finding.severity == "critical" and rule.may_be_critical  # a critical trigger (docs/scoring.md)
    )
    assert finding.likelihood_factors and finding.impact_factors
    assert finding.status == "open"

    after = [f for f in run(case.mitigated(), case.rule).findings if f.rule == case.rule]
    assert not [f for f in after if tuple(f.places) == case.places]


def test_lowering_control_lowers_likelihood_and_is_named() -> None:
    case = case_of("bio-insider-bulk-access")
    plain = run(case.fires(), case.rule).findings[0]
    model = case.fires()
    model["elements"][2]["controls"] = ["audit-logging"]  # one of the two suppressing controls only
    lowered = run(model, case.rule).findings[0]
    assert lowered.likelihood < plain.likelihood
    assert any("audit-logging" in f.reason and f.effect < 0 for f in lowered.likelihood_factors)
    assert "audit-logging" not in lowered.mitigations and "access-control" in lowered.mitigations
    # the evidence names what is missing, not the control the store already has
    assert "without access control and audit logging," in plain.evidence
    assert "without access control," in lowered.evidence and "audit logging" not in lowered.evidence


def test_with_controls_what_if_suppresses() -> None:
    from rule_models import TODAY, load

    from biotm.pipeline import AuditOptions, audit

    case = case_of("bio-store-unencrypted")
    options = AuditOptions(rules=(case.rule,), today=TODAY, with_controls=("db:encryption-at-rest",))
    assert not audit(load(case.fires()), options).findings


@pytest.mark.parametrize("case", CASES, ids=[c.rule for c in CASES])
def test_adding_controls_never_adds_or_raises_findings(case: Case) -> None:
    before = {f.id: f for f in run(case.fires()).findings}
    after = run(case.mitigated()).findings
    exposing = ("atk-exposure", "bio-store-exposed", "bio-console-exposed")
    for finding in after:
        if finding.id not in before and finding.rule == "atk-exposure":
            # Items the closed open store gave out, now found one by one behind its door, at a lower risk.
            assert any(b.rule in exposing and set(finding.data) <= set(b.data) and b.risk >= finding.risk
                       for b in before.values()), finding.id
            continue
        assert finding.id in before
        assert finding.likelihood <= before[finding.id].likelihood


def test_contact_modalities_are_not_remote_surveillance() -> None:
    model = case_of("bio-public-surveillance").fires()
    model["data"][0]["modality"] = "fingerprint"
    assert not run(model, "bio-public-surveillance", "linddun-detecting").findings


def test_upload_from_the_subjects_own_phone_is_collection_not_disclosure() -> None:
    model = case_of("bio-no-injection-detection").fires()  # phone (owner: subscriber) -> server (operator)
    assert not run(model, "bio-third-party-disclosure", "linddun-identifying").findings


def test_an_organisations_app_on_the_subjects_phone_discloses_as_that_organisation() -> None:
    model = case_of("bio-no-injection-detection").fires()
    model["elements"][1]["operator"] = "operator"  # the operator's app on the subscriber's phone
    model["zones"].append({"id": "vendor", "owner": "vendor", "jurisdiction": "CN"})
    model["elements"].append({"id": "sdk", "type": "external", "zone": "vendor"})
    model["flows"].append({"id": "sdk_upload", "source": "phone", "target": "sdk", "data": ["face"], "encrypted": True})
    places = [f.places for f in run(model, "bio-third-party-disclosure").findings]
    assert places == [["sdk_upload"]]


def test_a_cleartext_flow_with_biometrics_and_an_id_is_one_finding_naming_both() -> None:
    from rule_models import data, zone

    model = case_of("bio-transit-cleartext").fires()
    model["zones"].append(zone("store"))
    model["elements"][2]["zone"] = "store"  # the save now crosses a trust boundary
    model["data"].append(data("staff_id", "identifier"))
    model["flows"][1]["data"].append("staff_id")
    rules = ("bio-transit-cleartext", "stride-information-disclosure")
    (found,) = run(model, *rules).findings
    assert found.rule == "bio-transit-cleartext" and "'staff_id'" in found.evidence
    model["flows"][1]["data"] = ["staff_id"]  # no biometrics ride it: the STRIDE finding is the one
    assert [f.rule for f in run(model, *rules).findings] == ["stride-information-disclosure"]
