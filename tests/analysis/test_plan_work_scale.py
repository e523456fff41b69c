"""Issue 18: the plan's work bound scales with the model, so `biotm mitigate` stays within its time on the largest
model the default limits load, and says so when it binds. Asserted by counting attack-stage re-runs and reading the
plan's words, never by timing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from support import run

from biotm.analysis.incremental_attack import AttackState
from biotm.analysis.plan_wording import SETUP_RUNS
from biotm.cli import cli
from biotm.generate import dump_json, national_model
from biotm.graph import build_graph
from biotm.model.loader import load_model
from biotm.options import AuditOptions


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    path = tmp_path_factory.mktemp("plan-work") / "n300.json"
    path.write_text(dump_json(national_model(300, seed=1)), encoding="utf-8")
    graph = build_graph(load_model(str(path)))
    return path, len(graph.elements) + len(graph.flows)


def _mitigate(path: Path, *args: str) -> str:
    result = CliRunner(env={"COLUMNS": "400"}).invoke(cli, ["mitigate", str(path), "--today", "2026-01-01", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_a_small_work_bound_on_a_generated_model_says_what_it_planned_and_is_deterministic(
    generated: tuple[Path, int],
) -> None:
    path, places = generated
    work = str((SETUP_RUNS + 1) * places)  # the set-up, then one re-run
    first = _mitigate(path, "--plan-work", work, "-f", "json")
    assert _mitigate(path, "--plan-work", work, "-f", "json") == first
    plan = json.loads(first)
    stopped = plan["stopped"]
    assert "Bounded: planned " in stopped and f" of {plan['candidates']} candidates" in stopped
    assert "raise --plan-work" in stopped and "after 1 re-runs" in stopped
    assert plan["items"]  # what needs no re-run is still planned, every number exact
    terminal = " ".join(_mitigate(path, "--plan-work", work).split())
    assert "Bounded: planned" in terminal and "raise --plan-work" in terminal


def test_the_bound_caps_the_attack_stage_re_runs(generated: tuple[Path, int], monkeypatch: pytest.MonkeyPatch) -> None:
    path, places = generated
    loaded = load_model(str(path))
    runs: list[int] = []
    original = AttackState._run

    def counted(self: AttackState, extra: dict[str, set[str]]) -> object:
        runs.append(1)
        return original(self, extra)

    monkeypatch.setattr(AttackState, "_run", counted)
    plan = run(loaded, plan=True, plan_work=(SETUP_RUNS + 2) * places).plan
    assert plan is not None and "Bounded:" in plan.stopped
    assert len(runs) <= 2 + 1  # two measured or committed, and the last check of deferred commits
    runs.clear()
    unbounded = run(loaded, plan=True, plan_work=None).plan
    assert unbounded is not None and "Bounded:" not in unbounded.stopped and len(runs) > 3


def test_the_default_bound_leaves_no_re_run_at_the_default_element_limit_and_many_at_2000() -> None:
    default = AuditOptions().plan_work
    assert default is not None

    def allowed(places: int) -> int:
        return max(0, default - SETUP_RUNS * places) // places

    # places of the generated national models (elements and flows), as `benchmarks/README.md` lists them
    assert allowed(30_156) == 0  # 10,000 elements: the audit and the set-up already take most of 15 s
    assert allowed(24_156) == 0  # 8,000: two re-runs (1.2 s each) brought it to 14.7 s
    assert allowed(6_156) >= 19  # 2,000 elements: its plan needs 19 re-runs and is not bounded
    # what the audit, the set-up and the re-runs cost together is about the same at every size
    assert all((SETUP_RUNS + allowed(p)) * p <= max(default, SETUP_RUNS * p) for p in (1_000, 6_156, 18_156, 30_156))
