"""`biotm diff` audits BASE in a forked child on large models: the same diff as in one process, and nothing lost
when the child dies."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from biotm.cli import cli, diff_audits

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
PAIR = [str(SCENARIOS / "china-sim-registration.yaml"), str(SCENARIOS / "china-sim-registration-hardened.yaml")]

pytestmark = pytest.mark.skipif(not diff_audits._can_fork(), reason="no fork here: diff runs in one process")


def _diff(fmt: str) -> str:
    run = CliRunner().invoke(cli, ["diff", *PAIR, "-f", fmt, "--today", "2026-01-01", "--fail-on", "none"])
    assert run.exit_code == 0, run.output
    return run.output


def _counting(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the BASE audits this process runs itself (a child's count stays in the child)."""
    import biotm.cli.diff_cmd as diff_cmd

    here: list[int] = []
    original = diff_cmd.audit

    def counted(*args: Any, **kwargs: Any) -> Any:
        here.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(diff_cmd, "audit", counted)  # the audit diff runs for both models
    return here


@pytest.mark.parametrize("fmt", ["json", "markdown"])
def test_the_forked_base_audit_gives_the_same_diff_as_one_process(fmt: str, monkeypatch: pytest.MonkeyPatch) -> None:
    here = _counting(monkeypatch)
    monkeypatch.setattr(diff_audits, "PARALLEL_MIN_ELEMENTS", 10**9)
    alone = _diff(fmt)
    assert len(here) == 2  # BASE and NEW, here
    monkeypatch.setattr(diff_audits, "PARALLEL_MIN_ELEMENTS", 0)
    assert _diff(fmt) == alone
    assert len(here) == 3  # the second diff's NEW here, its BASE in the child
    assert '"new_findings"' in alone or "new" in alone


def test_a_child_that_dies_leaves_the_audit_to_this_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(diff_audits, "PARALLEL_MIN_ELEMENTS", 10**9)
    alone = _diff("json")

    def dies(*args: object) -> None:
        os._exit(9)  # as if killed: no result on the pipe

    here = _counting(monkeypatch)
    monkeypatch.setattr(diff_audits, "PARALLEL_MIN_ELEMENTS", 0)
    monkeypatch.setattr(diff_audits, "_child", dies)
    assert _diff("json") == alone
    assert len(here) == 2  # NEW, then BASE when the child sent nothing
