"""LINDDUN non-compliance: high-risk biometric processing with no impact assessment (GDPR Art. 35, PIPL Art. 55).

One obligation of one controller: one finding per controller listing its high-risk places. Where no law in
scope obliges an assessment (BIPA asks for a retention policy and a written release instead), it is
recommended practice and scored as such.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from biotm.legal.scope import Citations, assessment_owed
from biotm.model.schema import Capture, DataItem, Element, ElementType, Matching, Modality
from biotm.result import Factor
from biotm.rules.base import MANY_SUBJECTS, Hit, RuleContext, legal_parties, max_subjects, people
from biotm.rules.biometric.capture import listed
from biotm.rules.registry import rule

FAMILY = "linddun"


def _biometric(item: DataItem) -> bool:
    return item.is_biometric


def _high_risk(ctx: RuleContext, element: Element) -> str | None:
    """Why processing at `element` needs an impact assessment, or None."""
    if not (biometric := ctx.where(ctx.available(element.id), _biometric)):
        return None
    if element.matching is Matching.IDENTIFY:
        return "1:N biometric identification"
    if element.matching is Matching.VERIFY:
        return "biometric verification"
    if element.type is ElementType.STORE and max_subjects(biometric) >= MANY_SUBJECTS:
        return f"a biometric store of {people(max_subjects(biometric))} people"
    if element.capture is not Capture.NONE and ctx.graph.public_place(element.id):
        return "biometric capture in a public place"
    return None


_ADVISED = (Factor(reason="no law in scope obliges an impact assessment here: recommended practice", effect=-0.45),)


@rule(
    id="linddun-no-dpia",
    title="High-risk biometric processing without an impact assessment",
    description="Biometric identification, verification, large biometric stores and public-place capture need "
    "a DPIA / PIPIA before processing (GDPR Art. 35, PIPL Art. 55); none is recorded. Where no law in scope "
    "asks for one, it is recommended practice and scored low.",
    family=FAMILY,
    categories=("LINDDUN:Non-compliance",),
    threat_tree=("NC.1",),
    regulations=("GDPR-35", "PIPL-55", "PIPL-56", "CN-FRT-assessment"),
    suppressed_by=(("dpia",),),
    default_severity="medium",
    base_likelihood=0.6,
    impact_scale=0.8,
    exposure=False,
)
def no_dpia(ctx: RuleContext) -> Iterator[Hit]:
    # One obligation of one controller (GDPR Art. 35, PIPL Art. 55; its processors' places are in it): one finding
    # listing its high-risk places; a DPIA recorded at any of them is the assessment of the processing.
    per_owner: dict[str, list[tuple[str, str, list[DataItem]]]] = defaultdict(list)
    parties = legal_parties(ctx)
    for element in ctx.graph.model.elements:
        reason = None if element.type in (ElementType.ACTOR, ElementType.EXTERNAL) else _high_risk(ctx, element)
        if reason is not None:
            found = (element.id, reason, ctx.where(ctx.available(element.id), _biometric))
            per_owner[parties.controller_of(ctx.owners[element.id])].append(found)
    citations = Citations(ctx.graph)  # one scope filter for every controller's finding
    for owner, places in sorted(per_owner.items()):
        processors = ", ".join(sorted({ctx.owners[e] for e, _, _ in places} - {owner}))
        who = f"{owner} (with its processor {processors})" if processors else owner
        biometric = {d.id: d for _, _, items in places for d in items}
        regs = ("CN-FRT-filing",) if max((d.subjects for d in biometric.values() if d.modality is Modality.FACE),
                                         default=0) >= 100_000 else ()
        ids = tuple(sorted(element_id for element_id, _, _ in places))
        what = listed([f"'{element_id}': {reason}" for element_id, reason, _ in sorted(places)])
        owed = assessment_owed(citations, ids, sorted(biometric))
        yield Hit(
            place_kind="element",
            places=ids,
            data=tuple(sorted(biometric)),
            evidence=f"{who} performs high-risk biometric processing ({what}) and no impact assessment (dpia) is "
            "recorded at any of these places.",
            control_places=tuple(("element", element_id) for element_id in ids),
            location=("element", ids[0]),
            regulations=regs,
            likelihood_factors=() if owed else _ADVISED,
        )
