"""What a rule is: metadata beside a check function, the hits it yields, and the facts it reads.

A rule's `check(ctx)` walks the precomputed `RuleContext` and yields a `Hit` for every place where the
threat is present. It never looks at controls itself: the hit names the places whose controls matter
(`control_places`) and the engine applies the rule's declared `suppressed_by` / `lowered_by` controls.
Every check must be linear (or n log n) in the size of the graph.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any, TypeVar, cast

from biotm.graph.system import SystemGraph
from biotm.legal.roles import Parties
from biotm.model.controls import SECOND_FACTOR
from biotm.model.schema import (
    BIOMETRIC_CATEGORIES,
    IDENTIFIER_CATEGORIES,
    IRREVERSIBLE_PROTECTION,
    ActorRole,
    Authentication,
    DataCategory,
    DataItem,
    Element,
    ElementType,
    Flow,
    Matching,
    Modality,
    TemplateProtection,
)
from biotm.model.vocabulary import identifier_category_hint
from biotm.result import Factor, ModelWarning, PlaceKind, Severity

#: "Many subjects": a store or flow that covers at least this many people is a bulk target.
MANY_SUBJECTS = 1000
#: National scale: a complete identity kit of this many people at rest unencrypted is critical.
NATIONAL_SCALE = 10_000_000

#: Data that identify a person directly (a face, an ID photo, an ID number).
IDENTITY_CATEGORIES = frozenset({*BIOMETRIC_CATEGORIES, DataCategory.DOCUMENT_IMAGE, *IDENTIFIER_CATEGORIES})

ControlPlace = tuple[str, str]  # ("element" | "flow", id)


@dataclass(frozen=True)
class Hit:
    """One place where a rule's threat is present, before controls and scoring."""

    place_kind: PlaceKind
    places: tuple[str, ...]
    evidence: str
    data: tuple[str, ...] = ()
    control_places: tuple[ControlPlace, ...] = ()
    #: (kind, id) of the model part the finding points at in the file.
    location: ControlPlace | None = None
    likelihood_factors: tuple[Factor, ...] = ()
    impact_factors: tuple[Factor, ...] = ()
    regulations: tuple[str, ...] = ()
    #: When set, the finding cites these instead of the rule's list: the articles depend on the case (a
    #: processor's contract, a recipient's consent). Still filtered by scope, and `regulations` still added.
    cites_only: tuple[str, ...] = ()
    #: A critical trigger (docs/scoring.md, "Severity"): the hit is critical whatever its risk, unless one of
    #: `critical_unless` is present at its control places. Only for rules that may be critical.
    critical: bool = False
    critical_unless: tuple[str, ...] = ()
    #: People the finding is about, when not the largest item's count (a kit covers only the people who
    #: have all its parts); impact and the finding's `subjects` use it, so evidence and numbers agree.
    subjects: int | None = None

    @classmethod
    def at_element(
        cls,
        element_id: str,
        *,
        evidence: str,
        data: tuple[str, ...] = (),
        likelihood_factors: tuple[Factor, ...] = (),
        impact_factors: tuple[Factor, ...] = (),
        regulations: tuple[str, ...] = (),
        critical: bool = False,
        critical_unless: tuple[str, ...] = (),
        subjects: int | None = None,
    ) -> Hit:
        """A hit on one element: its own controls mitigate it and the finding points at it in the file."""
        return cls(
            place_kind="element",
            places=(element_id,),
            evidence=evidence,
            data=data,
            control_places=(("element", element_id),),
            location=("element", element_id),
            likelihood_factors=likelihood_factors,
            impact_factors=impact_factors,
            regulations=regulations,
            critical=critical,
            critical_unless=critical_unless,
            subjects=subjects,
        )


    @classmethod
    def at_flow(
        cls,
        flow_id: str,
        *,
        evidence: str,
        data: tuple[str, ...] = (),
        control_places: tuple[ControlPlace, ...] = (),
        impact_factors: tuple[Factor, ...] = (),
        regulations: tuple[str, ...] = (),
        cites_only: tuple[str, ...] = (),
    ) -> Hit:
        """A hit on one flow; `control_places` are where the controls that mitigate it count."""
        return cls(
            place_kind="flow",
            places=(flow_id,),
            evidence=evidence,
            data=data,
            control_places=control_places,
            location=("flow", flow_id),
            impact_factors=impact_factors,
            regulations=regulations,
            cites_only=cites_only,
        )


CheckFn = Callable[["RuleContext"], Iterable[Hit]]


@dataclass(frozen=True)
class Rule:
    """A rule: stable id and metadata, the controls that mitigate it, and its check function."""

    id: str
    title: str
    description: str
    family: str
    categories: tuple[str, ...]
    check: CheckFn
    default_severity: Severity = "medium"
    threat_tree: tuple[str, ...] = ()
    cwe: tuple[str, ...] = ()
    regulations: tuple[str, ...] = ()
    #: Alternative control sets; when every control of one set is present the finding is suppressed.
    suppressed_by: tuple[tuple[str, ...], ...] = ()
    #: Controls that each lower the likelihood when present.
    lowered_by: tuple[str, ...] = ()
    base_likelihood: float = 0.5
    #: Multiplies the data-driven impact (availability threats hurt less than disclosure).
    impact_scale: float = 1.0
    #: Whether exposure (internet, public place, crossings, head count) raises the likelihood. Off for
    #: compliance gaps, which are as likely on a closed network as on an open one.
    exposure: bool = True
    #: May reach critical: the finding is itself a route to mass data loss or account takeover (an open
    #: store, a ready identity kit, bulk insider access). Others stop at high (docs/scoring.md).
    may_be_critical: bool = False

    @cached_property
    def mitigations(self) -> tuple[str, ...]:
        """Every control that suppresses or lowers this rule, in declaration order."""
        seen: dict[str, None] = {}
        for group in self.suppressed_by:
            for control in group:
                seen.setdefault(control, None)
        for control in self.lowered_by:
            seen.setdefault(control, None)
        return tuple(seen)


def interaction(flow: Flow) -> tuple[str, str, str]:
    return (flow.source, flow.id, flow.target)


def _text(item: DataItem) -> str:
    return f"{item.id} {item.name or ''}".lower()


_KIT_ROLE_OF_CATEGORY = {
    DataCategory.NATIONAL_ID: "national-id",
    DataCategory.DOCUMENT_NUMBER: "national-id",
    DataCategory.DRIVER_LICENCE: "national-id",
    DataCategory.PHONE_NUMBER: "phone",
}


_HINT_NAMES = {
    DataCategory.NATIONAL_ID: "national ID number",
    DataCategory.DOCUMENT_NUMBER: "document number",
    DataCategory.DRIVER_LICENCE: "driver-licence number",
    DataCategory.PHONE_NUMBER: "phone number",
}


def _category_hint(item: DataItem) -> DataCategory | None:
    """The specific identifier category a generic item's words name (the kit_role fallback), or None."""
    if item.category not in (DataCategory.IDENTIFIER, DataCategory.CONTACT, DataCategory.QUASI_IDENTIFIER):
        return None
    hint = identifier_category_hint(_text(item))
    if hint is DataCategory.PHONE_NUMBER or (hint is not None and item.category is DataCategory.IDENTIFIER):
        return hint
    return None


def kit_role(item: DataItem) -> str | None:
    """Which part of an identity-theft kit an item is: 'face', 'national-id', 'phone' or None.

    The category decides. A generic `identifier`, `contact` or `quasi_identifier` whose words name a
    specific kind (model/vocabulary.py) still counts, with an `identifier-category-hint` warning: models
    written before the specific categories existed keep their kit (dropping it silently would lower their
    risk without any change to the system), and the warning tells the author what to declare.
    """
    if item.category is DataCategory.DOCUMENT_IMAGE:
        return "face"
    if item.category in BIOMETRIC_CATEGORIES and item.modality is Modality.FACE:
        return "face"
    role = _KIT_ROLE_OF_CATEGORY.get(item.category)
    if role is not None:
        return role
    hint = _category_hint(item)
    if hint is not None:
        return _KIT_ROLE_OF_CATEGORY[hint]
    return None


KIT_PARTS = ("face", "national-id", "phone")


def is_personal(item: DataItem) -> bool:
    return item.category is not DataCategory.OTHER


def is_protected_biometric(item: DataItem) -> bool:
    """A template under irreversible protection: it neither inverts nor links."""
    return item.protection in IRREVERSIBLE_PROTECTION


def is_exposed_biometric(item: DataItem) -> bool:
    """Biometric data readable by whoever holds the bytes (no encryption or irreversible protection)."""
    return item.is_biometric and item.protection is TemplateProtection.NONE


INSIDER_ROLES = frozenset({ActorRole.STAFF, ActorRole.OPERATOR, ActorRole.OFFICIAL, ActorRole.VENDOR})

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
        """The model's data items as the rules read them: an image compared as a biometric is biometric.

        A document image (an ID-card portrait, a register's reference photo) that is an input of a derivation
        at a matching element, or that declares a `modality`, is biometric data whatever its category, so the
        biometric rules cover it; a compared one without a modality gets a warning. Identifier words in a
        generic item's id get a hint, too (see `kit_role`).
        """
        compared: dict[str, Modality] = {}
        for element in graph.model.elements:
            if element.matching is Matching.NONE:
                continue
            for derivation in element.derives:
                inputs = [graph.data[i] for i in derivation.inputs if i in graph.data]
                modality = next((d.modality for d in inputs if d.is_biometric and d.modality), Modality.FACE)
                for item in inputs:
                    if item.category is DataCategory.DOCUMENT_IMAGE:
                        compared.setdefault(item.id, modality)
        for item in graph.model.data:
            if item.category is DataCategory.DOCUMENT_IMAGE and item.modality is not None:
                compared.setdefault(item.id, item.modality)  # declared: its portrait is face data
        out = dict(graph.data)
        #: Document images the rules read as biometric samples (a portrait on a document or in a register).
        self.portraits = frozenset(compared)
        for item_id, modality in sorted(compared.items()):
            declared = graph.data[item_id].modality
            out[item_id] = graph.data[item_id].model_copy(
                update={"category": DataCategory.BIOMETRIC_SAMPLE, "modality": modality}
            )
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
            hint = _category_hint(item)
            if hint is not None:
                self.hints.append(
                    ModelWarning(
                        code="identifier-category-hint",
                        message=f"'{item.id}' looks like a {_HINT_NAMES[hint]}: declare category {hint.value}",
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


def max_subjects(items: Iterable[DataItem]) -> int:
    return max((item.subjects for item in items), default=0)


def kit_parts(items: Iterable[DataItem], role_of: Callable[[DataItem], str | None] = kit_role) -> dict[str, list[str]]:
    """Kit role -> ids of the items that fill it (`role_of`: `kit_role`, or a memo of it)."""
    parts: dict[str, list[str]] = {}
    for item in items:
        role = role_of(item)
        if role is not None:
            parts.setdefault(role, []).append(item.id)
    return parts


def names(ids: Iterable[str], limit: int = 6) -> str:
    """`'a', 'b' and 'c'` for evidence text; long lists end with 'and N more'."""
    quoted = [f"'{i}'" for i in ids]
    if len(quoted) > limit:
        return ", ".join(quoted[: limit - 1]) + f" and {len(quoted) - limit + 1} more"
    if len(quoted) <= 1:
        return "".join(quoted)
    return ", ".join(quoted[:-1]) + " and " + quoted[-1]


def people(count: int) -> str:
    """A head count for evidence text: 300000000 -> '300M'."""
    for limit, suffix in ((1_000_000_000, "bn"), (1_000_000, "M"), (1_000, "k")):
        if count >= limit:
            return f"{count / limit:.3g}{suffix}"
    return str(count)


def log10_people(count: int) -> float:
    return math.log10(count) if count > 1 else 0.0
