"""Run the selected rules over a system graph and turn their hits into scored, sorted findings.

The engine, not the rules, applies controls: a hit whose control places hold every control of one of
the rule's `suppressed_by` sets is dropped; each `lowered_by` control present lowers the likelihood.
Tracking entries from the model set findings' statuses (rules/tracking.py), and model `threats` become
`manual-threat` findings. Scoring one hit is `biotm.rules.scorer`'s public API.
"""

from __future__ import annotations

import gc
from dataclasses import dataclass, field
from typing import Protocol

from biotm.graph.system import SystemGraph
from biotm.legal.advice import legal_warnings
from biotm.model.schema import Threat
from biotm.options import AuditOptions
from biotm.regulations import CATALOG, refs
from biotm.result import Factor, Finding, ModelWarning, PlaceKind, RegulationRef, RuleInfo, finding_id, finding_order
from biotm.rules import registry
from biotm.rules.base import Hit, Rule, RuleContext
from biotm.rules.registry import BUILTIN_FAMILIES as BUILTIN_FAMILIES
from biotm.rules.scorer import RuleScores, Scorer
from biotm.rules.tracking import apply_tracking


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


class Checks(Protocol):
    """A context to check rules on and how to check one there (`biotm.analysis.rule_checks.RuleChecks` records
    what each check read, for the mitigation plan that follows)."""

    ctx: RuleContext

    def check(self, rule: Rule) -> list[Hit]: ...


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


#: Findings sort by severity, then risk, then rule, places and id (`biotm.result.finding_order`).
sort_key = finding_order


def _run_each(
    rules: list[Rule], ctx: RuleContext, scorer: Scorer, warnings: list[ModelWarning], checks: Checks | None = None
) -> list[Finding]:
    """Findings of every rule; a pack rule that raises becomes a warning, a built-in one is a bug and raises."""
    findings: list[Finding] = []
    for rule in rules:
        scores = RuleScores(rule)
        seen: set[tuple[str, ...]] = set()
        try:
            hits = list(rule.check(ctx)) if checks is None else checks.check(rule)
        except Exception as exc:
            if rule.family in BUILTIN_FAMILIES:
                raise
            message = f"rule '{rule.id}' failed: {type(exc).__name__}: {exc}"
            warnings.append(ModelWarning(code="rule-error", message=message, location=None))
            continue
        for hit in hits:
            if hit.places in seen:  # one finding per rule per place
                continue
            seen.add(hit.places)
            finding = scorer.finding(scores, hit)
            if finding is not None:
                findings.append(finding)
    return findings


def run_rules(graph: SystemGraph, options: AuditOptions | None = None, checks: Checks | None = None) -> RuleOutput:
    """Run the rules `options` select (AuditOptions: rules, skip_rules, with_controls, today), on `checks`' context
    when given (built for the same graph and controls).

    Raises RuleSelectionError for a --rules / --skip-rules token that selects nothing. Linear in the
    size of the graph plus the number of findings (n log n for sorting them).
    """
    # Findings are many small acyclic objects; the cyclic collector's repeated passes over them cost
    # as much as building them on large models, so it pauses here and is restored as it was.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _run_rules(graph, options or AuditOptions(), checks)
    finally:
        if collecting:
            gc.enable()


def _run_rules(graph: SystemGraph, options: AuditOptions, checks: Checks | None) -> RuleOutput:
    today = options.today
    rules, manual = registry.select(registry.all_rules(), options.rules, options.skip_rules)
    ctx = RuleContext(graph, options.with_controls) if checks is None else checks.ctx
    scorer = Scorer(ctx)
    warnings = [ModelWarning(code="rule-pack-error", message=m, location=None) for m in registry.pack_warnings()]
    findings = _run_each(rules, ctx, scorer, warnings, checks)
    warnings.extend(ctx.hints)
    infos = [rule_info(r) for r in rules]
    if manual and graph.model.threats:
        findings.extend(_manual_finding(graph, i, t) for i, t in enumerate(graph.model.threats))
        infos.append(MANUAL_RULE_INFO)
    ran = {r.id for r in rules} | ({registry.MANUAL_RULE_ID} if manual else set())
    rule_controls = {r.id: r.mitigations for r in registry.all_rules()} | {registry.MANUAL_RULE_ID: ()}
    warnings.extend(apply_tracking(ctx, findings, ran, rule_controls, today))
    warnings.extend(legal_warnings(graph))
    findings.sort(key=sort_key)
    # The regulations table lists what findings cite, not every article a rule could cite.
    used_refs = {ref for f in findings for ref in f.regulations}
    named = used_refs | {ref for info in infos for ref in info.regulations}
    unknown = sorted(ref for ref in named if ref not in CATALOG)
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


__all__ = ["Checks", "RuleOutput", "rule_info", "run_rules"]
