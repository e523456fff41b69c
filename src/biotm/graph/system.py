"""The system graph: elements as nodes, flows as edges, zones, and where every data item goes.

Built once from a valid model; every analysis reads it and none re-walks the raw model. Building is
linear in elements + flows + data references.
"""

from __future__ import annotations

import functools
import operator
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pydantic import TypeAdapter

from biotm.legal.jurisdictions import crosses_border
from biotm.model.loader import LoadedModel
from biotm.model.portraits import compared_portraits
from biotm.model.schema import (
    ActorRole,
    DataCategory,
    DataItem,
    Element,
    ElementType,
    Flow,
    Modality,
    Model,
    Zone,
)
from biotm.model.source import SourceLocation
from biotm.result import Crossing, LineageEntry, ModelWarning

if TYPE_CHECKING:
    import networkx as nx


@dataclass
class Lineage:
    """Where one data item enters, changes, rests and travels."""

    origins: set[str] = field(default_factory=set)
    collected_at: set[str] = field(default_factory=set)
    derived_at: set[str] = field(default_factory=set)
    derived_from: set[str] = field(default_factory=set)
    derives: set[str] = field(default_factory=set)
    processed_at: set[str] = field(default_factory=set)
    stored_at: set[str] = field(default_factory=set)
    reaches: set[str] = field(default_factory=set)
    flows: set[str] = field(default_factory=set)


#: A national model has ~10^5 crossings: validated as one list in one call into pydantic-core, which costs
#: 3.4 us each against 4.2 for one `Crossing(...)` call each (benchmarks/README.md).
_CROSSINGS = TypeAdapter(list[Crossing])


class SystemGraph:
    """One model as a networkx MultiDiGraph (edge key = flow id) plus zone and lineage facts."""

    def __init__(self, loaded: LoadedModel) -> None:
        self.loaded = loaded
        model = loaded.model
        self.model: Model = model
        self.zones: dict[str, Zone] = {z.id: z for z in model.zones}
        self.elements: dict[str, Element] = {e.id: e for e in model.elements}
        self.data: dict[str, DataItem] = {d.id: d for d in model.data}
        self.flows: dict[str, Flow] = {f.id: f for f in model.flows}
        # Rules and scoring ask for an element's zone a few times per finding: one lookup, not two.
        self._zone_of: dict[str, Zone] = {e.id: self.zones[e.zone] for e in model.elements}
        self._owner: dict[str, str] = {e.id: e.operator or self._zone_of[e.id].owner for e in model.elements}
        self.inbound: dict[str, list[Flow]] = defaultdict(list)
        self.outbound: dict[str, list[Flow]] = defaultdict(list)
        for flow in model.flows:
            self.outbound[flow.source].append(flow)
            self.inbound[flow.target].append(flow)
        self.warnings: list[ModelWarning] = []
        self.available: dict[str, set[str]] = {}
        self.at_rest: dict[str, set[str]] = {}
        self.lineage: dict[str, Lineage] = {d.id: Lineage() for d in model.data}
        self._compute_lineage()

    @functools.cached_property
    def graph(self) -> nx.MultiDiGraph[str]:
        """Elements as nodes, flows as edges keyed by flow id.

        Built on first use: no stage of the audit itself walks it, and building it took a fifth of the
        graph stage at national scale (networkx is also imported only here, off the start-up path).
        """
        import networkx

        graph: nx.MultiDiGraph[str] = networkx.MultiDiGraph()
        graph.add_nodes_from(element.id for element in self.model.elements)
        for flow in self.model.flows:
            graph.add_edge(flow.source, flow.target, key=flow.id)
        return graph

    # -- data as the audit reads it -------------------------------------------------------------
    @functools.cached_property
    def portraits(self) -> dict[str, Modality]:
        """Document images the audit reads as biometric data, with their modality (`compared_portraits`)."""
        return compared_portraits(self.model)

    @functools.cached_property
    def data_as_used(self) -> dict[str, DataItem]:
        """The data items as the audit reads them: each of `portraits` a biometric sample of its modality."""
        out = dict(self.data)
        for item_id, modality in self.portraits.items():
            out[item_id] = self.data[item_id].model_copy(
                update={"category": DataCategory.BIOMETRIC_SAMPLE, "modality": modality}
            )
        return out

    # -- zones -----------------------------------------------------------------------------------
    def zone_of(self, element_id: str) -> Zone:
        return self._zone_of[element_id]

    def zone_chain(self, zone_id: str) -> list[Zone]:
        """The zone and its ancestors, innermost first."""
        chain: list[Zone] = []
        current: str | None = zone_id
        while current is not None and current in self.zones and len(chain) <= len(self.zones):
            chain.append(self.zones[current])
            current = self.zones[current].parent
        return chain

    def internet_facing(self, element_id: str) -> bool:
        return self.zone_of(element_id).internet_facing

    def public_place(self, element_id: str) -> bool:
        return self.zone_of(element_id).public_place

    def crosses_boundary(self, flow: Flow) -> bool:
        return self.elements[flow.source].zone != self.elements[flow.target].zone

    def owner_of(self, element_id: str) -> str:
        """The organisation answerable for what an element does: its operator, else its zone's owner."""
        return self._owner[element_id]

    def is_disclosure(self, flow: Flow) -> bool:
        return self.owner_of(flow.source) != self.owner_of(flow.target)

    def is_cross_border(self, flow: Flow) -> bool:
        return self.zone_of(flow.source).jurisdiction != self.zone_of(flow.target).jurisdiction

    def crossings(self) -> list[Crossing]:
        out: list[dict[str, Any]] = []
        zone_of, owner = self._zone_of, self._owner
        # Data the subject hands over are collected, and data sent to the subject are theirs: neither is a
        # disclosure to another organisation, whoever owns the subject's zone.
        subject = {
            e.id
            for e in self.model.elements
            if e.role is ActorRole.DATA_SUBJECT or (e.subject_controlled and e.operator is None)
        }
        for flow in self.model.flows:
            source_zone, target_zone = zone_of[flow.source], zone_of[flow.target]
            if source_zone is target_zone:
                continue
            out.append({
                "flow": flow.id,
                "source": flow.source,
                "target": flow.target,
                "source_zone": source_zone.id,
                "target_zone": target_zone.id,
                "disclosure": owner[flow.source] != owner[flow.target]
                and flow.source not in subject
                and flow.target not in subject,
                "cross_border": crosses_border(source_zone.jurisdiction, target_zone.jurisdiction),
                "data": sorted(flow.data),
            })
        out.sort(key=operator.itemgetter("flow"))
        return _CROSSINGS.validate_python(out)

    # -- lineage ---------------------------------------------------------------------------------
    def location(self, kind: str, item_id: str) -> SourceLocation | None:
        return self.loaded.location_of(kind, item_id)

    def _warn(self, code: str, message: str, kind: str, item_id: str) -> None:
        self.warnings.append(ModelWarning(code=code, message=message, location=self.location(kind, item_id)))

    def _compute_lineage(self) -> None:
        # One pass over flows and one over elements; the loop-invariant look-ups (element kinds, enum
        # members) are hoisted because these loops run once per element and flow of a national model.
        actor, store = ElementType.ACTOR, ElementType.STORE
        processing = (ElementType.PROCESS, ElementType.DEVICE, ElementType.EXTERNAL)
        lineage_of = self.lineage
        elements = self.elements
        # Elements (and flows) that carry the same data items are gathered first and added to each item's
        # sets in bulk: a set update per group instead of a Python-level add per (item, element) pair.
        flows_by_data: dict[tuple[str, ...], list[str]] = defaultdict(list)
        collected_by_data: dict[tuple[str, ...], list[str]] = defaultdict(list)
        received: dict[str, set[str]] = defaultdict(set)
        for flow in self.model.flows:
            data = flow.data
            received[flow.target].update(data)
            if not data:
                continue
            key = tuple(data)
            flows_by_data[key].append(flow.id)
            if elements[flow.source].type is actor:
                collected_by_data[key].append(flow.target)
        self._add_in_bulk(flows_by_data.items(), lambda entry: entry.flows)
        self._add_in_bulk(collected_by_data.items(), lambda entry: entry.collected_at)
        reaching: dict[frozenset[str], list[str]] = defaultdict(list)
        processing_at: dict[frozenset[str], list[str]] = defaultdict(list)
        storing: dict[frozenset[str], list[str]] = defaultdict(list)
        empty: frozenset[str] = frozenset()
        for element in self.model.elements:
            element_id, kind, holds = element.id, element.type, element.holds
            have = set(holds)
            have |= received.get(element_id, empty)
            for derivation in element.derives:
                missing = [d for d in derivation.inputs if d not in have]
                if missing:
                    self._warn(
                        "derive-input-missing",
                        f"element '{element_id}' derives '{derivation.output}' from "
                        f"{', '.join(repr(m) for m in missing)}, which never reach it",
                        "element",
                        element_id,
                    )
                out = lineage_of[derivation.output]
                out.derived_at.add(element_id)
                out.derived_from.update(derivation.inputs)
                for source in derivation.inputs:
                    lineage_of[source].derives.add(derivation.output)
            if element.derives:
                have |= {d.output for d in element.derives}
            self.available[element_id] = have
            for data_id in holds:
                lineage_of[data_id].origins.add(element_id)
                if kind is not actor:
                    lineage_of[data_id].collected_at.add(element_id)
            if kind is store:
                rest = have - set(element.discards)
            elif kind is actor:
                rest = set()
            else:
                rest = set(holds) - set(element.discards)
            self.at_rest[element_id] = rest
            if have:
                group = frozenset(have)
                reaching[group].append(element_id)
                if kind in processing:
                    processing_at[group].append(element_id)
            if rest:
                storing[frozenset(rest)].append(element_id)
        self._add_in_bulk(reaching.items(), lambda entry: entry.reaches)
        self._add_in_bulk(processing_at.items(), lambda entry: entry.processed_at)
        self._add_in_bulk(storing.items(), lambda entry: entry.stored_at)
        self._check_consistency(received)

    def _add_in_bulk(
        self, groups: Iterable[tuple[Iterable[str], list[str]]], members: Callable[[Lineage], set[str]]
    ) -> None:
        """Add each group's ids to the `members` set of every data item of the group."""
        for data_ids, ids in groups:
            for data_id in data_ids:
                members(self.lineage[data_id]).update(ids)

    def _check_consistency(self, received: dict[str, set[str]]) -> None:
        available = self.available
        for flow in self.model.flows:
            if available[flow.source].issuperset(flow.data):
                continue
            unavailable = [d for d in flow.data if d not in available[flow.source]]
            if unavailable:
                self._warn(
                    "flow-data-unavailable",
                    f"flow '{flow.id}' sends {', '.join(repr(d) for d in unavailable)} that "
                    f"'{flow.source}' never receives, holds or derives",
                    "flow",
                    flow.id,
                )
        store, inbound, outbound = ElementType.STORE, self.inbound, self.outbound
        for element in self.model.elements:
            element_id = element.id
            if element.type is store and not received.get(element_id) and not element.holds:
                self._warn("store-never-written", f"nothing writes to store '{element_id}'", "element", element_id)
            if element.discards:
                unused = [d for d in element.discards if d not in available[element_id]]
                if unused:
                    self._warn(
                        "discard-unknown",
                        f"element '{element_id}' discards {', '.join(repr(d) for d in unused)}, which never reach it",
                        "element",
                        element_id,
                    )
            if not inbound.get(element_id) and not outbound.get(element_id):
                self._warn("element-isolated", f"element '{element_id}' has no flows", "element", element_id)
        for item in self.model.data:
            if not self.lineage[item.id].reaches:
                self._warn("data-unused", f"data item '{item.id}' is in no flow and held nowhere", "data", item.id)
        self.warnings.sort(
            key=lambda w: (w.location.line if w.location else 0, w.location.column if w.location else 0, w.code)
        )

    def lineage_entries(self) -> list[LineageEntry]:
        out = []
        owner = self._owner
        jurisdiction = {element_id: zone.jurisdiction for element_id, zone in self._zone_of.items()}
        # A data item can reach most of a national model: its lists are cut from one sorted list of all
        # element (flow) ids instead of each being sorted again.
        elements = _SortedIds(self.elements)
        flows = _SortedIds(self.flows)
        for item in sorted(self.model.data, key=lambda d: d.id):
            lin = self.lineage[item.id]
            reaches = elements.of(lin.reaches)
            out.append(
                # Built from checked parts, so not validated again: a list here can hold 10^5 ids.
                LineageEntry.model_construct(
                    data=item.id,
                    category=item.category.value,
                    subjects=item.subjects,
                    collected_at=elements.of(lin.collected_at),
                    derived_at=elements.of(lin.derived_at),
                    derived_from=sorted(lin.derived_from),
                    derives=sorted(lin.derives),
                    processed_at=elements.of(lin.processed_at),
                    stored_at=elements.of(lin.stored_at),
                    reaches=reaches,
                    flows=flows.of(lin.flows),
                    owners=sorted(set(map(owner.__getitem__, reaches))),
                    jurisdictions=sorted(set(map(jurisdiction.__getitem__, reaches))),
                )
            )
        return out


class _SortedIds:
    """Sorted subsets of one large set of ids: a big subset is filtered from the whole set sorted once."""

    def __init__(self, universe: Iterable[str]) -> None:
        self._universe = universe
        self._order: list[str] | None = None

    def of(self, ids: set[str]) -> list[str]:
        """`sorted(ids)`."""
        if len(ids) < 1000:
            return sorted(ids)
        if self._order is None:
            self._order = sorted(self._universe)
        found = [i for i in self._order if i in ids]
        return found if len(found) == len(ids) else sorted(ids)


def build_graph(loaded: LoadedModel) -> SystemGraph:
    """Build the system graph of a loaded model (linear time)."""
    return SystemGraph(loaded)
