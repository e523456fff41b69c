"""Regression tests for what issue 14 measured on the shipped scenarios (order, numbers, duplicates, coverage).

Each test names the measured item it keeps from coming back.
"""

from __future__ import annotations

import math
import re

import pytest
from scenario_support import audited, scenario_paths

from biotm.model.schema import DataCategory, DataItem
from biotm.report.factor_text import likelihood_text
from biotm.report.view import top_risks
from biotm.result import finding_order
from biotm.rules.base import kit_role

FLAGSHIP = "china-sim-registration.yaml"
MAX_CRITICAL = 5


@pytest.mark.parametrize("name", [p.name for p in scenario_paths()])
def test_order_is_severity_then_risk_and_critical_is_rare(name: str) -> None:
    """Item 1: within a severity, findings are ordered by risk; at most 5 critical; Top risks is the head."""
    result = audited(name)
    assert [finding_order(f) for f in result.findings] == sorted(finding_order(f) for f in result.findings)
    open_findings = [f for f in result.findings if f.status in ("open", "expired-acceptance")]
    assert sum(f.severity == "critical" for f in open_findings) <= MAX_CRITICAL
    assert top_risks(result) == open_findings[:3]


def test_the_national_kit_store_and_the_takeover_chain_are_critical() -> None:
    """Item 1: the unencrypted national archive (face + ID + phone) and the SIM-swap takeover are critical."""
    findings = audited(FLAGSHIP).findings
    kit = next(f for f in findings if f.rule == "bio-identity-kit" and f.places == ["realname_archive"])
    assert kit.severity == "critical"
    chains = [f for f in findings if f.rule == "idt-chain" and f.places[-1:] == ["bank_online"]]
    # The mass takeover (leaked kits, many victims) is critical; a thief's chain through one victim's own phone
    # harms one person per attempt and is rated lower (docs/attack-paths.md, per-subject devices).
    mass = [f for f in chains if f.subjects > 1]
    assert mass and all(f.severity == "critical" for f in mass)
    assert all(f.severity != "critical" for f in chains if f.subjects == 1)
    assert findings[0].severity == "critical"


def test_head_counts_are_counted_once_per_actor() -> None:
    """Item 5: 3,000 back-office staff are 3,000 people with access, not 6,000."""
    findings = audited(FLAGSHIP).findings
    insider = next(
        f for f in findings if f.rule == "bio-insider-bulk-access" and f.places[0] == "realname_archive"
    )
    reasons = [f.reason for f in insider.likelihood_factors]
    assert "3,000 people with access (log scale)" in reasons
    assert not any("6,000" in r or "400,001" in r or "300,000 people" in r for f in findings for r in _reasons(f))


def test_one_subject_count_per_finding_and_numbers_written_one_way() -> None:
    """Item 5: the kit's evidence and impact count the same people; numbers carry thousands separators."""
    for name in (p.name for p in scenario_paths()):
        for finding in audited(name).findings:
            for reason in _reasons(finding):
                assert not re.search(r"\d{5,}", reason), (finding.id, reason)
    findings = audited(FLAGSHIP).findings
    kit = next(f for f in findings if f.rule == "bio-identity-kit" and f.places == ["realname_archive"])
    assert "300M people" in kit.evidence and kit.subjects == 300_000_000
    assert any(r.startswith("300,000,000 data subjects") for r in _reasons(kit))


def _reasons(finding: object) -> list[str]:
    return [f.reason for f in (*finding.likelihood_factors, *finding.impact_factors)]  # type: ignore[attr-defined]


def test_one_dpia_finding_per_controller() -> None:
    """Item 6: one missing impact assessment of one organisation is one finding listing its places."""
    result = audited(FLAGSHIP)
    owners = {e.id: z.owner for z in result.model.zones for e in result.model.elements if e.zone == z.id}
    dpia = [f for f in result.findings if f.rule == "linddun-no-dpia"]
    per_owner = [owners[f.places[0]] for f in dpia]
    assert len(per_owner) == len(set(per_owner))
    carrier = next(f for f in dpia if owners[f.places[0]] == "Carrier")
    assert {"realname_archive", "realname_system", "shop_terminal"} <= set(carrier.places)
    # The assessment is the controller's: its processor's log store is in the Carrier's one finding.
    assert "vendor_logs" in carrier.places and "with its processor Face-SDK vendor" in carrier.evidence
    bank = [f for f in audited("bank-remote-ekyc.yaml").findings if f.rule == "linddun-no-dpia"]
    assert [f.places for f in bank] == [["idv_archive", "kyc_file"]]


def test_liveness_is_reported_where_capture_happens_and_only_where_a_presenter_gains() -> None:
    """Item 6: bio-no-pad at the shop terminal, not at the MPS service that only compares; none on 1:N cameras."""
    pad = {tuple(f.places) for f in audited(FLAGSHIP).findings if f.rule == "bio-no-pad"}
    assert pad == {("shop_terminal",)}
    assert not [f for f in audited("jaywalking-cameras.yaml").findings if f.rule == "bio-no-pad"]


def test_no_false_findings_on_the_sms_channel() -> None:
    """Item 6: the SMS gateway needs the phone number; no encryption or authentication 'at the handset'."""
    findings = audited(FLAGSHIP).findings
    assert not [f for f in findings if f.rule == "linddun-unnecessary-data" and "bank_otp_sms" in f.places]
    assert not [f for f in findings if f.rule.startswith("stride-") and "otp_delivery" in f.places]


def test_a_compared_portrait_is_biometric_and_the_kit_comes_from_categories() -> None:
    """Item 7: the 1.4-billion-portrait register gets the biometric storage rules; kit parts by category."""
    rules_at_register = {f.rule for f in audited(FLAGSHIP).findings if f.places == ["population_register"]}
    assert "bio-store-unencrypted" in rules_at_register
    licence = DataItem(id="dl", category=DataCategory.DRIVER_LICENCE, subjects=10)
    assert kit_role(licence) == "national-id"
    legacy = DataItem(id="id_number", category=DataCategory.IDENTIFIER, subjects=10)
    assert kit_role(legacy) == "national-id"  # still counts, with a warning (below)


def test_identifier_words_give_a_warning_hint() -> None:
    """Item 7: the whole-word fallback is a hint to declare the category, not a silent guess."""
    from rule_models_support import warnings_of

    messages = warnings_of({"id": "id_number", "category": "identifier", "subjects": 10})
    assert any("looks like a national ID number: declare category national_id" in m for m in messages)


def test_the_flagship_takeover_is_a_sim_swap() -> None:
    """Item 8: the bank OTP goes to the victim's existing number, so the takeover needs a replacement SIM."""
    result = audited(FLAGSHIP)
    takeover = [c for c in result.chains if c.goal == "bank-account-takeover" and "leaked-set-buyer" in c.attackers]
    assert takeover
    actions = [s.action for s in takeover[0].steps if s.verifier != "leak"]
    assert "SIM swap" in actions[0]
    new_sim = [c for c in result.chains if c.goal == "number-in-victim-name"]
    assert new_sim and all("victim-otp" not in s.grants for c in new_sim for s in c.steps)


@pytest.mark.parametrize("name", [p.name for p in scenario_paths()])
def test_attack_likelihoods_multiply_out_as_shown(name: str) -> None:
    """Every chain and exposure shows its likelihood as a product (`0.27 = 1 (...) × 0.266 (...)`) whose shown
    multipliers multiply out to it, and whose effects still add up to it."""
    for finding in audited(name).findings:
        if finding.rule not in ("idt-chain", "atk-exposure"):
            continue
        text = likelihood_text(finding)
        assert text.startswith(f"{finding.likelihood:.2f} = "), text
        shown = [float(m) for m in re.findall(r"(?:^|× )([0-9.e-]+) \(", text.split(" = ", 1)[1])]
        assert len(shown) == len(finding.likelihood_factors)
        assert math.isclose(math.prod(shown), finding.likelihood, rel_tol=0.005 * len(shown), abs_tol=1e-6), text
        assert "(x" not in text and "(+" not in text  # no sum notation inside the product
        assert math.isclose(sum(f.effect for f in finding.likelihood_factors), finding.likelihood, abs_tol=1e-5)


@pytest.mark.parametrize("name", [p.name for p in scenario_paths()])
def test_no_two_chain_findings_share_a_title(name: str) -> None:
    """Two routes to one outcome (a SIM swap, a stolen phone) are two findings whose titles say which route."""
    titles = [f.title for f in audited(name).findings if f.rule == "idt-chain"]
    assert len(titles) == len(set(titles)), titles


def test_the_two_routes_to_the_bank_takeover_say_what_differs() -> None:
    takeovers = {tuple(f.places): f for f in audited(FLAGSHIP).findings if f.rule == "idt-chain"
                 and "take over the account" in f.title}
    assert takeovers[("realname_system", "sms_gateway", "bank_online")].title.endswith(
        "(via realname_system -> sms_gateway)")
    assert takeovers[("bank_online",)].title.endswith("(with one victim's own device)")
    assert "phone-thief" in takeovers[("bank_online",)].evidence


def test_no_confidentiality_finding_on_the_feed_of_a_public_screen() -> None:
    """Item 6: what the street screen shows is public a step later; its feed can still be spoofed."""
    findings = audited("jaywalking-cameras.yaml").findings
    on_feed = {f.rule for f in findings if "publish_on_screen" in f.places}
    assert not on_feed & {"bio-transit-cleartext", "stride-information-disclosure"}
    assert "stride-spoofing" in on_feed
    assert any(f.rule == "bio-public-disclosure" and f.places == ["screen_viewing"] for f in findings)
