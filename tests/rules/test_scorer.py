"""The public scoring API (`biotm.rules.scorer`) scores a hit exactly as `run_rules` does."""

from __future__ import annotations

from pathlib import Path

import pytest

from biotm.graph.system import build_graph
from biotm.model.loader import load_model
from biotm.result import Finding
from biotm.rules import registry
from biotm.rules.base import RuleContext
from biotm.rules.engine import run_rules
from biotm.rules.scorer import RuleScores, Scorer

ROOT = Path(__file__).resolve().parents[2]
#: Fields set after scoring, by the model's tracking entries.
TRACKED = {"status", "acceptance"}


@pytest.mark.parametrize("scenario", sorted((ROOT / "scenarios").glob("*.yaml")), ids=lambda p: p.stem)
def test_scorer_reproduces_the_engines_findings(scenario: Path) -> None:
    graph = build_graph(load_model(str(scenario)))
    ctx = RuleContext(graph)
    scorer = Scorer(ctx)
    scored: dict[str, Finding] = {}
    for rule in registry.all_rules():
        scores = RuleScores(rule)
        seen: set[tuple[str, ...]] = set()
        for hit in rule.check(ctx):
            if hit.places in seen:
                continue
            seen.add(hit.places)
            finding = scorer.finding(scores, hit)
            if finding is not None:
                scored[finding.id] = finding
    engine = {f.id: f for f in run_rules(graph).findings if f.rule != registry.MANUAL_RULE_ID}
    assert scored.keys() == engine.keys()
    for finding_id, finding in engine.items():
        assert scored[finding_id].model_dump(exclude=TRACKED) == finding.model_dump(exclude=TRACKED)
