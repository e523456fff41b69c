"""The attack graph's vocabulary: its nodes, its edges (`Edge`), a best leak (`Leak`), and controls per place.

Nodes are the model's elements plus one node per flow an attacker could listen to (`flow:<id>`), and a
start node per attacker (`START`). An edge carries a probability lowered by the controls at its target
element and on its flow (see `biotm.analysis.numbers`); `to_attack_path` turns a sequence of edges into
the result's `AttackPath`, priced for the attacker's skill.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from biotm.analysis.numbers import AUTHENTICATING
from biotm.graph import SystemGraph
from biotm.model.controls import SECOND_FACTOR
from biotm.model.schema import Attacker, Authentication, Flow
from biotm.result import AttackPath, AttackStep

START = "@start"
GOAL = "@goal"
FLOW_PREFIX = "flow:"

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

    @property
    def open(self) -> bool:
        """A reach from the internet into a place that asks for no authentication at all (the open database)."""
        return self.kind == "internet-reach" and self.probability > 0.9 and not set(AUTHENTICATING) & set(self.present)

    def reason(self) -> str:
        text = STEP_TEXT[self.kind]
        if self.open:
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


def walk_back(node: str, into: dict[str, Edge]) -> tuple[Edge, ...]:
    """The edges from START to `node` in a search tree given as the best edge into each node."""
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
