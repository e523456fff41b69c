"""Each scenario's identity-theft chains, pinned by attacker, goal and the verifications passed in order.

A chain is what a thief can become with the data the system leaks (a SIM in the victim's name, the
victim's bank account). The pins name the scenario-specific attackers from each model, so they do not
depend on the built-in attacker library; hardened variants must break the targeted chains (no chain,
or one below the reporting threshold) and say which controls did it.
"""

from __future__ import annotations

import re

import pytest
from scenario_support import SCENARIOS, audited, cli_json, controls_by_place, original_of, pair_diff

# The attack-path stage (theft chains, `biotm mitigate`) lands on main separately; until it does, these
# pins have nothing to check. Once biotm.analysis exists they run and can fail.
pytest.importorskip("biotm.analysis.chains")

Chain = tuple[str, str, tuple[str, ...]]  # attacker, goal, verification ids in order

EXPECTED_CHAINS: dict[str, list[Chain]] = {
    "china-sim-registration.yaml": [
        # Leaked face + ID number + phone number -> the victim's number moved to a new SIM (a SIM swap) at a
        # terminal without PAD -> the bank's OTP -> takeover.
        ("leaked-set-buyer", "bank-account-takeover", ("replace-sim", "deliver-otp", "password-reset")),
        # A new SIM gets a new number: a working number in the victim's name, not the victim's codes.
        ("leaked-set-buyer", "number-in-victim-name", ("register-sim",)),
    ],
    "police-face-id-app.yaml": [
        ("credential-impersonator", "trusted-as-victim", ("ctid-enrolment", "p2p-check")),
    ],
    "exam-registration.yaml": [
        ("substitute-test-taker", "exam-sat-as-victim", ("admit-candidate",)),
    ],
    "bank-remote-ekyc.yaml": [
        ("id-scan-fraudster", "account-in-victim-name", ("open-account",)),
        ("id-scan-fraudster", "bank-account-takeover", ("sim-swap", "deliver-otp", "recover-account")),
    ],
    "workplace-attendance.yaml": [
        ("outsider", "restricted-area-access", ("remote-enrol", "open-door")),
    ],
}

#: Chains that only identity proofing of a new applicant stops (a new account, a new SIM in the victim's name):
#: no second factor of the victim exists there, so only liveness controls at the capture points break them. The
#: report must still show those a hardened twin leaves open (a second factor at identity proofing used to "break"
#: them: issue 14 point d). The SIM twin's plan now buys presentation-attack detection at the shop terminal
#: (chains count by their reach, issue 16), which breaks the new-SIM chain: it is among the chains broken below.
OPEN_AFTER_HARDENING: dict[str, list[Chain]] = {
    "bank-remote-ekyc-hardened.yaml": [("id-scan-fraudster", "account-in-victim-name", ("open-account",))],
}
#: Chains each hardened variant must break, with a control the report must name as breaking it.
BROKEN_BY_HARDENING: dict[str, list[Chain]] = {
    name: [c for c in EXPECTED_CHAINS[original_of(name)] if c not in OPEN_AFTER_HARDENING.get(name, [])]
    for name in (
        "china-sim-registration-hardened.yaml",
        "bank-remote-ekyc-hardened.yaml",
        "workplace-attendance-hardened.yaml",
    )
}


def chains(name: str) -> set[Chain]:
    return {
        (attacker, c.goal, tuple(s.verification for s in c.steps if s.verification))
        for c in audited(name).chains
        for attacker in c.attackers
    }


@pytest.mark.parametrize("name", sorted(EXPECTED_CHAINS))
def test_scenario_shows_its_identity_theft_chains(name: str) -> None:
    assert sorted(set(EXPECTED_CHAINS[name]) - chains(name)) == []


def test_sim_chain_is_reported_as_an_idt_finding_on_its_verifiers() -> None:
    result = audited("china-sim-registration.yaml")
    places = {tuple(f.places) for f in result.findings if f.rule.startswith("idt-")}
    assert ("realname_system", "sms_gateway", "bank_online") in places


@pytest.mark.parametrize("name", sorted(BROKEN_BY_HARDENING))
def test_hardening_breaks_the_targeted_chains(name: str) -> None:
    assert sorted(set(BROKEN_BY_HARDENING[name]) & chains(name)) == []


@pytest.mark.parametrize("name", sorted(OPEN_AFTER_HARDENING))
def test_chains_the_hardening_leaves_open_are_still_reported(name: str) -> None:
    assert sorted(set(OPEN_AFTER_HARDENING[name]) - chains(name)) == []


#: Chains the hardened variant breaks at a leak step, which broken_by does not search (docs/attack-paths.md):
#: the outsider's door chain starts from the workplace cloud database, open to the internet, reached at 0.95;
#: a second factor at the verifiers alone no longer drops it below the floor, cloud_db's authentication does.
CUT_ON_THE_LEAK = {("outsider", "restricted-area-access", ("remote-enrol", "open-door"))}


@pytest.mark.parametrize("hardened", sorted(BROKEN_BY_HARDENING))
def test_the_hardened_variant_applies_a_cut_the_report_names_for_each_chain(hardened: str) -> None:
    original = original_of(hardened)
    applied = {f"{place}:{control}" for control, place in controls_by_place(hardened)}
    targeted = set(BROKEN_BY_HARDENING[hardened])
    # The twin is the plan's proposal (scenarios/harden.py): a chain may fall to controls added by two
    # items (a second factor, then an attested app) that no single `broken_by` entry lists; the plan then
    # names the item that broke it.
    budget = re.search(r"^# plan-budget: (\S+)$", (SCENARIOS / hardened).read_text(encoding="utf-8"), re.M)
    assert budget, hardened
    plan = cli_json("mitigate", str(SCENARIOS / original), "--budget", budget[1])
    broken_by_plan = {chain: set(item["members"]) for item in plan["items"] for chain in item["breaks_chains"]}
    for chain in audited(original).chains:
        keys = {(a, chain.goal, tuple(s.verification for s in chain.steps if s.verification)) for a in chain.attackers}
        if not keys & targeted or keys & CUT_ON_THE_LEAK:
            continue
        cuts = [set(option.split("+")) for option in chain.broken_by]
        if chain.id in broken_by_plan:
            cuts.append(broken_by_plan[chain.id])
        assert any(cut <= applied for cut in cuts), (sorted(keys), chain.broken_by)


@pytest.mark.parametrize("hardened", sorted(BROKEN_BY_HARDENING))
def test_biotm_diff_lists_the_targeted_chains_as_closed(hardened: str) -> None:
    diff = pair_diff(hardened)
    closed = {
        (attacker, c["goal"], tuple(s["verification"] for s in c["steps"] if s["verification"]))
        for c in diff["chains_closed"]
        for attacker in c["attackers"]
    }
    assert sorted(set(BROKEN_BY_HARDENING[hardened]) - closed) == []
    # Hardening opens no outcome and makes none likelier. A chain entry is its outcome, data held and steps:
    # once the likeliest route is cut, a less likely one to the same outcome (a faked face at the door once
    # the enrolment console asks for a second factor) is reported in its place, as an entry of its own.
    before: dict[str, float] = {}
    for chain in audited(original_of(hardened)).chains:
        before[chain.goal] = max(before.get(chain.goal, 0.0), chain.likelihood)
    for opened in diff["chains_opened"]:
        assert opened["goal"] in before and opened["likelihood"] < before[opened["goal"]], opened["id"]
