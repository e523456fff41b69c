"""Biometric data at rest: unencrypted, exposed, raw samples kept, templates unprotected, linkable stores."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from biotm.model.schema import DataCategory, DataItem, ElementType
from biotm.result import Factor
from biotm.rules.attack import reached_by_remote_login
from biotm.rules.base import (
    IDENTITY_CATEGORIES,
    MANY_SUBJECTS,
    Hit,
    RuleContext,
    is_exposed_biometric,
    is_protected_biometric,
    max_subjects,
    names,
    people,
)
from biotm.rules.registry import rule
from biotm.scoring import REMOTE_LOGIN_REACH

FAMILY = "biometric"
#: Element types whose data at rest the operator controls (externals are someone else's systems).
RESTING = (ElementType.STORE, ElementType.DEVICE, ElementType.PROCESS)


@rule(
    id="bio-store-unencrypted",
    title="Biometric data stored without encryption at rest",
    description="Biometric samples or templates rest in a store or on a device without encryption at rest, "
    "so a copied disk, backup or database dump reveals them.",
    family=FAMILY,
    categories=("BIO:Storage", "STRIDE:Information disclosure", "LINDDUN:Data disclosure"),
    threat_tree=("DD.5",),
    cwe=("CWE-311",),
    regulations=("PIPL-51", "GDPR-32", "BIPA-15e", "CN-FRT-security", "ISO-24745"),
    suppressed_by=(("encryption-at-rest",),),
    default_severity="high",
    base_likelihood=0.35,
)
def store_unencrypted(ctx: RuleContext) -> Iterator[Hit]:
    for element in ctx.elements_of(*RESTING):
        found = ctx.per_data(ctx.at_rest(element.id), _readable_biometrics)
        if found:
            ids, what = found
            yield Hit.at_element(
                element.id,
                data=ids,
                evidence=f"'{element.id}' keeps {what} with no encryption-at-rest control and no template protection.",
                likelihood_factors=_reach(ctx, element.id),
            )


def _reach(ctx: RuleContext, element_id: str) -> tuple[Factor, ...]:
    """How reachable an unencrypted copy is: a remote login without a second factor leading here makes a
    dump likelier than the base rate for a disk or backup."""
    why = ctx.derived(reached_by_remote_login).get(element_id)
    return (Factor(reason=why, effect=REMOTE_LOGIN_REACH),) if why else ()


def _identity_at_rest(items: list[DataItem]) -> tuple[str, ...]:
    """Ids of the non-biometric identity items (ID numbers, document images, phone numbers) of many people."""
    return tuple(
        d.id
        for d in items
        if d.category in IDENTITY_CATEGORIES and not d.is_biometric and not d.public and d.subjects >= MANY_SUBJECTS
    )


@rule(
    id="bio-identity-store-unencrypted",
    title="Identity data of many people stored without encryption at rest",
    description="National ID numbers, document numbers or images, driver-licence or phone numbers of many "
    "people rest without encryption at rest, so a copied disk, backup or dump is a ready list for identity "
    "fraud (OPM 2015, Indonesian SIM registrations 2022). Where biometrics rest unencrypted too, "
    "bio-store-unencrypted reports the place instead.",
    family=FAMILY,
    categories=("BIO:Storage", "STRIDE:Information disclosure", "LINDDUN:Data disclosure"),
    threat_tree=("DD.5",),
    cwe=("CWE-311",),
    regulations=("PIPL-51", "GDPR-32"),
    suppressed_by=(("encryption-at-rest",),),
    default_severity="high",
    base_likelihood=0.35,
)
def identity_store_unencrypted(ctx: RuleContext) -> Iterator[Hit]:
    for element in ctx.elements_of(*RESTING):
        items = ctx.at_rest(element.id)
        if ctx.per_data(items, _readable_biometrics):
            continue  # one cause, one finding: bio-store-unencrypted names this place
        ids = ctx.per_data(items, _identity_at_rest)
        if ids:
            found = ctx.items(ids)
            yield Hit.at_element(
                element.id,
                data=ids,
                evidence=f"'{element.id}' keeps {names(ids)} ({people(max_subjects(found))} people) with no "
                "encryption-at-rest control.",
                likelihood_factors=_reach(ctx, element.id),
            )


def _readable_biometrics(items: list[DataItem]) -> tuple[tuple[str, ...], str] | None:
    """Ids of the readable biometric items and how evidence names them, or None."""
    exposed = [d for d in items if is_exposed_biometric(d)]
    if not exposed:
        return None
    ids = tuple(d.id for d in exposed)
    return ids, f"{names(ids)} ({people(max_subjects(exposed))} people)"


@rule(
    id="bio-store-exposed",
    may_be_critical=True,
    title="Store of biometric or identity data reachable from an exposed zone",
    description="A store holding biometric or identity data of many people is in, or exchanges data with, an "
    "internet-facing or public zone without authentication or access control (SenseNets, Suprema, "
    "Shanghai police).",
    family=FAMILY,
    categories=("BIO:Exposure", "STRIDE:Information disclosure", "LINDDUN:Data disclosure"),
    threat_tree=("DD.5",),
    cwe=("CWE-306", "CWE-284"),
    regulations=("PIPL-51", "GDPR-32", "BIPA-15e", "CN-FRT-security"),
    suppressed_by=(("authentication",), ("access-control",), ("network-isolation",)),
    lowered_by=("query-rate-limit", "audit-logging"),
    default_severity="critical",
    base_likelihood=0.6,
)
def store_exposed(ctx: RuleContext) -> Iterator[Hit]:
    graph = ctx.graph
    for store in ctx.elements_of(ElementType.STORE):
        sensitive = [d for d in ctx.at_rest(store.id) if d.category in IDENTITY_CATEGORIES]
        if not sensitive or max_subjects(sensitive) < MANY_SUBJECTS:
            continue
        zone = graph.zone_of(store.id)
        reasons: list[str] = []
        via: list[str] = []
        if zone.internet_facing or zone.public_place:
            reasons.append(f"it sits in {'internet-facing' if zone.internet_facing else 'public'} zone '{zone.id}'")
        for flow in [*graph.inbound.get(store.id, []), *graph.outbound.get(store.id, [])]:
            other = flow.target if flow.source == store.id else flow.source
            other_zone = graph.zone_of(other)
            if other_zone.id == zone.id or not (other_zone.internet_facing or other_zone.public_place):
                continue  # same zone: already counted above
            if "authentication" not in ctx.flow_controls(flow.id):
                via.append(flow.id)
        if via:
            reasons.append(f"unauthenticated flows {names(sorted(via))} connect it to an exposed zone")
        if not reasons:
            continue
        ids = [d.id for d in sensitive]
        yield Hit.at_element(
            store.id,
            data=tuple(ids),
            evidence=f"Store '{store.id}' holds {names(ids)} of {people(max_subjects(sensitive))} people and "
            + "; ".join(reasons)
            + ".",
            likelihood_factors=(Factor(reason="exposed to anyone who finds it", effect=0.1),),
            # An internet-reachable biometric store with nothing in front of it: the commonest mass leak.
            critical=any(d.is_biometric for d in sensitive) and (zone.internet_facing or bool(via)),
        )


def _sample(item: DataItem) -> bool:
    return item.category is DataCategory.BIOMETRIC_SAMPLE


@rule(
    id="bio-raw-sample-retained",
    title="Raw biometric samples kept",
    description="Raw face images, fingerprints or recordings are stored where a template or a decision would "
    "do, or kept without a retention limit; raw samples feed spoofing and template inversion after a leak.",
    family=FAMILY,
    categories=("BIO:Retention", "LINDDUN:Data disclosure"),
    threat_tree=("DD.4",),
    cwe=("CWE-359",),
    regulations=("GDPR-5", "BIPA-15a", "CN-FRT-retention", "NIST-800-63B", "PIPL-19", "PIPL-28"),
    suppressed_by=(("delete-after-use",), ("data-minimisation",)),
    lowered_by=("retention-limit",),
    default_severity="high",
    base_likelihood=0.45,
)
def raw_sample_retained(ctx: RuleContext) -> Iterator[Hit]:
    for element in ctx.elements_of(*RESTING):
        # A document's portrait is read as biometric, but it is the document's record: no template would do.
        samples = [d for d in ctx.where(ctx.at_rest(element.id), _sample) if d.id not in ctx.portraits]
        if not samples:
            continue
        unlimited = [d.id for d in samples if d.retention_days is None]
        longest = max((d.retention_days or 0) for d in samples)
        factors: tuple[Factor, ...]
        if unlimited:
            detail = f"with no retention limit for {names(unlimited)}"
            factors = (Factor(reason="no retention limit", effect=0.15),)
        else:
            detail = f"for up to {longest} days"
            factors = (Factor(reason=f"kept {longest} days", effect=0.1 if longest > 365 else 0.0),)
        ids = [d.id for d in samples]
        yield Hit.at_element(
            element.id,
            data=tuple(ids),
            evidence=f"'{element.id}' keeps raw samples {names(ids)} {detail}; a protected template or the "
            "match decision would serve most purposes.",
            likelihood_factors=factors,
        )


def _unprotected_template(item: DataItem) -> bool:
    return item.category is DataCategory.BIOMETRIC_TEMPLATE and not is_protected_biometric(item)


@rule(
    id="bio-template-unprotected",
    title="Biometric templates without irreversible, unlinkable protection",
    description="Templates are stored as plain or merely encrypted feature vectors; deep templates can be "
    "inverted into a usable face and linked across databases (ISO/IEC 24745).",
    family=FAMILY,
    categories=("BIO:Template protection", "LINDDUN:Linking", "STRIDE:Information disclosure"),
    threat_tree=("L.1", "I.1"),
    cwe=("CWE-922",),
    regulations=("ISO-24745", "NIST-800-63B", "GDPR-25", "GDPR-32", "PIPL-51"),
    suppressed_by=(("template-protection",),),
    lowered_by=("encryption-at-rest",),
    default_severity="high",
    base_likelihood=0.4,
)
def template_unprotected(ctx: RuleContext) -> Iterator[Hit]:
    for element in ctx.elements_of(*RESTING):
        templates = ctx.where(ctx.at_rest(element.id), _unprotected_template)
        if templates:
            ids = [d.id for d in templates]
            yield Hit.at_element(
                element.id,
                data=tuple(ids),
                evidence=f"'{element.id}' stores templates {names(ids)} with protection "
                f"'{templates[0].protection.value}': reversible to a face or fingerprint and linkable "
                "between databases.",
            )


@rule(
    id="bio-cross-database-linkage",
    title="Same biometric stored in several databases, linkable",
    description="The same modality is stored by several stores or owners without unlinkable protection, so "
    "records of one person can be joined across databases by comparing the biometrics.",
    family=FAMILY,
    categories=("BIO:Linkage", "LINDDUN:Linking"),
    threat_tree=("L.1", "L.2"),
    cwe=("CWE-359",),
    regulations=("ISO-24745", "GDPR-25", "GDPR-5", "PIPL-51"),
    suppressed_by=(("template-protection",), ("pseudonymisation",)),
    default_severity="medium",
    base_likelihood=0.35,
)
def cross_database_linkage(ctx: RuleContext) -> Iterator[Hit]:
    graph = ctx.graph
    by_modality: dict[str, list[tuple[str, list[str]]]] = defaultdict(list)
    for store in ctx.elements_of(ElementType.STORE):
        per: dict[str, list[str]] = defaultdict(list)
        for item in ctx.at_rest(store.id):
            if item.is_biometric and item.modality is not None and not is_protected_biometric(item):
                per[item.modality.value].append(item.id)
        for modality, ids in per.items():
            by_modality[modality].append((store.id, ids))
    for modality, holders in sorted(by_modality.items()):
        if len(holders) < 2:
            continue
        open_ids = sorted(
            s for s, _ in holders if not ({"template-protection", "pseudonymisation"} & ctx.element_controls(s))
        )
        open_set = set(open_ids)
        owners = sorted({graph.owner_of(s) for s, _ in holders})
        # rounded as every reported effect is: 0.05 * 6 is 0.30000000000000004 in floating point
        effect = round(0.05 * (len(owners) - 1), 4)
        factor = Factor(reason=f"{len(owners)} organisations hold {modality} data", effect=effect)
        for store_id, ids in holders:
            count = len(open_ids) - (1 if store_id in open_set else 0)
            if count == 0:
                continue
            shown = [s for s in open_ids[:6] if s != store_id][:5]
            more = f" and {count - len(shown)} more" if count > len(shown) else ""
            yield Hit.at_element(
                store_id,
                data=tuple(ids),
                evidence=f"'{store_id}' stores {modality} data {names(ids)} that can be matched against "
                f"{names(shown)}{more} (owners: {', '.join(owners)}).",
                likelihood_factors=(factor,),
            )
