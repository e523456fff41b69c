"""Regression tests for the attack model of issue 14 (insiders, open services, credentials, MFA, copies)
and for the bounds of issue 18 (long verification chains, k-path search)."""

from __future__ import annotations

import math
import subprocess
import sys
from typing import Any

from strategies import load_dict
from support import run, scenario

from biotm.analysis import paths
from biotm.analysis.attackers import attackers_for, entries
from biotm.analysis.numbers import Numbers
from biotm.analysis.paths import skill_scale
from biotm.analysis.stage import MAX_CHAIN_STEPS, MAX_CHAINS, analyze_attacks, attack_paths
from biotm.graph import build_graph
from biotm.result import AuditResult, Finding

ZONES = [
    {"id": "net", "owner": "Operator", "jurisdiction": "CN", "internet_facing": True},
    {"id": "core", "owner": "Operator", "jurisdiction": "CN"},
]
FACES = {"id": "faces", "category": "biometric_sample", "modality": "face", "subjects": 5_000_000}


def _model(elements: list[dict[str, Any]], flows: list[dict[str, Any]] = (), **more: Any) -> dict[str, Any]:  # type: ignore[assignment]
    data = more.pop("data", [FACES])
    return {"meta": {"name": "t"}, "zones": more.pop("zones", ZONES), "elements": elements, "data": data,
            "flows": list(flows), **more}


def _exposure(result: AuditResult, data_id: str) -> Finding:
    """The exposure finding that names `data_id` (an open place's finding names several)."""
    return next(f for f in result.findings if f.rule == "atk-exposure" and data_id in f.data)


def _sums(finding: Finding) -> None:
    assert math.isclose(sum(f.effect for f in finding.likelihood_factors), finding.likelihood, abs_tol=2e-6)
    assert all(f.reason.strip() for f in finding.likelihood_factors)


def test_an_open_internet_service_is_reached_near_certainly_and_authentication_lowers_it_far() -> None:
    store = {"id": "db", "type": "process", "zone": "net", "holds": ["faces"]}
    open_result = run(load_dict(_model([store])))
    closed = run(load_dict(_model([{**store, "controls": ["authentication"]}])))
    reach = Numbers().step["internet-reach-open"]
    assert _exposure(open_result, "faces").likelihood == round(reach, 6) >= 0.9
    assert _exposure(closed, "faces").likelihood < 0.3
    assert "no authentication at all" in _exposure(open_result, "faces").likelihood_factors[0].reason


def test_insiders_misuse_what_they_see_with_a_probability_raised_by_head_count_and_lowered_by_controls() -> None:
    def misuse(people: int, controls: list[str]) -> float:
        elements = [
            {"id": "clerk", "type": "actor", "zone": "core", "role": "staff", "people": people},
            {"id": "console", "type": "process", "zone": "core", "holds": ["faces"], "controls": controls},
        ]
        flows = [{"id": "show", "source": "console", "target": "clerk", "data": ["faces"]}]
        graph = build_graph(load_dict(_model(elements, flows)))
        analysis = analyze_attacks(graph, ("insider-operator",))
        leak = analysis.leaks["insider-operator"]["faces"]
        assert [e.kind for e in leak.edges] == ["stand", "misuse"]
        return leak.probability

    assert misuse(1, []) < 0.1  # one person: not a certainty
    assert misuse(10_000, []) > misuse(10, []) > misuse(1, [])
    assert misuse(10_000, ["audit-logging", "query-rate-limit"]) < misuse(10_000, ["audit-logging"]) < misuse(
        10_000, []
    )
    assert misuse(10_000, ["per-query-justification"]) < misuse(10_000, [])


def test_a_display_does_not_open_the_service_behind_it() -> None:
    elements = [
        {"id": "guard", "type": "actor", "zone": "core", "role": "staff"},
        {"id": "service", "type": "process", "zone": "core", "holds": ["faces"]},
    ]
    flows = [{"id": "screen", "source": "service", "target": "guard", "data": []}]
    graph = build_graph(load_dict(_model(elements, flows)))
    assert "faces" not in analyze_attacks(graph, ("insider-operator",)).leaks["insider-operator"]


def test_compromised_vendor_stands_on_its_own_systems_and_its_remote_access_not_the_customer_zone() -> None:
    zones = [*ZONES, {"id": "sdk", "owner": "SDK vendor", "jurisdiction": "CN"}]
    elements = [
        {"id": "engineer", "type": "actor", "zone": "core", "role": "vendor"},
        {"id": "customer_db", "type": "store", "zone": "core", "holds": ["faces"]},
        {"id": "sdk_cloud", "type": "process", "zone": "sdk"},
    ]
    graph = build_graph(load_dict(_model(elements, zones=zones)))
    vendor = next(a for a in attackers_for(graph) if a.id == "compromised-vendor")
    stands = {e.element for e in entries(graph, vendor)}
    assert stands == {"engineer", "sdk_cloud"}


def test_a_stolen_contractor_login_opens_the_vpn_and_lateral_movement_reaches_the_fingerprint_store() -> None:
    data = [
        {"id": "prints", "category": "biometric_template", "modality": "fingerprint", "subjects": 5_000_000},
        {"id": "vpn_login", "category": "credential"},
    ]
    elements = [
        {"id": "vpn", "type": "process", "zone": "core", "logins": ["vpn_login"]},
        {"id": "print_store", "type": "store", "zone": "core", "holds": ["prints"]},
    ]
    flows = [{"id": "admin", "source": "vpn", "target": "print_store", "data": ["prints"]}]
    attackers = [{"id": "buyer", "kind": "fraudster", "entry": ["internet"], "holds": ["vpn_login"]}]
    graph = build_graph(load_dict(_model(elements, flows, data=data, attackers=attackers)))
    leak = analyze_attacks(graph, ("buyer",)).leaks["buyer"]["prints"]
    assert [e.kind for e in leak.edges] == ["login", "lateral"]
    assert "'vpn_login' held from the start" in leak.edges[0].reason()


def test_mfa_on_the_login_makes_the_stolen_login_path_far_less_likely() -> None:
    data = [FACES, {"id": "portal_login", "category": "credential"}]
    attackers = [{"id": "buyer", "kind": "fraudster", "entry": ["internet"], "holds": ["portal_login"]}]

    def likelihood(controls: list[str]) -> float:
        elements = [
            {"id": "portal", "type": "process", "zone": "core", "logins": ["portal_login"], "holds": ["faces"],
             "controls": controls}
        ]
        graph = build_graph(load_dict(_model(elements, data=data, attackers=attackers)))
        return analyze_attacks(graph, ("buyer",)).leaks["buyer"]["faces"].probability

    assert likelihood(["mfa"]) < likelihood([]) / 5
    assert likelihood(["second-factor"]) == likelihood(["mfa"])  # one concept under two names


def test_a_verification_that_grants_a_zone_opens_it() -> None:
    elements = [
        {"id": "gateway", "type": "process", "zone": "net",
         "verifies": [{"id": "session", "action": "open a network session", "requires": "vpn-password",
                       "grants": ["core"], "high_assurance": False}]},
        {"id": "db", "type": "store", "zone": "core", "holds": ["faces"]},
    ]
    attackers = [{"id": "phisher", "kind": "fraudster", "entry": ["internet"], "capabilities": ["vpn-password"]}]
    graph = build_graph(load_dict(_model(elements, attackers=attackers)))
    leak = analyze_attacks(graph, ("phisher",)).leaks["phisher"]["faces"]
    assert leak.edges[0].kind == "zone-reach" and "granted by gateway" in leak.edges[0].reason()


def test_mfa_counts_as_second_factor_at_a_verifier() -> None:
    def chain(controls: list[str]) -> float:
        elements = [
            {"id": "bank", "type": "process", "zone": "net", "controls": controls,
             "verifies": [{"id": "reset", "action": "reset the password", "requires": "victim-otp",
                           "grants": ["takeover"]}]},
        ]
        attackers = [{"id": "thief", "kind": "fraudster", "entry": ["internet"], "capabilities": ["victim-otp"]}]
        result = run(load_dict(_model(elements, data=[], attackers=attackers)))
        return max((c.likelihood for c in result.chains), default=0.0)

    assert chain(["mfa"]) == chain(["second-factor"]) < chain([])


def test_no_mfa_rule_flags_bulk_console_access_and_mfa_suppresses_it() -> None:
    def hits(controls: list[str]) -> list[Finding]:
        elements = [
            {"id": "analyst", "type": "actor", "zone": "core", "role": "staff", "people": 300},
            {"id": "records", "type": "store", "zone": "core", "holds": ["faces"], "controls": controls},
        ]
        flows = [{"id": "lookup", "source": "analyst", "target": "records", "data": []}]
        return [f for f in run(load_dict(_model(elements, flows))).findings if f.rule == "atk-no-mfa"]

    found = hits([])
    assert [f.places for f in found] == [["records"]] and "5M people" in found[0].evidence
    assert hits(["mfa"]) == [] and hits(["second-factor"]) == []


def test_attack_families_are_listed_by_biotm_rules() -> None:
    listed = subprocess.run(
        [sys.executable, "-m", "biotm", "rules", "--format", "json"], capture_output=True, text=True, check=True
    ).stdout
    for rule_id in ("atk-exposure", "idt-chain", "atk-no-mfa"):
        assert f'"id": "{rule_id}"' in listed


def test_one_stolen_phone_yields_one_person_and_its_chain_does_not_outrank_the_mass_attack() -> None:
    result = run(scenario())
    thief = [c for c in result.chains if "phone-thief" in c.attackers]
    assert thief and all(c.subjects == 1 for c in thief)
    worst_thief = max(f.risk for f in result.findings if f.rule == "idt-chain" and f.evidence.startswith("phone-thief"))
    mass = max(f.risk for f in result.findings if f.rule == "idt-chain" and not f.evidence.startswith("phone-thief"))
    assert worst_thief < mass


def test_one_of_many_shop_terminals_yields_one_shops_customers_but_a_remote_flaw_yields_all() -> None:
    zones = [*ZONES, {"id": "shops", "owner": "Operator", "jurisdiction": "CN", "public_place": True}]
    elements = [{"id": "terminal", "type": "device", "zone": "shops", "holds": ["faces"], "instances": 1000}]
    by_hand = run(load_dict(_model(elements, zones=zones)))
    assert _exposure(by_hand, "faces").subjects == 5_000
    remote = [{**elements[0], "zone": "net"}]
    assert _exposure(run(load_dict(_model(remote))), "faces").subjects == 5_000_000


def test_attack_likelihood_factors_add_up_on_every_scenario() -> None:
    result = run(scenario())
    attack = [f for f in result.findings if f.rule in ("atk-exposure", "idt-chain")]
    assert attack
    for finding in attack:
        _sums(finding)


def _chain_model(length: int, reverse: bool) -> dict[str, Any]:
    def name(i: int) -> str:
        return f"p{(length - i if reverse else i):05d}"

    elements = [
        {"id": name(i), "type": "process", "zone": "net",
         "verifies": [{"id": "v", "action": f"step {i}", "requires": "cap-start" if i == 0 else f"cap-{i - 1}",
                       "grants": [f"cap-{i}"]}]}
        for i in range(length)
    ]
    attackers = [{"id": "x", "kind": "outsider", "entry": ["internet"], "capabilities": ["cap-start"]}]
    return _model(elements, data=[], attackers=attackers)


def test_a_thousand_verifications_each_needing_the_last_give_bounded_chains_and_say_so() -> None:
    result = run(load_dict(_chain_model(1000, reverse=True)))
    assert len(result.chains) == MAX_CHAINS
    assert max(len(c.steps) for c in result.chains) <= MAX_CHAIN_STEPS + 1
    assert any(w.code == "attack-bound" and "MAX_CHAINS" in w.message for w in result.warnings)
    for finding in result.findings:
        if finding.rule == "idt-chain":
            _sums(finding)


def test_k_path_search_stops_at_its_bound_and_says_so(monkeypatch: Any) -> None:
    monkeypatch.setattr(paths, "MAX_SPUR_SEARCHES", 1)
    elements = [{"id": f"e{i}", "type": "process", "zone": "net" if i < 3 else "core",
                 "holds": ["faces"] if i == 7 else []} for i in range(8)]
    flows = [{"id": f"f{i}{j}", "source": f"e{i}", "target": f"e{j}"} for i in range(8) for j in range(8) if i != j]
    graph = build_graph(load_dict(_model(elements, flows)))
    analysis = analyze_attacks(graph, ("outsider",))
    found = attack_paths(analysis, ("faces",), 5)
    assert 1 <= len(found) < 5
    assert any("spur searches" in note for note in analysis.notes)


def test_a_credential_sniffed_off_a_cleartext_flow_opens_what_it_logs_into_at_the_path_product() -> None:
    # The round that turns the sniffed login into an entry gives the same number one search with a login edge
    # from the flow would: the best leak of the credential times `login` (both under the attacker's skill).
    data = [FACES, {"id": "vpn_login", "category": "credential"}]
    elements = [
        {"id": "laptop", "type": "device", "zone": "net"},
        {"id": "gateway", "type": "process", "zone": "net", "controls": ["authentication", "network-isolation"]},
        {"id": "portal", "type": "process", "zone": "core", "logins": ["vpn_login"], "holds": ["faces"],
         "controls": ["access-control"]},
    ]
    flows = [{"id": "login_form", "source": "laptop", "target": "gateway", "data": ["vpn_login"]}]
    graph = build_graph(load_dict(_model(elements, flows, data=data)))
    analysis = analyze_attacks(graph, ("outsider",))
    leaks = analysis.leaks["outsider"]
    sniffed = leaks["vpn_login"]
    assert sniffed.edges[-1].kind == "eavesdrop"
    faces = leaks["faces"]
    assert [e.kind for e in faces.edges] == ["login"]
    assert "'vpn_login' obtained via entry -> login_form" in faces.edges[0].reason()
    scale = skill_scale(next(a for a in analysis.attackers if a.id == "outsider"))
    assert math.isclose(faces.probability, sniffed.probability * Numbers().step["login"] ** scale, rel_tol=1e-9)
