"""Time the attack stage (paths, leaks, chains) on generated national models. Not a test.

    .venv/bin/python benchmarks/bench_paths.py [ELEMENTS ...]   # default: 1000 2500 10000

Prints, per size: attack-graph build, one Dijkstra per attacker (every leak), k=3 paths for every
(attacker, target) pair (Yen, as `biotm paths` does) and the default-analyze selection, theft chains,
and the time per element relative to the smallest size (1.0 = linear).
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from typing import TypeVar

from biotm.analysis.attackers import attackers_for
from biotm.analysis.numbers import Numbers
from biotm.analysis.paths import AttackGraph
from biotm.analysis.stage import AttackAnalysis, attack_paths, exposure_findings, theft_chains
from biotm.generate import national_model
from biotm.graph import build_graph
from biotm.model import load_bytes
from biotm.model.limits import Limits

T = TypeVar("T")


def timed(what: Callable[[], T]) -> tuple[T, float]:
    start = time.perf_counter()
    value = what()
    return value, time.perf_counter() - start


def bench(elements: int) -> dict[str, float]:
    raw = json.dumps(national_model(elements)).encode()
    graph = build_graph(load_bytes(raw, "national.json", Limits(max_elements=10**7)))
    numbers = Numbers.of(graph.model.settings)
    attackers = attackers_for(graph)
    attack_graph, build = timed(lambda: AttackGraph(graph, numbers))
    leaks, dijkstra = timed(lambda: {a.id: attack_graph.leaks(a) for a in attackers})
    analysis = AttackAnalysis(attackers, attack_graph, leaks)
    _, exposure = timed(lambda: exposure_findings(graph, attackers, leaks, attack_graph))
    every, yen_all = timed(lambda: attack_paths(analysis, k=3, k_pairs=None))
    default, yen_default = timed(lambda: attack_paths(analysis, k=3))
    (chains, _), chain_time = timed(lambda: theft_chains(graph, numbers, attackers, leaks))
    print(
        f"{elements:>7} elements {len(graph.model.flows):>7} flows {len(attackers)} attackers | "
        f"graph {build:6.2f}s  dijkstra {dijkstra:6.2f}s  exposure {exposure:5.2f}s  "
        f"k=3 all pairs {yen_all:6.2f}s ({len(every)} paths)  k=3 default {yen_default:6.2f}s ({len(default)})  "
        f"chains {chain_time:6.2f}s ({len(chains)})"
    )
    return {"dijkstra": dijkstra, "yen_all": yen_all, "yen_default": yen_default, "chains": chain_time}


def main(sizes: list[int]) -> None:
    results = {n: bench(n) for n in sizes}
    smallest = min(results)
    print("time per element relative to", smallest, "elements (1.0 = linear):")
    for n, times in sorted(results.items()):
        ratios = "  ".join(
            f"{key} {(times[key] / n) / max(results[smallest][key] / smallest, 1e-9):5.2f}" for key in times
        )
        print(f"{n:>7}: {ratios}")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [1000, 2500, 10000])
