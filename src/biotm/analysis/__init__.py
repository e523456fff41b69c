"""Analyses over the system graph: attack paths, identity-theft chains, mitigation plan, what-if.

`attack_stage`, `plan_checks`, `plan_stage` and `what_if_audit` are the calls the pipeline makes.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from dataclasses import replace

from biotm.analysis.citing import cited
from biotm.analysis.exposure import rule_reported
from biotm.analysis.rule_checks import RuleChecks
from biotm.analysis.selection import selected
from biotm.analysis.stage import AttackAnalysis, analyze_attacks, attack_paths
from biotm.analysis.whatif import deltas, parse_controls, with_controls
from biotm.graph import SystemGraph
from biotm.model.loader import LoadedModel
from biotm.options import AuditOptions
from biotm.regulations import CATALOG, refs
from biotm.result import AuditResult, ModelWarning

Audit = Callable[[LoadedModel, AuditOptions], AuditResult]

def attack_stage(graph: SystemGraph, result: AuditResult, options: AuditOptions) -> AttackAnalysis:
    """Fill attack paths, chains and their findings into `result` (findings re-sorted as the rules sort them)."""
    from biotm.rules.engine import sort_key

    # An open store the rules reported is their finding; one they did not (left out, suppressed) is the exposure's.
    analysis = analyze_attacks(graph, options.attackers, rule_reported(result.findings))
    result.attack_paths = attack_paths(analysis, options.targets, options.k_paths)
    result.chains = analysis.chains
    result.warnings.extend(ModelWarning(code="attack-bound", message=note, location=None) for note in analysis.notes)
    attack_findings = cited(graph, (f for f in analysis.findings if selected(f, options)))
    result.findings = sorted([*result.findings, *attack_findings], key=sort_key)
    # The table lists what findings cite, in catalogue order: the attack findings' articles join the rules'.
    result.regulations = refs({ref for f in result.findings for ref in f.regulations if ref in CATALOG})
    return analysis


def _plan_wanted(options: AuditOptions) -> bool:
    """Asked for (`options.plan`), or automatic and given a budget."""
    return options.plan if options.plan is not None else options.budget_days is not None


def plan_checks(graph: SystemGraph, options: AuditOptions) -> RuleChecks | None:
    """The context for the rule stage to check the rules on when a plan follows (its reads recorded, its hits
    kept for the plan's rule state), else None."""
    return RuleChecks(graph, options.with_controls) if _plan_wanted(options) else None


def plan_stage(
    loaded: LoadedModel,
    analysis: AttackAnalysis,
    result: AuditResult,
    options: AuditOptions,
    checks: RuleChecks | None = None,
) -> None:
    """Fill `result.plan` when `_plan_wanted`; `checks`: what `plan_checks` gave the rule stage."""
    if not _plan_wanted(options):
        return
    from biotm.analysis.mitigation import plan  # here, not at the top: it imports the rules engine

    quiet = replace(options, with_controls=(), plan=False, progress=None)
    # The CLI pauses the cyclic collector for one audit; a plan re-runs the attack stage many times, and
    # without collection their garbage piles up (gigabytes on a national model).
    collecting = gc.isenabled()
    gc.enable()
    try:
        result.plan = plan(
            loaded, result, analysis, quiet, options.budget_days, options.plan_items, progress=options.progress,
            checks=checks,
        )
    finally:
        if not collecting:
            gc.disable()


def what_if_audit(loaded: LoadedModel, options: AuditOptions, audit: Audit) -> AuditResult:
    """The audit as if `options.with_controls` were present, with the change per finding."""
    placed = parse_controls(options.with_controls, loaded)
    before = audit(loaded, replace(options, with_controls=(), plan=False, progress=None))
    after = audit(with_controls(loaded, placed), replace(options, with_controls=()))
    after.what_if = [f"{place}:{control}" for place, control in placed]
    after.what_if_deltas = deltas(before, after, placed)
    return after


__all__ = ["AttackAnalysis", "attack_stage", "plan_checks", "plan_stage", "what_if_audit"]
