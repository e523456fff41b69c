"""Time the mitigation plan over all candidates, and compare it with the exhaustive greedy plan.

    .venv/bin/python benchmarks/bench_plan.py --scenarios          # lazy plan == exhaustive greedy, per scenario
    .venv/bin/python benchmarks/bench_plan.py 2000 10000           # plan time on generated national models
    .venv/bin/python benchmarks/bench_plan.py 2000 --unbounded     # every candidate (no --plan-work bound)

The exhaustive greedy plan measures every candidate's exact gain in every round (no upper bounds, no
laziness) and takes the best ratio that fits; the shipped planner must choose the same items. Not a
test: nothing asserts; it prints what it finds.
"""

from __future__ import annotations

import argparse
import datetime as dt
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

from biotm.analysis.plan_reference import exhaustive_plan
from biotm.analysis.stage import analyze_attacks
from biotm.graph import build_graph
from biotm.model.loader import load_model
from biotm.pipeline import AuditOptions, audit

ROOT = Path(__file__).resolve().parents[1]
OPTIONS = AuditOptions(plan=False, today=dt.date(2026, 1, 1))


def exhaustive(path: Path, budget: float | None, items: int) -> list[list[str]]:
    loaded = load_model(path)
    result = audit(loaded, OPTIONS)
    graph = build_graph(loaded)
    return [i.members for i in exhaustive_plan(graph, result, analyze_attacks(graph), OPTIONS, budget, items)]


def scenarios(items: int) -> None:
    for path in sorted((ROOT / "scenarios").glob("*.yaml")):
        for budget in (None, 20.0):
            plan = audit(
                load_model(path), AuditOptions(plan=True, plan_items=items, budget_days=budget, today=OPTIONS.today)
            ).plan
            assert plan is not None
            lazy = [i.members for i in plan.items]
            full = exhaustive(path, budget, items)
            first = next((i for i, (a, b) in enumerate(zip(lazy, full, strict=False)) if a != b), len(full))
            same = "same" if lazy == full else f"DIFFERENT at item {first + 1}"
            print(f"{path.name:42} budget {budget!s:>5}: {len(lazy):2} items, {same}")


def _timed() -> tuple[Counter[str], Counter[str]]:
    """Wrap the planner's costly calls to sum their CPU time and count them (benchmark only: it patches)."""
    from biotm.analysis import incremental, incremental_attack, mitigation

    spent: Counter[str] = Counter()
    calls: Counter[str] = Counter()
    for owner, name, key in (
        (incremental_attack.AttackState, "evaluate", "attack-stage re-runs (AttackState.evaluate)"),
        (mitigation, "_bound", "bounds (_bound)"),
        (incremental.RuleState, "gain", "rule gains (RuleState.gain)"),
    ):
        original = getattr(owner, name)

        def timed(*args: Any, _original: Any = original, _key: str = key, **kwargs: Any) -> Any:
            start = time.process_time()
            try:
                return _original(*args, **kwargs)
            finally:
                spent[_key] += time.process_time() - start
                calls[_key] += 1

        setattr(owner, name, timed)
    return spent, calls


def national(sizes: list[int], unbounded: bool) -> None:
    spent, calls = _timed()
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            model = Path(tmp) / f"national-{size}.yaml"
            subprocess.run(
                [sys.executable, "-m", "biotm", "generate", "--elements", str(size), "--seed", "1", "-o", str(model)],
                check=True,
            )
            loaded = load_model(model)
            start, cpu = time.perf_counter(), time.process_time()
            options = AuditOptions(plan=True, today=OPTIONS.today)
            if unbounded:
                options = replace(options, plan_work=None)
            spent.clear()
            calls.clear()
            plan = audit(loaded, options).plan
            wall, used = time.perf_counter() - start, time.process_time() - cpu
            assert plan is not None
            print(
                f"national {size}: audit + plan {wall:.1f} s wall, {used:.1f} s CPU; {plan.candidates} candidates, "
                f"{len(plan.items)} items, risk {plan.risk_before:.1f} -> {plan.risk_after:.1f}; {plan.stopped}"
            )
            for key, seconds in spent.most_common():
                print(f"    {key}: {seconds:.1f} s CPU in {calls[key]} calls")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sizes", nargs="*", type=int)
    parser.add_argument("--scenarios", action="store_true", help="compare with the exhaustive greedy plan")
    parser.add_argument("--items", type=int, default=12)
    parser.add_argument("--unbounded", action="store_true", help="plan over every candidate (plan_work None)")
    args = parser.parse_args()
    if args.scenarios:
        scenarios(args.items)
    if args.sizes:
        national(args.sizes, args.unbounded)


if __name__ == "__main__":
    main()
