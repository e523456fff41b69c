"""Fuzzing the loader: replay kept crash inputs, then fuzz for a bounded time.

With atheris installed, tests/fuzz/fuzz_loader.py runs coverage-guided for BIOTM_FUZZ_SECONDS (default
20; 0 skips) in a child process with a memory cap; a crash it finds is written to
tests/fuzz/crashes/ (keep it there once fixed: the replay test below then guards it forever) and
fails this test. Without atheris, a hypothesis byte-mutation run over the same seeds stands in.
"""

from __future__ import annotations

import importlib.util
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from fuzz_harness import check_input
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parent.parent.parent
CRASHES = Path(__file__).parent / "crashes"
SEED_DIRS = [ROOT / "tests" / "bad_models", ROOT / "tests" / "fixtures", ROOT / "scenarios"]
FUZZ_SECONDS = int(os.environ.get("BIOTM_FUZZ_SECONDS", "20"))
MEMORY_MB = 1536


def _seeds() -> list[bytes]:
    out = []
    for directory in SEED_DIRS:
        if directory.is_dir():
            out += [p.read_bytes()[:8192] for p in sorted(directory.iterdir()) if p.is_file()]
    return out


def _kept_crashes() -> list[Path]:
    return sorted(p for p in CRASHES.iterdir() if p.is_file() and not p.name.startswith("."))


@pytest.mark.parametrize("path", _kept_crashes(), ids=lambda p: p.name)
def test_kept_crash_inputs_no_longer_crash(path: Path) -> None:
    check_input(path.read_bytes())


def _limit_memory() -> None:
    limit = MEMORY_MB * 1024 * 1024 * 2  # libFuzzer's own -rss_limit_mb is the real cap; this is a backstop
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


@pytest.mark.skipif(FUZZ_SECONDS <= 0, reason="BIOTM_FUZZ_SECONDS=0")
@pytest.mark.skipif(importlib.util.find_spec("atheris") is None, reason="atheris not installed")
def test_coverage_guided_fuzzing_finds_no_crash(tmp_path: Path) -> None:
    work = tmp_path / "corpus"
    work.mkdir()
    seeds = [str(d) for d in SEED_DIRS if d.is_dir()]
    before = set(_kept_crashes())
    run = subprocess.run(
        [
            sys.executable,
            str(Path(__file__).parent / "fuzz_loader.py"),
            str(work),
            *seeds,
            f"-max_total_time={FUZZ_SECONDS}",
            "-max_len=8192",
            "-timeout=10",
            f"-rss_limit_mb={MEMORY_MB}",
            f"-artifact_prefix={CRASHES}/",
            "-print_final_stats=1",
        ],
        capture_output=True,
        text=True,
        timeout=FUZZ_SECONDS + 120,
        preexec_fn=_limit_memory,
        check=False,
    )
    found = sorted(set(_kept_crashes()) - before)
    assert run.returncode == 0 and not found, (
        f"fuzzing found a crash, kept in {[str(p) for p in found]}:\n{run.stderr[-4000:]}"
    )


@pytest.mark.skipif(importlib.util.find_spec("atheris") is not None, reason="atheris runs instead")
@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.sampled_from(_seeds()), st.lists(st.tuples(st.integers(0, 8191), st.binary(max_size=8)), max_size=6))
def test_mutated_seeds_never_crash(seed: bytes, edits: list[tuple[int, bytes]]) -> None:
    data = bytearray(seed)
    for position, chunk in edits:
        at = position % (len(data) + 1)
        data[at : at + len(chunk) // 2] = chunk
    check_input(bytes(data))
