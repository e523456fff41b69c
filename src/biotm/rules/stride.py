"""STRIDE per interaction across trust boundaries, as MS TMT and Threagile do, suppressed by controls.

Each rule looks only at flows that leave a trust zone, and fires at most once per interaction
(source -> flow -> target). Flows inside one zone are the zone owner's business and are left alone,
so large models do not drown in generic findings.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from biotm.analysis.candidates import fits
from biotm.model.schema import ActorRole, ElementType, Flow
from biotm.rules.base import ControlPlace, Hit, RuleContext, interaction, is_exposed_biometric, is_personal, names
from biotm.rules.biometric.capture import presents_own
from biotm.rules.published import shown_by
from biotm.rules.registry import rule

FAMILY = "stride"
_SYSTEM_TARGETS = (ElementType.PROCESS, ElementType.STORE, ElementType.DEVICE)


class _Crossing(NamedTuple):
    """One flow that leaves its trust zone, with what every STRIDE rule asks of it, worked out once."""

    flow: Flow
    places: tuple[str, str, str]
    #: "'source' (zone) -> 'flow' -> 'target' (zone): ", the start of every STRIDE evidence text.
    prefix: str
    data: tuple[str, ...]
    personal: tuple[str, ...]
    #: Personal items other than biometrics (bio-transit-cleartext reports those).
    personal_non_biometric: tuple[str, ...]
    target_actor: bool
    source_actor: bool
    #: The target is a process, store or device an organisation runs.
    operated_target: bool
    #: The last hop to the data subject's own device (an SMS to the subscriber's handset): nobody running the
    #: system can authenticate, encrypt or integrity-protect it there; the SMS channel's own weakness (SIM
    #: swap, interception) is the identity-theft chains' to report. Likewise a hop with no channel to protect
    #: (an SMS over the carrier's radio link, a screen read by a person: `candidates.fits`).
    to_subjects_device: bool
    untrusted_source: bool
    #: ("flow", id): where the findings point in the file.
    on_flow: ControlPlace
    #: Whose controls count: the flow's alone, or the flow's and its target's.
    flow_controls: tuple[ControlPlace, ...]
    flow_and_target_controls: tuple[ControlPlace, ...]


def _crossings(ctx: RuleContext) -> list[_Crossing]:
    out: list[_Crossing] = []
    # Flows with the same data share their id tuples (RuleContext shares the item lists they come from).
    ids_of: dict[int, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {}
    for flow in ctx.crossing_flows:
        items = ctx.flow_items(flow)
        ids = ids_of.get(id(items))
        if ids is None:
            ids = ids_of[id(items)] = (
                tuple(d.id for d in items),
                tuple(d.id for d in items if is_personal(d)),
                tuple(d.id for d in items if is_personal(d) and not d.is_biometric),
            )
        source, target = ctx.elements[flow.source], ctx.elements[flow.target]
        on_flow: ControlPlace = ("flow", flow.id)
        out.append(
            _Crossing(
                flow=flow,
                places=interaction(flow),
                prefix=f"'{flow.source}' ({source.zone}) -> '{flow.id}' -> '{flow.target}' ({target.zone}): ",
                data=ids[0],
                personal=ids[1],
                personal_non_biometric=ids[2],
                target_actor=flow.target in ctx.actors,
                source_actor=flow.source in ctx.actors,
                operated_target=target.type in _SYSTEM_TARGETS and not target.subject_controlled,
                to_subjects_device=(target.type is not ElementType.ACTOR and ctx.subject_side(target.id))
                or not fits(ctx.graph, flow.id, "encryption-in-transit"),
                untrusted_source=_untrusted_source(ctx, flow),
                on_flow=on_flow,
                flow_controls=(on_flow,),
                flow_and_target_controls=(on_flow, ("element", flow.target)),
            )
        )
    return out


def _hit(crossing: _Crossing, evidence: str, *, target_controls: bool = True, personal: bool = False) -> Hit:
    return Hit(
        place_kind="interaction",
        places=crossing.places,
        data=crossing.personal if personal else crossing.data,
        evidence=crossing.prefix + evidence,
        control_places=crossing.flow_and_target_controls if target_controls else crossing.flow_controls,
        location=crossing.on_flow,
    )


def _untrusted_source(ctx: RuleContext, flow: Flow) -> bool:
    source = ctx.elements[flow.source]
    zone = ctx.graph.zone_of(flow.source)
    return (
        zone.internet_facing
        or zone.public_place
        or source.subject_controlled
        or source.role in (ActorRole.PUBLIC, ActorRole.DATA_SUBJECT)
    )


@rule(
    id="stride-spoofing",
    title="Caller across a trust boundary is not authenticated",
    description="A flow enters another trust zone without authentication, so anyone who can reach the target "
    "can pose as the legitimate source.",
    family=FAMILY,
    categories=("STRIDE:Spoofing",),
    cwe=("CWE-290", "CWE-306"),
    regulations=("GDPR-32", "PIPL-51"),
    suppressed_by=(("authentication",), ("mutual-authentication",)),
    default_severity="medium",
    base_likelihood=0.4,
    impact_scale=0.7,
)
def spoofing(ctx: RuleContext) -> Iterator[Hit]:
    for crossing in ctx.derived(_crossings):
        if crossing.target_actor or crossing.to_subjects_device:
            continue
        yield _hit(crossing, "the target accepts this flow from anyone; nothing authenticates the source.")


@rule(
    id="stride-tampering",
    title="Flow across a trust boundary has no integrity protection",
    description="Data cross a trust boundary on a channel with neither encryption nor mutual authentication, "
    "so a party on the path can change them (where readable biometrics ride the flow, bio-transit-cleartext "
    "reports it).",
    family=FAMILY,
    categories=("STRIDE:Tampering",),
    cwe=("CWE-345",),
    regulations=("GDPR-32", "PIPL-51"),
    suppressed_by=(("encryption-in-transit",), ("mutual-authentication",)),
    default_severity="medium",
    base_likelihood=0.3,
    impact_scale=0.6,
)
def tampering(ctx: RuleContext) -> Iterator[Hit]:
    for crossing in ctx.derived(_crossings):
        flow = crossing.flow
        if ctx.is_system_flow(flow) and ctx.flow_items_where(flow, is_exposed_biometric):
            # One cause, one finding: unencrypted, bio-transit-cleartext reports it (STRIDE:Tampering among its
            # categories); encrypted, this rule is suppressed anyway. Asked without the flow's controls, so the
            # mitigation planner need not re-check the rule for every encryption it tries.
            continue
        if flow.data and not crossing.source_actor and not crossing.target_actor and not crossing.to_subjects_device:
            evidence = f"{names(sorted(flow.data))} travel without integrity protection."
            yield _hit(crossing, evidence, target_controls=False)


@rule(
    id="stride-information-disclosure",
    title="Personal data cross a trust boundary unencrypted",
    description="Personal data cross a trust boundary without encryption in transit (not what the target then "
    "shows the public); a flow that also carries readable biometrics is bio-transit-cleartext's finding.",
    family=FAMILY,
    categories=("STRIDE:Information disclosure", "LINDDUN:Data disclosure"),
    threat_tree=("DD.5",),
    cwe=("CWE-319",),
    regulations=("GDPR-32", "PIPL-51"),
    suppressed_by=(("encryption-in-transit",),),
    default_severity="medium",
    base_likelihood=0.35,
)
def information_disclosure(ctx: RuleContext) -> Iterator[Hit]:
    for crossing in ctx.derived(_crossings):
        if crossing.source_actor or crossing.target_actor or crossing.to_subjects_device:
            continue
        shown = shown_by(ctx, crossing.flow.target)  # fed to a public screen: public a step later
        if any(d.id not in shown for d in ctx.flow_items_where(crossing.flow, is_exposed_biometric)):
            continue  # one cause, one finding: bio-transit-cleartext reports the flow and names what rides with them
        personal = [p for p in crossing.personal_non_biometric if p not in shown]
        if personal:
            yield _hit(crossing, f"{names(personal)} travel unencrypted.", target_controls=False, personal=True)


@rule(
    id="stride-repudiation",
    title="Requests across a trust boundary are not logged",
    description="A system receives personal data across a trust boundary and neither it nor the flow keeps an "
    "audit log, so misuse cannot be traced to whoever sent or asked for it.",
    family=FAMILY,
    categories=("STRIDE:Repudiation",),
    cwe=("CWE-778",),
    regulations=("PIPL-51", "GDPR-32", "CN-FRT-security"),
    suppressed_by=(("audit-logging",),),
    default_severity="low",
    base_likelihood=0.4,
    impact_scale=0.6,
)
def repudiation(ctx: RuleContext) -> Iterator[Hit]:
    for crossing in ctx.derived(_crossings):
        # A person presenting their own face and ID in person is the check itself, not a request to log.
        if crossing.operated_target and crossing.personal and not presents_own(ctx, crossing.flow):
            yield _hit(crossing, "no audit log records who sent what.", personal=True)


@rule(
    id="stride-denial-of-service",
    title="Exposed entry point without rate limits",
    description="A system takes requests from an internet-facing, public or subject-controlled source with no "
    "quota or rate limit, so it can be flooded (and probed in bulk).",
    family=FAMILY,
    categories=("STRIDE:Denial of service",),
    cwe=("CWE-770",),
    regulations=("PIPL-51", "GDPR-32"),
    suppressed_by=(("query-rate-limit",),),
    default_severity="low",
    base_likelihood=0.35,
    impact_scale=0.5,
)
def denial_of_service(ctx: RuleContext) -> Iterator[Hit]:
    for crossing in ctx.derived(_crossings):
        if crossing.operated_target and not crossing.source_actor and crossing.untrusted_source:
            yield _hit(crossing, "requests from an exposed source are not rate-limited.")


@rule(
    id="stride-elevation-of-privilege",
    title="Exposed source reaches a system without access control",
    description="A flow from an internet-facing, public or subject-controlled source reaches a process or store "
    "that enforces no access control, so the caller acts with the system's privileges.",
    family=FAMILY,
    categories=("STRIDE:Elevation of privilege",),
    cwe=("CWE-285",),
    regulations=("PIPL-51", "GDPR-32"),
    suppressed_by=(("access-control",),),
    default_severity="medium",
    base_likelihood=0.35,
    impact_scale=0.7,
)
def elevation(ctx: RuleContext) -> Iterator[Hit]:
    for crossing in ctx.derived(_crossings):
        target = ctx.elements[crossing.flow.target]
        if target.type in (ElementType.PROCESS, ElementType.STORE) and crossing.untrusted_source:
            yield _hit(crossing, "the target enforces no access control on what this source may do.")
