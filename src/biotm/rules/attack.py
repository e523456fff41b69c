"""The attack families: exposure and identity-theft chain findings (scored by the attack stage), and
remote, administrative or bulk access without a second factor.

`atk-exposure` and `idt-chain` are found and scored by `biotm.analysis.stage` from attack paths and
chains (docs/attack-paths.md); they are registered here so that `biotm rules`, `--rules` and reports
know their metadata. Their checks yield nothing: no rule-engine pass finds them.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator

from biotm.model.schema import ActorRole, DataItem, Element
from biotm.rules.base import MANY_SUBJECTS, Hit, RuleContext, is_personal, max_subjects, names
from biotm.rules.evidence import records_of
from biotm.rules.registry import rule

FAMILY = "attack"
#: Roles whose access is administrative: operators run the system, vendors maintain it.
ADMIN_ROLES = frozenset({ActorRole.OPERATOR, ActorRole.VENDOR})
#: Roles that log in with an account of their own (not data subjects, nor the public reading a notice).
ACCOUNT_ROLES = frozenset({ActorRole.STAFF, ActorRole.OPERATOR, ActorRole.OFFICIAL, ActorRole.VENDOR})
#: Either name of the one concept (docs/attack-paths.md, "Second factor").
SECOND_FACTOR_CONTROLS = (("mfa",), ("second-factor",))


@rule(
    id="atk-exposure",
    may_be_critical=True,
    title="Attackers can obtain biometric or document-image data",
    description="Some attacker (outsider, insider misusing its access, vendor, thief, fraudster) obtains a "
    "non-public biometric sample, template or document image beyond its own legitimate view, by the most "
    "likely attack path. Likelihood: the path's step probabilities multiplied (docs/attack-paths.md). An "
    "open place (reached from the internet, asking for no authentication at all) is one finding listing "
    "every item it gives out, critical when they are biometric data of many people.",
    family=FAMILY,
    categories=("STRIDE:Information disclosure", "LINDDUN:Data disclosure", "BIO:exposure"),
    cwe=("CWE-200",),
    # Security of processing where the data rest; BIPA's standard of care for Illinois biometrics; the CN
    # face-recognition measures' encryption, access control and intrusion prevention for face data.
    regulations=("PIPL-51", "GDPR-32", "BIPA-15e", "CN-FRT-security"),
    lowered_by=(
        "network-isolation",
        "authentication",
        "mfa",
        "access-control",
        "audit-logging",
        "query-rate-limit",
        "per-query-justification",
        "dlp",
        "encryption-in-transit",
        "mutual-authentication",
    ),
    default_severity="high",
)
def exposure(ctx: RuleContext) -> Iterator[Hit]:
    return iter(())


@rule(
    id="idt-chain",
    title="Identity theft: a chain of verifications an attacker passes",
    description="With data it can obtain or holds, an attacker passes a chain of verifications that ends in "
    "a high-assurance grant (a SIM in the victim's name, an account takeover). Likelihood: the chain's "
    "steps multiplied (docs/attack-paths.md, 'Identity-theft chains').",
    family=FAMILY,
    categories=("STRIDE:Spoofing", "LINDDUN:Identifying", "BIO:identity-theft"),
    cwe=("CWE-287", "CWE-290"),
    # The verifier operator's security duty, and the identity-proofing and authentication guidelines.
    regulations=("PIPL-51", "GDPR-32", "NIST-800-63A", "NIST-800-63B"),
    lowered_by=(
        "presentation-attack-detection",
        "injection-attack-detection",
        "device-attestation",
        "second-factor",
        "mfa",
        "sim-change-notification",
        "human-review",
    ),
    default_severity="high",
)
def theft_chain(ctx: RuleContext) -> Iterator[Hit]:
    return iter(())


@rule(
    id="atk-no-mfa",
    title="Remote, administrative or bulk access without a second factor",
    description="People log in remotely (from the internet, another organisation's zone, a vendor), "
    "administer the system, or can look up the records of many people, with a password alone: a bought, "
    "phished or leaked login opens it (stolen contractor VPN accounts, bought operator logins).",
    family=FAMILY,
    categories=("STRIDE:Spoofing", "STRIDE:Elevation of privilege", "BIO:access"),
    cwe=("CWE-308",),
    regulations=("PIPL-51", "GDPR-32", "CN-FRT-security"),  # the last for face data only (access control)
    suppressed_by=SECOND_FACTOR_CONTROLS,
    default_severity="high",
    base_likelihood=0.4,
)
def no_mfa(ctx: RuleContext) -> Iterator[Hit]:
    reasons: dict[str, list[str]] = {}
    for element_id, why in _remote(ctx, reading=True):
        reasons.setdefault(element_id, []).append(why)
    for person, system in _accounts(ctx, reading=True):
        grounds: list[str] = []
        if person.role in ADMIN_ROLES:
            grounds.append(f"{person.role.value} '{person.id}' administers it")
        looked_up = [d for d in _records(ctx, system.id) if is_personal(d) and not d.public]
        if max_subjects(looked_up) >= MANY_SUBJECTS:
            grounds.append(f"'{person.id}' can look up the records of {records_of(looked_up)}")
        if grounds:
            reasons.setdefault(system.id, []).extend(grounds)
    for element_id in sorted(reasons):
        said = list(dict.fromkeys(reasons[element_id]))
        records = [d for d in _records(ctx, element_id) if is_personal(d) and not d.public]
        yield Hit.at_element(
            element_id,
            data=tuple(d.id for d in records),
            evidence=f"'{element_id}' has no mfa or second factor, and " + "; ".join(said) + ".",
            subjects=max_subjects(records),  # the count the evidence names first: the same records
        )


def _accounts(ctx: RuleContext, reading: bool) -> list[tuple[Element, Element]]:
    """(person, system) per flow by which a staff, operator, official or vendor account uses a system: it sends
    to it, or (with `reading`) reads its console. Worked out once per context (three rules' passes ask)."""
    return ctx.derived(_reading_accounts if reading else _sending_accounts)


def _reading_accounts(ctx: RuleContext) -> list[tuple[Element, Element]]:
    return list(_walk_accounts(ctx, reading=True))


def _sending_accounts(ctx: RuleContext) -> list[tuple[Element, Element]]:
    return list(_walk_accounts(ctx, reading=False))


def _walk_accounts(ctx: RuleContext, reading: bool) -> Iterator[tuple[Element, Element]]:
    for flow in ctx.graph.model.flows:
        if ctx.is_actor(flow.source):
            person, system = ctx.elements[flow.source], ctx.elements[flow.target]
        elif reading:
            person, system = ctx.elements[flow.target], ctx.elements[flow.source]
        else:
            continue
        if ctx.is_actor(person.id) and not ctx.is_actor(system.id) and person.role in ACCOUNT_ROLES:
            yield person, system


def _remote(ctx: RuleContext, reading: bool) -> Iterator[tuple[str, str]]:
    """(element id, how someone logs into it remotely): `logins` accepted from an internet-facing zone, or an
    account from another organisation or from the internet (a contractor's VPN login)."""
    graph = ctx.graph
    for element in graph.model.elements:
        if element.logins and not ctx.is_actor(element.id) and graph.zones[element.zone].internet_facing:
            yield element.id, f"it accepts {names(element.logins)} from the internet"
    for person, system in _accounts(ctx, reading):
        if ctx.owners[person.id] != ctx.owners[system.id] or graph.zones[person.zone].internet_facing:
            yield system.id, f"'{person.id}' logs in to it from {ctx.owners[person.id]}"


def _records(ctx: RuleContext, element_id: str) -> list[DataItem]:
    """What a login here can look up: data at rest here and what it reads from stores (sorted by id)."""
    received = ctx.received_from_store.get(element_id)
    if not received:
        return ctx.at_rest(element_id)  # the shared list, already sorted by id (most of a national model's places)
    return ctx.items({d.id for d in ctx.at_rest(element_id)} | received)


def remote_logins(ctx: RuleContext) -> dict[str, str]:
    """Elements a person logs into remotely with a password alone (no `mfa`/`second-factor`): id -> who.

    Remote as `atk-no-mfa` reads it (`_remote`), counting only accounts that send to the element.
    """
    found: dict[str, str] = {}
    for element_id, who in _remote(ctx, reading=False):
        found.setdefault(element_id, who)
    return {
        element_id: who
        for element_id, who in sorted(found.items())
        if not ctx.element_controls(element_id) & {"mfa", "second-factor"}
    }


def reached_by_remote_login(ctx: RuleContext) -> dict[str, str]:
    """Elements a stolen remote login leads to: the login's element, and what flows connect it to inside the
    same organisation (lateral movement), each with the reason. Shared by the rules (`ctx.derived`)."""
    graph = ctx.graph
    reasons: dict[str, str] = {}
    queue: deque[str] = deque()
    for gateway, who in remote_logins(ctx).items():
        reasons[gateway] = f"a stolen password alone opens '{gateway}' remotely ({who})"
        queue.append(gateway)
    while queue:
        node = queue.popleft()
        for flow in sorted([*graph.inbound.get(node, ()), *graph.outbound.get(node, ())], key=lambda f: f.id):
            other = flow.target if flow.source == node else flow.source
            if other in reasons or ctx.is_actor(other) or ctx.owners[other] != ctx.owners[node]:
                continue
            reasons[other] = reasons[node] + ", and flows lead from there to here"
            queue.append(other)
    return reasons
