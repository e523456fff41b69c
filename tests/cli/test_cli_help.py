"""Help and option errors a new user sees first: whole command summaries, dates named as dates."""

from __future__ import annotations

from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from biotm.cli import COMMANDS, cli


def test_every_command_summary_is_whole_at_80_columns() -> None:
    run = CliRunner(env={"COLUMNS": "80"}).invoke(cli, ["--help"])
    assert run.exit_code == 0
    listing = run.stdout.split("Commands:")[1]
    assert "..." not in listing  # click cut the long first sentences mid-phrase
    for name in COMMANDS:
        assert f"  {name} " in listing


@pytest.mark.parametrize("command", ["analyze", "diagram", "diff"])
def test_today_is_shown_as_a_date(command: str) -> None:
    run = CliRunner().invoke(cli, [command, "--help"])
    assert "--today YYYY-MM-DD" in run.stdout and "%Y" not in run.stdout


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2026/01/01", "'2026/01/01' is not a date written YYYY-MM-DD"),
        ("2026-13-01", "'2026-13-01' is not a date: month must be in 1..12"),
        ("2026-02-30", "'2026-02-30' is not a date: day is out of range for month"),
    ],
)
def test_a_wrong_today_says_what_is_wrong_with_exit_2(minimal_path: Path, value: str, message: str) -> None:
    run = CliRunner().invoke(cli, ["analyze", str(minimal_path), "--today", value])
    assert run.exit_code == 2
    assert message in run.stderr


def test_a_valid_today_is_used(minimal_path: Path) -> None:
    run = CliRunner().invoke(cli, ["analyze", str(minimal_path), "--today", "2026-02-28", "--fail-on", "none"])
    assert run.exit_code == 0, run.output


def _readme_command_table() -> str:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    start = readme.index("| command | what it does |")
    return readme[start : readme.index("\n\n", start)]


def test_the_readme_lists_every_command() -> None:
    table = _readme_command_table()
    missing = [name for name in COMMANDS if f"| `biotm {name}" not in table]
    assert not missing, f"README's command table lacks {missing}"


def test_the_readme_names_every_report_format() -> None:
    """A format the CLI offers but the README's table omits is a deliverable users never find."""
    analyze = cli.get_command(click.Context(cli), "analyze")
    assert analyze is not None
    choices = next(p.type for p in analyze.params if p.name == "fmt")
    assert isinstance(choices, click.Choice)
    row = next(line for line in _readme_command_table().splitlines() if line.startswith("| `biotm analyze"))
    missing = [name for name in choices.choices if name not in row]
    assert not missing, f"README's analyze row lacks the formats {missing}"
