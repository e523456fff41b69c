"""Run the selected rules over a system graph and turn their hits into scored, sorted findings.

The engine, not the rules, applies controls: a hit whose control places hold every control of one of
the rule's `suppressed_by` sets is dropped; each `lowered_by` control present lowers the likelihood.
Accepted risks from the model mark findings accepted (or expired), and model `threats` become
`manual-threat` findings.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from biotm.graph.system import SystemGraph
from biotm.model.schema import Accepted, Threat
from biotm.regulations import CATALOG, refs
from biotm.result import (
    SEVERITIES,
    Acceptance,
    Factor,
    Finding,
    ModelWarning,
    PlaceKind,
    RegulationRef,
    RuleInfo,
    Severity,
    finding_id,
)
from biotm.rules import registry
from biotm.rules.base import KIT_PARTS, Hit, Rule, RuleContext, kit_parts, max_subjects
from biotm.scoring import CONTROL_EFFECT, impact, likelihood, severity


@dataclass
class RuleOutput:
    """What the rule stage adds to an AuditResult."""

    findings: list[Finding] = field(default_factory=list)
    rules: list[RuleInfo] = field(default_factory=list)
    regulations: list[RegulationRef] = field(default_factory=list)
    warnings: list[ModelWarning] = field(default_factory=list)


def rule_info(rule: Rule) -> RuleInfo:
    return RuleInfo(
        id=rule.id,
        title=rule.title,
        description=rule.description,
        family=rule.family,
        categories=list(rule.categories),
        threat_tree=list(rule.threat_tree),
        cwe=list(rule.cwe),
        regulations=list(rule.regulations),
        mitigations=list(rule.mitigations),
        default_severity=rule.default_severity,
    )


MANUAL_RULE_INFO = RuleInfo(
    id=registry.MANUAL_RULE_ID,
    title="Threat recorded in the model",
    description="A threat written by hand or imported from another tool, carried into the report as-is.",
    family="manual",
    categories=["MANUAL"],
    threat_tree=[],
    cwe=[],
    regulations=[],
    mitigations=[],
    default_severity="medium",
)

#: Likelihood and impact given to hand-written threats of each severity (only the severity is written).
MANUAL_SCORES: dict[str, tuple[float, float]] = {
    "critical": (0.9, 0.9),
    "high": (0.6, 0.8),
    "medium": (0.5, 0.5),
    "low": (0.3, 0.3),
    "info": (0.1, 0.1),
}


def place_key(places: Iterable[str]) -> str:
    """How an `accepted` entry names a place: the ids joined with '>'."""
    return ">".join(places)


class _Scorer:
    def __init__(self, ctx: RuleContext) -> None:
        self.ctx = ctx
        self.effects = ctx.graph.model.settings.control_effect

    def involved_elements(self, hit: Hit) -> list[str]:
        out: list[str] = []
        for place in hit.places:
            if place in self.ctx.elements:
                out.append(place)
            elif place in self.ctx.flows:
                flow = self.ctx.flows[place]
                out.extend((flow.source, flow.target))
        return sorted(set(out))

    def finding(self, rule: Rule, hit: Hit) -> Finding | None:
        ctx = self.ctx
        present: set[str] = set()
        for place in hit.control_places:
            present |= ctx.controls_at(place)
        for group in rule.suppressed_by:
            if group and all(control in present for control in group):
                return None
        items = ctx.items(hit.data)
        subjects = max_subjects(items)
        elements = self.involved_elements(hit)
        flows = [ctx.flows[p] for p in hit.places if p in ctx.flows]
        zones = [ctx.graph.zone_of(e) for e in elements]
        lowering = [(c, self.effects.get(c, CONTROL_EFFECT)) for c in rule.lowered_by if c in present]
        exposed = rule.exposure
        like, like_factors = likelihood(
            rule.base_likelihood,
            internet_facing=exposed and any(z.internet_facing for z in zones),
            public_place=exposed and any(z.public_place for z in zones),
            crosses_boundary=exposed and any(ctx.graph.crosses_boundary(f) for f in flows),
            crosses_owner=exposed and any(ctx.graph.is_disclosure(f) for f in flows),
            people=sum(ctx.people_with_access.get(e, 0) for e in elements) if exposed else 0,
            extra=hit.likelihood_factors,
            controls=lowering,
        )
        parts = kit_parts(item for item in items if item.subjects > 1)
        imp, imp_factors = impact(
            items,
            subjects=subjects,
            kit=[p for p in KIT_PARTS if p in parts],
            scale=rule.impact_scale,
            extra=hit.impact_factors,
        )
        regulations = sorted({*rule.regulations, *hit.regulations})
        location = None
        if hit.location is not None:
            location = ctx.graph.location(*hit.location)
        return Finding(
            id=finding_id(rule.id, hit.places),
            rule=rule.id,
            title=rule.title,
            severity=severity(like, imp),
            likelihood=like,
            impact=imp,
            risk=round(like * imp, 4),
            likelihood_factors=like_factors,
            impact_factors=imp_factors,
            place_kind=hit.place_kind,
            places=list(hit.places),
            data=sorted(set(hit.data)),
            subjects=subjects,
            categories=list(rule.categories),
            threat_tree=list(rule.threat_tree),
            cwe=list(rule.cwe),
            regulations=regulations,
            mitigations=[c for c in rule.mitigations if c not in present],
            evidence=hit.evidence,
            location=location,
        )


def _manual_finding(graph: SystemGraph, index: int, threat: Threat) -> Finding:
    places = threat.place.split(">") if ">" in threat.place else [threat.place]
    kind: PlaceKind = "model"
    if len(places) == 3:
        kind = "interaction"
    elif threat.place in graph.elements:
        kind = "element"
    elif threat.place in graph.flows:
        kind = "flow"
    elif threat.place in graph.zones:
        kind = "zone"
    like, imp = MANUAL_SCORES[threat.severity]
    origin = f" (from {threat.source})" if threat.source else ""
    reason = f"severity '{threat.severity}' set in the model{origin}"
    evidence = threat.description or threat.title
    if threat.mitigation:
        evidence += f" Mitigation: {threat.mitigation}"
    status = {"open": "open", "mitigated": "mitigated", "accepted": "accepted"}[threat.status]
    return Finding(
        id=finding_id(registry.MANUAL_RULE_ID, [threat.id, *places]),
        rule=registry.MANUAL_RULE_ID,
        title=threat.title,
        severity=threat.severity,
        likelihood=like,
        impact=imp,
        risk=round(like * imp, 4),
        likelihood_factors=[Factor(reason=reason, effect=like)],
        impact_factors=[Factor(reason=reason, effect=imp)],
        place_kind=kind,
        places=places,
        data=[],
        subjects=0,
        categories=sorted({"MANUAL", *threat.categories}),
        regulations=[],
        mitigations=[],
        evidence=evidence,
        location=graph.loaded.source.location(("threats", index)),
        status=status,
    )


def _apply_acceptances(
    graph: SystemGraph, findings: list[Finding], ran: set[str], today: dt.date | None
) -> list[ModelWarning]:
    accepted: dict[tuple[str, str], tuple[int, Accepted]] = {}
    for index, entry in enumerate(graph.model.accepted):
        accepted.setdefault((entry.rule, entry.place), (index, entry))
    used: set[tuple[str, str]] = set()
    for position, finding in enumerate(findings):
        key = (finding.rule, place_key(finding.places))
        if key not in accepted or finding.status == "mitigated":
            continue
        used.add(key)
        _, entry = accepted[key]
        acceptance = Acceptance(justification=entry.justification, owner=entry.owner, expires=entry.expires)
        if today is not None and entry.expires < today:
            findings[position] = finding.model_copy(
                update={
                    "status": "expired-acceptance",
                    "acceptance": acceptance,
                    "evidence": f"{finding.evidence} The acceptance by {entry.owner} expired on "
                    f"{entry.expires.isoformat()}, so the finding is open again.",
                }
            )
        else:
            findings[position] = finding.model_copy(update={"status": "accepted", "acceptance": acceptance})
    warnings = []
    for key, (index, entry) in sorted(accepted.items(), key=lambda kv: kv[1][0]):
        if key in used or entry.rule not in ran:
            continue
        warnings.append(
            ModelWarning(
                code="acceptance-unused",
                message=f"accepted risk '{entry.rule}' at '{entry.place}' matches no finding",
                location=graph.loaded.source.location(("accepted", index)),
            )
        )
    return warnings


def sort_key(finding: Finding) -> tuple[int, str, list[str], str]:
    return (SEVERITIES.index(finding.severity), finding.rule, finding.places, finding.id)


def run_rules(graph: SystemGraph, options: object | None = None) -> RuleOutput:
    """Run the rules `options` select (AuditOptions: rules, skip_rules, with_controls, today).

    Raises RuleSelectionError for a --rules / --skip-rules token that selects nothing.
    """
    include: tuple[str, ...] = getattr(options, "rules", ())
    exclude: tuple[str, ...] = getattr(options, "skip_rules", ())
    today: dt.date | None = getattr(options, "today", None)
    with_controls: tuple[str, ...] = getattr(options, "with_controls", ())
    rules, manual = registry.select(registry.all_rules(), include, exclude)
    ctx = RuleContext(graph, with_controls)
    scorer = _Scorer(ctx)
    findings: list[Finding] = []
    warnings = [ModelWarning(code="rule-pack-error", message=m, location=None) for m in registry.pack_warnings()]
    for rule in rules:
        seen: set[tuple[str, ...]] = set()
        try:
            hits = list(rule.check(ctx))
        except Exception as exc:
            if rule.family in ("biometric", "stride", "linddun"):
                raise
            warnings.append(
                ModelWarning(
                    code="rule-error", message=f"rule '{rule.id}' failed: {type(exc).__name__}: {exc}", location=None
                )
            )
            continue
        for hit in hits:
            if hit.places in seen:  # one finding per rule per place
                continue
            seen.add(hit.places)
            finding = scorer.finding(rule, hit)
            if finding is not None:
                findings.append(finding)
    infos = [rule_info(r) for r in rules]
    if manual and graph.model.threats:
        findings.extend(_manual_finding(graph, i, t) for i, t in enumerate(graph.model.threats))
        infos.append(MANUAL_RULE_INFO)
    ran = {r.id for r in rules} | ({registry.MANUAL_RULE_ID} if manual else set())
    warnings.extend(_apply_acceptances(graph, findings, ran, today))
    findings.sort(key=sort_key)
    used_refs = {ref for info in infos for ref in info.regulations} | {ref for f in findings for ref in f.regulations}
    unknown = sorted(ref for ref in used_refs if ref not in CATALOG)
    for ref in unknown:
        warnings.append(
            ModelWarning(code="rule-unknown-regulation", message=f"unknown regulation id '{ref}'", location=None)
        )
    return RuleOutput(
        findings=findings,
        rules=sorted(infos, key=lambda i: i.id),
        regulations=refs(ref for ref in used_refs if ref in CATALOG),
        warnings=warnings,
    )


__all__ = ["RuleOutput", "Severity", "run_rules"]
