"""`biotm diff` in a terminal: one readable line per change at 80 columns, no escape sequences from names."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from biotm.cli import cli

SCENARIOS = Path(__file__).parent.parent.parent / "scenarios"


def test_each_change_title_is_one_unbroken_line_at_80_columns() -> None:
    base, new = SCENARIOS / "china-sim-registration.yaml", SCENARIOS / "china-sim-registration-hardened.yaml"
    run = CliRunner(env={"COLUMNS": "80"}).invoke(cli, ["diff", str(base), str(new), "--fail-on", "none",
                                                        "--today", "2026-01-01"])
    assert run.exit_code == 0, run.output
    lines = run.stdout.splitlines()
    as_json = CliRunner().invoke(cli, ["diff", str(base), str(new), "--fail-on", "none", "--today", "2026-01-01",
                                       "-f", "json"])
    resolved = json.loads(as_json.stdout)["resolved"]
    assert resolved
    for finding in resolved:  # a table folded each title word by word
        if len(finding["title"]) <= 76:
            assert f"    {finding['title']}" in lines
        assert any(line.startswith("resolved ") and finding["id"] in line for line in lines)
    assert max(len(line) for line in lines) <= 80


def test_file_names_cannot_send_escape_sequences(tmp_path: Path) -> None:
    hostile = tmp_path / "a\x1b]0;pwned\x07\x1b[31m.yaml"
    shutil.copy(SCENARIOS / "china-sim-registration.yaml", hostile)
    run = CliRunner().invoke(cli, ["diff", str(hostile), str(hostile), "--fail-on", "none"])
    assert run.exit_code == 0, run.output
    assert "\x1b" not in run.stdout and "\\x1b]0;pwned" in run.stdout
