"""Yen's k shortest simple paths over the attack graph, from START to GOAL, on weights -log p."""

from __future__ import annotations

import heapq
import itertools
import math
from collections.abc import Callable, Iterable, Iterator, Sequence

from biotm.analysis.attack_steps import GOAL, START, Edge

Steps = Callable[[str], Iterable[tuple[str, float, "Edge | None"]]]


def k_shortest(
    steps: Steps, starts: Sequence[tuple[float, str, Edge]], k: int, limit: float, budget: list[int] | None = None
) -> Iterator[tuple[Edge, ...]]:
    """Yen's k shortest simple paths from START to GOAL no longer than `limit`, best first.

    `budget[0]` counts down the spur searches allowed; at zero the search stops with the paths found.

    Equally long candidates come out in the order they were found (as networkx's `shortest_simple_paths`
    does): deviations from earlier nodes of the previous path first; each search breaks ties by node ids.
    """
    accepted: list[tuple[str, ...]] = []
    candidates: list[tuple[float, int, tuple[str, ...], tuple[Edge, ...]]] = []
    queued: set[tuple[str, ...]] = set()
    found = itertools.count()
    first = shortest_to_goal(steps, START, 0.0, limit, frozenset(), frozenset(), starts)
    if first is None:
        return
    heapq.heappush(candidates, (first[0], next(found), first[1], first[2]))
    queued.add(first[1])
    while candidates:
        _, _, nodes, edges = heapq.heappop(candidates)
        queued.discard(nodes)
        yield edges
        accepted.append(nodes)
        if len(accepted) == k:
            return
        root_length = 0.0
        for i in range(1, len(nodes)):
            root = nodes[:i]
            if i > 1:
                root_length += -math.log(edges[i - 2].probability)
            blocked_edges = frozenset((p[i - 1], p[i]) for p in accepted if p[:i] == root)
            if budget is not None:
                if budget[0] <= 0:
                    break
                budget[0] -= 1
            spur = shortest_to_goal(steps, root[-1], root_length, limit, frozenset(root[:-1]), blocked_edges, starts)
            if spur is None:
                continue
            path = root[:-1] + spur[1]
            if path not in queued:
                heapq.heappush(candidates, (spur[0], next(found), path, edges[: i - 1] + spur[2]))
                queued.add(path)


def shortest_to_goal(
    steps: Steps,
    source: str,
    start: float,
    limit: float,
    blocked: frozenset[str],
    blocked_edges: frozenset[tuple[str, str]],
    starts: Sequence[tuple[float, str, Edge]] = (),
) -> tuple[float, tuple[str, ...], tuple[Edge, ...]] | None:
    """Dijkstra from `source` (at distance `start`) to GOAL avoiding `blocked` nodes and edges; ties by node ids.

    From START, the edges are `starts` (sorted by weight, then target): they go on the heap one at a time,
    each when the one before it comes off, which pops labels in the same order as pushing them all.
    """
    heap: list[tuple[float, tuple[str, ...], tuple[Edge, ...]]] = [(start, (source,), ())]
    best: dict[str, tuple[float, tuple[str, ...]]] = {source: (start, (source,))}
    done: set[str] = set()
    lazy = starts if source == START else ()
    position = 0
    pending: tuple[float, tuple[str, ...]] | None = None

    def push_next_start() -> None:
        nonlocal position, pending
        pending = None
        while position < len(lazy):
            weight, target, edge = lazy[position]
            position += 1
            if target in blocked or target in done or (START, target) in blocked_edges:
                continue
            label = (start + weight, (START, target))
            if label[0] > limit:
                position = len(lazy)
                return
            old = best.get(target)
            if old is None or label < old:
                best[target] = label
                heapq.heappush(heap, (label[0], label[1], (edge,)))
                pending = label
                return

    while heap:
        d, path, edges = heapq.heappop(heap)
        if pending is not None and (d, path) == pending:
            push_next_start()
        node = path[-1]
        if node in done:
            continue
        if node == GOAL:
            return d, path, edges
        done.add(node)
        if node == START and lazy:
            push_next_start()
        for target, weight, edge in steps(node):
            if target in blocked or target in done or (node, target) in blocked_edges:
                continue
            label = (d + weight, (*path, target))
            if label[0] > limit:
                continue
            old = best.get(target)
            if old is None or label < old:
                best[target] = label
                heapq.heappush(heap, (label[0], label[1], edges if edge is None else (*edges, edge)))
    return None
