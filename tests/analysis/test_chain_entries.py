"""Chain entries as an auditor reads them: one per outcome and data held, a real second factor breaks the
step, and `broken_by` proposes only controls that make sense where they would go."""

from __future__ import annotations

import datetime as dt

import pytest

from biotm.analysis.candidates import fits
from biotm.analysis.numbers import STEP_PROBABILITY
from biotm.graph import build_graph
from biotm.model.loader import LoadedModel, load_bytes
from biotm.pipeline import AuditOptions, audit
from biotm.report.terminal import chains_section, render_to_text
from biotm.result import AuditResult, TheftChain

MODEL = """
meta: {name: chain entries}
zones:
  - {id: store, owner: Carrier, jurisdiction: US, public_place: true}
  - {id: core, owner: Carrier, jurisdiction: US}
  - {id: bank, owner: Bank, jurisdiction: US, internet_facing: true}
  - {id: site, owner: Employer, jurisdiction: US}
elements:
  - {id: subscriber, type: actor, role: data-subject, zone: store, holds: [name, phone_number]}
  - id: carrier
    type: process
    zone: core
    verifies:
      - id: replace-sim
        action: move the number to a new SIM
        requires: {all: [name, phone_number]}
        grants: [sim-control]
        high_assurance: true
  - id: sms
    type: process
    zone: core
    verifies:
      - id: deliver-otp
        action: deliver SMS to the SIM that holds the number
        requires: sim-control
        grants: [victim-otp]
        high_assurance: false
  - id: bank_reset
    type: external
    zone: bank
    verifies:
      - id: reset
        action: reset the bank password
        requires: {all: [victim-otp, name]}
        grants: [account-takeover]
        high_assurance: true
  - id: enrol_console
    type: process
    zone: site
    verifies:
      - id: enrol
        action: enrol a badge
        requires: admin_password
        grants: [badge]
        high_assurance: false
  - id: door
    type: device
    zone: site
    verifies:
      - id: open
        action: open the server room
        requires: badge
        grants: [server-room]
        high_assurance: true
data:
  - {id: name, category: quasi_identifier, subjects: 1000000}
  - {id: phone_number, category: phone_number, subjects: 1000000}
  - {id: admin_password, category: credential, subjects: 10}
flows:
  - {id: counter, source: subscriber, target: carrier, data: [name, phone_number]}
attackers:
  - {id: fraudster-a, kind: fraudster, entry: [store], holds: [name, phone_number, admin_password], skill: 0.9}
  - {id: fraudster-b, kind: fraudster, entry: [store], holds: [name, phone_number, admin_password], skill: 0.5}
  - {id: thief, kind: fraudster, entry: [store], holds: [name, phone_number], capabilities: [victim-device], skill: 0.5}
"""
MINE = ("fraudster-a", "fraudster-b", "thief")


def _loaded() -> LoadedModel:
    return load_bytes(MODEL.encode("utf-8"), "entries.yaml")


def _audit(*controls: str, attackers: tuple[str, ...] = MINE) -> AuditResult:
    options = AuditOptions(today=dt.date(2026, 1, 1), attackers=attackers, with_controls=controls)
    return audit(_loaded(), options)


def _outcome(result: AuditResult, goal: str) -> list[TheftChain]:
    return [c for c in result.chains if c.goal == goal]


def test_attackers_holding_the_same_data_share_one_entry_naming_each() -> None:
    result = _audit()
    sim = _outcome(result, "sim-control")
    assert len(sim) == 1
    entry = sim[0]
    assert sorted(entry.attackers) == sorted(MINE) and len(set(entry.attackers)) == len(entry.attackers)
    # Likeliest first (the skilled fraudster), ties by id; the steps and likelihood are the lead's.
    assert entry.attackers[0] == "fraudster-a" and entry.attacker == "fraudster-a"
    assert entry.attackers[1:] == sorted(entry.attackers[1:])
    # One entry per outcome: no two entries share an outcome and a sequence of verifications.
    shapes = [(c.goal, tuple(s.verification for s in c.steps if s.verification)) for c in result.chains]
    assert len(shapes) == len(set(shapes))
    # The finding names every attacker once too.
    finding = next(f for f in result.findings if f.id == entry.finding)
    assert all(finding.evidence.count(a) == 1 for a in ("fraudster-b", "thief"))


def test_an_entry_keeps_its_id_when_only_some_of_its_attackers_remain() -> None:
    both = _outcome(_audit(), "sim-control")[0]
    again = _outcome(_audit(), "sim-control")[0]
    alone = _outcome(_audit(attackers=("fraudster-b",)), "sim-control")[0]
    assert both.id == again.id == alone.id and alone.attackers == ["fraudster-b"]


def test_a_real_second_factor_breaks_the_sim_swap_for_whoever_lacks_the_victims_device() -> None:
    before = _outcome(_audit(), "sim-control")[0]
    # A hotline that swaps on a name and a number still turns some callers away (knowledge-check, skill 0.9).
    assert before.likelihood == pytest.approx(STEP_PROBABILITY["knowledge-check"] ** 0.6, abs=1e-6)
    after = _outcome(_audit("carrier:second-factor"), "sim-control")
    # Even the skilled fraudster (whose lowered likelihood 0.1 ** 0.6 would stay above the floor) fails; the
    # thief who holds the victim's phone still passes, less likely.
    assert [c.attackers for c in after] == [["thief"]]
    assert after[0].likelihood < before.likelihood
    # ... and the entry that remains is the same chain (same id), now the thief's alone.
    assert after[0].id == before.id


def test_broken_by_breaks_the_entry_for_every_attacker_it_names() -> None:
    result = _audit()
    for entry in result.chains:
        assert entry.broken_by, entry.id
        for option in entry.broken_by:
            left = [c for c in _audit(*option.split("+")).chains if c.id == entry.id]
            assert not left, (entry.id, option, [c.attackers for c in left])


def test_broken_by_proposes_controls_only_where_they_make_sense() -> None:
    result = _audit()
    graph = build_graph(_loaded())
    proposed = {part for c in result.chains for option in c.broken_by for part in option.split("+")}
    assert all(fits(graph, *p.split(":", 1)) for p in proposed)
    # A SIM-change notice belongs to the SIM change and to who relies on the number, never to a door.
    assert "door:sim-change-notification" not in proposed
    assert "carrier:second-factor" in proposed
    takeover = _outcome(result, "account-takeover")[0]
    weak = {w for s in takeover.steps for w in s.weak_controls}
    assert {"carrier:sim-change-notification", "bank_reset:sim-change-notification"} <= weak
    door = _outcome(result, "server-room")[0]
    assert not any(w.endswith(":sim-change-notification") for s in door.steps for w in s.weak_controls)
    # The network delivering SMS to whichever SIM holds the number asks nobody for a factor.
    assert not any(w.startswith("sms:") for c in result.chains for s in c.steps for w in s.weak_controls)


@pytest.mark.parametrize("control", ["second-factor", "sim-change-notification"])
def test_a_verifier_control_at_the_sms_delivery_changes_nothing(control: str) -> None:
    before = {c.id: c.likelihood for c in _audit().chains}
    after = {c.id: c.likelihood for c in _audit(f"sms:{control}").chains}
    assert after == before


def test_what_breaks_an_entry_breaks_it_for_each_attacker_named() -> None:
    from biotm.analysis.theft import _breaking_all

    thief = ["c:second-factor+c:sim-change-notification"]
    others = ["c:second-factor", "b:second-factor"]
    # The pair contains an option of each; the single second factor leaves the thief who holds the phone.
    assert _breaking_all([others, thief]) == ["c:second-factor+c:sim-change-notification"]
    # No option serves both: one of each, together.
    assert _breaking_all([["a:x"], ["b:y"]]) == ["a:x+b:y"]
    # An attacker nothing tried breaks for: nothing breaks the entry.
    assert _breaking_all([["a:x"], []]) == []


def test_what_the_attacker_starts_with_is_one_step_of_the_evidence() -> None:
    result = _audit(attackers=("fraudster-b",))
    swap = _outcome(result, "sim-control")[0]
    held = [s for s in swap.steps if s.action.startswith("start with")]
    # One step naming the data obtained together, first: in the chain tree of every format and in the evidence.
    assert [(s.action, s.grants) for s in held] == [("start with 'name', 'phone_number'", ["name", "phone_number"])]
    assert swap.steps[0] is held[0]
    finding = next(f for f in result.findings if f.id == swap.finding)
    assert finding.evidence.count("start with") == 1
    assert "start with 'name', 'phone_number' (1) -> move the number to a new SIM" in finding.evidence
    tree = render_to_text(chains_section(result))
    assert tree.count("start with") == len(result.chains) and "holds the victim's 'name', 'phone_number'" in tree
