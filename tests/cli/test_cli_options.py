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
    assert "42<=x<=1000000" in run.output


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


TOPOLOGY = (
    '{"format": "biotm-bench-topology/1", "boundaries": [{"id": "b", "name": "Shop"}], "data": [],'
    ' "nodes": [{"id": "n", "name": "Terminal", "kind": "server", "boundary": "b"}], "flows": []}'
)


def test_generate_never_overwrites_its_topology(tmp_path: Path) -> None:
    topology = tmp_path / "topo.json"
    topology.write_text(TOPOLOGY)
    run = CliRunner().invoke(cli, ["generate", "--from-topology", str(topology), "-o", str(topology)])
    assert run.exit_code == 2
    assert run.stderr == f"{topology}: refusing to overwrite the input model\n"
    assert topology.read_text() == TOPOLOGY


@pytest.mark.parametrize(
    ("broken", "message"),
    [
        (TOPOLOGY.replace('"data": [],', ""), "missing key 'data'"),
        (TOPOLOGY.replace('"name": "Shop"', '"name": 5'), "'int' object has no attribute 'lower'"),
    ],
)
def test_a_broken_topology_is_one_line_exit_2(tmp_path: Path, broken: str, message: str) -> None:
    topology = tmp_path / "topo.json"
    topology.write_text(broken)
    run = CliRunner().invoke(cli, ["generate", "--from-topology", str(topology)])
    assert run.exit_code == 2, run.output
    assert run.stderr == f"{topology}: not a usable biotm-bench-topology/1 document: {message}\n"


def test_regulation_with_a_file_format_is_refused_not_silently_dropped(minimal_path: Path) -> None:
    run = CliRunner().invoke(cli, ["analyze", str(minimal_path), "-f", "json", "--regulation", "PIPL"])
    assert run.exit_code == 2
    assert "--regulation groups the terminal report only" in run.stderr
    assert run.stdout == ""
