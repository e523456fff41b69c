"""End-to-end checks of the foundation commands, run as a user would."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from biotm import __version__
from biotm.cli import cli
from biotm.report import json_report
from biotm.result import AuditResult


def test_analyze_json_is_the_result_model_and_deterministic(minimal_path: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    outputs = []
    for name in ("a.json", "b.json"):
        out = tmp_path / name
        run = runner.invoke(
            cli, ["analyze", str(minimal_path), "--format", "json", "-o", str(out), "--fail-on", "none"]
        )
        assert run.exit_code == 0, run.output
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
    result = AuditResult.model_validate_json(outputs[0])
    assert result.summary.counts.elements == 5
    assert json_report.render(result) == outputs[0].decode()


def test_validate_exit_codes(minimal_path: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(minimal_path.read_text().replace("target: archive", "target: archiv"))
    runner = CliRunner()
    assert runner.invoke(cli, ["validate", str(minimal_path)]).exit_code == 0
    run = runner.invoke(cli, ["validate", str(minimal_path), str(bad)])
    assert run.exit_code == 2
    line = next(ln for ln in run.output.splitlines() if ln.startswith(str(bad)))
    expected_line = bad.read_text().splitlines().index("    target: archiv") + 1
    assert line == (
        f"{bad}:{expected_line}:13: flow 'archive_write' targets unknown element 'archiv' (did you mean 'archive'?)"
    )


def test_schema_command_prints_a_json_schema_that_accepts_the_fixture(minimal_path: Path) -> None:
    import jsonschema
    import yaml

    run = CliRunner().invoke(cli, ["schema"])
    assert run.exit_code == 0
    schema = json.loads(run.output)
    assert schema["title"] == "biotm model"
    jsonschema.validate(yaml.safe_load(minimal_path.read_text()), schema)
    assert "zones" in schema["properties"] and "elements" in schema["required"]


def test_version_and_module_entry_point() -> None:
    run = subprocess.run([sys.executable, "-m", "biotm", "--version"], capture_output=True, text=True, check=False)
    assert run.returncode == 0
    assert __version__ in run.stdout


def test_analyze_refuses_to_overwrite_its_input(minimal_path: Path, tmp_path: Path) -> None:
    model = tmp_path / "model.yaml"
    model.write_bytes(minimal_path.read_bytes())
    run = CliRunner().invoke(cli, ["analyze", str(model), "--format", "json", "-o", str(model)])
    assert run.exit_code == 2
    assert "refusing to overwrite the input model" in run.output
    assert model.read_bytes() == minimal_path.read_bytes()


def test_missing_file_is_a_located_error_not_a_traceback(tmp_path: Path) -> None:
    missing = tmp_path / "nope.yaml"
    run = subprocess.run(
        [sys.executable, "-m", "biotm", "analyze", str(missing)], capture_output=True, text=True, check=False
    )
    assert run.returncode == 2
    assert run.stderr.strip() == f"{missing}:1:1: no such file"
    assert "Traceback" not in run.stderr
