"""Each hardened twin is what `biotm mitigate --budget B` proposes for its original, and `biotm diff` shows
the plan's claimed reduction.

The twins are written by `scenarios/harden.py ORIGINAL B` (B is recorded in the twin's `# plan-budget:`
line). When the original or the analysis changes, these tests fail until the twin is rewritten.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from scenario_support import SCENARIOS, cli_json, controls_by_place, original_of, scenario_paths, truly_new

from biotm.analysis.risk import risk_of
from biotm.model.loader import load_model
from biotm.pipeline import AuditOptions, audit

HARDENED = sorted(p.name for p in SCENARIOS.glob("*-hardened.yaml"))
TODAY_ARGS = ("--today", "2026-01-01")


def budget_of(hardened: str) -> str:
    found = re.search(r"^# plan-budget: (\S+)$", (SCENARIOS / hardened).read_text(encoding="utf-8"), re.M)
    assert found, f"{hardened} does not say which budget its plan was made for"
    return found[1]


@pytest.mark.parametrize("hardened", HARDENED)
def test_the_hardened_twin_adds_exactly_the_plans_controls(hardened: str) -> None:
    original = original_of(hardened)
    plan = cli_json("mitigate", str(SCENARIOS / original), "--budget", budget_of(hardened))
    proposed = {tuple(m.split(":", 1)[::-1]) for item in plan["items"] for m in item["members"]}
    added = controls_by_place(hardened) - controls_by_place(original)
    assert proposed and added == proposed


@pytest.mark.parametrize("hardened", HARDENED)
def test_biotm_diff_shows_the_plans_claimed_reduction(hardened: str) -> None:
    original = original_of(hardened)
    plan = cli_json("mitigate", str(SCENARIOS / original), "--budget", budget_of(hardened))
    diff = cli_json("diff", str(SCENARIOS / original), str(SCENARIOS / hardened), *TODAY_ARGS, "--fail-on", "none")
    assert abs(diff["risk_before"] - plan["risk_before"]) < 1e-9
    assert abs((diff["risk_before"] - diff["risk_after"]) - plan["total_risk_removed"]) < 1e-6
    assert truly_new(diff) == []
    # A chain entry is its outcome, data held and steps: a route the plan's controls leave (less likely than
    # the one they cut) is reported as an entry of its own; no outcome may open or become likelier.
    before: dict[str, float] = {}
    for chain in cli_json("analyze", str(SCENARIOS / original), *TODAY_ARGS, "--fail-on", "none")["chains"]:
        before[chain["goal"]] = max(before.get(chain["goal"], 0.0), chain["likelihood"])
    assert all(c["goal"] in before and c["likelihood"] < before[c["goal"]] for c in diff["chains_opened"])
    # and the measure is the plan's: the audit of the twin has the risk the plan ends at
    twin = audit(load_model(SCENARIOS / hardened), AuditOptions(plan=False))
    assert abs(risk_of(twin) - plan["risk_after"]) < 1e-6


@pytest.mark.parametrize("path", scenario_paths(), ids=lambda p: p.name)
def test_analyze_budget_and_mitigate_give_the_same_plan_on_every_scenario(path: Path) -> None:
    budget = "30"
    analyzed = cli_json("analyze", str(path), "--budget", budget, *TODAY_ARGS, "--fail-on", "none")["plan"]
    mitigated = cli_json("mitigate", str(path), "--budget", budget, *TODAY_ARGS)
    assert analyzed["items"], path.name  # every shipped scenario has something worth 30 days
    assert analyzed == mitigated
