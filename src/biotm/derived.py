"""What a JSON report (schema 1.3) leaves out because the audited model it echoes gives it back, and the way back.

Once findings were grouped, most of a national report was lists the model already says: each data item's
lineage named the 10^5 flows carrying it and every element it reaches, each crossing repeated its flow's
ends, their zones and its data, each zone listed its elements, and each of 300,000 source locations named
the model file. The writer leaves a field out only where `Derived` gives exactly the value the result holds,
so what is left out is exact whatever computed it (a hand-made or future result keeps any field that does
not follow); `restore` puts every left-out field back from the report's own model before it is validated.

Plain dicts and tuples only, read from the `Model` or from its echo in a report: biotm.result imports this
module, not the other way round.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from typing import Any

#: Lineage lists that follow from the model: the flows carrying the item, where it enters, is processed, reaches.
LINEAGE_FIELDS = ("collected_at", "processed_at", "reaches", "flows")
#: A crossing's fields that are its flow's: ends, their zones, data (disclosure and border are judgements, kept).
CROSSING_FIELDS = ("source", "target", "source_zone", "target_zone", "data")
#: Kinds of location key ("element:ID") whose locations a report may write as one table in the order of the
#: model section (the model's elements as written), and that section.
LOCATED_KINDS = {"attacker": "attackers", "data": "data", "element": "elements", "flow": "flows", "zone": "zones"}
#: Element types that process what reaches them (`SystemGraph`'s lineage counts them in `processed_at`).
_PROCESSING = frozenset({"process", "device", "external"})

#: (id, type, zone, holds, derived outputs) of an element; (id, source, target, data) of a flow.
ElementFacts = tuple[str, str, str, tuple[str, ...], tuple[str, ...]]
FlowFacts = tuple[str, str, str, tuple[str, ...]]


class Derived:
    """Lineage lists, crossings' flow fields and zone members as the model gives them, each computed once."""

    def __init__(self, elements: Iterable[ElementFacts], flows: Iterable[FlowFacts]) -> None:
        self.elements = list(elements)
        self.flows = list(flows)
        self._lineage: dict[str, dict[str, set[str]]] | None = None
        self._flows: dict[str, FlowFacts] | None = None
        self._zones: dict[str, str] | None = None
        self._members: dict[str, list[str]] | None = None

    @classmethod
    def of_model(cls, model: Any) -> Derived:
        """From a validated `biotm.model.schema.Model`."""
        elements = (
            (e.id, e.type.value, e.zone, tuple(e.holds), tuple(d.output for d in e.derives)) for e in model.elements
        )
        return cls(elements, ((f.id, f.source, f.target, tuple(f.data)) for f in model.flows))

    @classmethod
    def of_echo(cls, model: Any) -> Derived | None:
        """From a report's `model` as written (fields at their defaults left out); None if it is not one."""
        if not isinstance(model, dict):
            return None
        elements, flows = model.get("elements", []), model.get("flows", [])
        if not isinstance(elements, list) or not isinstance(flows, list):
            return None
        try:
            return cls(
                ((str(e["id"]), str(e["type"]), str(e["zone"]), _ids(e.get("holds")),
                  tuple(str(d.get("output", d.get("to"))) for d in e.get("derives") or ())) for e in elements),
                ((str(f["id"]), str(f["source"]), str(f["target"]), _ids(f.get("data"))) for f in flows),
            )
        except (KeyError, TypeError, AttributeError):
            return None

    def lineage(self, data_id: str) -> dict[str, list[str]]:
        """The `LINEAGE_FIELDS` of one data item, as `SystemGraph` computes them (sorted ids)."""
        return {name: sorted(ids) for name, ids in self.lineage_sets(data_id).items()}

    def lineage_sets(self, data_id: str) -> dict[str, set[str]]:
        """`lineage` as sets: a writer checks a list against one without sorting 10^5 ids again."""
        if self._lineage is None:
            self._lineage = self._compute_lineage()
        return self._lineage.get(data_id) or {name: set() for name in LINEAGE_FIELDS}

    def _compute_lineage(self) -> dict[str, dict[str, set[str]]]:
        types = {element[0]: element[1] for element in self.elements}
        received: dict[str, set[str]] = defaultdict(set)
        # Elements (flows) carrying the same items are gathered first and added per group, as the graph does.
        carrying: dict[tuple[str, ...], list[str]] = defaultdict(list)
        collecting: dict[tuple[str, ...], list[str]] = defaultdict(list)
        for flow_id, source, target, data in self.flows:
            if not data:
                continue
            received[target].update(data)
            carrying[data].append(flow_id)
            if types.get(source) == "actor":
                collecting[data].append(target)
        reaching: dict[frozenset[str], list[str]] = defaultdict(list)
        processing: dict[frozenset[str], list[str]] = defaultdict(list)
        for element_id, kind, _zone, holds, outputs in self.elements:
            if kind != "actor" and holds:
                collecting[holds].append(element_id)
            have = frozenset({*holds, *received.get(element_id, ()), *outputs})
            if have:
                reaching[have].append(element_id)
                if kind in _PROCESSING:
                    processing[have].append(element_id)
        sets: dict[str, dict[str, set[str]]] = defaultdict(lambda: {name: set() for name in LINEAGE_FIELDS})
        for name, groups in (("flows", carrying), ("collected_at", collecting), ("reaches", reaching),
                             ("processed_at", processing)):
            for data_ids, ids in groups.items():
                for data_id in data_ids:
                    sets[data_id][name].update(ids)
        return dict(sets)

    def zones(self) -> dict[str, str]:
        """Element id -> the id of its zone."""
        if self._zones is None:
            self._zones = {element[0]: element[2] for element in self.elements}
        return self._zones

    def flow(self, flow_id: str) -> FlowFacts | None:
        """(id, source, target, data) of the flow, None for an unknown one."""
        if self._flows is None:
            self._flows = {flow[0]: flow for flow in self.flows}
        return self._flows.get(flow_id)

    def flow_fields(self, flow_id: str) -> dict[str, Any] | None:
        """A crossing's `CROSSING_FIELDS` as its flow gives them; None for an unknown flow."""
        flow = self.flow(flow_id)
        if flow is None:
            return None
        _, source, target, data = flow
        zone = self.zones()
        return {"source": source, "target": target, "source_zone": zone.get(source), "target_zone": zone.get(target),
                "data": sorted(data)}

    def members(self, zone_id: str) -> list[str]:
        """Ids of the elements in the zone (not in zones inside it), sorted."""
        if self._members is None:
            members: dict[str, list[str]] = defaultdict(list)
            for element in self.elements:
                members[element[2]].append(element[0])
            self._members = {zone: sorted(ids) for zone, ids in members.items()}
        return self._members.get(zone_id, [])


class Echo:
    """A report's model echo as `Derived`, read once and only when something asks (an in-memory dump, with
    nothing left out, never does)."""

    def __init__(self, model: Any) -> None:
        self._model = model
        self._derived: Derived | None = None
        self._read = False

    def get(self) -> Derived | None:
        if not self._read:
            self._derived, self._read = Derived.of_echo(self._model), True
        return self._derived


def tabled_kinds(keys: list[str], section_ids: Mapping[str, Iterable[str]], in_file: Callable[[str], bool]) -> set[str]:
    """The location kinds a report can write as tables: the keys are sorted, and every part of the kind's
    model section (`section_ids`, by kind) and nothing else of that kind is located, each in the model's file."""
    if any(later < earlier for earlier, later in itertools.pairwise(keys)):
        return set()
    located: dict[str, set[str]] = defaultdict(set)
    for key in keys:
        kind, _, part = key.partition(":")
        located[kind].add(part)
    return {kind for kind, ids in section_ids.items() if located.get(kind) == set(ids) and in_file(kind)}


def _tables(locations: dict[str, Any], file: Any, model: Any) -> dict[str, Any]:
    """`locations` with each kind's table (a list of [line, column] in the order of the model's section) as its
    keyed entries, all sorted by key as the result holds them."""
    out: dict[str, Any] = {}
    tabled = False
    for key, value in locations.items():
        section = LOCATED_KINDS.get(key)
        if section is None or not isinstance(value, list):
            out[key] = _location(value, file)
            continue
        parts = model.get(section) if isinstance(model, dict) else None
        ids = [str(p.get("id")) for p in parts if isinstance(p, dict)] if isinstance(parts, list) else []
        if len(ids) != len(value):
            have = f"the report's model has {len(ids)} {section}"
            raise ValueError(f"locations: {len(value)} {key} locations, but {have}")
        out.update((f"{key}:{part}", _location(at, file)) for part, at in zip(ids, value, strict=True))
        tabled = True
    return dict(sorted(out.items())) if tabled else out


def _ids(value: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in value) if isinstance(value, list) else ()


def lean(entry: dict[str, Any], derived: Mapping[str, Any] | None) -> dict[str, Any]:
    """`entry` without the fields whose value is `derived`'s (a set stands for its sorted list)."""
    if not derived:
        return entry
    return {name: value for name, value in entry.items() if name not in derived or not _same(value, derived[name])}


def _same(value: Any, derived: Any) -> bool:
    if isinstance(derived, set):  # sorted(derived), checked in one pass instead of sorting it
        return (isinstance(value, list) and len(value) == len(derived) and derived.issuperset(value)
                and all(a < b for a, b in itertools.pairwise(value)))
    return bool(value == derived)


def restore(data: dict[str, Any], echo: Echo | None = None) -> dict[str, Any]:
    """A copy of `data` (a parsed report) with every field a 1.3 writer left out put back from its model (`echo`,
    when the caller reads that model for more)."""
    model = (echo or Echo(data.get("model"))).get
    out = dict(data)
    summary = data.get("summary")
    file = summary.get("file") if isinstance(summary, dict) else None
    locations = data.get("locations")
    if isinstance(locations, dict) and any(isinstance(v, list) for v in locations.values()):
        out["locations"] = _tables(locations, file, data.get("model"))
    for key, fields, given in (
        ("lineage", LINEAGE_FIELDS, lambda e: _lineage_of(model(), e)),
        ("crossings", CROSSING_FIELDS, lambda e: _flow_of(model(), e)),
        ("zones", ("elements",), lambda e: _zone_of(model(), e)),
    ):
        if key in data:
            out[key] = _filled(data[key], fields, given)
    return out


def _location(value: Any, file: Any) -> Any:
    """A location written `[line, column]` (in the report's model file) as the whole location."""
    if isinstance(value, list) and len(value) == 2:
        return {"file": file, "line": value[0], "column": value[1]}
    return value


def _filled(entries: Any, fields: tuple[str, ...], source: Callable[[dict[str, Any]], Mapping[str, Any] | None]) -> Any:
    """`entries` with each entry missing some of `fields` given them from `source(entry)` (a dict or None)."""
    if not isinstance(entries, list) or not any(isinstance(e, dict) and not e.keys() >= set(fields) for e in entries):
        return entries
    out = []
    for entry in entries:
        if isinstance(entry, dict) and not entry.keys() >= set(fields):
            given = source(entry) or {}
            entry = {**{name: given[name] for name in fields if name in given}, **entry}
        out.append(entry)
    return out


def _lineage_of(derived: Derived | None, entry: dict[str, Any]) -> dict[str, Any] | None:
    return derived.lineage(str(entry.get("data"))) if derived is not None else None


def _flow_of(derived: Derived | None, entry: dict[str, Any]) -> dict[str, Any] | None:
    return derived.flow_fields(str(entry.get("flow"))) if derived is not None else None


def _zone_of(derived: Derived | None, entry: dict[str, Any]) -> dict[str, Any] | None:
    return {"elements": derived.members(str(entry.get("id")))} if derived is not None else None


__all__ = ["CROSSING_FIELDS", "LINEAGE_FIELDS", "LOCATED_KINDS", "Derived", "Echo", "lean", "restore", "tabled_kinds"]
