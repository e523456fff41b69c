"""Engine behaviour: stable ids, sorting, acceptances, model threats, selection, rule packs, scoring."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import ValidationError
from rule_models import TODAY, load, run
from rule_models import case as case_of

from biotm.model.loader import load_bytes, load_model
from biotm.pipeline import AuditOptions, audit
from biotm.result import SEVERITIES, Finding
from biotm.rules import Hit, Rule, RuleSelectionError, registry
from biotm.scoring import CRITICAL_MIN_IMPACT, impact, likelihood, severity

ROOT = Path(__file__).resolve().parents[2]
SCENARIO = ROOT / "scenarios" / "china-sim-registration.yaml"


def _comparable(findings: list[Finding]) -> list[dict[str, Any]]:
    return [f.model_dump(exclude={"location"}) for f in findings]


def test_finding_ids_survive_reordering_and_reformatting() -> None:
    original = audit(load_model(str(SCENARIO)), AuditOptions(today=TODAY))
    raw = yaml.safe_load(SCENARIO.read_text(encoding="utf-8"))
    for section in ("zones", "elements", "data", "flows", "attackers"):
        raw[section] = list(reversed(raw[section]))
    for element in raw["elements"]:
        element["controls"] = list(reversed(element.get("controls", [])))
    for flow in raw["flows"]:
        flow["data"] = list(reversed(flow["data"]))
    reformatted = load_bytes(json.dumps(raw, indent=7).encode(), "reordered.json")
    again = audit(reformatted, AuditOptions(today=TODAY))
    assert original.findings, "the scenario should produce findings"
    assert [f.id for f in again.findings] == [f.id for f in original.findings]
    assert _comparable(again.findings) == _comparable(original.findings)
    assert again.findings[0].location != original.findings[0].location  # lines moved, ids did not


def test_findings_sorted_by_severity_then_risk() -> None:
    findings = audit(load_model(str(SCENARIO)), AuditOptions(today=TODAY)).findings
    keys = [(SEVERITIES.index(f.severity), -f.risk, f.rule, f.places) for f in findings]
    assert keys == sorted(keys)
    # within one severity the riskiest finding comes first, whatever its rule id
    for sev in SEVERITIES:
        risks = [f.risk for f in findings if f.severity == sev]
        assert risks == sorted(risks, reverse=True)
    assert len({f.id for f in findings}) == len(findings)


def _accepted(expires: dt.date) -> dict[str, Any]:
    model = case_of("bio-store-unencrypted").fires()
    model["accepted"] = [
        {
            "rule": "bio-store-unencrypted",
            "place": "db",
            "justification": "disk encryption arrives with the Q3 migration",
            "owner": "ciso",
            "expires": expires.isoformat(),
        }
    ]
    return model


def test_acceptance_marks_finding_accepted_until_it_expires() -> None:
    model = _accepted(dt.date(2026, 6, 30))
    accepted = run(model, "bio-store-unencrypted", today=dt.date(2026, 6, 30)).findings[0]
    assert accepted.status == "accepted"
    assert accepted.acceptance is not None and accepted.acceptance.owner == "ciso"
    expired = run(model, "bio-store-unencrypted", today=dt.date(2026, 7, 1)).findings[0]
    assert expired.status == "expired-acceptance"
    assert "expired on 2026-06-30" in expired.evidence
    assert expired.id == accepted.id


def test_unused_acceptance_is_a_warning_with_location() -> None:
    model = _accepted(dt.date(2030, 1, 1))
    model["accepted"][0]["place"] = "app"
    result = run(model, "bio-store-unencrypted")
    assert result.findings[0].status == "open"
    warning = next(w for w in result.warnings if w.code == "acceptance-unused")
    assert warning.location is not None and warning.location.line > 1


def test_model_threats_become_findings_with_mapped_status() -> None:
    model = case_of("bio-store-unencrypted").fires()
    model["threats"] = [
        {
            "id": "T1",
            "title": "Backups copied offsite",
            "place": "db",
            "severity": "high",
            "status": "mitigated",
            "source": "threat-dragon",
            "categories": ["STRIDE:Information disclosure"],
        },
        {"id": "T2", "title": "Operator reads faces", "place": "app", "status": "accepted"},
    ]
    findings = {f.title: f for f in run(model, "manual-threat").findings}
    assert findings["Backups copied offsite"].status == "mitigated"
    assert findings["Backups copied offsite"].severity == "high"
    assert findings["Backups copied offsite"].place_kind == "element"
    assert findings["Operator reads faces"].status == "accepted"
    assert all(f.rule == "manual-threat" and f.location is not None for f in findings.values())
    assert not [f for f in run(model, "BIO").findings if f.rule == "manual-threat"]


def test_selection_by_family_category_and_skip() -> None:
    model = yaml.safe_load(SCENARIO.read_text(encoding="utf-8"))
    stride_only = run(model, "STRIDE").findings
    assert stride_only and all(f.rule.startswith("stride-") for f in stride_only)
    spoofing = run(model, "Spoofing").findings
    assert spoofing and all(any(c.endswith("Spoofing") for c in f.categories) for f in spoofing)
    everything = audit(load(model), AuditOptions(today=TODAY, skip_rules=("linddun", "stride-spoofing")))
    assert everything.findings and not any(f.rule.startswith("linddun-") for f in everything.findings)
    assert not any(f.rule == "stride-spoofing" for f in everything.findings)
    assert {r.id for r in everything.rules}.isdisjoint({"stride-spoofing", "linddun-linking"})


def test_unknown_rule_token_suggests_the_closest() -> None:
    with pytest.raises(RuleSelectionError, match="did you mean 'bio-identity-kit'"):
        registry.check_tokens(["bio-identity-kt"])


def test_regulation_references_resolve_to_the_catalog() -> None:
    result = audit(load_model(str(SCENARIO)), AuditOptions(today=TODAY))
    known = {r.id for r in result.regulations}
    assert all(ref in known for f in result.findings for ref in f.regulations)
    assert {"PIPL-28", "PIPL-51"} <= known and not {r for r in known if r.startswith(("GDPR-", "BIPA-"))}


def _pack_rule(ctx: Any) -> list[Hit]:
    return [Hit(place_kind="model", places=("model",), evidence="pack rule ran")]


PACK_RULE = Rule(
    id="acme-always",
    title="Acme check",
    description="A rule from a third-party pack.",
    family="acme",
    categories=("ACME:Test",),
    check=_pack_rule,
    suppressed_by=(("dpia",),),
)


class _Point:
    def __init__(self, name: str, loader: Any) -> None:
        self.name, self.value, self._loader = name, f"acme:{name}", loader

    def load(self) -> Any:
        return self._loader()


def _broken() -> Any:
    raise ImportError("No module named 'acme_rules'")


def test_rule_packs_load_lazily_and_broken_packs_only_warn(monkeypatch: pytest.MonkeyPatch) -> None:
    points = [_Point("good", lambda: [PACK_RULE]), _Point("broken", _broken), _Point("odd", lambda: 42)]
    monkeypatch.setattr(registry, "entry_points", lambda group: points if group == "biotm.rules" else [])
    registry.reset_for_tests()
    try:
        model = case_of("bio-store-unencrypted").fires()
        result = run(model, "acme")
        assert [f.rule for f in result.findings] == ["acme-always"]
        messages = [w.message for w in result.warnings if w.code == "rule-pack-error"]
        assert any("'broken'" in m and "ImportError" in m for m in messages)
        assert any("'odd'" in m for m in messages)
    finally:
        monkeypatch.undo()
        registry.reset_for_tests()
    assert "acme-always" not in {r.id for r in registry.all_rules()}


def _bad_pack_rule(ctx: Any) -> list[Hit]:
    return [Hit(place_kind="bogus", places=("model",), evidence="pack rule ran")]  # type: ignore[arg-type]


def test_pack_rule_hits_are_validated_like_any_input(monkeypatch: pytest.MonkeyPatch) -> None:
    """Built-in findings skip validation (trusted_finding); a pack's hits must still be checked."""
    bad = Rule(
        id="acme-bad",
        title="Acme bad",
        description="A pack rule with an invalid place kind.",
        family="acme",
        categories=("ACME:Test",),
        check=_bad_pack_rule,
    )
    monkeypatch.setattr(registry, "entry_points", lambda group: [_Point("bad", lambda: [bad])] if group else [])
    registry.reset_for_tests()
    try:
        with pytest.raises(ValidationError, match="place_kind"):
            run(case_of("bio-store-unencrypted").fires(), "acme")
    finally:
        monkeypatch.undo()
        registry.reset_for_tests()


def test_severity_is_monotonic_in_likelihood_and_impact() -> None:
    order = {s: i for i, s in enumerate(reversed(SEVERITIES))}
    steps = [i / 20 for i in range(21)]
    for like in steps:
        for imp in steps:
            here = order[severity(like, imp)]
            assert order[severity(min(1.0, like + 0.05), imp)] >= here
            assert order[severity(like, min(1.0, imp + 0.05))] >= here
    assert severity(0.99, 0.99) == "critical" and severity(0.01, 0.01) == "info"


def test_critical_needs_a_severe_impact_and_a_rule_that_may_be_critical() -> None:
    assert severity(0.99, CRITICAL_MIN_IMPACT - 0.01) == "high"  # a very likely nuisance is not critical
    assert severity(0.9, 0.9, may_be_critical=False) == "high"
    assert severity(0.9, 0.9) == "critical"


def test_impact_grows_with_subjects_irrevocability_and_kit() -> None:
    from biotm.model.schema import DataItem

    few = DataItem(id="id", category="identifier", subjects=10)
    many = DataItem(id="id", category="identifier", subjects=10_000_000)
    assert impact([many], subjects=many.subjects)[0] > impact([few], subjects=few.subjects)[0]
    token = DataItem(id="id", category="identifier", subjects=10, revocable=True)
    assert impact([few], subjects=10)[0] > impact([token], subjects=10)[0]
    assert impact([few], subjects=10, kit=["face", "national-id", "phone"])[0] > impact([few], subjects=10)[0]
    public = DataItem(id="id", category="identifier", subjects=10, public=True)
    assert impact([public], subjects=10)[0] < impact([few], subjects=10)[0]


def test_likelihood_rises_with_exposure_and_falls_with_controls() -> None:
    closed = dict(internet_facing=False, public_place=False, crosses_boundary=False, crosses_owner=False, people=1)
    opened = dict(closed, internet_facing=True, people=100_000)
    assert likelihood(0.4, **opened)[0] > likelihood(0.4, **closed)[0]  # type: ignore[arg-type]
    assert likelihood(0.4, **closed, controls=[("mfa", 0.35)])[0] < likelihood(0.4, **closed)[0]  # type: ignore[arg-type]


def _exposure_directly(graph: Any, ctx: Any, places: tuple[str, ...]) -> tuple[bool, bool, bool, bool, int]:
    """Exposure flags of a place worked out from scratch, without the scorer's per-element/per-flow memos."""
    elements: set[str] = set()
    boundary = owner = False
    for place in places:
        if place in graph.elements:
            elements.add(place)
        if place in graph.flows and place not in graph.elements:
            flow = graph.flows[place]
            elements |= {flow.source, flow.target}
        if place in graph.flows:
            flow = graph.flows[place]
            boundary = boundary or graph.elements[flow.source].zone != graph.elements[flow.target].zone
            owner = owner or graph.owner_of(flow.source) != graph.owner_of(flow.target)
    zones = [graph.zone_of(e) for e in elements]
    return (
        any(z.internet_facing for z in zones),
        any(z.public_place for z in zones),
        boundary,
        owner,
        _heads_once(graph, elements),
    )


def _heads_once(graph: Any, elements: set[str]) -> int:
    """Head count of the actors at or next to `elements`, each actor counted once; data subjects are not staff."""
    every = {e.id for e in graph.model.elements if e.type.value == "actor"}
    actors = {e.id: e for e in graph.model.elements if e.type.value == "actor" and e.role != "data-subject"}
    seen = {e for e in elements if e in actors}
    for flow in graph.model.flows:
        ends = {flow.source, flow.target}
        for end in ends & elements:
            if end not in every:
                seen |= {other for other in ends - {end} if other in actors}
    return sum(actors[a].people if actors[a].people is not None else 1 for a in seen)


@pytest.mark.parametrize("scenario", sorted((ROOT / "scenarios").glob("*.yaml")), ids=lambda p: p.stem)
def test_memoised_exposure_matches_a_fresh_computation(scenario: Path) -> None:
    from biotm.graph.system import build_graph
    from biotm.rules.base import RuleContext, interaction
    from biotm.rules.scorer import Scorer

    graph = build_graph(load_model(str(scenario)))
    ctx = RuleContext(graph)
    scorer = Scorer(ctx)
    places: list[tuple[str, ...]] = [(e,) for e in graph.elements]
    for flow in graph.model.flows:
        places += [(flow.id,), interaction(flow), (flow.source, flow.id)]
    # Every place twice and in both orders, so later ones are answered from the memos the earlier ones filled.
    for place in [*places, *reversed(places)]:
        assert scorer._exposure.get(place) or scorer._exposure_of(place) == _exposure_directly(graph, ctx, place)
        assert scorer._exposure[place] == _exposure_directly(graph, ctx, place), place
