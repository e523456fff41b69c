"""Shape classes: elements alike in everything a rule reads, found by colour refinement in linear time.

A national model repeats a few kinds of places many times (150,000 shop terminals). Two elements share a
shape when they have the same own facts (type, controls, data held, role, every attribute but id, name,
description and zone id), the same lineage (data available and at rest there), sit in zones alike in the
same way (owner, jurisdiction, exposure, and the same chain of enclosing zones), and their flows, with each
flow's own facts and the far end's shape, match one for one. That is Weisfeiler-Lehman colour refinement:
each round gives an element a new colour from its colour and the sorted signatures of its flows, so one
round is linear in elements + flows (n log n for sorting each element's flows), and a fixed number of
rounds bounds the whole.

Colours are small integers numbering distinct facts within one run: a partition found this way does not
depend on the numbering, so classes, numbered by their smallest member id, are the same across runs and
across the order elements and flows are written in. Facts are read from the parts' field values directly
(no `model_dump`: it was most of the cost on a national model).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

from pydantic import BaseModel

from biotm.graph.system import SystemGraph
from biotm.model.schema import Element, Flow, Zone

#: Refinement rounds: how far a neighbour's difference is seen (a store three hops behind a terminal).
#: Refinement also stops early once a round splits no class.
DEFAULT_ROUNDS = 4

#: Fields naming a part rather than describing it: alike parts differ in them by construction.
_NAMING_FIELDS = frozenset({"id", "name", "description"})

#: Bits below a flow's colour in a packed (flow colour, far end's colour) signature: room for 2^40 colours.
_SHIFT = 40

Fact = Any  # a hashable canonical value: str, int, float, bool, None or nested tuples of them


_SCALARS = (str, int, float, bool, type(None))


def _canonical(value: Any) -> Fact:
    """A hashable value equal for equal inputs; lists sorted, because every list in a model is a set."""
    if isinstance(value, _SCALARS):
        return value
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, list | tuple | set | frozenset):
        if not value:
            return ()
        items = [_canonical(item) for item in value]
        # repr orders mixed types deterministically; the common all-string list sorts as is
        return tuple(sorted(items) if all(type(i) is str for i in items) else sorted(items, key=repr))
    if isinstance(value, BaseModel):
        return _fields(value, frozenset())
    if isinstance(value, dict):
        return tuple(sorted(((str(k), _canonical(v)) for k, v in value.items()), key=repr))
    return repr(value)


def _fields(part: BaseModel, excluded: frozenset[str]) -> Fact:
    """A part's field values, without the fields in `excluded`, in declaration order.

    Read from the instance's own dict: the values of a validated model, with no serialisation in between.
    """
    key = (type(part), excluded)
    names = _FIELD_NAMES.get(key)
    if names is None:
        names = _FIELD_NAMES[key] = tuple(name for name in type(part).model_fields if name not in excluded)
    values = part.__dict__
    out: list[Fact] = []
    for name in names:
        value = values.get(name)
        kind = type(value)
        # The common cases inline: most fields are unset, scalars or lists of ids (a list holds one type).
        if value is None or kind in _SCALAR_TYPES:
            out.append(value)
        elif kind is list and (not value or type(value[0]) is str):
            out.append(tuple(sorted(value)))
        else:
            out.append(_canonical(value))
    return tuple(out)


#: (record type, excluded fields) -> the names of the fields read, in declaration order.
_FIELD_NAMES: dict[tuple[type[BaseModel], frozenset[str]], tuple[str, ...]] = {}
_SCALAR_TYPES = frozenset({str, int, float, bool})


def _facts(part: Element | Flow | Zone, drop: Iterable[str] = ()) -> Fact:
    """Everything a rule may read about a part, without the fields that only name it."""
    return _fields(part, _NAMING_FIELDS.union(drop))


class _Numbering:
    """Distinct facts -> 0, 1, 2, ... in order of first sight (one run's colours)."""

    def __init__(self) -> None:
        self._of: dict[Fact, int] = {}

    def __call__(self, fact: Fact) -> int:
        number = self._of.get(fact)
        if number is None:
            number = self._of[fact] = len(self._of)
        return number


@dataclass(frozen=True)
class ShapeClasses:
    """Elements grouped by shape: `of[element_id]` is its class, `members[class]` its elements, sorted."""

    of: Mapping[str, int]
    members: tuple[tuple[str, ...], ...]

    def representative(self, element_id: str) -> str:
        """The first (smallest id) element of the element's class."""
        return self.members[self.of[element_id]][0]


def _zone_facts(graph: SystemGraph, zone: Zone) -> Fact:
    """A zone's facts and its enclosing zones' facts, innermost first, without any zone's id."""
    return tuple(_facts(z, drop=("parent",)) for z in graph.zone_chain(zone.id))


def _initial_colours(graph: SystemGraph, number: _Numbering) -> dict[str, int]:
    zone_facts = {zone_id: _zone_facts(graph, zone) for zone_id, zone in graph.zones.items()}
    no_data: frozenset[str] = frozenset()
    colours: dict[str, int] = {}
    for element in graph.model.elements:
        element_id = element.id
        colours[element_id] = number(
            (
                _facts(element, drop=("zone",)),
                zone_facts[element.zone],
                graph.owner_of(element_id),
                # What rules read of lineage (data available and at rest here), so no rule sees a difference in it.
                tuple(sorted(graph.available.get(element_id, no_data))),
                tuple(sorted(graph.at_rest.get(element_id, no_data))),
            )
        )
    return colours


def _flow_colours(graph: SystemGraph, number: _Numbering) -> dict[str, int]:
    """A flow's own facts and whether it stays in one zone and one owner (rules ask about crossings)."""
    elements = graph.elements
    out: dict[str, int] = {}
    for flow in graph.model.flows:
        source, target = flow.source, flow.target
        out[flow.id] = number(
            (
                "flow",
                _facts(flow, drop=("source", "target")),
                elements[source].zone == elements[target].zone,
                graph.owner_of(source) == graph.owner_of(target),
                source == target,
            )
        )
    return out


def shape_classes(graph: SystemGraph, rounds: int = DEFAULT_ROUNDS) -> ShapeClasses:
    """Group the graph's elements into shape classes after at most `rounds` refinement rounds.

    Only the model's facts count: a caller reading more (controls added by --with-controls, head counts
    the rule context derives) must refine the classes by it. Each round is linear in elements + flows (plus
    sorting each element's own flows); classes are numbered in order of their smallest member id, so the
    result does not depend on the order of the model file.
    """
    number = _Numbering()
    colours = _initial_colours(graph, number)
    flow_colours = _flow_colours(graph, number)
    classes = len(set(colours.values()))
    # Each element's flows as (flow colour, far end) pairs, read once; a signature packs each pair in one int
    # (flow colour above, far end's colour below), so sorting a hub's thousands of flows sorts ints.
    outgoing = {e: [(flow_colours[f.id] << _SHIFT, f.target) for f in flows] for e, flows in graph.outbound.items()}
    incoming = {e: [(flow_colours[f.id] << _SHIFT, f.source) for f in flows] for e, flows in graph.inbound.items()}
    no_flows: list[tuple[int, str]] = []
    for round_number in range(rounds):
        sizes = Counter(colours.values())
        refined: dict[str, int] = {}
        for element_id, colour in colours.items():
            if sizes[colour] == 1:
                # Alone in its class it stays alone; its colour, unique and from an earlier round, still tells it
                # apart. Hubs are the usual singletons and hold most flow ends, so this halves a round.
                refined[element_id] = colour
                continue
            out = sorted(fc | colours[far] for fc, far in outgoing.get(element_id, no_flows))
            into = sorted(fc | colours[far] for fc, far in incoming.get(element_id, no_flows))
            # The round number keeps this round's colours apart from the kept colours of earlier rounds.
            refined[element_id] = number((round_number, colour, tuple(out), tuple(into)))
        colours = refined
        refined_classes = len(set(colours.values()))
        # Refinement only ever splits classes; a round that splits none is a fixed point.
        if refined_classes == classes:
            break
        classes = refined_classes
    grouped: dict[int, list[str]] = {}
    for element_id in sorted(colours):
        grouped.setdefault(colours[element_id], []).append(element_id)
    members = tuple(sorted((tuple(ids) for ids in grouped.values()), key=lambda ids: ids[0]))
    of = {element_id: index for index, ids in enumerate(members) for element_id in ids}
    return ShapeClasses(of=of, members=members)


__all__ = ["DEFAULT_ROUNDS", "ShapeClasses", "shape_classes"]
