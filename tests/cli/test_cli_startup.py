"""Start-up stays light: a command imports what it needs, not every command's dependencies."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ("networkx", "rich", "jinja2", "biotm.report.terminal", "biotm.report.html")
AUDIT = ("biotm.analysis", "biotm.rules", "biotm.pipeline")

_PROBE = """
import json, sys
from click.testing import CliRunner
from biotm.cli import cli
run = CliRunner().invoke(cli, sys.argv[2:])
print(json.dumps([run.exit_code, sorted(m for m in json.loads(sys.argv[1]) if m in sys.modules)]))
"""


def _imported(*args: str, watch: tuple[str, ...] = HEAVY) -> tuple[int, list[str]]:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, json.dumps(watch), *args], capture_output=True, text=True, check=True
    )
    code, modules = json.loads(done.stdout.splitlines()[-1])
    return code, modules


def test_importing_the_cli_imports_no_command() -> None:
    script = "import sys, biotm.cli; print(sorted(m for m in sys.modules if m.startswith('biotm.')))"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "['biotm.cli']"


@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_a_json_audit_needs_no_terminal_report_or_graph_library(minimal_path: Path, tmp_path: Path, fmt: str) -> None:
    code, modules = _imported("analyze", str(minimal_path), "-f", fmt, "-o", str(tmp_path / "r"), "--fail-on", "none")
    assert code == 0
    assert modules == []


def test_validate_imports_no_analysis(minimal_path: Path) -> None:
    assert _imported("validate", str(minimal_path), watch=HEAVY + AUDIT) == (0, [])


def test_help_still_lists_every_command() -> None:
    from click.testing import CliRunner

    from biotm.cli import COMMANDS, cli

    listing = CliRunner().invoke(cli, ["--help"]).stdout.split("Commands:")[1]
    assert [line.split()[0] for line in listing.strip().splitlines()] == sorted(COMMANDS)
