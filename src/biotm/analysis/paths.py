"""Searches over the attack graph: the best leak of every data item per attacker, and the k most likely paths.

The graph's nodes and edges are built in `biotm.analysis.attack_edges` (vocabulary in
`biotm.analysis.attack_steps`). Search runs on weights -log(p): Dijkstra for the best leak of every data
item (O((V + E) log V) per attacker) and Yen's algorithm (`biotm.analysis.yen`) for the k best paths to one
data item; no search ever enumerates all paths.
"""

from __future__ import annotations

import bisect
import heapq
import math
from collections.abc import Callable, Iterator
from dataclasses import replace

from biotm.analysis.attack_edges import AttackEdges

# Names also imported from here: the attack graph's vocabulary lives in `attack_steps` (`X as X` re-exports it).
from biotm.analysis.attack_steps import FLOW_PREFIX as FLOW_PREFIX
from biotm.analysis.attack_steps import GOAL as GOAL
from biotm.analysis.attack_steps import START as START
from biotm.analysis.attack_steps import Edge as Edge
from biotm.analysis.attack_steps import Leak as Leak
from biotm.analysis.attack_steps import PlaceControls as PlaceControls
from biotm.analysis.attack_steps import controls_at as controls_at
from biotm.analysis.attack_steps import controls_of_flow as controls_of_flow
from biotm.analysis.attack_steps import skill_scale as skill_scale
from biotm.analysis.attack_steps import to_attack_path as to_attack_path
from biotm.analysis.attack_steps import walk_back
from biotm.analysis.instances import PER_INSTANCE_STEPS, replicated, share
from biotm.analysis.numbers import Numbers
from biotm.analysis.yen import k_shortest
from biotm.graph import SystemGraph
from biotm.model.schema import IDENTIFIER_CATEGORIES, Attacker, DataCategory, ElementType
from biotm.result import AttackPath

#: The backward search behind `AttackGraph._reachable` gives up past this many elements (plus 1% of all): it
#: pays off for data held in a corner of the model (an OTP on the SMS path), not for data held everywhere.
BEFORE_MIN = 100
#: Spur searches (one Dijkstra each) Yen's algorithm may run for the k paths of one (attacker, data) pair;
#: past it the paths found so far are returned and the pair counted in `AttackGraph.bounded`.
MAX_SPUR_SEARCHES = 2000

#: Data categories whose paths are searched by default (what a thief can use or sell).
TARGET_CATEGORIES = frozenset(
    {
        DataCategory.BIOMETRIC_SAMPLE,
        DataCategory.BIOMETRIC_TEMPLATE,
        DataCategory.DOCUMENT_IMAGE,
        *IDENTIFIER_CATEGORIES,
        DataCategory.CREDENTIAL,
    }
)

_NO_VIEW: dict[str, Edge] = {}


class AttackGraph(AttackEdges):
    """The attack graph of one system graph and its searches: best leaks per attacker, k best paths."""

    def __init__(self, graph: SystemGraph, numbers: Numbers) -> None:
        super().__init__(graph, numbers)
        #: (attacker, data) pairs whose k-path search stopped at MAX_SPUR_SEARCHES.
        self.bounded: set[tuple[str, str]] = set()
        self._element_held: set[str] = set().union(*(self.obtains[e] for e in graph.elements))
        self._element_starts_of: dict[int, tuple[dict[str, Edge], dict[str, Edge]]] = {}
        self._before_of: dict[str, set[str] | None] = {}
        self._leaks: dict[tuple[int, float], tuple[dict[str, Edge], dict[str, Leak]]] = {}
        self._ordered_of: dict[tuple[int, float], tuple[dict[str, Edge], list[tuple[float, str, Edge]]]] = {}
        self._leaves: dict[tuple[int, float], tuple[dict[str, Edge], list[tuple[float, str, Edge]]]] = {}

    def _weight(self, edge: Edge, scale: float) -> float:
        return -scale * math.log(edge.probability)

    def dijkstra(
        self,
        attacker: Attacker,
        scale: float | None = None,
        settled: Callable[[float, str], float] | None = None,
        flows: bool = True,
    ) -> tuple[dict[str, float], dict[str, Edge]]:
        """Distances (-log p, scaled by skill) from the attacker's start and the best edge into each node.

        `settled(d, node)` is told each node as its distance becomes final, in order of distance, and answers
        how far the search must still go: the search stops before settling a node farther than that
        (distances of nodes left unsettled are then only upper bounds). Without `flows`, flow nodes are
        left out: nothing leads on from them, so callers that want them take them from `leaves`.
        """
        scale = skill_scale(attacker) if scale is None else scale
        dist: dict[str, float] = {START: 0.0}
        into: dict[str, Edge] = {}
        starts = self.start_edges(attacker) if flows else self._element_starts(attacker)
        # The start's edges, nearest first, go on the heap one at a time (an attacker may have a
        # hundred thousand); their distances are known at once, as if all had been pushed.
        first = self._ordered(starts, scale)
        for nd, target, edge in first:
            dist[target] = nd
            into[target] = edge
        heap: list[tuple[float, str]] = [first[0][:2]] if first else []
        pending = 0
        done: set[str] = {START}
        limit = settled(0.0, START) if settled is not None else math.inf
        row, log = self.row, math.log
        while heap:
            entry = heapq.heappop(heap)
            if pending < len(first) and entry == first[pending][:2]:
                pending += 1
                if pending < len(first):
                    heapq.heappush(heap, first[pending][:2])
            d, node = entry
            if node in done:
                continue
            if d > limit:
                break
            done.add(node)
            if settled is not None:
                limit = settled(d, node)
            for target, edge in row(node).items():
                if edge.probability <= 0.0 or target in done:
                    continue
                nd = d + -scale * log(edge.probability)  # `self._weight(edge, scale)`, inlined: the hottest loop
                if nd < dist.get(target, math.inf) - 1e-15:
                    dist[target] = nd
                    into[target] = edge
                    heapq.heappush(heap, (nd, target))
        return dist, into

    def _ordered(self, starts: dict[str, Edge], scale: float) -> list[tuple[float, str, Edge]]:
        """(distance, target, edge) of the start edges with a probability, nearest first (then by id)."""
        key = (id(starts), scale)
        found = self._ordered_of.get(key)
        if found is None or found[0] is not starts:
            edges = [(0.0 + self._weight(e, scale), t, e) for t, e in starts.items() if e.probability > 0.0]
            edges.sort(key=lambda x: (x[0], x[1]))
            found = self._ordered_of[key] = (starts, edges)
        return found[1]

    def _element_starts(self, attacker: Attacker) -> dict[str, Edge]:
        starts = self.start_edges(attacker)
        found = self._element_starts_of.get(id(starts))
        if found is None or found[0] is not starts:
            found = self._element_starts_of[id(starts)] = (
                starts,
                {t: e for t, e in starts.items() if t in self.graph.elements},
            )
        return found[1]

    def leaves(self, attacker: Attacker, scale: float) -> list[tuple[float, str, Edge]]:
        """(distance, flow node, edge) for every flow the attacker can listen to: the only way to a flow node."""
        starts = self.start_edges(attacker)
        key = (id(starts), scale)
        found = self._leaves.get(key)
        if found is None or found[0] is not starts:
            elements = self.graph.elements
            found = self._leaves[key] = (
                starts,
                [
                    (0.0 + self._weight(edge, scale), target, edge)
                    for target, edge in starts.items()
                    if edge.probability > 0.0 and target not in elements
                ],
            )
        return found[1]

    def _reachable(self, attacker: Attacker, data_id: str) -> bool:
        """Could any path from the attacker's start reach an element holding `data_id` (False: certainly not)?"""
        before = self._before(data_id)
        if before is None:
            return True
        return any(e.probability > 0.0 and t in before for t, e in self._element_starts(attacker).items())

    def _before(self, data_id: str) -> set[str] | None:
        """Elements from which some edge sequence leads to an element holding `data_id`; None if too many to list.

        Edges lead into an element from every element it shares a flow with, except into an actor (people
        are only entered), whatever the edge's probability.
        """
        if data_id in self._before_of:
            return self._before_of[data_id]
        graph = self.graph
        cap = BEFORE_MIN + len(graph.elements) // 100
        # the holders index, not a scan of every element per data item (quadratic on a model of many items)
        holders = [node for node in self.holders_of(data_id) if node in graph.elements]
        if len(holders) > cap:
            self._before_of[data_id] = None
            return None
        members = set(holders)
        queue = list(members)
        while queue and len(members) <= cap:
            node = queue.pop()
            if graph.elements[node].type is ElementType.ACTOR:
                continue
            for flow in (*graph.inbound.get(node, ()), *graph.outbound.get(node, ())):
                for other in (flow.source, flow.target):
                    if other not in members:
                        members.add(other)
                        queue.append(other)
        found = members if len(members) <= cap else None
        self._before_of[data_id] = found
        return found

    def _reach_limit(self, scale: float) -> float:
        """A distance (-log p, unscaled) beyond which every path is less likely than the reporting floor."""
        floor = self.numbers.step["min-probability"]
        return _above(-math.log(floor) / scale) if floor > 0.0 else math.inf

    def leaks(self, attacker: Attacker) -> dict[str, Leak]:
        """The most likely way the attacker obtains each data item it can reach at all.

        The nearest holder wins (on a tie the smallest id). Flow nodes are priced straight from the start
        edges; the search over elements stops once every data item an element holds has its nearest
        element holder, or is known unreachable, or is held on a flow nearer than what is left, or once
        what is left is below the reporting floor.
        """
        scale = skill_scale(attacker)
        starts = self.start_edges(attacker)
        key = (id(starts), scale)
        known = self._leaks.get(key)
        if known is None or known[0] is not starts:  # attackers who enter alike with one skill leak alike
            known = self._leaks[key] = (starts, self._leaks_of(attacker, scale))
        return dict(known[1])

    def _leaks_of(self, attacker: Attacker, scale: float) -> dict[str, Leak]:
        best: dict[str, tuple[float, str]] = {}
        into: dict[str, Edge] = {}
        for d, node, edge in self.leaves(attacker, scale):
            into[node] = edge
            for data_id in self.obtains[node]:
                old = best.get(data_id)
                if old is None or (d, node) < old:
                    best[data_id] = (d, node)
        # How far the element search must go for each item: to its nearest holder, at most to a flow holding it.
        needed = {d: best[d][0] if d in best else math.inf for d in self._element_held if self._reachable(attacker, d)}
        own = self.own_view(attacker)
        for data_id, (d, _, _) in self._misused(attacker, scale).items():
            if data_id in needed:
                needed[data_id] = min(needed[data_id], d)  # a route farther than the misuse cannot win
        reach = self._reach_limit(1.0)
        nearest: dict[str, tuple[float, str]] = {}
        limit = min(max(needed.values(), default=0.0), reach)

        def settled(d: float, node: str) -> float:
            nonlocal limit
            mine = own.get(node, _NO_VIEW)
            for data_id in self.obtains.get(node, ()):
                if data_id in mine:
                    continue  # an insider's own view is not a holder: its misuse is priced apart
                old = nearest.get(data_id)
                if old is None or (d, node) < old:
                    nearest[data_id] = (d, node)
                    if data_id in needed and d < needed[data_id]:
                        needed[data_id] = d
                        limit = min(max(needed.values()), reach)
            return limit

        _, element_into = self.dijkstra(attacker, settled=settled, flows=False)
        into.update(element_into)
        for data_id, found in nearest.items():
            if data_id not in best or found < best[data_id]:
                best[data_id] = found
        out: dict[str, Leak] = {}
        for data_id in sorted(best):
            d, node = best[data_id]
            out[data_id] = Leak(data_id, math.exp(-d), node, walk_back(node, into))
        return self.finish(attacker, out)

    def _misused(self, attacker: Attacker, scale: float) -> dict[str, tuple[float, str, Edge]]:
        """Per datum in the attacker's own view: (distance, actor, misuse step) of its likeliest misuse."""
        out: dict[str, tuple[float, str, Edge]] = {}
        for actor, views in sorted(self.own_view(attacker).items()):
            stand = self.start_edges(attacker)[actor]
            if stand.probability <= 0.0:
                continue
            for data_id, misuse in views.items():
                if misuse.probability <= 0.0:
                    continue
                d = self._weight(stand, scale) + self._weight(misuse, scale)
                if data_id not in out or d < out[data_id][0]:
                    out[data_id] = (d, actor, misuse)
        return out

    def finish(self, attacker: Attacker, found: dict[str, Leak]) -> dict[str, Leak]:
        """Searched leaks (own views skipped) as reported: with misuse steps, copies' shares, above the floor.

        Data an insider or vendor sees where it stands costs a `misuse` step; it wins over the searched
        route when likelier.
        """
        floor = self.numbers.step["min-probability"]
        scale = skill_scale(attacker)
        merged = dict(found)
        for data_id, (d, actor, misuse) in self._misused(attacker, scale).items():
            old = merged.get(data_id)
            probability = math.exp(-d)
            if old is None or probability > old.probability:
                merged[data_id] = Leak(data_id, probability, actor, (self.start_edges(attacker)[actor], misuse))
        out: dict[str, Leak] = {}
        for data_id in sorted(merged):
            leak = merged[data_id]
            if leak.probability < floor:
                continue
            out[data_id] = replace(leak, subjects=self._scope(leak.node, leak.edges, data_id))
        return out

    def _scope(self, node: str, edges: tuple[Edge, ...], data_id: str) -> int | None:
        """The people one copy yields, when the leak reached one copy of a replicated element by hand."""
        if not edges:
            return None
        if edges[-1].kind in ("login", "granted"):
            return edges[-1].scope
        if edges[-1].kind not in PER_INSTANCE_STEPS:
            return None
        flow = self.graph.flows.get(node.removeprefix(FLOW_PREFIX)) if node.startswith(FLOW_PREFIX) else None
        ends = (flow.source, flow.target) if flow is not None else (node,)
        copies = [self.graph.elements[e] for e in ends if e in self.graph.elements]
        subjects = self.graph.data[data_id].subjects
        shares = [share(e, subjects) for e in copies if replicated(e)]
        return min(shares) if shares else None

    def k_paths(self, attacker: Attacker, data_id: str, k: int) -> list[AttackPath]:
        """The k most likely paths by which `attacker` obtains `data_id` (Yen's algorithm on -log p).

        Equally likely paths come in the order of their node ids. Only nodes as near to the start as the
        k-th nearest holder of the data item (or the reporting floor, if nearer) are searched: the
        tree paths to the k nearest holders are k paths at most that long, so the k best are too.
        """
        if k <= 0 or data_id not in self.held:
            return []
        scale = skill_scale(attacker)
        floor = self.numbers.step["min-probability"]
        # An insider's own view is no path: its misuse is one (the leak's), merged in below.
        own = frozenset(n for n, views in self.own_view(attacker).items() if data_id in views)
        leak = self.leaks(attacker).get(data_id) if own else None
        misused = leak is not None and leak.edges[-1].kind == "misuse"
        holds = _Holding(self.obtains, data_id, own)
        limit = self._reach_limit(scale)
        leaves = self.leaves(attacker, 1.0)
        nearest = sorted(d for d, node, _ in leaves if node in holds)[:k]  # the k nearest holders seen so far

        def settled(d: float, node: str) -> float:
            if node in holds:
                bisect.insort(nearest, d)
                del nearest[k:]
            # Once k holders are no farther than the search has come, no nearer one can follow.
            return -math.inf if len(nearest) == k and nearest[-1] <= d else limit

        self.dijkstra(attacker, scale=1.0, settled=settled, flows=False)
        if len(nearest) == k:
            limit = min(limit, _above(nearest[-1]))

        def steps(node: str) -> Iterator[tuple[str, float, Edge | None]]:
            for target, edge in self.row(node).items():
                if edge.probability > 0.0:
                    yield target, -math.log(edge.probability), edge
            if node in holds:
                yield GOAL, 0.0, None

        out: list[AttackPath] = []
        budget = [MAX_SPUR_SEARCHES]
        for edges in k_shortest(steps, self._ordered(self.start_edges(attacker), 1.0), k, limit, budget):
            path = to_attack_path(attacker, data_id, edges, scale)
            if path.probability < floor:
                break
            out.append(path)
        if leak is not None and misused:
            out.append(to_attack_path(attacker, data_id, leak.edges, scale))
            out.sort(key=lambda p: -p.probability)  # stable: equally likely paths keep Yen's order
            del out[k:]
        if budget[0] <= 0:
            self.bounded.add((attacker.id, data_id))
        return out


class _Holding:
    """`node in holding`: can `data_id` be obtained at node?"""

    def __init__(self, obtains: dict[str, set[str]], data_id: str, excluded: frozenset[str] = frozenset()) -> None:
        self.obtains = obtains
        self.data_id = data_id
        self.excluded = excluded

    def __contains__(self, node: str) -> bool:
        return self.data_id in self.obtains.get(node, ()) and node not in self.excluded


def _above(distance: float) -> float:
    """`distance` plus a margin for the rounding of sums of -log p taken in another order."""
    return distance * (1.0 + 1e-9) + 1e-12


def default_targets(graph: SystemGraph) -> list[str]:
    """Data items worth a path search: non-public biometrics, document images, identifiers, credentials."""
    return sorted(d.id for d in graph.model.data if d.category in TARGET_CATEGORIES and not d.public)
