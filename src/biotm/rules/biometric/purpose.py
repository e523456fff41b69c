"""Purpose: biometric data used for something other than what they were collected for."""

from __future__ import annotations

from collections.abc import Iterator

from biotm.legal.bases import basis_for, purpose_bases
from biotm.model.schema import Capture, DataItem, Element, ElementType, Matching
from biotm.result import Factor
from biotm.rules.base import ControlPlace, Hit, RuleContext, legal_parties, names
from biotm.rules.registry import rule

FAMILY = "biometric"
_SECURITY_WORDS = ("security", "police", "law-enforcement", "law enforcement", "surveillance", "investigat")


def _biometric_with_purposes(item: DataItem) -> bool:
    return item.is_biometric and bool(item.purposes)


def captured_in_public(ctx: RuleContext, data_id: str) -> bool:
    """The item (or what it was derived from) was captured by an unattended camera in a public place (PIPL
    Art. 26 is about such cameras, not a shop counter where the customer shows their face)."""
    graph = ctx.graph
    lineage = graph.lineage[data_id]
    sources = {data_id} | lineage.derived_from
    return any(
        graph.elements[e].capture is Capture.UNATTENDED and graph.public_place(e)
        for source in sources
        for e in graph.lineage[source].collected_at | graph.lineage[source].origins
        if source in graph.lineage
    )


@rule(
    id="bio-function-creep",
    title="Biometric data reach a process with another purpose",
    description="Biometric data reach a process whose purpose is not among the purposes they were collected "
    "for (JR East watch lists, Hangzhou Safari Park, Clearview); a new purpose needs a new legal basis or new "
    "consent (PIPL Art. 14, GDPR Art. 6(4)) and an impact assessment. A basis declared for the new purpose "
    "(the model's `bases`) covers it; the basis of the original collection does not. One finding per change of "
    "purpose of one controller lists the elements where it happens.",
    family=FAMILY,
    categories=("BIO:Function creep", "LINDDUN:Non-compliance", "LINDDUN:Unawareness"),
    threat_tree=("NC.1", "U.1"),
    regulations=("PIPL-6", "PIPL-14", "PIPL-28", "PIPL-55", "GDPR-5", "GDPR-6-4", "BIPA-15b", "CN-FRT-4"),
    suppressed_by=(("purpose-limitation",), ("separate-consent",)),
    lowered_by=("dpia",),
    default_severity="high",
    base_likelihood=0.6,
    exposure=False,
)
def function_creep(ctx: RuleContext) -> Iterator[Hit]:
    # One purpose change (data collected for X used for Y by one controller) is one finding listing every element
    # where it happens; a purpose limitation, consent or basis recorded at any of them answers it.
    graph = ctx.graph
    declared = purpose_bases(graph.model)
    parties = legal_parties(ctx)
    changes: dict[tuple[str, str, tuple[str, ...]], list[tuple[Element, list[DataItem]]]] = {}
    for element in graph.model.elements:
        if element.type is ElementType.ACTOR or not element.purpose:
            continue
        bound = ctx.where(ctx.available(element.id), _biometric_with_purposes)
        purpose_of = element.purpose
        foreign = [d for d in bound if purpose_of not in d.purposes and basis_for(d, purpose_of, declared) is None]
        if not foreign:
            continue
        collected = tuple(sorted({p for d in foreign for p in d.purposes}))
        controller = parties.controller_of(ctx.owners[element.id])
        changes.setdefault((controller, purpose_of, collected), []).append((element, foreign))
    for (_, purpose_of, collected), found in sorted(changes.items()):
        yield _creep_hit(ctx, purpose_of, collected, sorted(found, key=lambda pair: pair[0].id))


def _creep_hit(
    ctx: RuleContext, purpose_of: str, collected: tuple[str, ...], found: list[tuple[Element, list[DataItem]]]
) -> Hit:
    graph = ctx.graph
    foreign = list({d.id: d for _, items in found for d in items}.values())
    ids = {d.id for d in foreign}
    elements = [e for e, _ in found]
    element_ids = tuple(e.id for e in elements)
    inbound = sorted({f.id for e in elements for f in graph.inbound.get(e.id, []) if ids & set(f.data)})
    security = any(word in purpose_of.lower() for word in _SECURITY_WORDS)
    at = ", ".join(f"'{e}'" for e in element_ids)
    evidence = f"{at} (purpose '{purpose_of}') receive{'s' if len(element_ids) == 1 else ''} {names(sorted(ids))}, "
    evidence += f"collected for {', '.join(collected)}."
    from_public = any(captured_in_public(ctx, d.id) for d in foreign)
    laws: tuple[str, ...] = ()
    if security:
        evidence += " The data reach a public-security use the subjects were not told about and no basis"
        evidence += " is declared for it."
        if from_public:
            evidence += " PIPL Art. 26 lets images from public places serve public security only."
            laws += ("PIPL-26",)
        if any(e.matching is Matching.IDENTIFY for e in elements):
            evidence += " The EU AI Act restricts police biometric identification."
            laws += ("AIACT-5",)
    places: tuple[ControlPlace, ...] = (*(("element", e) for e in element_ids), *(("flow", f) for f in inbound))
    return Hit(
        place_kind="element",
        places=element_ids,
        data=tuple(sorted(ids)),
        evidence=evidence,
        control_places=places,
        location=("element", element_ids[0]),
        regulations=laws,
        impact_factors=(Factor(reason="used against the person by the state", effect=0.05),) if security else (),
    )
