"""LINDDUN privacy threats per interaction and per store, for personal data only.

Node ids (`L.1`, `DD.4`, …) name the branch of the LINDDUN threat trees each rule instantiates; the
biometric rules cover biometric-specific cases, so these skip what a `bio-*` rule already reports.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from biotm.legal.bases import rests_on_consent
from biotm.legal.roles import Relation
from biotm.model.schema import (
    IDENTIFIER_CATEGORIES,
    ActorRole,
    Capture,
    ConsentKind,
    DataCategory,
    DataItem,
    ElementType,
    Flow,
)
from biotm.rules.base import (
    ControlPlace,
    Hit,
    RuleContext,
    interaction,
    is_personal,
    legal_parties,
    names,
)
from biotm.rules.biometric.capture import REMOTE_MODALITIES, gallery_labels, presents_own, takes_part
from biotm.rules.registry import rule

FAMILY = "linddun"
_IDENTIFYING = frozenset({DataCategory.BIOMETRIC_SAMPLE, DataCategory.DOCUMENT_IMAGE, *IDENTIFIER_CATEGORIES})
_LINKING = frozenset({*IDENTIFIER_CATEGORIES, DataCategory.QUASI_IDENTIFIER})


def _interaction_hit(flow: Flow, ids: list[str], evidence: str, *controls: ControlPlace) -> Hit:
    return Hit(
        place_kind="interaction",
        places=interaction(flow),
        data=tuple(ids),
        evidence=evidence,
        control_places=(("flow", flow.id), *controls),
        location=("flow", flow.id),
    )


def _to_other_owner(ctx: RuleContext, flow: Flow) -> bool:
    """A disclosure that is not the data subject handing over, or receiving, their own data."""
    if not ctx.is_disclosure(flow):
        return False
    return not ctx.subject_side(flow.source) and ctx.elements[flow.target].role is not ActorRole.DATA_SUBJECT


def _linking_key(item: DataItem) -> bool:
    return item.category in _LINKING


def _from_several_sources(ctx: RuleContext, target: str) -> set[str]:
    """Linking keys that reach `target` from two or more sources (another flow, or holding them itself)."""
    first: dict[str, str] = {}
    many: set[str] = set()
    for inbound in ctx.graph.inbound.get(target, ()):
        for item in ctx.flow_items_where(inbound, _linking_key):
            if first.setdefault(item.id, inbound.source) != inbound.source:
                many.add(item.id)
    for item_id in ctx.elements[target].holds:
        if first.setdefault(item_id, target) != target:
            many.add(item_id)
    return many


@rule(
    id="linddun-linking",
    title="Identifiers let the recipient join records from several sources",
    description="An identifier or quasi-identifiers cross a trust boundary to a system that receives the same "
    "keys from another source too, so it can link the person's records across contexts.",
    family=FAMILY,
    categories=("LINDDUN:Linking",),
    threat_tree=("L.1", "L.2"),
    cwe=("CWE-359",),
    regulations=("GDPR-5", "GDPR-25", "PIPL-51"),
    suppressed_by=(("pseudonymisation",),),
    default_severity="medium",
    base_likelihood=0.45,
    impact_scale=0.8,
)
def linking(ctx: RuleContext) -> Iterator[Hit]:
    # Per target of a crossing flow with linking keys: the keys it gets from two or more sources (other
    # flows, or holding them itself), worked out when first needed.
    linkable: dict[str, set[str]] = {}
    for flow in ctx.crossing_flows:
        if flow.target in ctx.actors or presents_own(ctx, flow):  # showing one's own ID at a check is no join
            continue
        candidates = ctx.flow_items_where(flow, _linking_key)
        if not candidates:
            continue
        many = linkable.get(flow.target)
        if many is None:
            many = linkable[flow.target] = _from_several_sources(ctx, flow.target)
        keys = [d for d in candidates if d.id in many]
        strong = [d for d in keys if d.category in IDENTIFIER_CATEGORIES]
        if not strong and len(keys) < 2:
            continue
        ids = [d.id for d in keys]
        yield _interaction_hit(
            flow,
            ids,
            f"'{flow.target}' gets {names(ids)} over '{flow.id}' and from other sources too, so it can join "
            "the person's records.",
            ("element", flow.target),
        )


_HANDLER_RECIPIENT = frozenset({Relation.DISCLOSE, Relation.UNDECLARED})


@rule(
    id="linddun-identifying",
    title="Identified personal data handed to another organisation",
    description="A flow to another organisation ties attributes to a directly identifying item (a face, an ID "
    "photo or an ID number), where a pseudonym or a derived decision would do.",
    family=FAMILY,
    categories=("LINDDUN:Identifying",),
    threat_tree=("I.1",),
    cwe=("CWE-359",),
    regulations=("PIPL-6", "GDPR-5", "GDPR-25"),
    suppressed_by=(("pseudonymisation",), ("data-minimisation",)),
    default_severity="medium",
    base_likelihood=0.45,
    impact_scale=0.8,
)
def identifying(ctx: RuleContext) -> Iterator[Hit]:
    for flow in ctx.graph.model.flows:
        if not _to_other_owner(ctx, flow):
            continue
        relation = legal_parties(ctx).relation(ctx.owners[flow.source], ctx.owners[flow.target])
        # Shown to the public on purpose (bio-public-disclosure), or asked by a state organ for the person, where
        # no pseudonym would do (legal-state-disclosure: the statute named, each disclosure logged).
        if ctx.elements[flow.target].role is ActorRole.PUBLIC or relation is Relation.STATE:
            continue
        items = [d for d in ctx.flow_items(flow) if is_personal(d) and d.category is not DataCategory.CREDENTIAL]
        direct = [d for d in items if d.category in _IDENTIFYING]
        attributes = [d for d in items if d.category not in _IDENTIFYING]
        if not direct or not attributes:
            continue
        hit = _interaction_hit(
            flow,
            [d.id for d in items],
            f"'{flow.id}' gives {ctx.owners[flow.target]} {names(d.id for d in attributes)} "
            f"named by {names(d.id for d in direct)}.",
            ("element", flow.source),
        )
        yield replace(hit, regulations=("PIPL-23",)) if relation in _HANDLER_RECIPIENT else hit  # another handler


@rule(
    id="linddun-non-repudiation",
    title="Stored biometric evidence ties people to their actions",
    description="A store keeps raw biometric samples beside identifiers, so every record proves that a named "
    "person was present and acted; people lose plausible deniability, and the record can be used against them.",
    family=FAMILY,
    categories=("LINDDUN:Non-repudiation",),
    threat_tree=("N.1",),
    regulations=("GDPR-5", "PIPL-28"),
    suppressed_by=(("delete-after-use",), ("pseudonymisation",)),
    default_severity="low",
    base_likelihood=0.4,
    impact_scale=0.6,
)
def non_repudiation(ctx: RuleContext) -> Iterator[Hit]:
    for store in ctx.elements_of(ElementType.STORE):
        rest = ctx.at_rest(store.id)
        samples = [d.id for d in rest if d.category is DataCategory.BIOMETRIC_SAMPLE]
        named = [d.id for d in rest if d.category in IDENTIFIER_CATEGORIES]
        if samples and named:
            yield Hit.at_element(
                store.id,
                data=tuple(samples + named),
                evidence=f"'{store.id}' keeps {names(samples)} with {names(named)}: a signed-in-person record.",
            )


@rule(
    id="linddun-detecting",
    title="People in a public place are captured without taking part",
    description="An unattended camera in a public place records everyone who passes, so presence at the "
    "place can be deduced later, even without identification.",
    family=FAMILY,
    categories=("LINDDUN:Detecting",),
    threat_tree=("D.1",),
    regulations=("PIPL-26", "CN-FRT-13", "GDPR-5"),
    suppressed_by=(("delete-after-use",), ("data-minimisation",)),
    lowered_by=("signage",),
    default_severity="low",
    base_likelihood=0.6,
    impact_scale=0.6,
)
def detecting(ctx: RuleContext) -> Iterator[Hit]:
    graph = ctx.graph
    for element in graph.model.elements:
        if element.capture is not Capture.UNATTENDED or not graph.public_place(element.id) or takes_part(ctx, element):
            continue  # a gate or kiosk the person uses on purpose does not capture bystanders
        biometric = [d for d in ctx.available(element.id) if d.is_biometric and d.modality in REMOTE_MODALITIES]
        if not biometric or any(graph.lineage[d.id].reaches & ctx.identifying_matchers for d in biometric):
            continue  # bio-public-surveillance reports cameras that feed identification
        ids = [d.id for d in biometric]
        yield Hit.at_element(
            element.id,
            data=tuple(ids),
            evidence=f"'{element.id}' in public zone '{element.zone}' records {names(ids)} of everyone passing.",
        )


def _personal_not_credential(item: DataItem) -> bool:
    return is_personal(item) and item.category is not DataCategory.CREDENTIAL


#: Categories that address a person: an element that delivers to people or their devices uses them.
ADDRESSES = frozenset({DataCategory.PHONE_NUMBER, DataCategory.CONTACT})


def _delivers(ctx: RuleContext, element_id: str) -> bool:
    """The element sends on to a person or a device (an SMS gateway, a mailer): it routes by their address."""
    graph = ctx.graph
    return any(
        graph.elements[f.target].type in (ElementType.ACTOR, ElementType.DEVICE)
        for f in graph.outbound.get(element_id, ())
    )


@rule(
    id="linddun-unnecessary-data",
    title="A process receives personal data it does not use",
    description="A process or device receives personal data that it neither passes on, derives anything from, "
    "nor keeps: data it does not need for its task.",
    family=FAMILY,
    categories=("LINDDUN:Data disclosure",),
    threat_tree=("DD.2",),
    regulations=("PIPL-6", "PIPL-28", "GDPR-5", "GDPR-25"),
    suppressed_by=(("data-minimisation",),),
    default_severity="low",
    base_likelihood=0.5,
    impact_scale=0.7,
)
def unnecessary_data(ctx: RuleContext) -> Iterator[Hit]:
    receivers = {e.id for e in ctx.elements_of(ElementType.PROCESS, ElementType.DEVICE)}
    for flow in ctx.graph.model.flows:
        if flow.target not in receivers:
            continue
        personal = ctx.flow_items_where(flow, _personal_not_credential)
        if not personal:
            continue
        used = ctx.uses(flow.target) | gallery_labels(ctx, flow)  # a matcher names people by its gallery's ids
        if used.issuperset(flow.data):  # most receivers use all they get: skip the per-item check
            continue
        # A number or address is used by whoever delivers to it (an SMS gateway needs the phone number).
        delivers = _delivers(ctx, flow.target)
        unused = [d.id for d in personal if d.id not in used and not (delivers and d.category in ADDRESSES)]
        if unused:
            yield _interaction_hit(
                flow,
                unused,
                f"'{flow.target}' receives {names(unused)} over '{flow.id}' but never passes them on, derives "
                "from them or keeps them.",
                ("element", flow.source),
            )


@rule(
    id="linddun-excessive-retention",
    title="Personal data kept without a retention limit",
    description="A store keeps personal data with no retention period (raw biometric samples are reported by "
    "bio-raw-sample-retained).",
    family=FAMILY,
    categories=("LINDDUN:Data disclosure", "LINDDUN:Non-compliance"),
    threat_tree=("DD.4",),
    regulations=("PIPL-19", "GDPR-5", "BIPA-15a", "CN-FRT-retention"),
    suppressed_by=(("retention-limit",),),
    default_severity="low",
    base_likelihood=0.4,
    impact_scale=0.8,
    exposure=False,
)
def excessive_retention(ctx: RuleContext) -> Iterator[Hit]:
    for store in ctx.elements_of(ElementType.STORE):
        kept = [
            d.id
            for d in ctx.at_rest(store.id)
            if is_personal(d)
            and d.retention_days is None
            and d.category not in (DataCategory.BIOMETRIC_SAMPLE, DataCategory.CREDENTIAL)
        ]
        if kept:
            yield Hit.at_element(
                store.id,
                data=tuple(kept),
                evidence=f"'{store.id}' keeps {names(kept)} with no retention limit.",
            )


@rule(
    id="linddun-unawareness",
    title="Personal data collected without notice or consent",
    description="Personal data are collected from the data subject with no stated consent or notice, so "
    "people do not know what is kept, why, or for how long (biometrics: bio-no-separate-consent).",
    family=FAMILY,
    categories=("LINDDUN:Unawareness",),
    threat_tree=("U.1",),
    regulations=("PIPL-13", "PIPL-17", "GDPR-5", "CN-FRT-5"),
    suppressed_by=(("signage",), ("separate-consent",)),
    default_severity="low",
    base_likelihood=0.5,
    impact_scale=0.6,
    exposure=False,
)
def unawareness(ctx: RuleContext) -> Iterator[Hit]:
    for flow in ctx.flows_from_subjects:
        silent = ctx.per_data(ctx.flow_items(flow), _collected_silently)
        if silent:
            ids, named = silent
            yield _interaction_hit(
                flow,
                list(ids),
                f"'{flow.target}' collects {named} from '{flow.source}' with no consent or notice stated.",
                ("element", flow.target),
            )


def _collected_silently(items: list[DataItem]) -> tuple[tuple[str, ...], str] | None:
    """Ids of the personal, non-biometric, non-credential items with no consent stated, and their names."""
    ids = tuple(
        d.id
        for d in items
        if is_personal(d)
        and not d.is_biometric
        and d.category is not DataCategory.CREDENTIAL
        and d.consent in (None, ConsentKind.NONE)
        and rests_on_consent(d)
    )
    return (ids, names(ids)) if ids else None
