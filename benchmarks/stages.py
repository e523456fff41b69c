#!/usr/bin/env python3
"""Where the time of one `biotm analyze --format json` goes, stage by stage. Not a test.

    .venv/bin/python benchmarks/stages.py [ELEMENTS ...]        # default: 1000 10000 100000
    .venv/bin/python benchmarks/stages.py --input model.json     # a model file of your own

For each size it generates the national model (`biotm generate --elements N`) as JSON, then, in one
process with the garbage collector paused as the CLI does, times loading, each stage the pipeline
announces to its progress callback (graph, rules, attack analysis), and writing the JSON report,
and prints CPU seconds per stage with the resident memory after it. Run `benchmarks/run.py` for
whole-process times and the comparison with pytm.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import gc
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

from biotm.cli.common import write_output
from biotm.generate import national_model
from biotm.model import load_model
from biotm.model.parse import Limits
from biotm.pipeline import AuditOptions, audit
from biotm.report.json_report import chunks


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Clock:
    """CPU seconds per named stage, in the order they ran."""

    def __init__(self) -> None:
        self.stages: list[tuple[str, float, float]] = []
        self._name: str | None = None
        self._start = 0.0

    def start(self, name: str) -> None:
        self.stop()
        self._name, self._start = name, time.process_time()

    def stop(self) -> None:
        if self._name is not None:
            self.stages.append((self._name, time.process_time() - self._start, peak_mb()))
            self._name = None


def measure(path: Path, out: Path) -> Clock:
    clock = Clock()
    gc.disable()
    clock.start("load and validate")
    loaded = load_model(str(path), Limits(max_bytes=4 * 2**30, max_elements=10**7))
    options = AuditOptions(today=dt.date(2026, 1, 1), progress=clock.start)
    result = audit(loaded, options)
    clock.start("write the JSON report")
    write_output(chunks(result), str(out))  # as the CLI does: serialised while it is written
    clock.stop()
    gc.enable()
    return clock


def _generate(work: Path, n: int) -> Path:
    path = work / f"national_{n}.json"
    path.write_text(json.dumps(national_model(n, seed=0)))
    return path


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sizes", type=int, nargs="*", default=[1000, 10000, 100000], help="element counts")
    parser.add_argument("--input", type=Path, help="time this model file instead of generated ones")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="biotm_stages_") as work:
        # Each model is generated just before it is measured, so the peaks of a small model are its own.
        inputs = [(args.input.name, lambda: args.input)] if args.input else [
            (f"national {n}", functools.partial(_generate, Path(work), n)) for n in args.sizes
        ]
        for label, make in inputs:
            clock = measure(make(), Path(work) / "out.json")
            total = sum(seconds for _, seconds, _ in clock.stages)
            print(f"{label}: {total:.2f} s CPU in-process, peak {peak_mb():.0f} MB so far")
            for name, seconds, rss in clock.stages:
                print(f"  {name:<22} {seconds:7.2f} s  {100 * seconds / max(total, 1e-9):5.1f} %  peak {rss:6.0f} MB")
            sys.stdout.flush()


if __name__ == "__main__":
    main()
