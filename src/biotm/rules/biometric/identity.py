"""Identity-level risk: identity-theft kits, insider bulk access, 1:N galleries, biometric-only decisions."""

from __future__ import annotations

from collections.abc import Iterator

from biotm.analysis.chain_ways import ways_of
from biotm.model.schema import DataCategory, DataItem, Element, ElementType, Flow, Matching
from biotm.result import Factor
from biotm.rules.base import (
    IDENTITY_CATEGORIES,
    INSIDER_ROLES,
    KIT_PARTS,
    MANY_SUBJECTS,
    NATIONAL_SCALE,
    ControlPlace,
    Hit,
    RuleContext,
    kit_parts,
    max_subjects,
    names,
    people,
)
from biotm.rules.evidence import records_of
from biotm.rules.registry import rule

FAMILY = "biometric"


def _kit(items: list[DataItem]) -> tuple[list[str], int] | None:
    """The ids forming a complete kit among `items` and the people it covers, or None."""
    bulk = [d for d in items if d.subjects >= MANY_SUBJECTS]
    parts = kit_parts(bulk)
    if not all(p in parts for p in KIT_PARTS):
        return None
    ids = sorted(i for p in KIT_PARTS for i in parts[p])
    covered = min(max_subjects(d for d in bulk if d.id in parts[p]) for p in KIT_PARTS)
    return ids, covered


@rule(
    id="bio-identity-kit",
    may_be_critical=True,
    title="Face, national ID number and phone number of many people together",
    description="One store or flow combines a face or document image, a national identifier and a phone "
    "number for many people: exactly what SIM registration, eKYC and bank resets check, so a leak is a "
    "ready identity-theft kit (Shanghai 2022, Indonesia 2022).",
    family=FAMILY,
    categories=("BIO:Identity kit", "LINDDUN:Linking", "LINDDUN:Identifying", "LINDDUN:Data disclosure"),
    threat_tree=("L.1", "I.1", "DD.2"),
    cwe=("CWE-359",),
    regulations=("PIPL-28", "PIPL-51", "PIPL-55", "GDPR-5", "GDPR-32", "CN-FRT-security"),
    # Encryption in transit counts on a flow only (`fitting`): an encrypted hop is not where the kit is kept
    # together; the store that receives it is (its own finding), and the disclosure is the disclosure rules'.
    suppressed_by=(("pseudonymisation",), ("data-minimisation",), ("encryption-in-transit",)),
    lowered_by=("encryption-at-rest", "access-control", "audit-logging", "dlp"),
    default_severity="critical",
    base_likelihood=0.45,
)
def identity_kit(ctx: RuleContext) -> Iterator[Hit]:
    graph = ctx.graph
    for element in ctx.elements_of(ElementType.STORE):
        kit = ctx.per_data(ctx.at_rest(element.id), _kit)
        if kit:
            ids, covered = kit
            yield Hit.at_element(
                element.id,
                data=tuple(ids),
                evidence=f"Store '{element.id}' keeps {names(ids)} together for {people(covered)} people: a "
                "complete kit to open SIMs, pass eKYC and reset accounts in their names.",
                # A national kit in the clear is critical however access is limited: one copy is the population.
                critical=covered >= NATIONAL_SCALE,
                critical_unless=("encryption-at-rest",),
                subjects=covered,
            )
    crossing, actors = ctx.crossing_ids, ctx.actors
    for flow in graph.model.flows:
        # A kit takes three items (face, national id, phone), so a flow with fewer cannot carry one.
        if len(flow.data) < len(KIT_PARTS) or not (flow.id in crossing or flow.target in actors):
            continue
        if _reported_elsewhere(ctx, flow):
            continue
        kit = ctx.per_data(ctx.flow_items(flow), _kit)  # many flows carry the same items
        if kit:
            ids, covered = kit
            yield Hit(
                place_kind="flow",
                places=(flow.id,),
                data=tuple(ids),
                evidence=f"Flow '{flow.id}' ({flow.source} -> {flow.target}) carries {names(ids)} for "
                f"{people(covered)} people "
                + ("to a person." if ctx.is_actor(flow.target) else "across a trust boundary."),
                control_places=(("flow", flow.id), ("element", flow.source)),
                location=("flow", flow.id),
                subjects=covered,
            )


def _reported_elsewhere(ctx: RuleContext, flow: Flow) -> bool:
    """One cause, one finding: a kit flow that another finding already stands for.

    A capture from the data subject carries one person's own data at a time (not a bulk kit); a flow to an
    insider is bio-insider-bulk-access's place; a flow within one organisation into or out of a store that
    keeps the kit is the store's kit finding.
    """
    graph = ctx.graph
    if ctx.subject_side(flow.source):
        return True
    target = graph.elements[flow.target]
    if target.type is ElementType.ACTOR and target.role in INSIDER_ROLES:
        return True
    if ctx.is_disclosure(flow):
        return False
    return any(
        graph.elements[end].type is ElementType.STORE and ctx.per_data(ctx.at_rest(end), _kit)
        for end in (flow.source, flow.target)
    )


def _bulk_records(ctx: RuleContext, source: Element, flow: Flow) -> list[DataItem]:
    """Identity items of many people the flow hands out of stored records (not one live capture)."""
    bulk = ctx.flow_items_where(flow, _bulk_identity)
    if not bulk:
        return []
    stored = ctx.graph.at_rest.get(source.id, set())
    from_store = ctx.received_from_store.get(source.id, set())
    return [d for d in bulk if d.id in stored or d.id in from_store]


def _wording_controls(ctx: RuleContext, element_id: str, flow_id: str) -> frozenset[str]:
    """The controls at the hit's control places, for its evidence wording only. Read from the context's sets,
    not through `controls_at`, which records a read: the planner re-checks a rule wherever its check read
    controls, and re-checking this one for every candidate at its places tripled a 10k plan's time. The
    engine applies these controls to the hit's score through its control places; the wording never does."""
    return ctx.element_control_sets.get(element_id, frozenset()) | ctx.flow_control_sets.get(flow_id, frozenset())


def _bulk_identity(item: DataItem) -> bool:
    return item.category in IDENTITY_CATEGORIES and item.subjects >= MANY_SUBJECTS


@rule(
    id="bio-insider-bulk-access",
    may_be_critical=True,
    title="Insiders can read many people's biometric or identity records",
    description="Staff, officials or vendors can read many people's biometric or identity records without "
    "least-privilege access control and audit logging: the 'leaked or sold' risk (Aadhaar portal logins, "
    "RENAPER's generic account, telecom staff selling subscriber data).",
    family=FAMILY,
    categories=("BIO:Insider", "STRIDE:Information disclosure", "STRIDE:Repudiation", "LINDDUN:Data disclosure"),
    threat_tree=("DD.5",),
    cwe=("CWE-284", "CWE-778"),
    regulations=("PIPL-51", "GDPR-32", "BIPA-15c", "BIPA-15e", "CN-FRT-security"),
    suppressed_by=(("access-control", "audit-logging"),),
    lowered_by=("access-control", "audit-logging", "query-rate-limit", "dlp", "mfa"),
    default_severity="critical",
    base_likelihood=0.35,
)
def insider_bulk_access(ctx: RuleContext) -> Iterator[Hit]:
    graph = ctx.graph
    for flow in ctx.flows_to_actors:
        reader = graph.elements[flow.target]
        source = graph.elements[flow.source]
        if reader.role not in INSIDER_ROLES:
            continue
        if source.type is ElementType.ACTOR:
            continue
        items = _bulk_records(ctx, source, flow)
        if not items:
            continue
        ids = [d.id for d in items]
        headcount = reader.people if reader.people is not None else 1
        places: tuple[ControlPlace, ...] = (("element", source.id), ("flow", flow.id))
        present = _wording_controls(ctx, source.id, flow.id)
        lacking = " and ".join(c.replace("-", " ") for c in ("access-control", "audit-logging") if c not in present)
        lacking = lacking or "review of the access log"
        yield Hit(
            place_kind="interaction",
            places=(source.id, flow.id, reader.id),
            data=tuple(ids),
            evidence=f"{people(headcount)} '{reader.id}' ({reader.role.value if reader.role else 'insider'}) read "
            f"the records of {records_of(items)} from '{source.id}' over '{flow.id}'; "
            f"without {lacking}, bulk lookups and resale go unnoticed.",
            control_places=places,
            location=("flow", flow.id),
        )


_VERIFY_WORDS = ("verif", "auth", "access", "login", "payment", "onboard", "kyc")


@rule(
    id="bio-central-identification",
    title="1:N matching against a central gallery",
    description="A process searches a central biometric gallery (1:N) where a 1:1 comparison against the "
    "claimed identity, or matching on the user's device, would serve the purpose; the gallery is a honeypot "
    "and the search is high-risk remote identification (EU AI Act Annex III).",
    family=FAMILY,
    categories=("BIO:Central matching", "LINDDUN:Identifying", "LINDDUN:Non-compliance"),
    threat_tree=("I.1", "NC.2"),
    regulations=("AIACT-AnnexIII-1", "GDPR-5", "GDPR-25", "NIST-800-63B", "CN-FRT-device-storage", "PIPL-28"),
    suppressed_by=(("on-device-matching",),),
    lowered_by=("template-protection",),
    default_severity="high",
    base_likelihood=0.4,
)
def central_identification(ctx: RuleContext) -> Iterator[Hit]:
    for element in ctx.graph.model.elements:
        if element.matching is not Matching.IDENTIFY:
            continue
        gallery = [d for d in ctx.available(element.id) if d.is_biometric and d.subjects >= MANY_SUBJECTS]
        if not gallery:
            continue
        purpose = (element.purpose or "").lower()
        verifying = bool(element.verifies) or any(w in purpose for w in _VERIFY_WORDS)
        factors = (
            (Factor(reason="the purpose is to verify a claimed identity: 1:1 would do", effect=0.2),)
            if verifying
            else ()
        )
        ids = [d.id for d in gallery]
        yield Hit.at_element(
            element.id,
            data=tuple(ids),
            evidence=f"'{element.id}' ({element.purpose or 'purpose not stated'}) searches {names(ids)} of "
            f"{people(max_subjects(gallery))} people one-to-many.",
            likelihood_factors=factors,
        )


def _biometric_terms(ctx: RuleContext, element: Element, terms: list[str]) -> tuple[list[str], set[str]]:
    """The biometric evidence terms, and the data items behind them (a live face: the faces seen here)."""
    bio = [t for t in terms if t.startswith("live:") or (t in ctx.data and ctx.data[t].is_biometric)]
    live = {t.removeprefix("live:") for t in bio if t.startswith("live:")}
    items = {t for t in bio if t in ctx.data}
    items.update(d.id for d in ctx.available(element.id) if d.is_biometric and d.modality and d.modality.value in live)
    return bio, items


@rule(
    id="bio-sole-factor",
    title="High-assurance action granted on a biometric match alone",
    description="Money, identity or account control is granted on a biometric match with no second, "
    "revocable factor (a secret, a capability such as an OTP or an enrolled device, or a token read at the "
    "verifier: `possession`); a spoof or a leaked face is then enough, and the face cannot be changed afterwards.",
    family=FAMILY,
    categories=("BIO:Sole factor", "STRIDE:Spoofing", "STRIDE:Elevation of privilege"),
    cwe=("CWE-308",),
    regulations=("NIST-800-63B", "CN-FRT-alternative", "GDPR-25"),
    suppressed_by=(("second-factor",),),
    default_severity="high",
    base_likelihood=0.45,
)
def sole_factor(ctx: RuleContext) -> Iterator[Hit]:
    for element in ctx.graph.model.elements:
        weak: list[str] = []
        used: set[str] = set()
        for verification in element.verifies:
            if not verification.high_assurance or verification.second_factor:
                continue
            # Each way to pass it (one branch per `any`) needs its own second factor: a door that opens on an
            # enrolled badge *or* a face alone opens on the face alone. The data are those of every such way,
            # not of the first the file lists (the order of an `any` means nothing).
            alone = False
            for way in ways_of(verification.requires):
                terms = [way] if isinstance(way, str) else way.terms()
                bio, items = _biometric_terms(ctx, element, terms)
                if bio and not any(_is_second_factor(ctx, t) for t in terms):
                    alone = True
                    used.update(items)
            if alone:
                weak.append(verification.id)
        if weak:
            yield Hit.at_element(
                element.id,
                data=tuple(sorted(used)),
                evidence=f"'{element.id}' grants {names(weak)} on a biometric match with no second factor "
                "and nothing the person could revoke after a leak.",
                impact_factors=(Factor(reason="grants identity, money or account control", effect=0.1),),
            )


def _is_second_factor(ctx: RuleContext, term: str) -> bool:
    """A factor besides the biometric: something held (a token, an enrolled phone, an OTP) or known (a secret).

    A capability (what another verification granted or the person holds: an OTP on their SIM, a credential
    on their phone), a credential (a password, a ticket) or a datum read from a token the person presents
    (`possession`: a passport chip). An identifier or a document photo is not: anyone who has the data has it.
    """
    if term.startswith("live:"):
        return False
    item = ctx.data.get(term)
    if item is None:
        return True
    return item.possession or item.category is DataCategory.CREDENTIAL


@rule(
    id="bio-score-oracle",
    title="Verification service returns scores or records",
    description="A biometric or identity verification service answers with a similarity score or the "
    "stored record instead of match / no match: scores let an attacker hill-climb to an accepted sample, "
    "records leak the reference portrait (RENAPER, NCIIC).",
    family=FAMILY,
    categories=("BIO:Oracle", "STRIDE:Information disclosure", "LINDDUN:Data disclosure"),
    threat_tree=("DD.2",),
    cwe=("CWE-203",),
    regulations=("NIST-800-63B", "ISO-24745", "GDPR-5", "PIPL-51"),
    suppressed_by=(("decision-only-response",),),
    lowered_by=("query-rate-limit", "authentication"),
    default_severity="medium",
    base_likelihood=0.4,
)
def score_oracle(ctx: RuleContext) -> Iterator[Hit]:
    for element in ctx.graph.model.elements:
        if element.returns not in ("score", "record"):
            continue
        if element.matching is Matching.NONE and not element.verifies:
            continue
        biometric = [d.id for d in ctx.available(element.id) if d.is_biometric]
        yield Hit.at_element(
            element.id,
            data=tuple(biometric),
            evidence=f"'{element.id}' answers each comparison with a {element.returns}, not a decision only.",
        )
