"""The attack graph's edges over a system graph, built per node as searches reach it, and priced by controls.

Edges:

* `lateral` source -> target of a flow between two systems (attack the receiver through the channel),
  and `response` target -> source (attack the sender through the answer it reads);
* `access` from an actor to the element at the other end of a flow, in either direction (a person
  uses the console or terminal they work at);
* entry edges from a per-attacker start node (see `biotm.analysis.attackers.entries`) and `eavesdrop`
  edges to flow nodes.

Each edge carries a probability lowered by the controls at its target element and on its flow (see
`biotm.analysis.numbers`); searches over these edges are in `biotm.analysis.paths`.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

from biotm.analysis.attack_steps import FLOW_PREFIX, START, Edge, PlaceControls
from biotm.analysis.attackers import MISUSING_KINDS, STANDING_KINDS, entries, entry_zones
from biotm.analysis.instances import per_subject
from biotm.analysis.numbers import AUTHENTICATING, ELEMENT_CONTROLS, FLOW_CONTROLS, Numbers
from biotm.graph import SystemGraph
from biotm.model.controls import SECOND_FACTOR
from biotm.model.schema import Attacker, ElementType

_NO_CONTROLS: frozenset[str] = frozenset()
#: `Edge` from one tuple of its fields, without the named tuple's keyword-handling `__new__` (hot loops only).
_new_edge = tuple.__new__
#: An edge's probability, the controls that lowered it, and those lacking at its target and on its flow.
_Price = tuple[float, tuple[str, ...], tuple[str, ...], tuple[str, ...]]


class AttackEdges:
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
        self._starts: dict[str, tuple[Attacker, dict[str, Edge]]] = {}
        self._starts_by_entry: dict[tuple[bool, tuple[str, ...]], dict[str, Edge]] = {}
        #: Insiders' own views per start edges (see `own_view`), with the edges they were built from.
        self._views: dict[int, tuple[dict[str, Edge], dict[str, dict[str, Edge]]]] = {}
        self._zone_ids = {e.id: e.zone for e in graph.model.elements}

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

    def _callers_checked(self, element_id: str) -> str:
        """Why this element asks whoever calls it for something, or "": it verifies its callers (`verifies`:
        the password-reset service asks for the ID number and the SMS code), or every flow into it
        authenticates both ends (mutual TLS: a client certificate). Then it is not an open place, whatever
        its own controls say; it is priced as a service that asks callers to log in."""
        element = self.graph.elements[element_id]
        if element.verifies:
            return "it verifies whoever calls it"
        inbound = self.graph.inbound.get(element_id, ())
        if inbound and all("mutual-authentication" in self.controls[f.id] for f in inbound):
            return "every flow into it authenticates both ends"
        return ""

    def edge(self, source: str, target: str, kind: str, via: str, people: int | None = None, note: str = "") -> Edge:
        """The step `kind` from source to target (via a flow id, 'entry' or a credential), priced by controls."""
        at_target = self.controls(target)
        at_flow = self.controls(via) if kind not in ("login", "granted") and via in self.graph.flows else None
        priced_as = kind
        if kind == "internet-reach" and not self._serves(target):
            priced_as = "internet-reach-device"
        elif kind == "internet-reach" and not at_target & set(AUTHENTICATING):
            why = self._callers_checked(target)
            if why:
                priced_as, note = "internet-reach-device", note or why
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

    def own_view(self, attacker: Attacker) -> dict[str, dict[str, Edge]]:
        """Per actor an insider or vendor stands on: the data its work shows it, with the step misusing each
        (shared: callers must not mutate it).

        Searches skip these (actor, datum) pairs as holders; `finish` prices them by their misuse step.
        """
        if attacker.kind not in MISUSING_KINDS:
            return {}
        # Built once per start edges: every search of the attacker asks (three times per leak search), and
        # attackers who enter alike share the view; on a national model one costs a pass over 66k clerks.
        starts = self.start_edges(attacker)
        known = self._views.get(id(starts))
        if known is not None and known[0] is starts:
            return known[1]
        out: dict[str, dict[str, Edge]] = {}
        for target, edge in starts.items():
            if edge.kind != "stand" or target not in self.graph.elements:
                continue
            views = {d: m for d in sorted(self.obtains.get(target, ())) if (m := self._misuse(target, d)) is not None}
            if views:
                out[target] = views
        self._views[id(starts)] = (starts, out)
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
