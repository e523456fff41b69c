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

import bisect
import collections
import functools
import heapq
import itertools
import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import NamedTuple

from biotm.analysis.attackers import MISUSING_KINDS, STANDING_KINDS, entries, entry_zones
from biotm.analysis.instances import PER_INSTANCE_STEPS, per_subject, replicated, share
from biotm.analysis.numbers import AUTHENTICATING, ELEMENT_CONTROLS, FLOW_CONTROLS, Numbers
from biotm.graph import SystemGraph
from biotm.model.controls import SECOND_FACTOR
from biotm.model.schema import IDENTIFIER_CATEGORIES, Attacker, Authentication, DataCategory, ElementType, Flow
from biotm.result import AttackPath, AttackStep

#: The backward search behind `AttackGraph._reachable` gives up past this many elements (plus 1% of all): it
#: pays off for data held in a corner of the model (an OTP on the SMS path), not for data held everywhere.
BEFORE_MIN = 100
#: Spur searches (one Dijkstra each) Yen's algorithm may run for the k paths of one (attacker, data) pair;
#: past it the paths found so far are returned and the pair counted in `AttackGraph.bounded`.
MAX_SPUR_SEARCHES = 2000

START = "@start"
GOAL = "@goal"
FLOW_PREFIX = "flow:"

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

STEP_TEXT = {
    "stand": "starts here",
    "internet-reach": "exploits it from the internet",
    "physical-reach": "tampers with it in a public place",
    "zone-reach": "reaches it inside the zone",
    "eavesdrop": "listens to the unencrypted flow",
    "lateral": "attacks the receiver through the flow",
    "response": "attacks the sender through the flow's response",
    "insider-abuse": "misuses this person's access (bulk export, look-ups beyond need, resale)",
    "misuse": "misuses what its own work shows it (bulk copies, look-ups beyond need, resale)",
    "login": "logs in with a credential it holds",
    "granted": "enters with what a passed verification granted",
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
    present = set(element.controls) if element else set()
    if present & SECOND_FACTOR:
        present |= SECOND_FACTOR
    return present


class PlaceControls(dict[str, frozenset[str]]):
    """`controls_at` for one graph, computed once per place: searches ask for the same places again and again.

    Call it, or index it in hot loops (`controls[place]`: a plain dict look-up once the place is known).
    """

    def __init__(self, graph: SystemGraph) -> None:
        super().__init__()
        self.graph = graph

    def __missing__(self, place: str) -> frozenset[str]:
        found = self[place] = frozenset(controls_at(self.graph, place))
        return found

    def __call__(self, place: str) -> frozenset[str]:
        return self[place]


class Edge(NamedTuple):
    """One step of the attack graph with its base probability (before the attacker's skill).

    A named tuple rather than a dataclass: the national-scale searches build hundreds of thousands.
    """

    source: str
    target: str
    via: str
    kind: str
    probability: float
    present: tuple[str, ...]  # controls that lowered it
    lacking: tuple[str, ...] = ()  # controls that would lower it further, at the target ...
    lacking_on_flow: tuple[str, ...] = ()  # ... and on the flow (`via`)
    note: str = ""  # how a login or grant entry got its credential or grant
    scope: int | None = None  # people a login with one copy's credential yields where it lands

    @property
    def missing(self) -> tuple[str, ...]:
        """'place:control' that would lower it further (built when asked: most edges are never reported)."""
        on_flow = tuple(f"{self.via}:{c}" for c in self.lacking_on_flow)
        place = self.source if self.kind == "misuse" else self.target  # misuse is priced at the system it reads
        return tuple(f"{place}:{c}" for c in self.lacking) + on_flow

    def reason(self) -> str:
        text = STEP_TEXT[self.kind]
        if self.kind == "internet-reach" and self.probability > 0.9 and not set(AUTHENTICATING) & set(self.present):
            text = "reaches it from the internet, where it asks for no authentication at all"
        if self.note:
            text += f" ({self.note})"
        if self.present:
            text += "; lowered by " + ", ".join(self.present)
        if self.lacking or self.lacking_on_flow:
            text += "; no " + ", ".join((*self.lacking, *self.lacking_on_flow))
        return text


@dataclass(frozen=True)
class Leak:
    """The most likely way one attacker obtains one data item."""

    data: str
    probability: float
    node: str
    edges: tuple[Edge, ...]
    #: People whose data this leak yields when fewer than the item covers (one copy of a replicated element).
    subjects: int | None = None


_NO_CONTROLS: frozenset[str] = frozenset()
_NO_VIEW: dict[str, Edge] = {}
#: `Edge` from one tuple of its fields, without the named tuple's keyword-handling `__new__` (hot loops only).
_new_edge = tuple.__new__
#: An edge's probability, the controls that lowered it, and those lacking at its target and on its flow.
_Price = tuple[float, tuple[str, ...], tuple[str, ...], tuple[str, ...]]


class AttackGraph:
    """Attack edges of one system graph, built per node as searches reach it; start edges per attacker."""

    def __init__(self, graph: SystemGraph, numbers: Numbers) -> None:
        self.graph = graph
        self.numbers = numbers
        self.controls = PlaceControls(graph)
        #: Data an attacker obtains at each element or flow node.
        self.obtains: dict[str, set[str]] = {e: graph.available.get(e, set()) for e in graph.elements}
        self.obtains.update((FLOW_PREFIX + f.id, set(f.data)) for f in graph.model.flows)
        self.held: set[str] = set().union(*self.obtains.values())
        self._rows: dict[str, dict[str, Edge]] = {}
        self._holders: dict[str, list[str]] = {}
        self._position: dict[str, int] = {}
        self._prices: dict[tuple[str, frozenset[str], frozenset[str] | None, int | None], _Price] = {}
        #: Per attacker id, start edges widened by credentials and grants it came to hold (see `enter_also`).
        self._extra: dict[str, dict[str, Edge]] = {}
        #: (attacker, data) pairs whose k-path search stopped at MAX_SPUR_SEARCHES.
        self.bounded: set[tuple[str, str]] = set()
        self._starts: dict[str, tuple[Attacker, dict[str, Edge]]] = {}
        self._starts_by_entry: dict[tuple[bool, tuple[str, ...]], dict[str, Edge]] = {}
        self._zone_ids = {e.id: e.zone for e in graph.model.elements}
        self._element_held: set[str] = set().union(*(self.obtains[e] for e in graph.elements))
        self._element_starts_of: dict[int, tuple[dict[str, Edge], dict[str, Edge]]] = {}
        self._before_of: dict[str, set[str] | None] = {}
        self._element_counts: collections.Counter[str] | None = None
        self._leaks: dict[tuple[int, float], tuple[dict[str, Edge], dict[str, Leak]]] = {}
        self._ordered_of: dict[tuple[int, float], tuple[dict[str, Edge], list[tuple[float, str, Edge]]]] = {}
        self._leaves: dict[tuple[int, float], tuple[dict[str, Edge], list[tuple[float, str, Edge]]]] = {}

    @functools.cached_property
    def adjacency(self) -> dict[str, dict[str, Edge]]:
        """Every element's outgoing edges (builds them all; searches use `row`)."""
        return {element_id: self.row(element_id) for element_id in self.graph.elements}

    @functools.cached_property
    def holders(self) -> dict[str, list[str]]:
        """The nodes (sorted) where each data item can be obtained."""
        return {data_id: self.holders_of(data_id) for data_id in sorted(self.held)}

    def holders_of(self, data_id: str) -> list[str]:
        """The nodes (sorted) where `data_id` can be obtained."""
        if not self._holders:
            for node, data in self.obtains.items():
                for held in data:
                    self._holders.setdefault(held, []).append(node)
            for nodes in self._holders.values():
                nodes.sort()
        return self._holders.get(data_id, [])

    def row(self, node: str) -> dict[str, Edge]:
        """The edges out of `node` (none out of a flow node), built on first use.

        One edge per target: the likelier, or on a tie the one via the smaller flow id. Targets come in the
        order of the flows that lead to them, as the model lists the flows.
        """
        found = self._rows.get(node)
        if found is not None:
            return found
        found = self._rows[node] = {}
        element = self.graph.elements.get(node)
        if element is None:
            return found
        if not self._position:
            self._position = {f.id: i for i, f in enumerate(self.graph.model.flows)}
        position = self._position
        outbound = self.graph.outbound.get(node, ())
        inbound = self.graph.inbound.get(node, ())
        if not inbound:
            touching = [(flow, flow.target, False) for flow in outbound]
        elif not outbound:
            touching = [(flow, flow.source, True) for flow in inbound]
        else:
            both = [*outbound, *inbound]
            order = sorted(
                [(position[f.id], 0, i) for i, f in enumerate(outbound)]
                + [(position[f.id], 1, len(outbound) + i) for i, f in enumerate(inbound)]
            )
            touching = [(both[i], both[i].source if into else both[i].target, bool(into)) for _, into, i in order]
        actor = element.type is ElementType.ACTOR
        # A person misuses the systems they send to (log in to, query); a flow they only receive (a
        # display) gives them its own data, already theirs at their node, not the service behind it.
        people = element.people if actor else None
        if actor:
            touching = [t for t in touching if not t[2]]
        elements = self.graph.elements
        controls = self.controls
        prices = self._prices
        for flow, other, into in touching:
            if elements[other].type is ElementType.ACTOR:
                continue  # no step into an actor: people are entered, not attacked through a flow
            kind = "insider-abuse" if actor else "response" if into else "lateral"
            # `self.edge(node, other, kind, flow.id)` inlined: every element's row is built once, 100k+ at scale.
            key = (kind, controls[other], controls[flow.id], people)
            priced = prices.get(key)
            if priced is None:
                priced = prices[key] = self._price(*key)
            edge = _new_edge(Edge, (node, other, flow.id, kind, *priced, "", None))
            old = found.get(other)
            if old is None or (edge.probability, old.via) > (old.probability, edge.via):
                found[other] = edge
        return found

    def _serves(self, element_id: str) -> bool:
        """Does this element answer callers (a service, a store), rather than being a person's own device?"""
        element = self.graph.elements.get(element_id)
        return element is not None and element.type is not ElementType.DEVICE and not per_subject(element)

    def edge(self, source: str, target: str, kind: str, via: str, people: int | None = None, note: str = "") -> Edge:
        """The step `kind` from source to target (via a flow id, 'entry' or a credential), priced by controls."""
        at_target = self.controls(target)
        at_flow = self.controls(via) if kind not in ("login", "granted") and via in self.graph.flows else None
        priced_as = "internet-reach-device" if kind == "internet-reach" and not self._serves(target) else kind
        key = (priced_as, at_target, at_flow, people)
        priced = self._prices.get(key)
        if priced is None:
            priced = self._prices[key] = self._price(priced_as, at_target, at_flow, people)
        return Edge(source, target, via, kind, *priced, note)

    def _price(
        self, kind: str, at_target: frozenset[str], at_flow: frozenset[str] | None, people: int | None = None
    ) -> _Price:
        """Probability, present controls, and the controls lacking at the target and on the flow."""
        step = self.numbers.step
        base = {"misuse": "insider-abuse", "internet-reach-device": "internet-reach"}.get(kind, kind)
        probability = 1.0 if kind in ("stand", "granted") else step[base]
        if kind == "internet-reach-device":
            probability, kind = step["internet-reach"], "internet-reach"
        elif kind == "internet-reach" and not at_target.intersection(AUTHENTICATING):
            # Nothing to log in to: the open database. max() keeps "adding authentication never raises".
            probability = max(probability, step["internet-reach-open"])
        elif kind == "login" and at_target & SECOND_FACTOR:
            probability = min(probability, step["login-mfa"])
        elif kind in ("insider-abuse", "misuse"):
            probability = min(1.0, probability * self.numbers.head_count(people))
        present: list[str] = []
        lacking: list[list[str]] = [[], []]
        places = [(at_target, ELEMENT_CONTROLS.get("insider-abuse" if kind == "misuse" else kind, ()))]
        if at_flow is not None:
            places.append((at_flow, FLOW_CONTROLS.get(kind, ())))
        for i, (here, relevant) in enumerate(places):
            for control in relevant:
                if control in here:
                    probability *= self.numbers.factor(control)
                    present.append(control)
                else:
                    lacking[i].append(control)
        return probability, tuple(present), tuple(lacking[0]), tuple(lacking[1])

    def start_edges(self, attacker: Attacker) -> dict[str, Edge]:
        """Edges from the attacker's start node: entries and flows it can listen to (computed once each)."""
        widened = self._extra.get(attacker.id)
        if widened is not None:
            return widened
        cached = self._starts.get(attacker.id)
        if cached is None or cached[0] is not attacker:
            # Attackers who enter alike (the built-in and a model's data buyer) share their edges.
            key = (attacker.kind in STANDING_KINDS, tuple(attacker.entry))
            edges = self._starts_by_entry.get(key)
            if edges is None:
                edges = self._starts_by_entry[key] = self._start_edges(attacker)
            cached = self._starts[attacker.id] = (attacker, edges)
        return cached[1]

    def enter_also(self, attacker: Attacker, more: Iterable[Edge]) -> bool:
        """Add start edges (logins with held credentials, granted entries); True if any made an entry likelier."""
        base = self.start_edges(attacker)
        widened = dict(base)
        for edge in more:
            old = widened.get(edge.target)
            if edge.probability > 0.0 and (old is None or edge.probability > old.probability + 1e-12):
                widened[edge.target] = edge
        if len(widened) == len(base) and all(widened[t] is e for t, e in base.items()):
            return False
        self._extra[attacker.id] = widened
        return True

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
            zone_of = self._zone_ids
            controls = self.controls
            for flow in self.graph.model.flows:
                if zone_of[flow.source] in zones or zone_of[flow.target] in zones:
                    # `keep(self._eavesdrop(flow.id))` inlined: a national model has 200k flows to listen to.
                    key = ("eavesdrop", _NO_CONTROLS, controls[flow.id], None)
                    priced = self._prices.get(key)
                    if priced is None:
                        priced = self._prices[key] = self._price(*key)
                    target = FLOW_PREFIX + flow.id
                    edge = _new_edge(Edge, (START, target, flow.id, "eavesdrop", *priced, "", None))
                    old = out.get(target)
                    if old is None or edge.probability > old.probability:
                        out[target] = edge
        return out

    # -- search ------------------------------------------------------------------------------------
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
        if self._element_counts is None:
            self._element_counts = collections.Counter(d for e in graph.elements for d in self.obtains[e])
        if self._element_counts[data_id] > cap:
            self._before_of[data_id] = None
            return None
        members = {e for e in graph.elements if data_id in self.obtains[e]}
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
            out[data_id] = Leak(data_id, math.exp(-d), node, _walk_back(node, into))
        return self.finish(attacker, out)

    def own_view(self, attacker: Attacker) -> dict[str, dict[str, Edge]]:
        """Per actor an insider or vendor stands on: the data its work shows it, with the step misusing each.

        Searches skip these (actor, datum) pairs as holders; `finish` prices them by their misuse step.
        """
        if attacker.kind not in MISUSING_KINDS:
            return {}
        out: dict[str, dict[str, Edge]] = {}
        for target, edge in self.start_edges(attacker).items():
            if edge.kind != "stand" or target not in self.graph.elements:
                continue
            views = {d: m for d in sorted(self.obtains.get(target, ())) if (m := self._misuse(target, d)) is not None}
            if views:
                out[target] = views
        return out

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

    def _misuse(self, actor_id: str, data_id: str) -> Edge | None:
        """The likeliest misuse by an insider of `data_id` its own work shows it (None: not shown, its own)."""
        actor = self.graph.elements[actor_id]
        if actor.type is not ElementType.ACTOR or data_id in actor.holds or any(
            d.output == data_id for d in actor.derives
        ):
            return None  # its own data (a person's own face, their own login), not someone else's
        best: Edge | None = None
        for flow in self.graph.inbound.get(actor_id, ()):
            if data_id not in flow.data:
                continue
            key = ("misuse", self.controls[flow.source], self.controls[flow.id], actor.people)
            priced = self._prices.get(key)
            if priced is None:
                priced = self._prices[key] = self._price(*key)
            edge = Edge(flow.source, actor_id, flow.id, "misuse", *priced)
            if best is None or (edge.probability, best.via) > (best.probability, edge.via):
                best = edge
        return best

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
        for edges in _yen(steps, self._ordered(self.start_edges(attacker), 1.0), k, limit, budget):
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


Steps = Callable[[str], Iterable[tuple[str, float, "Edge | None"]]]


def _yen(
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
    first = _shortest(steps, START, 0.0, limit, frozenset(), frozenset(), starts)
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
            spur = _shortest(steps, root[-1], root_length, limit, frozenset(root[:-1]), blocked_edges, starts)
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
