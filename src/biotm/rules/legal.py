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
    cited = (authority,) if authority in CATALOG else ()
    return Hit.at_flow(flow.id, evidence=evidence, data=tuple(ids), control_places=controls, regulations=cited)


def _collected_without_notice(ctx: RuleContext, data_id: str) -> list[str]:
    """Elements that collect the item from a person and show no notice there."""
    return sorted(
        {
            flow.target
            for flow in ctx.flows_from_subjects
            if data_id in flow.data and "signage" not in ctx.element_controls(flow.target)
        }
    )


def _statutory(item: DataItem) -> bool:
    return item.basis is not None and item.basis.basis in STATUTORY_BASES


@rule(
    id="legal-obligation-limits",
    title="Collection under a legal obligation beyond what the law asks",
    description="Data collected because a law requires it (real-name registration, anti-money-laundering "
    "checks) need no consent, but only what that law asks may be done: a named provision, notice to the people "
    "at collection, no purposes it does not cover, and no longer retention than it sets (PIPL Art. 6, 13(1)(3), "
    "17, 19; GDPR Art. 5, 6(1)(c), 13). One finding per collection, naming every gap.",
    family=FAMILY,
    categories=("LINDDUN:Non-compliance", "LINDDUN:Unawareness"),
    threat_tree=("NC.1", "U.1"),
    regulations=("PIPL-6", "PIPL-13", "PIPL-17", "PIPL-19", "GDPR-5", "GDPR-6", "GDPR-13"),
    suppressed_by=(("privacy-notice", "purpose-limitation", "retention-limit"),),
    default_severity="medium",
    base_likelihood=0.5,
    impact_scale=0.8,
    exposure=False,
)
def obligation_limits(ctx: RuleContext) -> Iterator[Hit]:
    for flow in ctx.flows_from_subjects:
        statutory = ctx.flow_items_where(flow, _statutory)
        if not statutory:
            continue
        gaps: list[str] = []
        cites: list[str] = ["PIPL-13", "GDPR-6"]
        unnamed = [d.id for d in statutory if d.basis is not None and d.basis.law is None]
        if unnamed:
            gaps.append(f"no provision is named for {names(unnamed)}")
        controls = ctx.element_controls(flow.target)
        if not controls & _NOTICE:
            gaps.append(f"no notice is recorded at '{flow.target}' (privacy-notice)")
            cites += ["PIPL-17", "GDPR-13"]
        beyond = {d.id: _uncovered(d) for d in statutory if _uncovered(d)}
        if beyond:
            extra = sorted({p for purposes in beyond.values() for p in purposes})
            gaps.append(f"{names(beyond)} also serve {', '.join(extra)}, which the law does not cover")
            cites += ["PIPL-6", "GDPR-5"]
        kept = [d for d in statutory if _kept_too_long(d)]
        if kept:
            gaps.append(f"{names(d.id for d in kept)} are kept longer than the law's period")
            cites += ["PIPL-19", "GDPR-5"]
        if not gaps:
            continue
        laws = sorted({d.basis.law for d in statutory if d.basis is not None and d.basis.law in CATALOG})
        named = sorted({d.basis.law for d in statutory if d.basis is not None and d.basis.law})
        under = f" under {', '.join(named)}" if named else ""
        ids = tuple(d.id for d in statutory)
        # Nothing at the flow makes up for a missing provision; notice, purpose and retention limits do.
        places: tuple[ControlPlace, ...] = () if unnamed else (("element", flow.target),)
        yield Hit.at_flow(
            flow.id,
            data=ids,
            evidence=f"'{flow.target}' collects {names(ids)} from '{flow.source}' as a legal duty{under}, but "
            f"{'; '.join(gaps)}.",
            control_places=places,
            cites_only=tuple(dict.fromkeys(cites)),
            regulations=tuple(laws),
        )


_NOTICE = frozenset({"privacy-notice", "signage"})


def _uncovered(item: DataItem) -> list[str]:
    """The item's purposes its statutory basis does not cover (a basis naming no purposes covers them all)."""
    basis = item.basis
    if basis is None or not basis.purposes:
        return []
    return sorted(set(item.purposes) - set(basis.purposes))


def _kept_too_long(item: DataItem) -> bool:
    basis = item.basis
    if basis is None or basis.retention_days is None:
        return False
    return item.retention_days is None or item.retention_days > basis.retention_days
