"""The built-in attacker library and how each profile lands on a concrete model.

Built-in profiles are generic; each is mapped onto the model's own actors and zones (see
docs/attack-paths.md, "Attackers"). A profile that finds no foothold in a model is left out. A model
attacker with the same id replaces the built-in one; other model attackers are added.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from typing import Any

from biotm.graph import SystemGraph
from biotm.model.schema import IDENTIFIER_CATEGORIES, ActorRole, Attacker, DataCategory, ElementType, Modality

#: Attacker kinds that *are* the place they enter (an insider is the clerk; a vendor owns its zone).
STANDING_KINDS = frozenset({"insider", "vendor", "thief"})
#: Standing kinds whose own, legitimate view of data is no exposure, but whose misuse of it is a step.
MISUSING_KINDS = frozenset({"insider", "vendor"})

#: Words in a zone owner's name that mark a supplier (the compromised-vendor profile enters there).
VENDOR_WORDS = ("vendor", "supplier", "sdk", "processor", "contractor", "subcontractor")

#: What a bought leak usually joins (T15: names, ID numbers, phone numbers, photos).
LEAKED_CATEGORIES = frozenset(
    {*IDENTIFIER_CATEGORIES, DataCategory.QUASI_IDENTIFIER, DataCategory.CONTACT, DataCategory.DOCUMENT_IMAGE}
)


#: Entry keywords, the zone flag each selects, and the step that reaches an element there.
ENTRY_ZONE_FLAGS = {"internet": "internet_facing", "public-place": "public_place"}
ENTRY_STEPS = {"internet": "internet-reach", "public-place": "physical-reach"}


@dataclass(frozen=True)
class Entry:
    """One foothold: stand on an element (probability 1) or reach it through a kind of step."""

    element: str
    step: str  # "stand" or a key of STEP_PROBABILITY ("internet-reach", "physical-reach", "zone-reach")


def _actors(graph: SystemGraph, roles: set[ActorRole], public_place: bool | None = None) -> list[str]:
    out = []
    for element in graph.model.elements:
        if element.type is not ElementType.ACTOR or element.role not in roles:
            continue
        if public_place is not None and graph.public_place(element.id) != public_place:
            continue
        out.append(element.id)
    return out


def _vendor_footholds(graph: SystemGraph) -> list[str]:
    """The supplier's own zones, and its people's remote access into anyone else's (the vendor actors)."""
    own = {z.id for z in graph.model.zones if any(w in z.owner.lower() for w in VENDOR_WORDS)}
    remote = {
        e.id
        for e in graph.model.elements
        if e.type is ElementType.ACTOR and e.role is ActorRole.VENDOR and e.zone not in own
    }
    return sorted(own | remote)


def _leaked_data(graph: SystemGraph) -> list[str]:
    return [
        d.id
        for d in graph.model.data
        if d.category in LEAKED_CATEGORIES
        or (d.category is DataCategory.BIOMETRIC_SAMPLE and d.modality is Modality.FACE)
    ]


def _profile(*, entry: list[str], holds: list[str] | None = None, **fields: Any) -> Attacker:
    """A built-in profile, its entry and holds lists set after validation: they are the model's own ids, as many
    as the model has footholds (a national model has 33,000 shop clerks) or leaked-kind data items, so the bound
    on one record's input lists does not apply to them."""
    return Attacker(**fields).model_copy(update={"entry": entry, "holds": holds or []})


def builtin_attackers(graph: SystemGraph) -> list[Attacker]:
    """The library profiles that have a foothold in this model, in a fixed order."""
    staff_in_shops = _actors(graph, {ActorRole.STAFF}, public_place=True)
    operators = _actors(graph, {ActorRole.OPERATOR}) + _actors(graph, {ActorRole.STAFF}, public_place=False)
    phones = [e.id for e in graph.model.elements if e.type is ElementType.DEVICE and e.subject_controlled]
    candidates = [
        _profile(
            id="outsider",
            name="Outsider on the internet",
            description="Scans and exploits whatever internet-facing zones expose.",
            kind="outsider",
            entry=["internet"],
            skill=0.5,
        ),
        _profile(
            id="insider-clerk",
            name="Shop clerk (insider)",
            description="Front-line staff in a public place: sees every customer's capture and ID data.",
            kind="insider",
            entry=staff_in_shops,
            skill=0.3,
        ),
        _profile(
            id="insider-operator",
            name="Operator or back-office staff (insider)",
            description="Staff and operators inside the organisation's own zones, using their own access.",
            kind="insider",
            entry=sorted(set(operators)),
            skill=0.4,
        ),
        _profile(
            id="insider-police",
            name="Police officer or official (insider)",
            description="An official who queries records through the access their role gives.",
            kind="insider",
            entry=_actors(graph, {ActorRole.OFFICIAL}),
            skill=0.4,
        ),
        _profile(
            id="insider-vendor-engineer",
            name="Vendor engineer (insider)",
            description="A supplier's engineer with maintenance access to the supplier's systems.",
            kind="insider",
            entry=_actors(graph, {ActorRole.VENDOR}),
            skill=0.6,
        ),
        _profile(
            id="compromised-vendor",
            name="Compromised vendor",
            description="A supplier whose systems are breached or who misuses what it receives.",
            kind="vendor",
            entry=_vendor_footholds(graph),
            skill=0.7,
        ),
        _profile(
            id="phone-thief",
            name="Thief holding the victim's unlocked phone",
            description="Has the subject's own device: its data, its SIM and the one-time codes it receives.",
            kind="thief",
            entry=phones,
            capabilities=["victim-device", "sim-in-victim-name", "victim-otp"],
            skill=0.3,
        ),
        _profile(
            id="leaked-data-buyer",
            name="Fraudster with a bought leaked data set",
            description="Bought identifiers, document images and face photos from a leak; walks into public "
            "places and uses online channels.",
            kind="fraudster",
            entry=["public-place", "internet"],
            holds=_leaked_data(graph),
            skill=0.4,
        ),
    ]
    return [a for a in candidates if a.entry]


def attackers_for(graph: SystemGraph, only: tuple[str, ...] = ()) -> list[Attacker]:
    """Built-in profiles merged with the model's attackers (same id: the model wins), sorted by id."""
    merged = {a.id: a for a in builtin_attackers(graph)}
    merged.update({a.id: a for a in graph.model.attackers})
    chosen = [merged[i] for i in sorted(merged)]
    if only:
        chosen = [a for a in chosen if a.id in only]
    return chosen


#: Per graph: the position of every element in the model, and the elements in each zone or nested inside it.
_MEMBERS: weakref.WeakKeyDictionary[SystemGraph, tuple[dict[str, int], dict[str, list[str]]]] = (
    weakref.WeakKeyDictionary()
)


def zone_members(graph: SystemGraph, zone_ids: set[str]) -> list[str]:
    """Elements whose zone is one of `zone_ids` or nested inside one, in model order."""
    index = _MEMBERS.get(graph)
    if index is None:
        position = {e.id: i for i, e in enumerate(graph.model.elements)}
        members: dict[str, list[str]] = {}
        chains: dict[str, list[str]] = {}
        for element in graph.model.elements:
            chain = chains.get(element.zone)
            if chain is None:
                chain = chains[element.zone] = [z.id for z in graph.zone_chain(element.zone)]
            for zone_id in dict.fromkeys(chain):
                members.setdefault(zone_id, []).append(element.id)
        index = _MEMBERS[graph] = (position, members)
    position, members = index
    if len(zone_ids) == 1:
        return list(members.get(next(iter(zone_ids)), ()))
    found = {element_id for zone_id in zone_ids for element_id in members.get(zone_id, ())}
    return sorted(found, key=position.__getitem__)


def entries(graph: SystemGraph, attacker: Attacker) -> list[Entry]:
    """Where an attacker starts, deduplicated and sorted (one element may be entered several ways)."""
    standing = attacker.kind in STANDING_KINDS
    found: set[tuple[str, str]] = set()
    for entry in attacker.entry:
        if entry in graph.elements:
            found.add((entry, "stand" if standing else "zone-reach"))
        elif entry in graph.zones:
            for element_id in zone_members(graph, {entry}):
                if graph.elements[element_id].type is ElementType.ACTOR and not standing:
                    continue
                found.add((element_id, "stand" if standing else "zone-reach"))
        elif entry in ENTRY_ZONE_FLAGS:
            zones = {z.id for z in graph.model.zones if getattr(z, ENTRY_ZONE_FLAGS[entry])}
            for element_id in zone_members(graph, zones):
                if graph.elements[element_id].type is not ElementType.ACTOR:
                    found.add((element_id, ENTRY_STEPS[entry]))
    return [Entry(element, step) for element, step in sorted(found)]


def entry_zones(graph: SystemGraph, attacker: Attacker) -> set[str]:
    """Zones whose unencrypted flows the attacker can listen to (internet-facing or public places)."""
    zones: set[str] = set()
    for entry in attacker.entry:
        if entry in ENTRY_ZONE_FLAGS:
            zones |= {z.id for z in graph.model.zones if getattr(z, ENTRY_ZONE_FLAGS[entry])}
    return zones
