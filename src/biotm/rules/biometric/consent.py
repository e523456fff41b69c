"""Consent to biometric processing: owed where the biometrics are processed, and under which laws a basis that
is not consent (a contract, a legal duty, a legitimate interest) still leaves it owed."""

from __future__ import annotations

from collections.abc import Iterator

from biotm.legal.bases import STATUTORY_BASES, rests_on_consent, separately_consented
from biotm.legal.laws import law_of
from biotm.legal.scope import applies, subject_places
from biotm.model.schema import BasisKind, DataItem, Flow, Matching, OrgRole
from biotm.rules.base import Hit, RuleContext, legal_parties, names
from biotm.rules.evidence import listed
from biotm.rules.registry import rule

FAMILY = "biometric"


def _biometric_without_separate_consent(item: DataItem) -> bool:
    """Biometric data without separate consent whose basis leaves consent owed somewhere: consent (declared, or
    no basis declared), a contract, which is a basis under GDPR Art. 6(1)(b) and PIPL Art. 13(1)(2) but no
    exception under GDPR Art. 9(2) and no written release under BIPA 15(b), or a legal obligation or public task
    whose law does not itself provide for the biometric processing (GDPR Art. 9(2)(g) needs one that does).
    What else such a law asks is judged by legal-obligation-limits."""
    if not item.is_biometric or separately_consented(item):
        return False
    return rests_on_consent(item) or _owes(item) is not None


def _owes(item: DataItem) -> tuple[str, ...] | None:
    """The laws under which a basis other than consent still leaves consent owed (None: consent is the basis)."""
    basis = item.basis
    if basis is None:
        return None
    if basis.basis is BasisKind.CONTRACT:
        return _CONTRACT_OWES
    if basis.basis in STATUTORY_BASES and not basis.biometric:
        return _STATUTORY_OWES
    if basis.basis is BasisKind.LEGITIMATE_INTEREST:  # GDPR Art. 6(1)(f) only, and no Art. 9(2) exception
        return _STATUTORY_OWES
    return None


#: What a contract basis leaves owed: Art. 9(2) has no contract exception; BIPA asks a written release anyway.
_CONTRACT_OWES = ("GDPR-9", "BIPA-15b")
#: What a legal duty that does not provide for biometrics, or a legitimate interest, leaves owed: a GDPR Art. 9(2)
#: condition. PIPL Art. 13(1)(3) and BIPA's consent rule are met or not engaged by the duty itself.
_STATUTORY_OWES = ("GDPR-9",)
_NO_BASIS = " No legal basis is declared; if a law requires this collection, declare it on the data item (basis)."


@rule(
    id="bio-no-separate-consent",
    title="Biometric data collected without separate consent",
    description="Biometric data are collected from the data subject with bundled or no consent; PIPL Art. 29, "
    "BIPA 15(b) and GDPR Art. 9 require separate, explicit (or written) consent. A contract basis satisfies "
    "PIPL Art. 13(1)(2) but not GDPR Art. 9(2) (which has no contract exception) nor BIPA's written release. "
    "A legal obligation or public task meets PIPL, but GDPR Art. 9(2) needs the law itself to provide for the "
    "biometric processing (9(2)(g): the EES facial images), not only for verifying identity (AML due "
    "diligence); what else the law asks is judged by legal-obligation-limits. "
    "Consent is owed where the biometric processing happens (a crawler building a face index from posted photos, "
    "not the site they were posted to), and one finding per controller lists its collection flows.",
    family=FAMILY,
    categories=("BIO:Consent", "LINDDUN:Unawareness", "LINDDUN:Non-compliance"),
    threat_tree=("U.1", "NC.1"),
    regulations=("PIPL-29", "PIPL-13", "GDPR-9", "BIPA-15b", "CN-FRT-consent"),
    suppressed_by=(("separate-consent",),),
    default_severity="medium",
    base_likelihood=0.7,
    exposure=False,
)
def no_separate_consent(ctx: RuleContext) -> Iterator[Hit]:
    # One consent gap is one controller's (one release or consent form names all its purposes): one finding lists
    # every collection flow of it
    # (an employer's missing BIPA release is one gap however many readers take fingers), and a separate consent
    # recorded at any of its flows or collecting elements is the consent that closes it.
    parties = legal_parties(ctx)
    gaps: dict[tuple[str, tuple[str, ...]], list[tuple[Flow, list[DataItem]]]] = {}
    for flow in _collections(ctx):
        items = ctx.flow_items_where(flow, _biometric_without_separate_consent)
        if not items:
            continue
        # With no consent basis among them, consent is owed only under the laws their bases leave it owed under.
        owed_each = [_owes(d) for d in items]
        owed: tuple[str, ...] = ()
        if all(o is not None for o in owed_each):
            owed = tuple(sorted({ref for o in owed_each if o is not None for ref in o}))
            if not _owed_under(ctx, flow.target, tuple(d.id for d in items), owed):
                continue  # the basis is sufficient under every law that applies here
        controller = parties.controller_of(ctx.owners[flow.target])
        gaps.setdefault((controller, owed), []).append((flow, items))
    for (controller, owed), collected in sorted(gaps.items()):
        collected = sorted(collected, key=lambda pair: pair[0].id)  # file order must not change the finding
        items = list({d.id: d for _, found in collected for d in found}.values())
        purposes = sorted({p for d in items for p in d.purposes})
        ids = tuple(d.id for d in items)
        kinds = " / ".join(sorted({(d.consent.value if d.consent else "not stated") for d in items}))
        flow_ids = tuple(f.id for f, _ in collected)
        where = listed([f"'{f.target}' from '{f.source}' ('{f.id}')" for f, _ in collected])
        why = _why_owed(items) if owed else ""
        undeclared = any(d.basis is None for d in items)
        regs: tuple[str, ...] = ("PIPL-28",) if any(d.minors for d in items) and not owed else ()
        for_what = f" for {', '.join(purposes)}" if purposes else ""
        yield Hit(
            place_kind="flow",
            places=flow_ids,
            data=ids,
            # on a basis other than consent, what is missing is the separate consent itself, not a better form
            evidence=(f"{controller} collects {names(ids)}{for_what} with no separate consent (consent: {kinds}): "
                      if owed else f"{controller} collects {names(ids)}{for_what} with consent {kinds}, not separate: ")
            + f"{where}."
            + why
            + _NO_BASIS * undeclared,
            control_places=(
                *(("flow", f.id) for f, _ in collected),
                *dict.fromkeys(("element", f.target) for f, _ in collected),
            ),
            location=("flow", flow_ids[0]),
            regulations=regs,
            cites_only=owed,
        )


def _why_owed(items: list[DataItem]) -> str:
    """Why a basis that is not consent leaves consent owed, for each kind of basis among `items`."""
    parts = []
    if any(d.basis is not None and d.basis.basis is BasisKind.CONTRACT for d in items):
        parts.append(" The basis is a contract, which is no exception to GDPR Art. 9 or BIPA 15(b).")
    if any(d.basis is not None and d.basis.basis is BasisKind.LEGITIMATE_INTEREST for d in items):
        parts.append(" The basis is a legitimate interest, which is no exception to GDPR Art. 9.")
    duties = sorted({d.basis.law or d.basis.basis.value for d in items
                     if d.basis is not None and d.basis.basis in STATUTORY_BASES})
    if duties:
        parts.append(
            f" The basis is a legal duty ({', '.join(duties)}) that does not itself provide for biometric "
            "processing: GDPR Art. 9(2) then needs explicit consent, or a law that does (Art. 9(2)(g); "
            "declare it as the basis's `biometric`)."
        )
    return "".join(parts)


def _processed_biometrically(ctx: RuleContext) -> dict[str, set[str]]:
    """Per organisation: the items it processes as biometrics (compares, or derives a biometric item from)."""
    out: dict[str, set[str]] = {}
    parties = legal_parties(ctx)
    for element in ctx.graph.model.elements:
        owner = ctx.owners[element.id]
        if parties.role(owner) is OrgRole.STATE_ORGAN:
            continue  # it processes under its statutory powers (PIPL Art. 34): consent stays with the collector
        done = out.setdefault(owner, set())
        if element.matching is not Matching.NONE:
            done.update(d.id for d in ctx.available(element.id) if d.is_biometric)
        for derivation in element.derives:
            output = ctx.data.get(derivation.output)
            if output is not None and output.is_biometric:
                done.update(derivation.inputs)
    return out


def _collections(ctx: RuleContext) -> list[Flow]:
    """Where consent is owed: the flows by which the organisation that processes biometric data obtains them.
    Usually the subject's own hand-over; where the first recipient does no biometric processing (a social network
    the subject posts a photo to), the flow into the organisation that does (the crawler that builds a face index
    from it) is the collection a biometric consent must cover (GDPR Art. 9, 14; BIPA 15(b))."""
    processed = ctx.derived(_processed_biometrically)
    owners = ctx.owners
    anywhere = set().union(*processed.values())
    out: list[Flow] = []
    handed: set[str] = set()
    for flow in ctx.flows_from_subjects:
        mine = processed.get(owners[flow.target], set())
        if any(d in mine for d in flow.data) or not any(d in anywhere for d in flow.data):
            out.append(flow)
        else:
            handed.update(flow.data)
    for flow in ctx.graph.model.flows:
        if not handed & set(flow.data) or owners[flow.source] == owners[flow.target] or ctx.is_actor(flow.source):
            continue
        if handed & set(flow.data) & processed.get(owners[flow.target], set()):
            out.append(flow)
    return out


def _owed_under(ctx: RuleContext, element_id: str, ids: tuple[str, ...], owed: tuple[str, ...]) -> bool:
    """Whether a law whose consent rule a contract does not meet applies where `element_id` collects `ids`."""
    place = ctx.graph.zone_of(element_id).jurisdiction
    subjects = ctx.derived(_subject_places)
    about = frozenset().union(*(subjects.get(d, frozenset()) for d in ids))
    return any(applies(law_of(ref), [place], about) for ref in owed)


def _subject_places(ctx: RuleContext) -> dict[str, frozenset[str]]:
    return subject_places(ctx.graph)


__all__: list[str] = []
