"""The reference the lazy mitigation plan must equal: every candidate measured exactly in every round. Slow by
design: for tests and benchmarks only (`tests/analysis/test_plan_exhaustive.py`, `benchmarks/bench_plan.py`)."""

from __future__ import annotations

import math

from biotm.analysis.mitigation import EPSILON, MAX_ITEMS, _Entry, _Planner, collect
from biotm.analysis.stage import AttackAnalysis
from biotm.graph import SystemGraph
from biotm.options import AuditOptions
from biotm.result import AuditResult, PlanItem


def exhaustive_plan(
    graph: SystemGraph,
    result: AuditResult,
    analysis: AttackAnalysis,
    options: AuditOptions,
    budget_days: float | None = None,
    max_items: int = MAX_ITEMS,
) -> list[PlanItem]:
    """The reference the lazy `plan` must equal: every candidate measured exactly in every round, the best
    ratio that fits taken (the first in candidate order on a tie). Slow by design: tests and benchmarks only."""
    planner = _Planner(graph, result, analysis, options, defer=False)
    entries = [_Entry(c, 1.0) for c in collect(graph, result, analysis)]
    remaining = math.inf if budget_days is None else budget_days
    items: list[PlanItem] = []
    for round_ in range(max_items):
        best: tuple[float, _Entry] | None = None
        for entry in entries:
            planner.measure(entry, round_)
            if entry.gain > EPSILON and entry.cost <= remaining + EPSILON:
                ratio = entry.gain / entry.cost
                if best is None or ratio > best[0]:
                    best = (ratio, entry)
        if best is None:
            break
        items.append(planner.commit(best[1]))
        remaining -= best[1].cost
    return items
