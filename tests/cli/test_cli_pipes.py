"""`biotm … | head`: a reader that stops early ends biotm quietly, never as exit 1 ("findings") or a traceback."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest

SCENARIO = Path(__file__).parent.parent.parent / "scenarios" / "china-sim-registration.yaml"


@pytest.mark.skipif(not hasattr(signal, "SIGPIPE"), reason="no SIGPIPE on this platform")
@pytest.mark.parametrize(
    "args",
    [
        ["generate", "-n", "3000"],  # ~1.5 MB: far more than a pipe buffers, so the write meets the closed pipe
        ["analyze", str(SCENARIO), "--fail-on", "none", "-f", "html"],
    ],
)
def test_a_closed_pipe_ends_biotm_like_cat_not_with_the_findings_exit_code(args: list[str]) -> None:
    with subprocess.Popen(
        [sys.executable, "-m", "biotm", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={"COLUMNS": "80", "PATH": ""},
    ) as process:  # the context closes stderr too, which a bare Popen leaves to the garbage collector
        assert process.stdout is not None and process.stderr is not None
        assert process.stdout.readline()  # the reader takes one line and leaves, as `head -1` does
        process.stdout.close()
        stderr = process.stderr.read()
        assert process.wait(timeout=120) == -signal.SIGPIPE
    assert b"Traceback" not in stderr and b"internal error" not in stderr
