"""Purpose: biometric data used for something other than what they were collected for."""

from __future__ import annotations

from collections.abc import Iterator

from biotm.legal.bases import basis_for, purpose_bases
from biotm.model.schema import Capture, DataItem, ElementType, Matching
from biotm.result import Factor
from biotm.rules.base import ControlPlace, Hit, RuleContext, names
from biotm.rules.registry import rule

FAMILY = "biometric"
_SECURITY_WORDS = ("security", "police", "law-enforcement", "law enforcement", "surveillance", "investigat")


def _biometric_with_purposes(item: DataItem) -> bool:
    return item.is_biometric and bool(item.purposes)


def _captured_in_public(ctx: RuleContext, data_id: str) -> bool:
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
    "(the model's `bases`) covers it; the basis of the original collection does not.",
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
    graph = ctx.graph
    declared = purpose_bases(graph.model)
    for element in graph.model.elements:
        if element.type is ElementType.ACTOR or not element.purpose:
            continue
        bound = ctx.where(ctx.available(element.id), _biometric_with_purposes)
        purpose_of = element.purpose
        foreign = [d for d in bound if purpose_of not in d.purposes and basis_for(d, purpose_of, declared) is None]
        if not foreign:
            continue
        ids = {d.id for d in foreign}
        inbound = sorted(f.id for f in graph.inbound.get(element.id, []) if ids & set(f.data))
        purpose = element.purpose.lower()
        security = any(word in purpose for word in _SECURITY_WORDS)
        collected = sorted({p for d in foreign for p in d.purposes})
        evidence = (
            f"'{element.id}' (purpose '{element.purpose}') receives {names(sorted(ids))}, collected for "
            f"{', '.join(collected)}."
        )
        from_public = any(_captured_in_public(ctx, d.id) for d in foreign)
        laws: tuple[str, ...] = ()
        if security:
            evidence += " The data reach a public-security use the subjects were not told about and no basis"
            evidence += " is declared for it."
            if from_public:
                evidence += " PIPL Art. 26 lets images from public places serve public security only."
                laws += ("PIPL-26",)
            if element.matching is Matching.IDENTIFY:
                evidence += " The EU AI Act restricts police biometric identification."
                laws += ("AIACT-5",)
        places: tuple[ControlPlace, ...] = (("element", element.id), *(("flow", f) for f in inbound))
        yield Hit(
            place_kind="element",
            places=(element.id,),
            data=tuple(sorted(ids)),
            evidence=evidence,
            control_places=places,
            location=("element", element.id),
            regulations=laws,
            impact_factors=(Factor(reason="used against the person by the state", effect=0.05),) if security else (),
        )
