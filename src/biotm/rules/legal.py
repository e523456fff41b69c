"""Rules that follow the declared legal context: statutory disclosures to state organs, and processing under a
legal obligation or public task, which are judged by what the law asks (authority, logging, necessity, the
retention the law sets) rather than by consent or a processing agreement."""

from __future__ import annotations

from collections.abc import Iterator

from biotm.legal.bases import STATUTORY_BASES
from biotm.legal.roles import Relation
from biotm.model.schema import DataItem, Flow
from biotm.regulations import CATALOG
from biotm.rules.base import ControlPlace, Hit, RuleContext, is_personal, legal_parties, names
from biotm.rules.registry import rule

FAMILY = "legal"


def _personal(item: DataItem) -> bool:
    return is_personal(item)


@rule(
    id="legal-state-disclosure",
    title="Personal data disclosed to a state organ without a recorded legal authority or access log",
    description="Data go to an organisation declared a state organ (a ministry's verification service, the "
    "police). Such a disclosure rests on a statute, not on a processing agreement or consent: the auditor checks "
    "that the statute is named and that every disclosure is logged so it can be reviewed (PIPL Art. 13(1)(3), "
    "34, 35).",
    family=FAMILY,
    categories=("LINDDUN:Non-compliance", "LINDDUN:Data disclosure"),
    threat_tree=("NC.1", "DD.5"),
    regulations=("PIPL-13", "PIPL-34", "PIPL-35", "GDPR-6", "BIPA-15d"),
    suppressed_by=(("audit-logging",),),
    default_severity="medium",
    base_likelihood=0.4,
    impact_scale=0.8,
    exposure=False,
)
def state_disclosure(ctx: RuleContext) -> Iterator[Hit]:
    parties = legal_parties(ctx)
    if not parties.declared:
        return
    for flow in ctx.graph.model.flows:
        target_owner = ctx.owners[flow.target]
        if ctx.subject_side(flow.source) or ctx.is_actor(flow.source):
            continue  # a person handing over their own data: collection by the organ, not a disclosure to it
        if parties.relation(ctx.owners[flow.source], target_owner) is not Relation.STATE:
            continue
        ids = [d.id for d in ctx.flow_items_where(flow, _personal)]
        if not ids:
            continue
        yield _state_hit(ctx, flow, ids, target_owner)


def _state_hit(ctx: RuleContext, flow: Flow, ids: list[str], organ: str) -> Hit:
    authority = legal_parties(ctx).declared[organ].authority
    where = f"Flow '{flow.id}' gives {names(ids)} to the state organ {organ} ('{flow.target}')"
    if authority is None:
        # No statute named: nothing at the flow makes it lawful, so no control can suppress the finding.
        controls: tuple[ControlPlace, ...] = ()
        evidence = f"{where} under no declared legal authority (organisations: authority)."
    else:
        controls = (("flow", flow.id), ("element", flow.source))
        named = f"{authority} ({CATALOG[authority].title})" if authority in CATALOG else authority
        evidence = f"{where} under {named}, and no audit log records each disclosure."
    return Hit(
        place_kind="flow",
        places=(flow.id,),
        data=tuple(ids),
        evidence=evidence,
        control_places=controls,
        location=("flow", flow.id),
        regulations=(authority,) if authority in CATALOG else (),
    )


def _statutory(item: DataItem) -> bool:
    return item.basis is not None and item.basis.basis in STATUTORY_BASES


@rule(
    id="legal-obligation-limits",
    title="Processing under a legal obligation beyond what the law asks",
    description="Data collected because a law requires it (real-name registration, anti-money-laundering "
    "checks) need no consent, but only what that law asks may be done: a named provision, no purposes it does "
    "not cover, and no longer retention than it sets (PIPL Art. 6, 13(1)(3); GDPR Art. 5, 6(1)(c)).",
    family=FAMILY,
    categories=("LINDDUN:Non-compliance",),
    threat_tree=("NC.1",),
    regulations=("PIPL-6", "PIPL-13", "PIPL-19", "GDPR-5", "GDPR-6"),
    suppressed_by=(("purpose-limitation", "retention-limit"),),
    default_severity="medium",
    base_likelihood=0.5,
    impact_scale=0.8,
    exposure=False,
)
def obligation_limits(ctx: RuleContext) -> Iterator[Hit]:
    for item in ctx.graph.model.data:
        basis = item.basis
        if basis is None or not _statutory(item):
            continue
        gaps: list[str] = []
        if basis.law is None:
            gaps.append("names no provision that requires it")
        beyond = sorted(set(item.purposes) - set(basis.purposes)) if basis.purposes else []
        if beyond:
            gaps.append(f"is also collected for {', '.join(beyond)}, which the obligation does not cover")
        if basis.retention_days is not None:
            kept = item.retention_days
            if kept is None:
                gaps.append(f"has no retention limit although the law sets {basis.retention_days} days")
            elif kept > basis.retention_days:
                gaps.append(f"is kept {kept} days although the law sets {basis.retention_days}")
        if not gaps:
            continue
        law = f" under {basis.law}" if basis.law else ""
        # Enforced purpose and retention limits where the data rest settle it; a missing provision nothing does.
        stores = sorted(ctx.graph.lineage[item.id].stored_at) if basis.law else []
        yield Hit(
            place_kind="data",
            places=(item.id,),
            data=(item.id,),
            evidence=f"'{item.id}' is processed as a {basis.basis.value}{law} but {'; '.join(gaps)}.",
            control_places=tuple(("element", store) for store in stores),
            location=("data", item.id),
            regulations=(basis.law,) if basis.law in CATALOG else (),
        )
