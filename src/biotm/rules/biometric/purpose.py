"""Purpose: biometric data used for something other than what they were collected for."""

from __future__ import annotations

from collections.abc import Iterator

from biotm.model.schema import DataItem, ElementType
from biotm.result import Factor
from biotm.rules.base import ControlPlace, Hit, RuleContext, names
from biotm.rules.registry import rule

FAMILY = "biometric"
_SECURITY_WORDS = ("security", "police", "law-enforcement", "law enforcement", "surveillance", "investigat")


def _biometric_with_purposes(item: DataItem) -> bool:
    return item.is_biometric and bool(item.purposes)


@rule(
    id="bio-function-creep",
    title="Biometric data reach a process with another purpose",
    description="Biometric data reach a process whose purpose is not among the purposes they were collected "
    "for (JR East watch lists, Hangzhou Safari Park, Clearview); a new purpose needs a new legal basis, "
    "separate consent and an impact assessment.",
    family=FAMILY,
    categories=("BIO:Function creep", "LINDDUN:Non-compliance", "LINDDUN:Unawareness"),
    threat_tree=("NC.1", "U.1"),
    regulations=("PIPL-28", "PIPL-55", "GDPR-5", "BIPA-15b", "CN-FRT-4"),
    suppressed_by=(("purpose-limitation",), ("separate-consent",)),
    lowered_by=("dpia",),
    default_severity="high",
    base_likelihood=0.6,
    exposure=False,
)
def function_creep(ctx: RuleContext) -> Iterator[Hit]:
    graph = ctx.graph
    for element in graph.model.elements:
        if element.type is ElementType.ACTOR or not element.purpose:
            continue
        bound = ctx.where(ctx.available(element.id), _biometric_with_purposes)
        foreign = [d for d in bound if element.purpose not in d.purposes]
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
        if security:
            evidence += (
                " The data reach a public-security use the subjects were not asked about; PIPL Art. 26 lets images"
                " from public places serve public security only, and the EU AI Act restricts police biometric"
                " identification."
            )
        places: tuple[ControlPlace, ...] = (("element", element.id), *(("flow", f) for f in inbound))
        yield Hit(
            place_kind="element",
            places=(element.id,),
            data=tuple(sorted(ids)),
            evidence=evidence,
            control_places=places,
            location=("element", element.id),
            regulations=("PIPL-26", "AIACT-5") if security else (),
            impact_factors=(Factor(reason="used against the person by the state", effect=0.05),) if security else (),
        )
