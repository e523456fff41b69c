"""A finding proposes only the controls that go where its controls count (`rules.fitting`), and a hop with no
channel to protect gets no channel finding."""

from __future__ import annotations

from typing import Any

from rule_models import data, element, flow, model, run, zone

KIT = ["face", "id_number", "phone_number"]


def _kit_handover(**link: Any) -> dict[str, Any]:
    """A school terminal (keeps nothing) hands a kit of many people to another organisation's system."""
    return model(
        [zone("school", owner="school"), zone("authority", owner="authority")],
        [
            element("person", "actor", "school", role="data-subject", holds=KIT),
            element("terminal", "device", "school", capture="attended"),
            element("registry", "process", "authority"),
        ],
        [data(d, c, 2_000_000) for d, c in zip(KIT, ("biometric_sample", "national_id", "phone_number"), strict=True)],
        [flow("enrol", "person", "terminal", KIT), flow("submit", "terminal", "registry", KIT, **link)],
        organisations=[{"name": "school", "role": "controller"}, {"name": "authority", "role": "controller"}],
    )


def _kit_findings(m: dict[str, Any]) -> list[Any]:
    return [f for f in run(m, "bio-identity-kit").findings if f.places == ["submit"]]


def test_a_kit_in_cleartext_is_told_what_fits_a_link_and_a_terminal_that_keeps_nothing() -> None:
    (finding,) = _kit_findings(_kit_handover())
    assert "encryption-in-transit" in finding.mitigations
    # The terminal keeps nothing at rest, and the link is a flow: encrypting at rest fits neither.
    assert "encryption-at-rest" not in finding.mitigations
    assert "access-control" in finding.mitigations  # at the terminal that sends it


def test_an_encrypted_handover_is_not_where_the_kit_is_kept_together() -> None:
    assert _kit_findings(_kit_handover(encrypted=True, protocol="HTTPS")) == []


def test_an_sms_hop_gets_no_channel_finding_and_a_network_link_to_a_screen_does() -> None:
    m = model(
        [zone("core"), zone("bank", owner="bank", internet_facing=True)],
        [element("carrier", "process"), element("app", "process", "bank"), element("screen", "device", "bank")],
        [data("otp", "credential", 100_000), data("name", "quasi_identifier", 100_000)],
        [
            flow("sms", "carrier", "app", ["otp", "name"], protocol="SMS"),
            flow("show", "carrier", "screen", ["otp", "name"], protocol="HTTP to the screen controller"),
        ],
    )
    found = run(m, "stride-information-disclosure", "stride-tampering").findings
    assert not [f for f in found if "sms" in f.places]
    shown = [f for f in found if "show" in f.places]
    assert shown and all("encryption-in-transit" in f.mitigations for f in shown)
