"""What rules read: the system graph plus the indexes every rule shares, each computed once."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from functools import cached_property
from typing import Any, TypeVar, cast

from biotm.graph.system import SystemGraph
from biotm.legal.roles import Parties
from biotm.model.controls import SECOND_FACTOR
from biotm.model.schema import (
    ActorRole,
    Authentication,
    DataItem,
    Element,
    ElementType,
    Flow,
    Matching,
)
from biotm.result import ModelWarning
from biotm.rules.categories import HINT_NAMES, category_hint
from biotm.rules.hits import ControlPlace

_T = TypeVar("_T")
_NO_CONTROLS: frozenset[str] = frozenset()


class RuleContext:
    """The system graph plus indexes every rule shares, each computed once (linear time)."""

    def __init__(self, graph: SystemGraph, with_controls: Iterable[str] = ()) -> None:
        self.graph = graph
        self.elements = graph.elements
        self.flows = graph.flows
        #: Model warnings the rules' reading of the model gives (hints to declare a category).
        self.hints: list[ModelWarning] = []
        self.data = self._data_as_used(graph)
        self._extra: dict[str, set[str]] = defaultdict(set)
        for entry in with_controls:
            place, _, control = entry.rpartition(":")
            if place and control:
                self._extra[place].add(control)
        self._items_of_set: dict[frozenset[str], list[DataItem]] = {}
        self._shared_lists: dict[int, list[DataItem]] = {}
        self._at_rest: dict[str, list[DataItem]] = {}
        self._available: dict[str, list[DataItem]] = {}
        self._flow_items: dict[str, list[DataItem]] = {}
        self._derived: dict[Callable[[RuleContext], Any], Any] = {}
        self._kept: dict[tuple[Callable[[DataItem], bool], int], list[DataItem]] = {}
        self._uses: dict[str, set[str]] = {}
        self._per_data: dict[tuple[Callable[[list[DataItem]], Any], int], Any] = {}
        #: Ids of the actors (people), for the many per-flow "is this end a person" questions.
        self.actors = frozenset(e.id for e in graph.model.elements if e.type is ElementType.ACTOR)
        #: Controls present per element and per flow id (with --with-controls); read-only.
        #: Equal sets are one object (elements and flows mostly declare the same few), so the engine's
        #: look-ups keyed by them hash each once and compare by identity.
        self._control_sets: dict[frozenset[str], frozenset[str]] = {}
        self.element_control_sets = {
            e.id: self._shared(frozenset(e.controls) | self._extra.get(e.id, set())) for e in graph.model.elements
        }
        self.flow_control_sets = self._compute_flow_controls()

    def _data_as_used(self, graph: SystemGraph) -> dict[str, DataItem]:
        """The model's data items as the rules read them (`SystemGraph.data_as_used`: a document image compared
        as a biometric is biometric), with a warning for a compared one without a modality and a hint for
        identifier words in a generic item's id (see `kit_role`).
        """
        #: Document images the rules read as biometric samples (a portrait on a document or in a register).
        self.portraits = frozenset(graph.portraits)
        out = dict(graph.data_as_used)
        for item_id, modality in graph.portraits.items():
            declared = graph.data[item_id].modality
            if declared is not None:
                continue
            self.hints.append(
                ModelWarning(
                    code="data-compared-as-biometric",
                    message=f"'{item_id}' is a document image compared as {modality.value} data, so the rules treat "
                    f"it as biometric: declare `modality: {modality.value}` on it",
                    location=graph.loaded.location_of("data", item_id),
                )
            )
        for item in graph.model.data:
            hint = category_hint(item)
            if hint is not None:
                self.hints.append(
                    ModelWarning(
                        code="identifier-category-hint",
                        message=f"'{item.id}' looks like a {HINT_NAMES[hint]}: declare category {hint.value}",
                        location=graph.loaded.location_of("data", item.id),
                    )
                )
        return out

    # -- controls -----------------------------------------------------------------------------------
    def element_controls(self, element_id: str) -> frozenset[str]:
        return self.element_control_sets.get(element_id, _NO_CONTROLS)

    def flow_controls(self, flow_id: str) -> frozenset[str]:
        return self.flow_control_sets.get(flow_id, _NO_CONTROLS)

    def controls_at(self, place: ControlPlace) -> frozenset[str]:
        kind, place_id = place
        if kind == "element":
            return self.element_control_sets.get(place_id, _NO_CONTROLS)
        return self.flow_control_sets.get(place_id, _NO_CONTROLS)

    def _compute_flow_controls(self) -> dict[str, frozenset[str]]:
        out: dict[str, frozenset[str]] = {}
        # Most flows declare the same few control sets: build each set once.
        shared: dict[tuple[object, ...], frozenset[str]] = {}
        for flow in self.graph.model.flows:
            key = (tuple(flow.controls), flow.encrypted, flow.authentication)
            present = shared.get(key)
            if present is None:
                found = set(flow.controls)
                if flow.encrypted:
                    found.add("encryption-in-transit")
                if flow.authentication is not Authentication.NONE:
                    found.add("authentication")
                if flow.authentication is Authentication.MUTUAL:
                    found.add("mutual-authentication")
                present = shared[key] = self._shared(frozenset(found))
            extra = self._extra.get(flow.id)
            out[flow.id] = self._shared(present | extra) if extra else present
        return out

    @staticmethod
    def widened(controls: frozenset[str]) -> frozenset[str]:
        """`controls` as every rule reads them: `mfa` and `second-factor` are one control."""
        return controls | SECOND_FACTOR if controls & SECOND_FACTOR else controls

    def _shared(self, controls: frozenset[str]) -> frozenset[str]:
        controls = self.widened(controls)
        return self._control_sets.setdefault(controls, controls)

    def derived(self, compute: Callable[[RuleContext], _T]) -> _T:
        """`compute(self)`, computed once per context: per-flow or per-element facts a family of rules shares."""
        if compute not in self._derived:
            self._derived[compute] = compute(self)
        return cast(_T, self._derived[compute])

    # -- elements, data and neighbourhoods ----------------------------------------------------------
    def elements_of(self, *types: ElementType) -> Iterator[Element]:
        for element in self.graph.model.elements:
            if element.type in types:
                yield element

    def items(self, ids: Iterable[str]) -> list[DataItem]:
        """The data items with these ids, sorted by id (unknown ids skipped)."""
        return [self.data[i] for i in sorted(set(ids)) if i in self.data]

    # The look-ups below are cached, and places holding the same data share one list (a national model has
    # 100k elements and 200k flows but few distinct data sets), so `where` can work per data set.
    # Callers must not mutate the lists.
    def _shared_items(self, ids: Iterable[str]) -> list[DataItem]:
        key = frozenset(ids)
        items = self._items_of_set.get(key)
        if items is None:
            items = self._items_of_set[key] = self.items(key)
            self._shared_lists[id(items)] = items
        return items

    def at_rest(self, element_id: str) -> list[DataItem]:
        items = self._at_rest.get(element_id)
        if items is None:
            items = self._at_rest[element_id] = self._shared_items(self.graph.at_rest.get(element_id, ()))
        return items

    def available(self, element_id: str) -> list[DataItem]:
        items = self._available.get(element_id)
        if items is None:
            items = self._available[element_id] = self._shared_items(self.graph.available.get(element_id, ()))
        return items

    def flow_items(self, flow: Flow) -> list[DataItem]:
        items = self._flow_items.get(flow.id)
        if items is None:
            items = self._flow_items[flow.id] = self._shared_items(flow.data)
        return items

    def where(self, items: list[DataItem], keep: Callable[[DataItem], bool]) -> list[DataItem]:
        """The items `keep` accepts. For a list from at_rest, available or flow_items the answer is worked out
        once per data set, so `keep` must be a module-level function of the item alone. Callers must not
        mutate the result."""
        key = (keep, id(items))
        kept = self._kept.get(key)
        if kept is None:
            kept = [d for d in items if keep(d)]
            # Shared lists live as long as the context, so their ids name their data set; others may not.
            if self._shared_lists.get(id(items)) is items:
                self._kept[key] = kept
        return kept

    def per_data(self, items: list[DataItem], compute: Callable[[list[DataItem]], _T]) -> _T:
        """`compute(items)`, worked out once per data set for lists from at_rest, available or flow_items:
        `compute` must be a module-level function of the items alone. Callers must not mutate the result."""
        key = (compute, id(items))
        if key in self._per_data:
            return cast(_T, self._per_data[key])
        value = compute(items)
        if self._shared_lists.get(id(items)) is items:
            self._per_data[key] = value
        return value

    def flow_items_where(self, flow: Flow, keep: Callable[[DataItem], bool]) -> list[DataItem]:
        """`where(flow_items(flow), keep)`."""
        return self.where(self.flow_items(flow), keep)

    def is_actor(self, element_id: str) -> bool:
        return element_id in self.actors

    def subject_side(self, element_id: str) -> bool:
        """The data subject, or a device or app the subject controls and no organisation operates: handing
        data over from there is collection. From an organisation's app on the subject's phone it is that
        organisation's own flow (a bank app's SDK upload to a vendor is a disclosure)."""
        element = self.elements[element_id]
        return element.role is ActorRole.DATA_SUBJECT or (element.subject_controlled and element.operator is None)

    def is_system_flow(self, flow: Flow) -> bool:
        """A flow between two systems (not a person presenting a face or reading a screen)."""
        return flow.source not in self.actors and flow.target not in self.actors

    @cached_property
    def crossing_flows(self) -> list[Flow]:
        """Flows that leave their source's trust zone, in model order (shared by the STRIDE rules)."""
        elements = self.elements
        return [f for f in self.graph.model.flows if elements[f.source].zone != elements[f.target].zone]

    @cached_property
    def crossing_ids(self) -> frozenset[str]:
        """Ids of the flows that leave their source's trust zone."""
        return frozenset(f.id for f in self.crossing_flows)

    @cached_property
    def owners(self) -> dict[str, str]:
        """Per element: the organisation answerable for it (`SystemGraph.owner_of`)."""
        return {e.id: self.graph.owner_of(e.id) for e in self.graph.model.elements}

    def is_disclosure(self, flow: Flow) -> bool:
        """The flow passes data to another organisation (`SystemGraph.is_disclosure`)."""
        owners = self.owners
        return owners[flow.source] != owners[flow.target]

    @cached_property
    def flows_from_subjects(self) -> list[Flow]:
        """Flows whose source is a data-subject actor: collection."""
        subjects = {e.id for e in self.graph.model.elements if e.role is ActorRole.DATA_SUBJECT}
        return [f for f in self.graph.model.flows if f.source in subjects]

    @cached_property
    def flows_to_actors(self) -> list[Flow]:
        """Flows that end at a person (a screen, a console, a printout)."""
        return [f for f in self.graph.model.flows if f.target in self.actors]

    @cached_property
    def actors_with_access(self) -> dict[str, frozenset[str]]:
        """Per element: itself if an actor, else the actors it exchanges data with (one set per distinct group).

        Data subjects are left out: the customer at a counter is whose data it is, not someone with access
        to everyone's (a shop terminal's 200,000 clerks are not 200,001 people with access)."""
        actors = self.actors
        staff = {a for a in actors if self.elements[a].role is not ActorRole.DATA_SUBJECT}
        out: dict[str, set[str]] = defaultdict(set)
        for flow in self.graph.model.flows:
            source, target = flow.source, flow.target
            if target in staff and source not in actors:
                out[source].add(target)
            elif source in staff and target not in actors:
                out[target].add(source)
        shared: dict[frozenset[str], frozenset[str]] = {}
        result = {e: shared.setdefault(frozenset(group), frozenset(group)) for e, group in out.items()}
        result.update({a: frozenset({a}) if a in staff else frozenset() for a in actors})
        return result

    @cached_property
    def headcount(self) -> dict[str, int]:
        """Per actor: its `people` (an actor without `people` is one person)."""
        return {
            e.id: e.people if e.people is not None else 1
            for e in self.graph.model.elements
            if e.type is ElementType.ACTOR
        }

    def people_of(self, actors: Iterable[str]) -> int:
        """Head count of a set of actors, each counted once."""
        heads = self.headcount
        return sum(heads[a] for a in set(actors))

    @cached_property
    def people_with_access(self) -> dict[str, int]:
        """Per element: its own head count if an actor, else the head count of actors it exchanges data with."""
        return {e: self.people_of(group) for e, group in self.actors_with_access.items()}

    @cached_property
    def received_from_store(self) -> dict[str, set[str]]:
        """Per element: data items that reach it directly from a store (it reads stored records)."""
        stores = {e.id for e in self.graph.model.elements if e.type is ElementType.STORE}
        out: dict[str, set[str]] = defaultdict(set)
        for flow in self.graph.model.flows:
            if flow.source in stores:
                out[flow.target].update(flow.data)
        return out

    def uses(self, element_id: str) -> set[str]:
        """Data items the element passes on, derives from, or keeps (what it needs); worked out once per
        element asked about. Callers must not mutate."""
        used = self._uses.get(element_id)
        if used is None:
            used = set()
            for flow in self.graph.outbound.get(element_id, ()):
                used.update(flow.data)
            for derivation in self.elements[element_id].derives:
                used.update(derivation.inputs)
            used.update(self.graph.at_rest.get(element_id, ()))
            self._uses[element_id] = used
        return used

    @cached_property
    def identifying_matchers(self) -> set[str]:
        return {e.id for e in self.graph.model.elements if e.matching is Matching.IDENTIFY}


def legal_parties(ctx: RuleContext) -> Parties:
    """The model's organisations, roles and agreements (biotm.legal.roles), built once per audit."""
    return ctx.derived(_parties)


def _parties(ctx: RuleContext) -> Parties:
    return Parties(ctx.graph.model)
