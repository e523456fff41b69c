"""Options every user reaches for: size caps, other tools' models in every command that reads one."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from biotm.cli import cli

THREAT_DRAGON = Path(__file__).parent.parent / "interop" / "fixtures" / "threat-dragon-v1.json"


def test_generate_refuses_an_absurd_size_at_once_with_exit_2() -> None:
    run = CliRunner().invoke(cli, ["generate", "-n", "99999999999"])
    assert run.exit_code == 2
    assert "1<=x<=1000000" in run.output


@pytest.mark.parametrize(
    "args",
    [
        ["diagram", "-f", "mermaid", str(THREAT_DRAGON)],
        ["diff", "--fail-on", "none", str(THREAT_DRAGON), str(THREAT_DRAGON)],
        ["analyze", "--fail-on", "none", "-f", "json", str(THREAT_DRAGON)],
    ],
)
def test_every_auditing_command_reads_a_threat_dragon_model(args: list[str]) -> None:
    run = CliRunner().invoke(cli, args)
    assert run.exit_code == 0, run.output
    assert "unknown key" not in run.stderr
