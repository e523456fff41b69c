"""One cause, one finding: what the read-through of the shipped scenarios struck out as a second finding."""

from __future__ import annotations

from scenario_support import audited


def test_what_the_public_is_shown_is_one_publication_finding_not_also_a_handover() -> None:
    """The requester of a police face check sees the responder's face: `bio-public-disclosure` (PIPL Art. 25)
    reports it; no processing agreement binds the public, so it is no `bio-third-party-disclosure` too."""
    findings = [f for f in audited("police-face-id-app.yaml").findings if "requester_sees" in f.places]
    assert [f.rule for f in findings if f.rule.startswith("bio-")] == ["bio-public-disclosure"]
