"""The engine's memoised, unvalidated fast path gives exactly what scoring every hit from scratch gives.

`_reference` is the straightforward engine: per hit it collects the controls present, drops suppressed
hits, computes exposure, likelihood, impact, regulations and mitigations with no cache, and builds a
validated Finding. The real engine shares scores and lists between findings with equal keys and skips
validation; any key that misses an input, or a list shared where it should not be, shows up here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from strategies import load_dict, models

from biotm.generate import national_model
from biotm.graph import SystemGraph, build_graph
from biotm.legal.scope import Citations
from biotm.model.loader import LoadedModel, load_model
from biotm.pipeline import AuditOptions
from biotm.result import Finding, finding_id
from biotm.rules import registry
from biotm.rules.base import KIT_PARTS, Hit, Rule, RuleContext, kit_parts, max_subjects
from biotm.rules.engine import run_rules, sort_key
from biotm.rules.fitting import fitting
from biotm.rules.tracking import apply_tracking
from biotm.scoring import CONTROL_EFFECT, impact, likelihood, severity

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))


def _cited(ctx: RuleContext, rule: Rule, hit: Hit, data: list[str]) -> list[str]:
    """The scope filter with a fresh memo for every finding, so the engine's sharing cannot hide a mix-up."""
    citations = Citations(ctx.graph)
    return citations.cite([*(hit.cites_only or rule.regulations), *hit.regulations], citations.places(hit.places), data)


def _reference_finding(ctx: RuleContext, rule: Rule, hit: Hit) -> Finding | None:
    graph = ctx.graph
    present: set[str] = set()
    for place in hit.control_places:
        present |= ctx.controls_at(place)
    if any(group and all(c in present for c in group) for group in rule.suppressed_by):
        return None
    elements: set[str] = set()
    for place in hit.places:
        if place in ctx.elements:
            elements.add(place)
        elif place in ctx.flows:
            elements.update((ctx.flows[place].source, ctx.flows[place].target))
    flows = [ctx.flows[p] for p in hit.places if p in ctx.flows]
    exposed = rule.exposure
    effects = graph.model.settings.control_effect
    like, like_factors = likelihood(
        rule.base_likelihood,
        internet_facing=exposed and any(graph.zone_of(e).internet_facing for e in elements),
        public_place=exposed and any(graph.zone_of(e).public_place for e in elements),
        crosses_boundary=exposed and any(graph.crosses_boundary(f) for f in flows),
        crosses_owner=exposed and any(graph.is_disclosure(f) for f in flows),
        people=ctx.people_of(a for e in elements for a in ctx.actors_with_access.get(e, ())) if exposed else 0,
        extra=hit.likelihood_factors,
        controls=[(c, effects.get(c, CONTROL_EFFECT)) for c in rule.lowered_by if c in present],
    )
    data = sorted(set(hit.data))
    items = ctx.items(data)
    parts = kit_parts(item for item in items if item.subjects > 1)
    subjects = hit.subjects if hit.subjects is not None else max_subjects(items)
    imp, imp_factors = impact(
        items,
        subjects=subjects,
        kit=[p for p in KIT_PARTS if p in parts],
        scale=rule.impact_scale,
        extra=hit.impact_factors,
        leak=rule.exposure,
        portraits=ctx.portraits,
    )
    triggered = rule.may_be_critical and hit.critical and not (set(hit.critical_unless) & present)
    return Finding(
        id=finding_id(rule.id, hit.places),
        rule=rule.id,
        title=rule.title,
        severity="critical" if triggered else severity(like, imp, may_be_critical=rule.may_be_critical),
        likelihood=like,
        impact=imp,
        risk=round(like * imp, 4),
        likelihood_factors=like_factors,
        impact_factors=imp_factors,
        place_kind=hit.place_kind,
        places=list(hit.places),
        data=data,
        subjects=subjects if data else 0,
        categories=list(rule.categories),
        threat_tree=list(rule.threat_tree),
        cwe=list(rule.cwe),
        regulations=_cited(ctx, rule, hit, data),
        mitigations=[c for c in fitting(graph, rule.mitigations, hit.control_places) if c not in present],
        evidence=hit.evidence,
        location=graph.location(*hit.location) if hit.location is not None else None,
    )


def _reference(graph: SystemGraph, with_controls: tuple[str, ...] = ()) -> list[Finding]:
    """Findings of every rule scored from scratch; the model's accepted risks applied as the engine does."""
    ctx = RuleContext(graph, with_controls)
    out: list[Finding] = []
    rules = registry.all_rules()
    for rule in rules:
        seen: set[tuple[str, ...]] = set()
        for hit in rule.check(ctx):
            if hit.places not in seen:
                seen.add(hit.places)
                finding = _reference_finding(ctx, rule, hit)
                if finding is not None:
                    out.append(finding)
    ran = {r.id for r in rules}
    apply_tracking(ctx, out, ran, {r.id: r.mitigations for r in rules} | {registry.MANUAL_RULE_ID: ()}, None)
    return sorted(out, key=sort_key)


def _rule_findings(graph: SystemGraph, with_controls: tuple[str, ...] = ()) -> list[Finding]:
    findings = run_rules(graph, AuditOptions(with_controls=with_controls)).findings
    return [f for f in findings if f.rule != registry.MANUAL_RULE_ID]


def _assert_same(loaded: LoadedModel, with_controls: tuple[str, ...] = ()) -> list[Finding]:
    graph = build_graph(loaded)
    fast = _rule_findings(graph, with_controls)
    expected = _reference(graph, with_controls)
    assert [f.model_dump_json() for f in fast] == [f.model_dump_json() for f in expected]
    assert fast == expected
    return fast


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_engine_matches_reference_on_scenarios(path: Path) -> None:
    assert _assert_same(load_model(str(path)))


def test_engine_matches_reference_on_a_national_model_with_shared_scores() -> None:
    loaded = load_dict(national_model(400, seed=3), "national.yaml")
    findings = _assert_same(loaded)
    # The point of the memo: many findings share one score; the model must actually exercise it.
    assert len({id(f.likelihood_factors) for f in findings}) < len(findings) / 2


def test_engine_matches_reference_with_controls_assumed() -> None:
    loaded = load_dict(national_model(400, seed=5), "national.yaml")
    graph = build_graph(loaded)
    stores = sorted(e.id for e in graph.model.elements if e.type.value == "store")[:3]
    flows = sorted(graph.flows)[:40]
    assumed = tuple(
        [f"{s}:access-control" for s in stores]
        + [f"{s}:audit-logging" for s in stores[:1]]
        + [f"{f}:authentication" for f in flows[::2]]
        + [f"{f}:query-rate-limit" for f in flows[1::2]]
    )
    assert _assert_same(loaded, assumed)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])  # slow draws on a shared machine
@given(models(max_elements=8, max_flows=12))
def test_engine_matches_reference_on_random_models(model: dict[str, Any]) -> None:
    _assert_same(load_dict(model))


def test_engine_findings_validate_to_the_same_json() -> None:
    """Findings skip pydantic validation; validating them again must change nothing (types, bounds, fields)."""
    findings = _rule_findings(build_graph(load_dict(national_model(300, seed=1), "national.yaml")))
    assert findings
    for finding in findings:
        again = Finding.model_validate(finding.model_dump())
        assert again.model_dump_json() == finding.model_dump_json()
        assert again.model_fields_set == finding.model_fields_set


def test_trusted_findings_stay_independent_when_one_is_changed() -> None:
    """Trusted findings share their fields-set and score lists; changing one finding must not touch another."""
    findings = _rule_findings(build_graph(load_dict(national_model(300, seed=1), "national.yaml")))
    first, second = findings[0], findings[1]
    before = second.model_dump_json()
    first.status = "mitigated"
    copied = first.model_copy(update={"evidence": "changed"})
    assert copied.evidence == "changed" and first.evidence != "changed"
    assert second.model_dump_json() == before
    assert second.model_fields_set == set(Finding.model_fields)
