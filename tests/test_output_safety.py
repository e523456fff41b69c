"""`biotm analyze -o` writes reports atomically and never touches the input model."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from biotm.cli import cli, common
from biotm.result import AuditResult


@pytest.fixture
def model(minimal_path: Path, tmp_path: Path) -> Path:
    path = tmp_path / "model.yaml"
    path.write_bytes(minimal_path.read_bytes())
    return path


def analyze(model: Path, *extra: str) -> Any:
    return CliRunner().invoke(cli, ["analyze", str(model), "--format", "json", "--fail-on", "none", *extra])


def _leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(".tmp"))


class _DiskFull(OSError):
    pass


def _crash_halfway(monkeypatch: pytest.MonkeyPatch, error: type[BaseException]) -> None:
    """Make the report file accept half of the text, then fail, as a full disk or a kill would."""
    real_fdopen = os.fdopen

    def fdopen(fd: int, *args: Any, **kwargs: Any) -> Any:
        handle = real_fdopen(fd, *args, **kwargs)
        real_write = handle.write

        def write(text: str) -> int:
            real_write(text[: len(text) // 2])
            handle.flush()
            raise error("crash while writing")

        handle.write = write
        return handle

    monkeypatch.setattr(common.os, "fdopen", fdopen)


@pytest.mark.parametrize("error", [_DiskFull, KeyboardInterrupt])
def test_a_crash_while_writing_leaves_no_partial_report(
    model: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: type[BaseException]
) -> None:
    out = tmp_path / "report.json"
    _crash_halfway(monkeypatch, error)
    run = analyze(model, "-o", str(out))
    assert run.exit_code != 0
    assert not out.exists()
    assert _leftovers(tmp_path) == []


def test_a_crash_while_writing_keeps_the_previous_report_whole(
    model: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "report.json"
    assert analyze(model, "-o", str(out)).exit_code == 0
    previous = out.read_bytes()
    model.write_text(model.read_text().replace("name: minimal", "name: changed"))
    _crash_halfway(monkeypatch, _DiskFull)
    assert analyze(model, "-o", str(out)).exit_code != 0
    assert out.read_bytes() == previous
    AuditResult.model_validate_json(previous)
    assert _leftovers(tmp_path) == []


def test_a_crash_while_rendering_writes_nothing(model: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "report.json"

    def chunks(result: AuditResult) -> Iterator[bytes]:
        yield b'{\n  "schema_version": '  # the JSON report is serialised while written: fail after a first piece
        raise RuntimeError("renderer bug")

    monkeypatch.setattr("biotm.report.json_report.chunks", chunks)
    run = analyze(model, "-o", str(out))
    assert run.exit_code != 0
    assert not out.exists() and _leftovers(tmp_path) == []


def test_report_replaces_the_old_one_and_gets_normal_permissions(model: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    out.write_text("stale")
    os.chmod(out, 0o640)
    assert analyze(model, "-o", str(out)).exit_code == 0
    AuditResult.model_validate_json(out.read_text())
    assert stat.S_IMODE(out.stat().st_mode) == 0o640  # an existing report keeps its permissions
    fresh = tmp_path / "fresh.json"
    assert analyze(model, "-o", str(fresh)).exit_code == 0
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o666 & ~umask  # not mkstemp's private 0600


@pytest.mark.parametrize("spelling", ["same", "dotted", "symlink"])
def test_analyze_never_overwrites_the_input_model(model: Path, tmp_path: Path, spelling: str) -> None:
    original = model.read_bytes()
    if spelling == "same":
        target = str(model)
    elif spelling == "dotted":
        (tmp_path / "sub").mkdir()
        target = str(tmp_path / "sub" / ".." / "model.yaml")
    else:
        link = tmp_path / "link.yaml"
        link.symlink_to(model)
        target = str(link)
    run = analyze(model, "-o", target)
    assert run.exit_code == 2
    assert run.stderr == f"{target}: refusing to overwrite the input model\n"
    assert model.read_bytes() == original


def test_output_into_a_missing_directory_is_one_line(model: Path, tmp_path: Path) -> None:
    target = tmp_path / "nowhere" / "report.json"
    run = analyze(model, "-o", str(target))
    assert run.exit_code == 2
    assert run.stderr == f"{target}: directory '{target.parent}' does not exist\n"
