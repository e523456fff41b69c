"""Biometric data on the move: cleartext, to other organisations, across borders, to the public."""

from __future__ import annotations

from collections.abc import Iterator

from biotm.legal.jurisdictions import EEA, adequacy_note, country, crosses_border, free_destination
from biotm.legal.roles import PROCESSOR_CONTRACTS, Relation
from biotm.legal.scope import applies, subject_places
from biotm.model.schema import ActorRole, AgreementKind, ConsentKind, DataCategory, DataItem, ElementType, Flow
from biotm.result import Factor
from biotm.rules.base import (
    IDENTITY_CATEGORIES,
    Hit,
    RuleContext,
    is_exposed_biometric,
    is_personal,
    legal_parties,
    max_subjects,
    names,
    people,
)
from biotm.rules.biometric.purpose import captured_in_public
from biotm.rules.published import shown_by
from biotm.rules.registry import rule

FAMILY = "biometric"


def _flow_hit(
    flow: Flow, ids: list[str], evidence: str, ends: tuple[str, ...] = (), impact: tuple[Factor, ...] = ()
) -> Hit:
    """A hit on a flow; controls count on the flow and on the elements in `ends`."""
    controls: tuple[tuple[str, str], ...] = (("flow", flow.id), *(("element", e) for e in ends))
    return Hit.at_flow(flow.id, evidence=evidence, data=tuple(ids), control_places=controls, impact_factors=impact)


@rule(
    id="bio-transit-cleartext",
    title="Biometric data sent without encryption in transit",
    description="Biometric samples or templates travel between systems without TLS or an equivalent "
    "encrypted channel, open to anyone on the network path. What the target then shows the public (a street "
    "screen's feed) is public a step later and left out.",
    family=FAMILY,
    categories=("BIO:Transit", "STRIDE:Information disclosure", "STRIDE:Tampering", "LINDDUN:Data disclosure"),
    threat_tree=("DD.5",),
    cwe=("CWE-319",),
    regulations=("PIPL-51", "GDPR-32", "BIPA-15e", "ISO-24745", "NIST-800-63B"),
    suppressed_by=(("encryption-in-transit",),),
    default_severity="high",
    base_likelihood=0.4,
)
def transit_cleartext(ctx: RuleContext) -> Iterator[Hit]:
    # Every biometric system flow is a hit, encrypted or not: the engine drops it where encryption-in-transit
    # is present (suppressed_by), so the check reads no controls and the mitigation planner re-scores one
    # hit per encryption it tries instead of re-checking the rule over every flow.
    for flow in ctx.graph.model.flows:
        shown = shown_by(ctx, flow.target)  # what the target then shows the public is public a step later
        items = ctx.flow_items_where(flow, is_exposed_biometric) if ctx.is_system_flow(flow) else []
        ids = [d.id for d in items if d.id not in shown]
        if ids:
            beside = [d.id for d in ctx.flow_items(flow) if is_personal(d) and not d.is_biometric and d.id not in shown]
            yield _flow_hit(
                flow,
                ids,
                f"Flow '{flow.id}' ({flow.source} -> {flow.target}, {flow.protocol or 'protocol not stated'}) "
                f"carries {names(ids)} unencrypted" + (f", with {names(beside)}." if beside else "."),
            )


def _disclosed_biometric(ctx: RuleContext, flow: Flow) -> list[str]:
    """Biometric items a flow hands to another organisation: not collection from the subject or the subject's
    own device, nor a return to the subject in person (a subject-controlled device may be someone else's), nor
    what is shown to the public: no agreement binds the public, and `bio-public-disclosure` reports the
    publication under its own law (PIPL Art. 25), one cause, one finding."""
    if not ctx.is_disclosure(flow):
        return []
    if ctx.subject_side(flow.source) or ctx.elements[flow.target].role in (ActorRole.DATA_SUBJECT, ActorRole.PUBLIC):
        return []
    return [d.id for d in ctx.flow_items_where(flow, _biometric)]


def _biometric(item: DataItem) -> bool:
    return item.is_biometric


#: What each relation between the two organisations asks for, and the articles that ask it.
_DISCLOSURE_NEEDS: dict[Relation, tuple[str, tuple[str, ...]]] = {
    Relation.ENTRUST: (
        "its processor, with no data-processing agreement declared between them",
        ("PIPL-21", "PIPL-55", "GDPR-28", "BIPA-15d"),
    ),
    Relation.JOINT: (
        "a joint controller, with no joint-controller arrangement declared between them",
        ("PIPL-20", "PIPL-55", "GDPR-26", "BIPA-15d"),
    ),
    Relation.DISCLOSE: (
        "an independent recipient: the people must be told who receives their data and give separate consent",
        ("PIPL-23", "PIPL-29", "PIPL-55", "GDPR-9", "BIPA-15d", "CN-FRT-consent"),
    ),
}


def _disclosure_settled(ctx: RuleContext, flow: Flow, relation: Relation, source: str, target: str) -> bool:
    """The organisations' declared agreements (or the data's separate consent) cover this disclosure."""
    agreed = legal_parties(ctx).agreements(source, target)
    if relation is Relation.ENTRUST:
        return bool(agreed & PROCESSOR_CONTRACTS)
    if relation is Relation.JOINT:
        return AgreementKind.JOINT_CONTROLLER_ARRANGEMENT in agreed
    return bool(ctx.flow_items(flow)) and all(
        d.consent in (ConsentKind.SEPARATE, ConsentKind.WRITTEN) for d in ctx.flow_items_where(flow, _biometric)
    )


@rule(
    id="bio-third-party-disclosure",
    title="Biometric data disclosed to another organisation without a processing agreement",
    description="Biometric data flow to another organisation (a vendor SDK cloud, a contractor, an agency) "
    "with no data-processing agreement limiting use, retention and onward transfer (CBP/Perceptics, Outabox). "
    "With declared roles: a processor needs its contract, a joint controller an arrangement, an independent "
    "recipient the people's separate consent; a processor's return to its controller, a statutory "
    "disclosure to a state organ (legal-state-disclosure) and what is shown to the public "
    "(bio-public-disclosure) are not judged here. One finding per pair of "
    "organisations lists every flow between them: one agreement covers them all.",
    family=FAMILY,
    categories=("BIO:Third party", "LINDDUN:Data disclosure", "LINDDUN:Non-compliance"),
    threat_tree=("DD.5", "NC.3"),
    cwe=("CWE-359",),
    regulations=("PIPL-21", "PIPL-23", "PIPL-55", "GDPR-28", "BIPA-15d", "CN-FRT-consent"),
    suppressed_by=(("data-processing-agreement",),),
    lowered_by=("purpose-limitation", "data-minimisation"),
    default_severity="high",
    base_likelihood=0.45,
)
def third_party_disclosure(ctx: RuleContext) -> Iterator[Hit]:
    # One agreement governs a pair of organisations, so one finding per pair (and relation) lists every flow
    # between them, both ways; an agreement recorded at any of those flows or their ends settles it.
    parties = legal_parties(ctx)
    pairs: dict[tuple[str, str, Relation], list[tuple[Flow, list[str]]]] = {}
    for flow in ctx.graph.model.flows:
        ids = _disclosed_biometric(ctx, flow)
        if not ids:
            continue
        source_owner = ctx.owners[flow.source]
        target_owner = ctx.owners[flow.target]
        relation = parties.relation(source_owner, target_owner)
        if relation in (Relation.RETURN, Relation.STATE, Relation.INTERNAL):
            continue
        if relation is not Relation.UNDECLARED and _disclosure_settled(ctx, flow, relation, source_owner, target_owner):
            continue
        first, second = (source_owner, target_owner) if relation is not Relation.UNDECLARED else sorted(
            (source_owner, target_owner)
        )
        pairs.setdefault((first, second, relation), []).append((flow, ids))
    for (first, second, relation), flows in sorted(pairs.items()):
        flows = sorted(flows, key=lambda pair: pair[0].id)  # file order must not change the finding
        ids = list(dict.fromkeys(d for _, items in flows for d in items))
        flow_ids = tuple(f.id for f, _ in flows)
        ends = tuple(dict.fromkeys(e for f, _ in flows for e in (f.source, f.target)))
        lead = flows[0][0]
        named = ", ".join(f"'{f}'" for f in flow_ids)
        cites: tuple[str, ...] = ()
        if relation is Relation.UNDECLARED:
            what = "with no data-processing agreement"
            between = f"between {first} and {second}"
        else:
            need, cites = _DISCLOSURE_NEEDS[relation]
            what = need
            between = f"from {first} to {second}"
        flows_word = "Flow" if len(flow_ids) == 1 else "Flows"
        verb = "hands" if len(flow_ids) == 1 else "hand"
        yield Hit(
            place_kind="flow",
            places=flow_ids,
            data=tuple(ids),
            evidence=f"{flows_word} {named} {verb} {names(ids)} {between} ('{lead.target}'), {what}.",
            control_places=(*(("flow", f) for f in flow_ids), *(("element", e) for e in ends)),
            location=("flow", lead.id),
            cites_only=cites,
        )


def _needs_mechanism(ctx: RuleContext, flow: Flow) -> bool:
    """A cross-border transfer that needs a mechanism: between two countries, from a place (or of people) under
    PIPL or GDPR, not free within the EEA or to a full adequacy decision, not a processor's return, and not
    covered by an agreement the two organisations declared."""
    graph = ctx.graph
    src = graph.zone_of(flow.source).jurisdiction
    dst = graph.zone_of(flow.target).jurisdiction
    if not crosses_border(src, dst):
        return False
    subjects = ctx.derived(_subject_places)
    about = frozenset().union(*(subjects.get(d, frozenset()) for d in flow.data))
    # PIPL's transfer rules (Art. 38-40) govern provision out of China only, whoever the people are; GDPR's reach
    # onward transfers of people in the EU too.
    pipl, gdpr = applies("PIPL", [src], ()), applies("GDPR", [src], about)
    if free_destination(dst):
        # Into or within the EEA, or to a country with a full adequacy decision (GDPR Art. 45): no Chapter V
        # transfer. Onward transfers of EU people's data between third countries are judged the same way.
        gdpr = False
    if country(dst) == "CN":
        pipl = False  # PIPL's transfer rules govern data leaving China
    if not (pipl or gdpr):
        return False
    parties = legal_parties(ctx)
    source_owner, target_owner = ctx.owners[flow.source], ctx.owners[flow.target]
    if parties.relation(source_owner, target_owner) is Relation.RETURN:
        return False  # a processor returning its controller's data: no new transfer
    agreed = parties.agreements(source_owner, target_owner)
    if pipl and (
        AgreementKind.CAC_SECURITY_ASSESSMENT in agreed
        or (AgreementKind.CAC_STANDARD_CONTRACT in agreed and not _assessment_needed(ctx, flow))
    ):
        pipl = False
    if gdpr and AgreementKind.STANDARD_CONTRACTUAL_CLAUSES in agreed:
        gdpr = False
    return pipl or gdpr


def _subject_places(ctx: RuleContext) -> dict[str, frozenset[str]]:
    return subject_places(ctx.graph)


def _assessment_needed(ctx: RuleContext, flow: Flow) -> bool:
    """CAC 2024 provisions: 10,000 people's sensitive information a year or more needs a security assessment."""
    return max_subjects(ctx.flow_items_where(flow, _biometric)) >= 10_000


@rule(
    id="bio-cross-border-transfer",
    title="Biometric data cross a border",
    description="Biometric data move to another country; PIPL and GDPR require a transfer mechanism "
    "(security assessment, standard contract, adequacy) and often separate consent. Moving between "
    "subdivisions of one country, within the EEA, to an EU-adequate country, or from a processor back to its "
    "controller is no transfer; a declared agreement (SCCs, CAC standard contract or assessment) covers it. One "
    "finding per transfer relationship (exporter, importer, destination country) lists its flows.",
    family=FAMILY,
    categories=("BIO:Cross-border", "LINDDUN:Non-compliance"),
    threat_tree=("NC.1",),
    regulations=("PIPL-38", "PIPL-39", "PIPL-40", "GDPR-44", "GDPR-45", "GDPR-46", "GDPR-49"),
    suppressed_by=(("transfer-mechanism",),),
    lowered_by=("separate-consent",),
    default_severity="high",
    base_likelihood=0.5,
    exposure=False,
)
def cross_border(ctx: RuleContext) -> Iterator[Hit]:
    # A transfer mechanism (SCCs, a CAC contract or assessment) covers one exporter-importer relationship to one
    # country, so one finding per (exporter, importer, destination) lists every flow of it.
    graph = ctx.graph
    countries = {country(z.jurisdiction) for z in graph.model.zones}
    if len(countries) < 2:
        return  # one country: no flow crosses a border
    owners = ctx.owners
    transfers: dict[tuple[str, str, str], list[tuple[Flow, list[DataItem]]]] = {}
    for flow in graph.model.flows:
        if not _needs_mechanism(ctx, flow):
            continue
        items = ctx.flow_items_where(flow, _biometric)
        if not items:
            continue
        dst = country(graph.zone_of(flow.target).jurisdiction)
        transfers.setdefault((owners[flow.source], owners[flow.target], dst), []).append((flow, items))
    for (exporter, importer, dst), flows in sorted(transfers.items()):
        flows = sorted(flows, key=lambda pair: pair[0].id)  # file order must not change the finding
        items = list({d.id: d for _, found in flows for d in found}.values())
        ids = [d.id for d in items]
        sources = sorted({graph.zone_of(f.source).jurisdiction for f, _ in flows})
        note = ""
        if any(country(s) == "CN" for s in sources) and max_subjects(items) >= 10_000:
            note = " At 10,000 people or more, sensitive data leaving China need a CAC security assessment."
        adequacy = adequacy_note(dst) if any(country(s) in EEA for s in sources) else None
        if adequacy:
            note += f" The EU adequacy decision for {adequacy}."
        flow_ids = tuple(f.id for f, _ in flows)
        listed = ("flow " if len(flow_ids) == 1 else "flows ") + ", ".join(f"'{f}'" for f in flow_ids)
        origin = ", ".join(sources)
        yield Hit(
            place_kind="flow",
            places=flow_ids,
            data=tuple(ids),
            evidence=f"{exporter} transfers {names(ids)} of {people(max_subjects(items))} people from {origin} to "
            f"{importer} in {dst} ({listed})." + note,
            control_places=(
                *(("flow", f) for f in flow_ids),
                *dict.fromkeys(("element", f.source) for f, _ in flows),
            ),
            location=("flow", flow_ids[0]),
        )


@rule(
    id="bio-public-disclosure",
    may_be_critical=True,
    title="Faces or identities published",
    description="Faces, ID photos or identifiers are shown to the public (street display screens naming "
    "jaywalkers, open web pages), where anyone can copy them. PIPL Art. 26 is cited too where the images came "
    "from cameras in public places.",
    family=FAMILY,
    categories=("BIO:Publication", "LINDDUN:Data disclosure", "LINDDUN:Identifying"),
    threat_tree=("DD.5", "I.1"),
    cwe=("CWE-359",),
    # PIPL-26 only where the published images came from cameras in public places (the jaywalker screens)
    regulations=("PIPL-25", "PIPL-55", "GDPR-5", "GDPR-9", "BIPA-15d"),
    suppressed_by=(("data-minimisation",), ("pseudonymisation",)),
    default_severity="critical",
    base_likelihood=0.9,
)
def public_disclosure(ctx: RuleContext) -> Iterator[Hit]:
    graph = ctx.graph
    public = {e.id for e in graph.model.elements if e.type is ElementType.ACTOR and e.role is ActorRole.PUBLIC}
    for flow in graph.model.flows if public else ():
        if flow.target not in public:
            continue
        items = [
            d
            for d in ctx.flow_items(flow)
            if d.category in IDENTITY_CATEGORIES or d.category is DataCategory.QUASI_IDENTIFIER
        ]
        if not any(d.category in IDENTITY_CATEGORIES for d in items):
            continue
        ids = [d.id for d in items]
        evidence = f"Flow '{flow.id}' shows {names(ids)} to the public ('{flow.target}')."
        from_cameras = any(captured_in_public(ctx, i) for i in ids)
        if from_cameras:
            evidence += " PIPL Art. 26 lets images from cameras in public places serve public security only."
        yield Hit.at_flow(
            flow.id,
            evidence=evidence,
            data=tuple(ids),
            control_places=(("flow", flow.id), ("element", flow.source)),
            impact_factors=(Factor(reason="published: anyone can copy it", effect=0.05),),
            regulations=("PIPL-26",) if from_cameras else (),
        )
