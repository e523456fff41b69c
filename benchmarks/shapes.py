#!/usr/bin/env python3
"""What evaluating by shape could save on the national model: classes, their cost, and an upper bound. Not a test.

    .venv/bin/python benchmarks/shapes.py [ELEMENTS ...]        # default: 10000

For each size it generates the national model (`biotm generate --elements N --seed 1`), computes its shape
classes (`biotm.graph.shapes`) and prints their number and CPU time. Then it times every rule's check and
scoring on the whole model, and on the same model cut down to one member per class (the classes' smallest
ids, and the flows between kept elements). The second time is what the rules would cost if each check ran
once per class and nothing else; the difference bounds what wiring classes into the rule checks can save.
"""

from __future__ import annotations

import argparse
import gc
import json
import time
from typing import Any

from biotm.generate import dump_json, national_model
from biotm.graph import SystemGraph, build_graph
from biotm.graph.shapes import shape_classes
from biotm.model import load_bytes
from biotm.model.parse import Limits
from biotm.rules import registry
from biotm.rules.base import RuleContext
from biotm.rules.scorer import RuleScores, Scorer


def _graph(model: dict[str, Any]) -> SystemGraph:
    unbounded = Limits(max_bytes=4 * 2**30, max_elements=10**7)
    return build_graph(load_bytes(dump_json(model).encode(), "national.json", unbounded))


def rule_seconds(graph: SystemGraph) -> tuple[float, float, int]:
    """CPU seconds of all rule checks, of scoring their hits, and the number of findings."""
    ctx = RuleContext(graph)
    scorer = Scorer(ctx)
    checking = scoring = 0.0
    findings = 0
    for rule in registry.all_rules():
        start = time.process_time()
        hits = list(rule.check(ctx))
        checked = time.process_time()
        scores = RuleScores(rule)
        findings += sum(1 for hit in hits if scorer.finding(scores, hit) is not None)
        checking += checked - start
        scoring += time.process_time() - checked
    return checking, scoring, findings


def one_per_class(model: dict[str, Any], graph: SystemGraph) -> dict[str, Any]:
    """The model with each shape class cut to its representative (and the flows between what is kept)."""
    classes = shape_classes(graph)
    kept = {ids[0] for ids in classes.members}
    cut = dict(model)
    cut["elements"] = [e for e in model["elements"] if e["id"] in kept]
    cut["flows"] = [f for f in model["flows"] if f["source"] in kept and f["target"] in kept]
    cut["attackers"] = [
        {**a, "entry": [p for p in a["entry"] if p in kept or p in ("internet", "public-place") or "_" not in p]}
        for a in model["attackers"]
    ]
    cut["attackers"] = [a for a in cut["attackers"] if a["entry"]]
    return cut


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sizes", type=int, nargs="*", default=[10000], help="element counts")
    args = parser.parse_args(argv)
    gc.disable()  # as the CLI runs the rules
    for n in args.sizes:
        model = json.loads(dump_json(national_model(n, seed=1)))
        graph = _graph(model)
        start = time.process_time()
        classes = shape_classes(graph)
        seconds = time.process_time() - start
        print(f"national {n}: {len(classes.members):,} shape classes of {n:,} elements, {seconds:.2f} s CPU")
        check, score, findings = rule_seconds(graph)
        print(f"  rules on every place:      checks {check:6.2f} s, scoring {score:6.2f} s, {findings:,} findings")
        cut = one_per_class(model, graph)
        cut_check, cut_score, cut_findings = rule_seconds(_graph(cut))
        print(
            f"  one place per class:       checks {cut_check:6.2f} s, scoring {cut_score:6.2f} s, "
            f"{cut_findings:,} findings ({len(cut['elements']):,} elements, {len(cut['flows']):,} flows)"
        )
        print(f"  at most saved by checking each class once: {check - cut_check:.2f} s of {check + score:.2f} s")


if __name__ == "__main__":
    main()
