"""`biotm import`, `biotm export` and `--input-format` as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from biotm.cli import cli
from biotm.result import AuditResult

from .helpers import FIXTURES, source, td

INPUTS = [
    "threat-dragon/three-tier-web-app.stride.json",
    "threat-dragon/renting-car.linddun.json",
    "threat-dragon/test-reports.multi-methodology.json",
    "threagile/demo/example/threagile.yaml",
    "threagile/v0.9.1/demo/example/threagile.yaml",
    "threagile/test/main.yaml",
    "otm/EXAMPLE.json",
    "fixtures/threat-dragon-edge.json",
    "fixtures/threat-dragon-v1.json",
    "fixtures/threagile-includes/main.yaml",
    "fixtures/threagile-single.yaml",
    "fixtures/otm-edge.yaml",
]


def _runner() -> CliRunner:
    try:
        return CliRunner(mix_stderr=False)  # type: ignore[call-arg]
    except TypeError:  # click >= 8.2 always keeps stderr apart
        return CliRunner()


@pytest.mark.parametrize("spec", INPUTS)
def test_other_tools_files_import_validate_and_analyze(spec: str, tmp_path: Path) -> None:
    path = source(spec)
    runner = _runner()
    out = tmp_path / "model.yaml"
    run = runner.invoke(cli, ["import", str(path), "-o", str(out)])
    assert run.exit_code == 0, run.output
    assert runner.invoke(cli, ["validate", str(out)]).exit_code == 0
    assert runner.invoke(cli, ["validate", str(path)]).exit_code == 0  # auto-detected
    report = tmp_path / "report.json"
    run = runner.invoke(cli, ["analyze", str(path), "-f", "json", "-o", str(report), "--fail-on", "none"])
    assert run.exit_code == 0, run.output
    result = AuditResult.model_validate_json(report.read_text())
    assert result.locations and all(loc.file.startswith(str(path.parent)) for loc in result.locations.values())


def test_import_prints_the_category_summary_on_stderr(tmp_path: Path) -> None:
    run = _runner().invoke(cli, ["import", "--from", "threagile", str(FIXTURES / "threagile-includes" / "main.yaml")])
    assert run.exit_code == 0
    assert run.stderr.strip() == "1 of 6 data items need a category: Shoe Size"
    assert "CATEGORY UNKNOWN" in run.stdout


def test_analyze_of_another_format_says_which_data_items_need_a_category() -> None:
    path = FIXTURES / "threagile-includes" / "main.yaml"
    run = _runner().invoke(cli, ["analyze", str(path), "-f", "json", "--fail-on", "none"])
    assert run.exit_code == 0
    assert run.stderr.strip() == f"{path}: 1 of 6 data items need a category: Shoe Size"


def test_export_then_analyze_the_otm_file(minimal_path: Path, tmp_path: Path) -> None:
    runner = _runner()
    otm = tmp_path / "minimal.otm.json"
    assert runner.invoke(cli, ["export", "--to", "otm", str(minimal_path), "-o", str(otm)]).exit_code == 0
    assert json.loads(otm.read_text())["otmVersion"] == "0.2.0"
    run = runner.invoke(cli, ["analyze", "--input-format", "otm", str(otm), "-f", "json", "--fail-on", "none"])
    assert run.exit_code == 0
    assert AuditResult.model_validate_json(run.stdout).summary.counts.elements == 5


@pytest.mark.parametrize(
    ("name", "text", "args", "message"),
    [
        ("bad.json", '{"summary": {}, "detail": ', [], "bad.json:1:27: JSON syntax error"),
        (
            "shape.json",
            '{"summary": {}, "detail": {"diagrams": 3}}',
            [],
            "shape.json:1:40: 'detail.diagrams' must be a list",
        ),
        ("list.json", "[1, 2]", ["--input-format", "otm"], "list.json:1:1: an OTM document must be a mapping"),
        ("what.yaml", "hello: world\n", [], "what.yaml:1:1: unknown format"),
        (
            "tm.yaml",
            "threagile_version: 1.0.0\nincludes: [nope.yaml]\n",
            [],
            "tm.yaml:2:12: cannot read include 'nope.yaml'",
        ),
        (
            "cells.json",
            '{"summary": {}, "detail": {"diagrams": [{"cells": [7]}]}}',
            [],
            "cells.json:1:52: a diagram cell must be a mapping",
        ),
    ],
)
def test_bad_input_is_one_located_line_and_exit_2(
    tmp_path: Path, name: str, text: str, args: list[str], message: str
) -> None:
    path = tmp_path / name
    path.write_text(text)
    for command in (["analyze", *args, str(path)], ["validate", *args, str(path)], ["import", str(path)]):
        if command[0] == "import" and args:
            command = ["import", "--from", args[1], str(path)]
        run = _runner().invoke(cli, command)
        assert run.exit_code == 2, (command, run.output)
        lines = run.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"{tmp_path}/{message}"), lines
        assert "Traceback" not in run.output


def test_export_accepts_other_tools_models(tmp_path: Path) -> None:
    otm = tmp_path / "renting.otm.json"
    run = _runner().invoke(cli, ["export", "--to", "otm", str(td("renting-car.linddun.json")), "-o", str(otm)])
    assert run.exit_code == 0, run.output
    document = json.loads(otm.read_text())
    assert len(document["components"]) == 15
    assert {z["name"] for z in document["trustZones"]} >= {"Inside the car", "DMZ"}


def test_import_refuses_a_biotm_model(minimal_path: Path) -> None:
    run = _runner().invoke(cli, ["import", str(minimal_path)])
    assert run.exit_code == 2
    assert "already a biotm model" in run.stderr
