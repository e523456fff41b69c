"""`biotm export` runs the mitigation planner only when asked (`--plan`): the plan re-analyses the model for
every candidate control, minutes on a generated model of 2,000 elements, and export is a conversion."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from biotm.cli import cli

SIM = Path(__file__).parents[2] / "scenarios" / "china-sim-registration.yaml"


def _export(tmp_path: Path, *flags: str) -> dict[str, Any]:
    out = tmp_path / "model.otm.json"
    run = CliRunner().invoke(cli, ["export", "--to", "otm", str(SIM), "--today", "2026-01-01", "-o", str(out), *flags])
    assert run.exit_code == 0, run.output
    exported: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return exported


def _planned(exported: dict[str, Any]) -> list[Any]:
    return [p for m in exported["mitigations"] for p in m["attributes"]["biotm-control"]["planned_at"]]


def test_export_writes_findings_without_planning_by_default(tmp_path: Path) -> None:
    exported = _export(tmp_path)
    assert exported["threats"]  # the audit ran: findings and chains are there
    assert exported["mitigations"] and not _planned(exported)


def test_export_with_plan_marks_the_planned_controls(tmp_path: Path) -> None:
    exported = _export(tmp_path, "--plan")
    planned = _planned(exported)
    assert planned and sorted(p["rank"] for p in planned)[0] == 1
