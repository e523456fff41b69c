#!/usr/bin/env python3
"""Benchmark biotm at national scale, side by side with OWASP pytm on the same graphs.

For every size N it measures, each in a fresh process (wall time and peak RSS from /usr/bin/time -v,
or from getrusage in a wrapper process where that tool is missing):

* `biotm validate FILE` (load, schema, references) and
* `biotm analyze --format json -o OUT FILE` (the whole audit, JSON written)

on three models: the synthetic national model of `biotm generate --elements N` (YAML and JSON), the
same system written small (`--replicated`: each region's alike shops as one replicated shop), and
the benchmark topology of ../shared/bench/pytm_gen.py converted by `biotm generate --from-topology`.
When pytm can run (a venv this script creates with pytm 1.4.0, or --pytm-python), pytm `--json` is
timed on that same topology in the same run and the ratios are printed.

    python benchmarks/run.py                              # N = 1k, 10k, 100k; pytm at 1k and 10k
    python benchmarks/run.py --sizes 1000 --no-pytm       # quick look
    python benchmarks/run.py --pytm-python /path/to/python --pytm-sizes 1000 10000

It prints one Markdown table of runs, the growth exponent of each series (slope of log time
against log N), and the pytm/biotm ratios. Benchmarks are not tests: nothing here asserts.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_HARNESS = ROOT.parent / "shared" / "bench" / "pytm_gen.py"
PYTM_VENV = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "biotm-bench" / "venv-pytm-1.4.0"
PYTM_VERSION = "1.4.0"
MAX_SIZE_MB = "2000"
#: The generated 100k YAML holds about 3 million values, over the YAML default; every size is measured unbounded.
MAX_VALUES = "100000000"
#: Elements (and a quarter of the flows) read: above the largest model run here (1M).
MAX_ELEMENTS = "10000000"
UNBOUNDED = ("--max-size-mb", MAX_SIZE_MB, "--max-values", MAX_VALUES, "--max-elements", MAX_ELEMENTS)


@dataclass
class Run:
    """One measured process."""

    model: str  # "national", "replicated" (the national system with alike shops as one) or "topology"
    fmt: str  # "yaml", "json" or "py" (pytm)
    tool: str  # "biotm" or "pytm"
    command: str  # "validate", "analyze" or "--json"
    n: int
    flows: int
    rc: int | str
    wall: float
    rss_mb: float | None
    out_mb: float | None = None
    findings: int | None = None
    cpu: float | None = None  # user + system seconds (wall time also counts waiting for a busy CPU)


def _parse_time_v(text: str) -> tuple[float | None, float | None, float | None]:
    wall = rss = cpu = None
    found = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", text)
    if found:
        wall = 0.0
        for part in found.group(1).split(":"):
            wall = wall * 60 + float(part)
    found = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
    if found:
        rss = int(found.group(1)) / 1024
    times = re.findall(r"(?:User|System) time \(seconds\): ([\d.]+)", text)
    if times:
        cpu = sum(float(t) for t in times)
    return wall, rss, cpu


_RUSAGE_WRAPPER = (
    "import resource, subprocess, sys, time\n"
    "t = time.perf_counter(); rc = subprocess.call(sys.argv[1:], stdout=subprocess.DEVNULL)\n"
    "w = time.perf_counter() - t\n"
    "u = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "print(f'WALL {w} RSS {u.ru_maxrss} CPU {u.ru_utime + u.ru_stime}', file=sys.stderr)\n"
    "sys.exit(rc)\n"
)


def measure(
    cmd: list[str], timeout: float, env: dict[str, str] | None = None
) -> tuple[int | str, float, float | None, float | None]:
    """Run `cmd` in a fresh process; return (exit code or 'timeout', wall s, peak RSS MB, CPU s)."""
    timebin = "/usr/bin/time" if os.path.exists("/usr/bin/time") else None
    with tempfile.NamedTemporaryFile("w+", suffix=".time", delete=False) as handle:
        report = handle.name
    full = [timebin, "-v", "-o", report, *cmd] if timebin else [sys.executable, "-c", _RUSAGE_WRAPPER, *cmd]
    start = time.perf_counter()
    try:
        proc = subprocess.run(
            full, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=timeout, env=env, check=False
        )
    except subprocess.TimeoutExpired:
        os.unlink(report)
        return "timeout", time.perf_counter() - start, None, None
    outer = time.perf_counter() - start
    if timebin:
        wall, rss, cpu = _parse_time_v(Path(report).read_text())
    else:
        found = re.search(r"WALL (\S+) RSS (\d+) CPU (\S+)", proc.stderr.decode(errors="replace"))
        wall, rss, cpu = (float(found[1]), int(found[2]) / 1024, float(found[3])) if found else (None, None, None)
    os.unlink(report)
    if proc.returncode not in (0, 1):
        sys.stderr.write(proc.stderr.decode(errors="replace")[-1500:])
    return proc.returncode, wall if wall is not None else outer, rss, cpu


# -- preparing inputs ----------------------------------------------------------------------------------


def biotm_cmd() -> list[str]:
    return [sys.executable, "-m", "biotm"]


def prepare(args: argparse.Namespace, work: Path, n: int) -> dict[tuple[str, str], tuple[Path, int]]:
    """Model files for size n: (model, format) -> (path, flows)."""
    from biotm.generate import dump, from_topology, national_model

    files: dict[tuple[str, str], tuple[Path, int]] = {}
    # The national system of n elements, one element per place and written small (alike shops replicated).
    for name, replicated in (("national", False), ("replicated", True)):
        national = national_model(n, seed=args.seed, replicated=replicated)
        for fmt in args.formats:
            path = work / f"{name}_{n}.{fmt}"
            path.write_text(dump(national, str(path)))
            files[(name, fmt)] = (path, len(national["flows"]))
    if args.harness.exists():
        topo_path = work / f"topology_{n}.json"
        subprocess.run(
            [sys.executable, str(args.harness), "topology", "--elements", str(n), "--regions", str(args.regions),
             "-o", str(topo_path)],
            check=True,
        )  # fmt: skip
        model = from_topology(json.loads(topo_path.read_text()))
        for fmt in args.formats:
            path = work / f"topology_{n}.{fmt}"
            path.write_text(dump(model, str(path)))
            files[("topology", fmt)] = (path, len(model["flows"]))
    return files


def run_biotm(args: argparse.Namespace, work: Path, n: int) -> list[Run]:
    runs = []
    for (model, fmt), (path, flows) in prepare(args, work, n).items():
        for command in args.commands:
            out = work / f"out_{model}_{n}.json"
            if command == "validate":
                cmd = [*biotm_cmd(), "validate", "--quiet", *UNBOUNDED,
                       str(path)]  # fmt: skip
            else:
                cmd = [*biotm_cmd(), "analyze", "--format", "json", "-o", str(out), "--fail-on", "none",
                       "--today", "2026-01-01", *UNBOUNDED, str(path)]  # fmt: skip
            rc, wall, rss, cpu = measure(cmd, args.timeout)
            run = Run(model, fmt, "biotm", command, n, flows, rc, wall, rss, cpu=cpu)
            if command == "analyze" and out.exists():
                run.out_mb = out.stat().st_size / 2**20
                with out.open() as handle:
                    run.findings = len(json.load(handle).get("findings", []))
                out.unlink()
            runs.append(run)
            print(row(run), flush=True)
        path.unlink()
    return runs


# -- pytm ----------------------------------------------------------------------------------------------


def pytm_python(args: argparse.Namespace) -> str | None:
    """An interpreter that can import pytm, creating the benchmark's own venv if needed."""
    if args.no_pytm:
        return None
    candidate = args.pytm_python or os.environ.get("PYTM_PYTHON")
    if candidate is None:
        venv_python = PYTM_VENV / "bin" / "python"
        if not venv_python.exists():
            print(f"creating {PYTM_VENV} with pytm=={PYTM_VERSION} ...", flush=True)
            subprocess.run([sys.executable, "-m", "venv", str(PYTM_VENV)], check=True)
            subprocess.run([str(venv_python), "-m", "pip", "install", "--quiet", f"pytm=={PYTM_VERSION}"], check=False)
        candidate = str(venv_python)
    probe = subprocess.run([candidate, "-c", "import pytm"], capture_output=True, check=False)
    if probe.returncode != 0:
        print(f"pytm is not importable by {candidate}; skipping pytm", flush=True)
        return None
    return candidate


def run_pytm(args: argparse.Namespace, python: str, work: Path, sizes: list[int]) -> list[Run]:
    """pytm --json on the benchmark topology, through the shared harness (one fresh process per size)."""
    rows_path = work / "pytm_rows.json"
    cmd = [python, str(args.harness), "bench", "--sizes", *map(str, sizes), "--modes", "json",
           "--regions", str(args.regions), "--timeout", str(args.timeout), "--json-out", str(rows_path)]  # fmt: skip
    subprocess.run(cmd, check=False, env={**os.environ, "PYTM_PYTHON": python})
    if not rows_path.exists():
        return []
    runs = []
    for r in json.loads(rows_path.read_text())["rows"]:
        if r.get("rc") == "skipped":
            continue
        run = Run("topology", "py", "pytm", "--json", r["n"], r["flows"], r["rc"], r["wall"], r.get("rss_mb"),
                  r.get("out_mb"), r.get("findings"))  # fmt: skip
        runs.append(run)
    return runs


# -- output --------------------------------------------------------------------------------------------

HEADER = (
    "| model | input | tool | command | N elements | flows | wall s | CPU s | peak RSS MB | output MB | findings |\n"
    "| --- | --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
)


def _num(value: float | None, digits: int) -> str:
    return "?" if value is None else f"{value:.{digits}f}"


def row(run: Run) -> str:
    status = "" if run.rc in (0, 1) else f" (rc={run.rc})"
    return (
        f"| {run.model} | {run.fmt} | {run.tool} | {run.command} | {run.n} | {run.flows} | "
        f"{_num(run.wall, 2)}{status} | {_num(run.cpu, 2)} | {_num(run.rss_mb, 0)} | {_num(run.out_mb, 1)} | "
        f"{'' if run.findings is None else run.findings} |"
    )


def growth(points: list[tuple[int, float]]) -> str:
    """Slope of log(time) against log(N), fitted by least squares, plus the step between each size."""
    points = [(n, t) for n, t in points if t > 0]
    if len(points) < 2:
        return "n/a"
    xs = [math.log(n) for n, _ in points]
    ys = [math.log(t) for _, t in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum((x - mx) ** 2 for x in xs)
    steps = ", ".join(
        f"{n1}->{n2}: {math.log(t2 / t1) / math.log(n2 / n1):.2f}"
        for (n1, t1), (n2, t2) in itertools.pairwise(points)
    )
    return f"N^{slope:.2f} ({steps})"


def machine() -> str:
    cpu = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))  # type: ignore[union-attr]
        mem = f", {kb / 2**20:.0f} GB RAM"
    except (OSError, AttributeError):
        pass
    return (
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs ({cpu}){mem}, "
        f"Python {platform.python_version()}"
    )


def report(runs: list[Run]) -> None:
    print()
    print(HEADER)
    for run in sorted(runs, key=lambda r: (r.model, r.fmt, r.tool, r.command, r.n)):
        print(row(run))
    print()
    print("Growth (time ~ N^k, least-squares fit of log time on log N; step exponents in brackets):")
    series: dict[tuple[str, str, str, str], list[Run]] = {}
    for run in runs:
        if run.rc in (0, 1):
            series.setdefault((run.model, run.fmt, run.tool, run.command), []).append(run)
    for key in sorted(series):
        points = sorted(series[key], key=lambda r: r.n)
        wall = growth([(r.n, r.wall) for r in points])
        cpu = growth([(r.n, r.cpu) for r in points if r.cpu is not None])
        print(f"- {' '.join(key)}: wall {wall}; CPU {cpu}")
    pytm = {r.n: r for r in runs if r.tool == "pytm" and r.rc == 0}
    if pytm:
        print()
        print("pytm --json / biotm analyze --format json, same topology (higher = biotm faster or smaller):")
        print("| N elements | input | pytm s | biotm s | time ratio | pytm MB | biotm MB | memory ratio |")
        print("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
        for run in sorted(runs, key=lambda r: (r.n, r.fmt)):
            if run.tool != "biotm" or run.model != "topology" or run.command != "analyze" or run.n not in pytm:
                continue
            peer = pytm[run.n]
            mem = (
                f"{peer.rss_mb / run.rss_mb:.1f}x" if peer.rss_mb and run.rss_mb else "?"
            )
            print(
                f"| {run.n} | {run.fmt} | {peer.wall:.2f} | {run.wall:.2f} | {peer.wall / run.wall:.0f}x | "
                f"{_num(peer.rss_mb, 0)} | {_num(run.rss_mb, 0)} | {mem} |"
            )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000], help="element counts")
    parser.add_argument("--formats", nargs="+", default=["yaml", "json"], choices=["yaml", "json"])
    parser.add_argument("--commands", nargs="+", default=["validate", "analyze"], choices=["validate", "analyze"])
    parser.add_argument("--seed", type=int, default=0, help="seed of the national model")
    parser.add_argument("--regions", type=int, default=8, help="regional boundaries of the topology")
    parser.add_argument("--harness", type=Path, default=DEFAULT_HARNESS, help="path of pytm_gen.py")
    parser.add_argument("--pytm-python", help="a Python that can import pytm (default: a venv made here)")
    parser.add_argument("--pytm-sizes", type=int, nargs="+", default=[1000, 10000],
                        help="sizes to time pytm at (pytm needs ~20 min at 100k)")  # fmt: skip
    parser.add_argument("--no-pytm", action="store_true", help="time biotm only")
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds per run")
    parser.add_argument("--workdir", type=Path, help="keep generated files here")
    args = parser.parse_args(argv)
    if not args.harness.exists():
        print(f"{args.harness} not found: timing the national model only, no pytm", flush=True)
        args.no_pytm = True

    print(f"machine: {machine()}", flush=True)
    work = args.workdir or Path(tempfile.mkdtemp(prefix="biotm_bench_"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        print(HEADER, flush=True)
        runs: list[Run] = []
        for n in sorted(args.sizes):
            runs += run_biotm(args, work, n)
        python = pytm_python(args)
        if python is not None:
            sizes = sorted(set(args.pytm_sizes) & set(args.sizes)) or sorted(args.pytm_sizes)
            runs += run_pytm(args, python, work, sizes)
        report(runs)
    finally:
        if args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
