"""A stage-by-stage progress bar on stderr for long audits (only on a terminal, never in piped output)."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterator
from typing import TextIO

#: Stages in the order an audit passes them; `audit()` names the middle ones, the command the others.
STAGES = ("loading the model", "building the graph", "running the rules", "analysing", "writing the report")
#: Models smaller than this load and audit in well under a second: no bar, no flicker.
MIN_BYTES = 1_000_000

Progress = Callable[[str], None]


def no_progress(stage: str) -> None:
    """A progress hook that shows nothing."""


def wanted(model_file: str, fmt: str, output: str | None, stream: TextIO | None = None) -> bool:
    """Show a bar for a large model when stderr is a terminal and the report is not JSON on stdout."""
    stream = stream if stream is not None else sys.stderr
    if not stream.isatty() or (fmt == "json" and output in (None, "-")):
        return False
    try:
        return os.path.getsize(model_file) >= MIN_BYTES
    except OSError:
        return False


@contextlib.contextmanager
def progress_bar(enabled: bool) -> Iterator[Progress]:
    """A hook that moves a transient rich bar on stderr to the named stage (a no-op when disabled)."""
    if not enabled:
        yield no_progress
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    columns = (SpinnerColumn(), TextColumn("{task.description:<20}"), BarColumn(), TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(STAGES[0], total=len(STAGES))

        def step(stage: str) -> None:
            done = STAGES.index(stage) if stage in STAGES else 0
            bar.update(task, description=stage, completed=done)

        yield step
