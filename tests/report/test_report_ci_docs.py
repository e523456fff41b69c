"""The CI snippet in docs/ci.md and the pre-commit hook only use commands and options biotm has."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import click
import pytest
import yaml
from click.testing import CliRunner
from report_support import ROOT

from biotm.cli import cli

DOC = ROOT / "docs" / "ci.md"
HOOKS = ROOT / ".pre-commit-hooks.yaml"


def yaml_blocks(markdown: str) -> list[object]:
    return [yaml.safe_load(block) for block in re.findall(r"```yaml\n(.*?)```", markdown, re.S)]


def biotm_commands(value: object) -> list[list[str]]:
    """Every `biotm …` command line inside the `run:` scripts of a workflow document."""
    out: list[list[str]] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "run" and isinstance(item, str):
                out += [shlex.split(line.split(">>")[0]) for line in item.splitlines()
                        if line.strip().startswith("biotm ")]
            else:
                out += biotm_commands(item)
    elif isinstance(value, list):
        for item in value:
            out += biotm_commands(item)
    return out


def check_command(argv: list[str]) -> None:
    """`argv` names a real subcommand and only options it declares, with valid choices."""
    assert argv[0] == "biotm"
    group = cli
    assert isinstance(group, click.Group)
    command = group.get_command(click.Context(group), argv[1])  # commands load lazily: .commands alone is empty
    assert command is not None, f"no command {argv[1]!r}"
    options = {name: p for p in command.params if isinstance(p, click.Option) for name in p.opts}
    for index, token in enumerate(argv[2:], 2):
        if token.startswith("-"):
            assert token in options, f"{argv[1]} has no option {token}"
            choice = options[token].type
            if isinstance(choice, click.Choice):
                assert argv[index + 1] in choice.choices, f"{token} {argv[index + 1]}"


def test_workflow_snippet_uses_real_commands() -> None:
    blocks = yaml_blocks(DOC.read_text(encoding="utf-8"))
    workflow = next(b for b in blocks if isinstance(b, dict) and "jobs" in b)
    commands = biotm_commands(workflow)
    assert {c[1] for c in commands} >= {"validate", "analyze", "diff"}
    assert any("sarif" in c for c in commands)
    for command in commands:
        check_command(command)
    uses = [s.get("uses", "") for s in workflow["jobs"]["audit"]["steps"]]
    assert any(u.startswith("github/codeql-action/upload-sarif") for u in uses)


@pytest.mark.parametrize("hook", yaml.safe_load(HOOKS.read_text(encoding="utf-8")), ids=lambda h: h["id"])
def test_pre_commit_hook_runs_on_model_files(hook: dict[str, str], minimal_path: Path, tmp_path: Path) -> None:
    argv = shlex.split(hook["entry"])
    check_command(argv)
    pattern = re.compile(hook["files"])
    assert pattern.search("models/system.biotm.yaml") and not pattern.search("config/settings.yaml")
    good = tmp_path / "good.biotm.yaml"
    good.write_text(minimal_path.read_text(encoding="utf-8"), encoding="utf-8")
    bad = tmp_path / "bad.biotm.yaml"
    bad.write_text(minimal_path.read_text(encoding="utf-8").replace("target: archive", "target: archiv"))
    assert CliRunner().invoke(cli, [*argv[1:], str(good)]).exit_code == 0
    run = CliRunner().invoke(cli, [*argv[1:], str(good), str(bad)])
    assert run.exit_code == 2
    assert run.output.startswith(f"{bad}:")
