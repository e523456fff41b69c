"""The calibration set: on pre-incident models of real breaches and frauds, the root cause an auditor names
ranks in the top 3, critical stays rare, and the fix makes the root cause go away.

The models and their expected root causes were committed before the analysis first ran on them; a failing
case means a mechanism is wrong, not that a model needs other numbers.
"""

from __future__ import annotations

import pytest
from calibration_support import MAX_CRITICAL, TOP, Case, audited, cases, open_findings, root_cause_rank

CASES = cases()


def test_at_least_ten_cases() -> None:
    assert len(CASES) >= 10


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_root_cause_in_top_three(case: Case) -> None:
    result = audited(case)
    rank = root_cause_rank(case, result)
    head = [f"{f.severity} {f.risk:.3f} {f.rule} {'>'.join(f.places)}" for f in open_findings(result)[:6]]
    assert rank is not None and rank <= TOP, f"root causes {case.root_causes} ranked {rank}; head: {head}"


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_critical_is_rare(case: Case) -> None:
    critical = [f for f in open_findings(audited(case)) if f.severity == "critical"]
    assert len(critical) <= MAX_CRITICAL, [f"{f.rule} {'>'.join(f.places)}" for f in critical]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_fixed_variant_removes_the_root_cause(case: Case) -> None:
    before = {f.id for f in open_findings(audited(case)) if f.rule in case.removes}
    assert before, f"none of {case.removes} fired on the model as it was"
    after = {f.id: f for f in open_findings(audited(case, fixed=True))}
    left = sorted(f"{after[i].rule} {'>'.join(after[i].places)}" for i in before if i in after)
    assert not left, f"the fix left {left}"
