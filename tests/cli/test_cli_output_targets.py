"""`-o` into pipes, devices and unwritable places: written through or refused in one line, never replaced."""

from __future__ import annotations

import json
import os
import stat
import tempfile
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from biotm.cli import cli, common


def test_a_fifo_is_written_through_not_replaced(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    run = CliRunner().invoke(cli, ["schema", "-o", str(fifo)])
    reader.join(timeout=30)
    assert run.exit_code == 0, run.output
    assert stat.S_ISFIFO(fifo.lstat().st_mode)  # still a pipe: its reader got the schema, not a stray file
    assert json.loads(received[0])["title"]


@pytest.mark.parametrize("path", ["/dev/null", "/dev/stdout", "/dev/fd/63"])
def test_device_paths_count_as_streams(path: str) -> None:
    # Checked without writing: before the fix, `-o /dev/stdout` as root replaced the link in /dev with a file.
    assert common._is_stream(Path(path))


def test_regular_and_new_files_are_replaced_atomically(tmp_path: Path) -> None:
    existing = tmp_path / "old.json"
    existing.write_text("{}")
    assert not common._is_stream(existing)
    assert not common._is_stream(tmp_path / "new.json")


def test_an_unwritable_directory_is_one_line_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> tuple[int, str]:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    target = tmp_path / "report.json"
    run = CliRunner().invoke(cli, ["schema", "-o", str(target)])
    assert run.exit_code == 2
    assert run.stderr == f"{target}: cannot write: Permission denied\n"
    assert not target.exists()


@pytest.mark.parametrize("name", ["", "reports/"])
def test_an_empty_or_directory_output_name_is_refused(
    tmp_path: Path, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    run = CliRunner().invoke(cli, ["schema", "-o", name])
    assert run.exit_code == 2
    assert run.stderr.endswith(": give a file name to write to, not a directory\n")
    assert list(tmp_path.iterdir()) == []  # 'reports/' used to become a file named 'reports'
