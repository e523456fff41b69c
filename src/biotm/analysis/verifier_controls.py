"""Which controls at a verifier count, and where: a second factor, a SIM-change notice, human review.

A control is counted (and proposed by `broken_by`) only where it makes sense: a second factor where the
verification acts for someone who already holds one, a SIM-change notice at a SIM change and where what it
grants is relied on, human review where a live trait is shown; none at a step on capabilities alone.
"""

from __future__ import annotations

from biotm.graph import SystemGraph
from biotm.model.schema import DataCategory, Requirement, Verification

LIVE = "live:"
#: What a second factor at a verifier asks for: the victim's own enrolled device (or a factor on it). Only
#: an attacker holding it (the built-in phone thief's capability; a model attacker may declare it, e.g. a
#: real-time phishing kit) can pass a verifier with `second-factor` or `mfa`; for everyone else it breaks
#: the step.
VICTIM_FACTOR = "victim-device"


def checks_a_person(graph: SystemGraph, verification: Verification) -> bool:
    """Does someone present evidence here (data, a live trait), or is it a high-assurance grant?

    A low-assurance step on capabilities alone (SMS delivered to whichever SIM holds the number) is the
    system acting on what the attacker already controls: no verifier control applies there.
    """
    if verification.high_assurance:
        return True
    return any(t.startswith(LIVE) or t in graph.data for t in terms_of(verification.requires))


def has_a_holder(graph: SystemGraph, verification: Verification) -> bool:
    """Does the verification act for someone who already holds a factor: an account, a number, an enrolment?

    It does if it accepts a capability (an OTP, an enrolled face, control of a SIM), a credential or a phone
    number. One that accepts only biometrics and identity documents is identity proofing of a new applicant
    (opening an account, registering a new SIM): the victim has no second factor there to ask for.
    """
    for term in terms_of(verification.requires):
        if term.startswith(LIVE):
            continue
        item = graph.data.get(term)
        if item is None or item.category in (DataCategory.CREDENTIAL, DataCategory.PHONE_NUMBER):
            return True
    return False


def knowledge_only(graph: SystemGraph, verification: Verification) -> bool:
    """Is it passed on identity data alone (a name, a date of birth, a number), no trait, token or secret?

    A hotline or counter that accepts what anyone with a bought record knows is still a person deciding:
    some attempts fail (`knowledge-check`)."""
    terms = terms_of(verification.requires)
    return all(
        t in graph.data
        and not graph.data[t].possession
        and not graph.data[t].is_biometric
        and graph.data[t].category is not DataCategory.CREDENTIAL
        for t in terms
    )


def moves_a_number(graph: SystemGraph, verification: Verification) -> bool:
    """A SIM change: the victim's phone number is presented and a capability (control of it) is granted."""
    presented = any(
        t in graph.data and graph.data[t].category is DataCategory.PHONE_NUMBER for t in terms_of(verification.requires)
    )
    return presented and any(g not in graph.data for g in verification.grants)


def verifier_controls(graph: SystemGraph, verification: Verification, borne: set[str]) -> tuple[str, ...]:
    """The verifier controls that make sense at `verification` (docs/attack-paths.md, "Identity-theft chains")."""
    if not checks_a_person(graph, verification):
        return ()  # the network delivering to whichever SIM holds the number asks nobody for anything
    terms = terms_of(verification.requires)
    relevant = []
    if has_a_holder(graph, verification):
        relevant.append("second-factor")  # `mfa` counts as it (PlaceControls adds each for the other)
    if any(t.startswith(LIVE) for t in terms):
        relevant.append("human-review")
    if moves_a_number(graph, verification) or borne & set(terms):
        relevant.append("sim-change-notification")
    return tuple(relevant)


def sim_borne(graph: SystemGraph, checks: list[tuple[Verification, frozenset[str]]]) -> set[str]:
    """Capabilities that rest on a number moved to another SIM: what a SIM change grants, and onwards.

    `checks` are the verifications with the terms each reads."""
    found: set[str] = set()
    for verification, _ in checks:
        if moves_a_number(graph, verification):
            found.update(verification.grants)
    changed = True
    while changed:
        changed = False
        for verification, reads in checks:
            if reads & found and not set(verification.grants) <= found:
                found.update(verification.grants)
                changed = True
    return found


def terms_of(requirement: Requirement | str) -> list[str]:
    return [requirement] if isinstance(requirement, str) else requirement.terms()
