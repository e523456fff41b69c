"""diff and diagram audit whole models too: on a terminal, large ones get the same progress bar as analyze."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from biotm.cli import cli, diagram_cmd, diff_cmd


def _recording(monkeypatch: pytest.MonkeyPatch, module: object) -> list[tuple[bool, str]]:
    seen: list[tuple[bool, str]] = []

    @contextlib.contextmanager
    def bar(enabled: bool) -> Iterator[object]:
        yield lambda stage: seen.append((enabled, stage))

    monkeypatch.setattr(module, "progress_bar", bar)
    monkeypatch.setattr(module, "wanted", lambda *args: True)
    return seen


def test_diff_shows_every_stage_for_both_models(minimal_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen = _recording(monkeypatch, diff_cmd)
    run = CliRunner().invoke(cli, ["diff", str(minimal_path), str(minimal_path), "--fail-on", "none"])
    assert run.exit_code == 0, run.output
    stages = [stage for enabled, stage in seen if enabled]
    assert stages.count("loading the model") == 2 and stages.count("running the rules") == 2


def test_diagram_shows_every_stage(minimal_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen = _recording(monkeypatch, diagram_cmd)
    run = CliRunner().invoke(cli, ["diagram", str(minimal_path), "-f", "dot"])
    assert run.exit_code == 0, run.output
    stages = [stage for enabled, stage in seen if enabled]
    assert stages[0] == "loading the model" and "running the rules" in stages and stages[-1] == "writing the report"
