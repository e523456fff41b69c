"""The plan's rule state starts from the audit's own rule checks (`biotm.analysis.rule_checks`): the same state as
checking every rule again, the same findings as the audit without recording, and no rule checked twice."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from strategies import load_dict, models
from support import QUIET

from biotm.analysis.incremental import RuleState
from biotm.analysis.rule_checks import RuleChecks
from biotm.graph import build_graph
from biotm.model.loader import LoadedModel, load_model
from biotm.rules import registry, run_rules
from biotm.rules.base import Rule

SCENARIOS = sorted((Path(__file__).resolve().parents[2] / "scenarios").glob("*.yaml"))


def _state(state: RuleState) -> list[tuple[Any, ...]]:
    return [
        (run.scores.rule.id, [h.places for h in run.hits], run.ids, run.risk, run.open, run.present, run.reads)
        for run in state.runs
    ]


def check_reuse(loaded: LoadedModel, monkeypatch: pytest.MonkeyPatch) -> None:
    graph = build_graph(loaded)
    plain = run_rules(graph, QUIET)
    checks = RuleChecks(graph)
    recorded = run_rules(graph, QUIET, checks)
    # recording what the checks read changes nothing the audit reports
    assert [f.model_dump() for f in recorded.findings] == [f.model_dump() for f in plain.findings]
    assert recorded.warnings == plain.warnings
    checked: list[str] = []
    original = RuleChecks.run

    def counted(self: RuleChecks, rule: Rule) -> Any:
        checked.append(rule.id)
        return original(self, rule)

    monkeypatch.setattr(RuleChecks, "run", counted)
    reused = RuleState(graph, QUIET, recorded.findings, checks)
    assert checked == []  # every rule's hits and reads came from the audit's checks
    fresh = RuleState(build_graph(loaded), QUIET, recorded.findings)
    assert len(checked) == len(registry.select(registry.all_rules())[0])
    assert _state(reused) == _state(fresh)
    assert reused.total == fresh.total and reused.size == fresh.size
    assert all(checks.take(rule) is None for rule in registry.all_rules())  # taken once, not kept


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.name)
def test_the_plan_starts_from_the_audits_checks_on_every_scenario(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    check_reuse(load_model(path), monkeypatch)


@settings(max_examples=25, deadline=None)
@given(models(max_elements=6, max_flows=8, max_data=4))
def test_the_plan_starts_from_the_audits_checks_on_random_models(model: dict[str, Any]) -> None:
    with pytest.MonkeyPatch.context() as monkeypatch:
        check_reuse(load_dict(model), monkeypatch)
