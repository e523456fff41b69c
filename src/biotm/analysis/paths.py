"""The attack graph over a system graph, best leaks per attacker, and the k most likely attack paths.

Nodes are the model's elements plus one node per flow an attacker could listen to (`flow:<id>`). An
attacker on an element obtains every data item available there (at rest, received or derived); on a
flow node, the flow's data. Edges:

* `lateral` source -> target of a flow between two systems (attack the receiver through the channel),
  and `response` target -> source (attack the sender through the answer it reads);
* `access` from an actor to the element at the other end of a flow, in either direction (a person
  uses the console or terminal they work at);
* entry edges from a per-attacker start node (see `biotm.analysis.attackers.entries`) and `eavesdrop`
  edges to flow nodes.

Each edge carries a probability lowered by the controls at its target element and on its flow (see
`biotm.analysis.numbers`). Search runs on weights -log(p): Dijkstra for the best leak of every data item
(O((V + E) log V) per attacker) and Yen's algorithm (networkx `shortest_simple_paths`) for the k best
paths to one data item; no search ever enumerates all paths.
"""

from __future__ import annotations

import heapq
import itertools
import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from biotm.analysis.attackers import entries, entry_zones
from biotm.analysis.numbers import ELEMENT_CONTROLS, FLOW_CONTROLS, Numbers
from biotm.graph import SystemGraph
from biotm.model.schema import Attacker, Authentication, DataCategory, ElementType, Flow
from biotm.result import AttackPath, AttackStep

START = "@start"
GOAL = "@goal"
FLOW_PREFIX = "flow:"

#: Data categories whose paths are searched by default (what a thief can use or sell).
TARGET_CATEGORIES = frozenset(
    {
        DataCategory.BIOMETRIC_SAMPLE,
        DataCategory.BIOMETRIC_TEMPLATE,
        DataCategory.DOCUMENT_IMAGE,
        DataCategory.IDENTIFIER,
        DataCategory.CREDENTIAL,
    }
)

STEP_TEXT = {
    "stand": "starts here",
    "internet-reach": "exploits it from the internet",
    "physical-reach": "tampers with it in a public place",
    "zone-reach": "reaches it inside the zone",
    "eavesdrop": "listens to the unencrypted flow",
    "lateral": "attacks the receiver through the flow",
    "response": "attacks the sender through the flow's response",
    "access": "uses the access this person has",
}


def flow_controls(graph: SystemGraph, flow_id: str) -> set[str]:
    """Controls on a flow, counting `encrypted` and `authentication` as the controls they are."""
    return controls_of_flow(graph.flows[flow_id])


def controls_of_flow(flow: Flow) -> set[str]:
    """Controls on a flow, counting `encrypted` and `authentication` as the controls they are."""
    present = set(flow.controls)
    if flow.encrypted:
        present.add("encryption-in-transit")
    if flow.authentication is Authentication.MUTUAL:
        present |= {"mutual-authentication", "authentication"}
    elif flow.authentication is Authentication.ONE_WAY:
        present.add("authentication")
    return present


def controls_at(graph: SystemGraph, place: str) -> set[str]:
    """Controls present at an element or flow id."""
    if place in graph.flows:
        return flow_controls(graph, place)
    element = graph.elements.get(place)
    return set(element.controls) if element else set()


class PlaceControls:
    """`controls_at` for one graph, computed once per place: searches ask for the same places again and again."""

    def __init__(self, graph: SystemGraph) -> None:
        self.graph = graph
        self._cache: dict[str, frozenset[str]] = {}

    def __call__(self, place: str) -> frozenset[str]:
        found = self._cache.get(place)
        if found is None:
            found = self._cache[place] = frozenset(controls_at(self.graph, place))
        return found


@dataclass(frozen=True)
class Edge:
    """One step of the attack graph with its base probability (before the attacker's skill)."""

    source: str
    target: str
    via: str
    kind: str
    probability: float
    present: tuple[str, ...]  # controls that lowered it
    missing: tuple[str, ...]  # 'place:control' that would lower it further

    def reason(self) -> str:
        text = STEP_TEXT[self.kind]
        if self.present:
            text += "; lowered by " + ", ".join(self.present)
        if self.missing:
            text += "; no " + ", ".join(m.split(":", 1)[1] for m in self.missing)
        return text


@dataclass(frozen=True)
class Leak:
    """The most likely way one attacker obtains one data item."""

    data: str
    probability: float
    node: str
    edges: tuple[Edge, ...]


@dataclass
class AttackGraph:
    """Attack edges of one system graph; per-attacker start edges are added on demand."""

    graph: SystemGraph
    numbers: Numbers
    adjacency: dict[str, dict[str, Edge]] = field(default_factory=dict)
    obtains: dict[str, set[str]] = field(default_factory=dict)
    holders: dict[str, list[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        graph = self.graph
        for element_id in graph.elements:
            self.adjacency[element_id] = {}
            self.obtains[element_id] = set(graph.available.get(element_id, set()))
        for flow in graph.model.flows:
            self.obtains[FLOW_PREFIX + flow.id] = set(flow.data)
            source_actor = graph.elements[flow.source].type is ElementType.ACTOR
            target_actor = graph.elements[flow.target].type is ElementType.ACTOR
            if source_actor and not target_actor:
                self._add(self.edge(flow.source, flow.target, "access", flow.id))
            elif target_actor and not source_actor:
                self._add(self.edge(flow.target, flow.source, "access", flow.id))
            elif not source_actor:
                self._add(self.edge(flow.source, flow.target, "lateral", flow.id))
                self._add(self.edge(flow.target, flow.source, "response", flow.id))
        holders: dict[str, list[str]] = {}
        for node in sorted(self.obtains):
            for data_id in self.obtains[node]:
                holders.setdefault(data_id, []).append(node)
        self.holders = holders
        self._starts: dict[str, tuple[Attacker, dict[str, Edge]]] = {}

    def edge(self, source: str, target: str, kind: str, via: str) -> Edge:
        """The step `kind` from source to target (via a flow id or 'entry'), priced by controls."""
        probability = self.numbers.step[kind] if kind != "stand" else 1.0
        present: list[str] = []
        missing: list[str] = []
        places = [(target, ELEMENT_CONTROLS.get(kind, ()))]
        if via in self.graph.flows:
            places.append((via, FLOW_CONTROLS.get(kind, ())))
        for place, relevant in places:
            here = controls_at(self.graph, place)
            for control in relevant:
                if control in here:
                    probability *= self.numbers.factor(control)
                    present.append(control)
                else:
                    missing.append(f"{place}:{control}")
        return Edge(source, target, via, kind, probability, tuple(present), tuple(missing))

    def _add(self, edge: Edge) -> None:
        row = self.adjacency[edge.source]
        old = row.get(edge.target)
        if old is None or (edge.probability, old.via) > (old.probability, edge.via):
            row[edge.target] = edge

    def start_edges(self, attacker: Attacker) -> dict[str, Edge]:
        """Edges from the attacker's start node: entries and flows it can listen to (computed once each)."""
        cached = self._starts.get(attacker.id)
        if cached is None or cached[0] is not attacker:
            cached = self._starts[attacker.id] = (attacker, self._start_edges(attacker))
        return cached[1]

    def _start_edges(self, attacker: Attacker) -> dict[str, Edge]:
        out: dict[str, Edge] = {}

        def keep(edge: Edge) -> None:
            old = out.get(edge.target)
            if old is None or edge.probability > old.probability:
                out[edge.target] = edge

        for entry in entries(self.graph, attacker):
            keep(self.edge(START, entry.element, entry.step, "entry"))
        zones = entry_zones(self.graph, attacker)
        if zones:
            for flow in self.graph.model.flows:
                ends = {self.graph.elements[flow.source].zone, self.graph.elements[flow.target].zone}
                if ends & zones:
                    keep(self.edge(START, FLOW_PREFIX + flow.id, "eavesdrop", flow.id))
        return out

    # -- search ------------------------------------------------------------------------------------
    def _weight(self, edge: Edge, scale: float) -> float:
        return -scale * math.log(edge.probability)

    def dijkstra(
        self, attacker: Attacker, scale: float | None = None, settled: Callable[[float, str], float] | None = None
    ) -> tuple[dict[str, float], dict[str, Edge]]:
        """Distances (-log p, scaled by skill) from the attacker's start and the best edge into each node.

        `settled(d, node)` is told each node as its distance becomes final, in order of distance, and answers
        how far the search must still go: the search stops before settling a node farther than that
        (distances of nodes left unsettled are then only upper bounds).
        """
        scale = skill_scale(attacker) if scale is None else scale
        dist: dict[str, float] = {START: 0.0}
        into: dict[str, Edge] = {}
        starts = self.start_edges(attacker)
        heap: list[tuple[float, str]] = [(0.0, START)]
        done: set[str] = set()
        limit = math.inf
        while heap:
            d, node = heapq.heappop(heap)
            if node in done:
                continue
            if d > limit:
                break
            done.add(node)
            if settled is not None:
                limit = settled(d, node)
            row = starts if node == START else self.adjacency.get(node, {})
            for target, edge in row.items():
                if edge.probability <= 0.0 or target in done:
                    continue
                nd = d + self._weight(edge, scale)
                if nd < dist.get(target, math.inf) - 1e-15:
                    dist[target] = nd
                    into[target] = edge
                    heapq.heappush(heap, (nd, target))
        return dist, into

    def _reach_limit(self, scale: float) -> float:
        """A distance (-log p, unscaled) beyond which every path is less likely than the reporting floor."""
        floor = self.numbers.step["min-probability"]
        return _above(-math.log(floor) / scale) if floor > 0.0 else math.inf

    def leaks(self, attacker: Attacker) -> dict[str, Leak]:
        """The most likely way the attacker obtains each data item it can reach at all.

        The search stops once every data item has its best holder (the nearest; on a tie the smallest id)
        and no node at that distance is left, or once what is left is below the reporting floor.
        """
        floor = self.numbers.step["min-probability"]
        reach = self._reach_limit(1.0)
        best: dict[str, tuple[float, str]] = {}
        wanted = len(self.holders)
        farthest = 0.0

        def settled(d: float, node: str) -> float:
            nonlocal farthest
            for data_id in self.obtains.get(node, ()):
                old = best.get(data_id)
                if old is None or (d, node) < old:
                    best[data_id] = (d, node)
                    farthest = max(farthest, d)
            return farthest if len(best) == wanted else reach

        _, into = self.dijkstra(attacker, settled=settled)
        out: dict[str, Leak] = {}
        for data_id in sorted(best):
            d, node = best[data_id]
            probability = math.exp(-d)
            if probability < floor:
                continue
            out[data_id] = Leak(data_id, probability, node, _walk_back(node, into))
        return out

    def k_paths(self, attacker: Attacker, data_id: str, k: int) -> list[AttackPath]:
        """The k most likely paths by which `attacker` obtains `data_id` (Yen's algorithm on -log p).

        Equally likely paths come in the order of their node ids. Only nodes as near to the start as the
        k-th nearest holder of the data item (or the reporting floor, if nearer) are searched: the
        tree paths to the k nearest holders are k paths at most that long, so the k best are too.
        """
        if k <= 0 or data_id not in self.holders:
            return []
        scale = skill_scale(attacker)
        floor = self.numbers.step["min-probability"]
        holds = set(self.holders[data_id])
        limit = self._reach_limit(scale)
        found = 0

        def settled(d: float, node: str) -> float:
            nonlocal found, limit
            if node in holds:
                found += 1
                if found == k:
                    limit = min(limit, _above(d))
            return limit

        near, _ = self.dijkstra(attacker, scale=1.0, settled=settled)
        starts = self.start_edges(attacker)

        def steps(node: str) -> Iterator[tuple[str, float, Edge | None]]:
            row = starts if node == START else self.adjacency.get(node, {})
            for target, edge in row.items():
                if edge.probability > 0.0 and near.get(target, math.inf) <= limit:
                    yield target, -math.log(edge.probability), edge
            if node in holds:
                yield GOAL, 0.0, None

        out: list[AttackPath] = []
        for edges in _yen(steps, k, limit):
            path = to_attack_path(attacker, data_id, edges, scale)
            if path.probability < floor:
                break
            out.append(path)
        return out


def _above(distance: float) -> float:
    """`distance` plus a margin for the rounding of sums of -log p taken in another order."""
    return distance * (1.0 + 1e-9) + 1e-12


Steps = Callable[[str], Iterable[tuple[str, float, "Edge | None"]]]


def _yen(steps: Steps, k: int, limit: float) -> Iterator[tuple[Edge, ...]]:
    """Yen's k shortest simple paths from START to GOAL no longer than `limit`, best first.

    Equally long candidates come out in the order they were found (as networkx's `shortest_simple_paths`
    does): deviations from earlier nodes of the previous path first; each search breaks ties by node ids.
    """
    accepted: list[tuple[str, ...]] = []
    candidates: list[tuple[float, int, tuple[str, ...], tuple[Edge, ...]]] = []
    queued: set[tuple[str, ...]] = set()
    found = itertools.count()
    first = _shortest(steps, START, 0.0, limit, frozenset(), frozenset())
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
            spur = _shortest(steps, root[-1], root_length, limit, frozenset(root[:-1]), blocked_edges)
            if spur is None:
                continue
            path = root[:-1] + spur[1]
            if path not in queued:
                heapq.heappush(candidates, (spur[0], next(found), path, edges[: i - 1] + spur[2]))
                queued.add(path)


def _shortest(
    steps: Steps,
    source: str,
    start: float,
    limit: float,
    blocked: frozenset[str],
    blocked_edges: frozenset[tuple[str, str]],
) -> tuple[float, tuple[str, ...], tuple[Edge, ...]] | None:
    """Dijkstra from `source` (at distance `start`) to GOAL avoiding `blocked` nodes and edges; ties by node ids."""
    heap: list[tuple[float, tuple[str, ...], tuple[Edge, ...]]] = [(start, (source,), ())]
    best: dict[str, tuple[float, tuple[str, ...]]] = {source: (start, (source,))}
    done: set[str] = set()
    while heap:
        d, path, edges = heapq.heappop(heap)
        node = path[-1]
        if node in done:
            continue
        if node == GOAL:
            return d, path, edges
        done.add(node)
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


def _walk_back(node: str, into: dict[str, Edge]) -> tuple[Edge, ...]:
    edges: list[Edge] = []
    while node != START:
        edge = into[node]
        edges.append(edge)
        node = edge.source
    return tuple(reversed(edges))


def skill_scale(attacker: Attacker) -> float:
    """Exponent on every step probability: skill 0.5 leaves them as they are, 1 takes the square root."""
    return 1.5 - attacker.skill


def to_attack_path(attacker: Attacker, data_id: str, edges: tuple[Edge, ...], scale: float) -> AttackPath:
    """An AttackPath record from graph edges, with probabilities adjusted for the attacker's skill."""
    steps = []
    probability = 1.0
    for edge in edges:
        p = edge.probability**scale
        probability *= p
        steps.append(
            AttackStep(
                source="entry" if edge.source == START else edge.source,
                target=edge.target.removeprefix(FLOW_PREFIX),
                via=edge.via,
                probability=p,
                reason=edge.reason(),
            )
        )
    reaches = edges[-1].target.removeprefix(FLOW_PREFIX) if edges else ""
    return AttackPath(attacker=attacker.id, target_data=data_id, probability=probability, steps=steps, reaches=reaches)


def default_targets(graph: SystemGraph) -> list[str]:
    """Data items worth a path search: non-public biometrics, document images, identifiers, credentials."""
    return sorted(d.id for d in graph.model.data if d.category in TARGET_CATEGORIES and not d.public)
