"""The calibration set: on pre-incident models of real breaches and frauds, the root cause an auditor names
ranks in the top 3, critical stays rare, and the fix makes the root cause go away.

The models and their expected root causes were committed before the analysis first ran on them; a failing
case means a mechanism is wrong, not that a model needs other numbers.
"""

from __future__ import annotations

from typing import Any

import pytest
from calibration_support import (
    MAX_CRITICAL,
    SCORING_DOC,
    TOP,
    Case,
    audited,
    cases,
    doc_table,
    fix_leaves,
    open_findings,
    root_cause_rank,
    table_lines,
)

CASES = cases()

#: Cases that still fail, with the mechanism that fails them and who owns it (strict: a fix makes them pass,
#: and the marker must then go). Never fixed by editing a calibration model or its expectations.
KNOWN_FAILURES: dict[tuple[str, str], str] = {
}


def _known(kind: str, case: Case) -> Any:
    reason = KNOWN_FAILURES.get((kind, case.name))
    return pytest.param(case, marks=pytest.mark.xfail(reason=reason, strict=True), id=case.name) if reason else case


def test_at_least_ten_cases() -> None:
    assert len(CASES) >= 10


@pytest.mark.parametrize("case", [_known("root", c) for c in CASES], ids=lambda c: c.name)
def test_root_cause_in_top_three(case: Case) -> None:
    result = audited(case)
    rank = root_cause_rank(case, result)
    head = [f"{f.severity} {f.risk:.3f} {f.rule} {'>'.join(f.places)}" for f in open_findings(result)[:6]]
    assert rank is not None and rank <= TOP, f"root causes {case.root_causes} ranked {rank}; head: {head}"


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_critical_is_rare(case: Case) -> None:
    critical = [f for f in open_findings(audited(case)) if f.severity == "critical"]
    assert len(critical) <= MAX_CRITICAL, [f"{f.rule} {'>'.join(f.places)}" for f in critical]


@pytest.mark.parametrize("case", [_known("fixed", c) for c in CASES], ids=lambda c: c.name)
def test_fixed_variant_removes_the_root_cause(case: Case) -> None:
    before, left = fix_leaves(case)
    assert before, f"none of {case.removes} is in the top {TOP} of the model as it was"
    assert not left, f"the fix left {left}"


def test_the_scoring_doc_shows_the_ranks_the_models_reach_now() -> None:
    text = SCORING_DOC.read_text(encoding="utf-8")
    start, end = doc_table(text)
    stale = "docs/scoring.md's calibration table is stale: run python tests/calibration/rank_table.py"
    assert text.splitlines()[start:end] == table_lines(), stale
