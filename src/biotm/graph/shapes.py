"""Shape classes: elements alike in everything a rule reads, found by colour refinement in linear time.

A national model repeats a few kinds of places many times (150,000 shop terminals). Two elements share a
shape when they have the same own facts (type, controls, data held, role, every attribute but id, name,
description and zone id), sit in zones alike in the same way (owner, jurisdiction, exposure, and the same
chain of enclosing zones), and their flows, with each flow's own facts and the far end's shape, match one
for one. That is bounded Weisfeiler-Lehman colour refinement: each round hashes an element's colour with
the sorted signatures of its flows, so one round is linear in elements + flows (n log n for sorting each
element's flows), and a fixed number of rounds bounds the whole.

Colours are digests of canonical text, never Python's salted `hash`, so classes and their order are the same
across runs and across the order elements and flows are written in.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from biotm.graph.system import SystemGraph
from biotm.model.schema import Element, Flow, Zone

#: Refinement rounds: how far a neighbour's difference is seen (a store three hops behind a terminal).
#: Refinement also stops early once a round splits no class.
DEFAULT_ROUNDS = 4

#: Fields naming a part rather than describing it: alike parts differ in them by construction.
_NAMING_FIELDS = frozenset({"id", "name", "description"})


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def _facts(part: Element | Flow | Zone, drop: Iterable[str] = ()) -> dict[str, Any]:
    """Everything a rule may read about a part, without the fields that only name it."""
    excluded = _NAMING_FIELDS | set(drop)
    return {key: value for key, value in part.model_dump(mode="json").items() if key not in excluded}


def _canonical(value: Any) -> str:
    return json.dumps(_unordered(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _unordered(value: Any) -> Any:
    """Lists sorted: every list in a model is a set, so the order it is written in is no difference."""
    if isinstance(value, dict):
        return {key: _unordered(item) for key, item in value.items()}
    if isinstance(value, list):
        items = [_unordered(item) for item in value]
        return sorted(items, key=lambda item: json.dumps(item, sort_keys=True))
    return value


@dataclass(frozen=True)
class ShapeClasses:
    """Elements grouped by shape: `of[element_id]` is its class, `members[class]` its elements, sorted."""

    of: Mapping[str, int]
    members: tuple[tuple[str, ...], ...]

    def representative(self, element_id: str) -> str:
        """The first (smallest id) element of the element's class."""
        return self.members[self.of[element_id]][0]


def _zone_colour(graph: SystemGraph, zone: Zone) -> str:
    """A zone's facts and its enclosing zones' facts, innermost first, without any zone's id."""
    return _canonical([_facts(z, drop=("parent",)) for z in graph.zone_chain(zone.id)])


def _initial_colours(graph: SystemGraph) -> dict[str, str]:
    colours: dict[str, str] = {}
    zone_colours = {zone_id: _zone_colour(graph, zone) for zone_id, zone in graph.zones.items()}
    for element in graph.model.elements:
        own = _facts(element, drop=("zone",))
        colours[element.id] = _digest(_canonical([own, zone_colours[element.zone], graph.owner_of(element.id)]))
    return colours


def _flow_facts(graph: SystemGraph, flow: Flow) -> str:
    """A flow's own facts and whether it stays in one zone (rules ask about crossing boundaries)."""
    facts = _facts(flow, drop=("source", "target"))
    same_zone = graph.elements[flow.source].zone == graph.elements[flow.target].zone
    same_owner = graph.owner_of(flow.source) == graph.owner_of(flow.target)
    return _canonical([facts, same_zone, same_owner, flow.source == flow.target])


def _count_classes(colours: Mapping[str, str]) -> int:
    return len(set(colours.values()))


def shape_classes(graph: SystemGraph, rounds: int = DEFAULT_ROUNDS) -> ShapeClasses:
    """Group the graph's elements into shape classes after at most `rounds` refinement rounds.

    Each round is linear in elements + flows (plus sorting each element's own flows); classes are numbered
    in order of their smallest member id, so the result does not depend on the order of the model file.
    """
    colours = _initial_colours(graph)
    flow_facts = {flow.id: _flow_facts(graph, flow) for flow in graph.model.flows}
    classes = _count_classes(colours)
    for _ in range(rounds):
        refined: dict[str, str] = {}
        for element_id, colour in colours.items():
            outgoing = sorted(f"{flow_facts[f.id]}>{colours[f.target]}" for f in graph.outbound.get(element_id, ()))
            incoming = sorted(f"{flow_facts[f.id]}<{colours[f.source]}" for f in graph.inbound.get(element_id, ()))
            refined[element_id] = _digest(_canonical([colour, outgoing, incoming]))
        colours = refined
        refined_classes = _count_classes(colours)
        # Refinement only ever splits classes; a round that splits none is a fixed point.
        if refined_classes == classes:
            break
        classes = refined_classes
    grouped: dict[str, list[str]] = defaultdict(list)
    for element_id in sorted(colours):
        grouped[colours[element_id]].append(element_id)
    members = tuple(sorted((tuple(ids) for ids in grouped.values()), key=lambda ids: ids[0]))
    of = {element_id: index for index, ids in enumerate(members) for element_id in ids}
    return ShapeClasses(of=of, members=members)


__all__ = ["DEFAULT_ROUNDS", "ShapeClasses", "shape_classes"]
