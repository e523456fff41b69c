"""What the mitigation plan may propose: candidates, where each control makes sense, and what it costs there.

A candidate is one control at one place, a set added together (a pair at one terminal, a minimum
cut), or one obligation of one organisation covering several places (one DPIA per processing, one
processing agreement or transfer filing per pair of organisations). `fits` is the predicate that
keeps senseless proposals out: encryption on an in-person or radio hop, authentication on a
subscriber's own handset, consent where the law obliges the processing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal
from weakref import WeakKeyDictionary

from biotm.graph import SystemGraph
from biotm.model.controls import CONTROLS, SECOND_FACTOR, Overrides, Size, cost_model, days_text
from biotm.model.schema import (
    ActorRole,
    Capture,
    DataCategory,
    Element,
    ElementType,
    Flow,
    Requirement,
    Verification,
)
from biotm.rules.base import INSIDER_ROLES

Placed = tuple[str, str]  # (place id, control id)
Kind = Literal["single", "set", "obligation", "cut"]

#: Controls on the channel itself: senseless where there is no channel to protect.
CHANNEL_CONTROLS = frozenset({"encryption-in-transit", "mutual-authentication"})
#: Words in a flow's protocol that mean no channel the operator can encrypt: a person in front of a
#: sensor, a screen read by a person, paper, or the carrier's own radio link (SMS).
NO_CHANNEL_WORDS = ("in person", "in-person", "radio", "sms", "screen", "paper", "verbal", "spoken", "face to face")
#: Protocol words that name a network link the operator can encrypt.
NETWORK_WORDS = ("http", "https", "tcp", "tls", "vpn", "sftp", "api", "mqtt", "websocket")
#: Controls an operator runs on systems it operates: not on a person, nor on a device the subject controls.
OPERATED_CONTROLS = frozenset(
    {
        "authentication",
        "mfa",
        "access-control",
        "audit-logging",
        "query-rate-limit",
        "network-isolation",
        "dlp",
        "encryption-at-rest",
        "second-factor",
        "sim-change-notification",
        "human-review",
    }
)
#: Controls that stand for an agreement between two organisations.
AGREEMENT_CONTROLS = frozenset({"data-processing-agreement", "transfer-mechanism"})
#: Legal bases under which consent is not what makes the processing lawful (PIPL Art. 13(1)(3)-(5),
#: GDPR Art. 6(1)(c), (d), (e)).
NO_CONSENT_BASES = frozenset({"legal-obligation", "public-task", "vital-interest"})


@dataclass(frozen=True)
class Candidate:
    controls: tuple[Placed, ...]
    reason: str
    kind: Kind = "single"


def _is_person(element: Element) -> bool:
    return element.type is ElementType.ACTOR


def _subject_held(element: Element) -> bool:
    """A subscriber's own handset or a person: the operator cannot put its controls there."""
    return _is_person(element) or element.role is ActorRole.DATA_SUBJECT or (
        element.subject_controlled and element.operator is None
    )


def _carrier_hop(flow: Flow) -> bool:
    """An SMS or radio delivery to a handset: the network, not the sender, decides who receives it."""
    protocol = (flow.protocol or "").lower()
    return any(word in protocol for word in ("radio", "sms", "over the air"))


def _no_channel(graph: SystemGraph, flow: Flow) -> bool:
    protocol = (flow.protocol or "").lower()
    if any(word in protocol.split() for word in NETWORK_WORDS):
        return False  # "HTTP to the screen controller" is a network link, whatever it ends at
    if any(word in protocol for word in NO_CHANNEL_WORDS):
        return True
    return _is_person(graph.elements[flow.source]) or _is_person(graph.elements[flow.target])


def _consent_is_the_basis(graph: SystemGraph, place: str) -> bool:
    """False when every data item at the place is processed under a legal duty (the items' `basis`);
    consent is then neither needed nor a lawful basis."""
    if place in graph.flows:
        data = graph.flows[place].data
    else:
        data = sorted(graph.at_rest.get(place, set()) | graph.available.get(place, set()))
    items = [graph.data[d] for d in data if d in graph.data]
    if not items:
        return True
    return not all(item.basis is not None and item.basis.basis.value in NO_CONSENT_BASES for item in items)


def fits(graph: SystemGraph, place: str, control: str) -> bool:
    """Whether `control` makes sense at `place` (an element or flow id)."""
    if control not in CONTROLS:
        return False
    applies = CONTROLS[control].applies_to
    if control in AGREEMENT_CONTROLS and graph.model.organisations:
        # A model with declared organisations records agreements once per pair under `agreements`, not
        # as a control on a flow; the planner cannot add an agreement yet, so it proposes none.
        return False
    if place in graph.flows:
        if applies not in ("flow", "both"):
            return False
        flow = graph.flows[place]
        if control in CHANNEL_CONTROLS and _no_channel(graph, flow):
            return False
        if control == "authentication" and _carrier_hop(flow):
            return False
    elif place in graph.elements:
        if applies not in ("element", "both"):
            return False
        element = graph.elements[place]
        if control in OPERATED_CONTROLS and _subject_held(element):
            return False
        if control in ("dpia", "data-processing-agreement", "transfer-mechanism") and _is_person(element):
            return False
    else:
        return False
    if control == "separate-consent":
        return _collects_from_subject(graph, place) and _consent_is_the_basis(graph, place)
    if control == "privacy-notice":
        return _collects_from_subject(graph, place)  # told at collection, whatever the basis
    return True


def _collects_from_subject(graph: SystemGraph, place: str) -> bool:
    """Consent is asked where data is collected from the person: a flow from or to a person or the subject's
    own device, or an element such a flow reaches or that captures biometrics."""
    if place in graph.flows:
        flow = graph.flows[place]
        return _subject_held(graph.elements[flow.source]) or _subject_held(graph.elements[flow.target])
    element = graph.elements[place]
    if element.capture is not Capture.NONE or _subject_held(element):
        return True
    return any(_subject_held(graph.elements[flow.source]) for flow in graph.inbound.get(place, ()))


def proposed_as(graph: SystemGraph, place: str, control: str) -> str:
    """The control to propose for `control` at `place`. Every check reads `mfa` and `second-factor` as one, so
    at an element that verifies people (a face match, a SIM swap on a name and a date of birth) staff MFA would
    be credited with breaking the theft chains through that verification: there it is proposed, and priced,
    as the verification's second factor. Where every verification takes a login (an admin credential), or
    the element verifies nobody (a second factor there can only be on its users' logins), it is MFA."""
    element = graph.elements.get(place)
    if control not in SECOND_FACTOR or element is None:
        return control
    return "mfa" if all(_takes_login(graph, v) for v in element.verifies) else "second-factor"


def _takes_login(graph: SystemGraph, verification: Verification) -> bool:
    requires = verification.requires
    terms = requires.terms() if isinstance(requires, Requirement) else [requires]
    return any(t in graph.data and graph.data[t].category is DataCategory.CREDENTIAL for t in terms)


#: `size_of` per graph and place: a dense model prices 150,000 candidates, many at the same few places.
_SIZES: WeakKeyDictionary[SystemGraph, dict[str, Size]] = WeakKeyDictionary()


def size_of(graph: SystemGraph, place: str) -> Size:
    """What the place holds that costs scale with: records at rest (a flow: carried), instances, flows touching it."""
    sizes = _SIZES.setdefault(graph, {})
    found = sizes.get(place)
    if found is None:
        found = sizes[place] = _size_of(graph, place)
    return found


def _size_of(graph: SystemGraph, place: str) -> Size:
    if place in graph.flows:
        return Size(records=0, instances=1, flows=0)  # a flow holds nothing at rest and is itself the integration
    element = graph.elements[place]
    rest = graph.at_rest.get(place, set())
    records = max((graph.data[d].subjects for d in rest if d in graph.data), default=0)
    instances = getattr(element, "instances", None) or 1
    touching = (*graph.inbound.get(place, ()), *graph.outbound.get(place, ()))
    return Size(records=records, instances=int(instances), flows=len(touching), users=_users(graph, touching))


def _users(graph: SystemGraph, touching: tuple[Flow, ...]) -> int:
    """Staff, officials and vendors at the other end of the place's flows: the accounts MFA or roles enrol."""
    ends = {end for flow in touching for end in (flow.source, flow.target)}
    people = (graph.elements[end] for end in ends if end in graph.elements)
    return sum(e.people or 1 for e in people if e.type is ElementType.ACTOR and e.role in INSIDER_ROLES)


def cost_of(graph: SystemGraph, placed: list[Placed] | tuple[Placed, ...], overrides: Overrides) -> float:
    """Person-days to add `placed`: per place for place-scoped controls; one fixed part per obligation."""
    total = 0.0
    by_control: dict[str, list[str]] = defaultdict(list)
    for place, control in placed:
        by_control[control].append(place)
    for control, places in sorted(by_control.items()):
        cost = cost_model(control, overrides)
        if CONTROLS[control].scope == "place":
            total += sum(cost.at(size_of(graph, p)) for p in places)
        else:
            total += cost.fixed + sum(cost.scaling(size_of(graph, p)) for p in places)
    return total


def cost_basis(graph: SystemGraph, placed: list[Placed] | tuple[Placed, ...], overrides: Overrides) -> str:
    """How `cost_of` got its number, in words an auditor can redo: '3 days + 0.5 per million records x 950M'.

    Only the parts that apply here are named (a flow holds no records at rest)."""
    by_control: dict[str, list[str]] = defaultdict(list)
    for place, control in placed:
        by_control[control].append(place)
    parts = []
    for control, places in sorted(by_control.items()):
        cost = cost_model(control, overrides)
        sizes = [size_of(graph, p) for p in places]
        once = CONTROLS[control].scope != "place" or len(places) == 1
        text = days_text(cost.fixed) + ("" if once else f" at each of {len(places)} places")
        records = sum(s.records for s in sizes)
        instances = sum(max(0, s.instances - 1) for s in sizes)
        flows = sum(s.flows for s in sizes)
        for rate, quantity, unit in (
            (cost.per_million_records, records, "per million records"),
            (cost.per_instance, instances, "per further instance"),
            (cost.per_flow, flows, "per flow touched"),
            (cost.per_thousand_users, sum(s.users for s in sizes), "per thousand users"),
        ):
            if rate and quantity:
                shown = _IN_UNITS.get(unit, _count)(quantity)
                text += f" + {rate:g} {unit} x {shown}"
        if CONTROLS[control].scope != "place" and len(places) > 1:
            text += f", once for the {len(places)} places"
        parts.append(text if len(by_control) == 1 else f"{control}: {text}")
    return "; ".join(parts)


def _count(quantity: int) -> str:
    return f"{quantity:,}"


def _millions(records: int) -> str:
    return _in_unit(records, 1_000_000, "M", "")


def _thousands(users: int) -> str:
    return _in_unit(users, 1000, " thousand", " users")


def _in_unit(quantity: int, unit: int, name: str, noun: str) -> str:
    """'2.4M', '0.016M (16,000)', '150 thousand', '0.025 thousand (25 users)': the exact count follows when
    the short form is not exact or below one unit, so that rate x quantity always redoes the days."""
    short = f"{quantity / unit:g}"
    if quantity >= unit and float(short) * unit == quantity:
        return f"{short}{name}"
    return f"{quantity / unit:.4g}{name} ({quantity:,}{noun})"


#: How a quantity is written after its rate, in the rate's own unit so that rate x quantity is the days it adds.
_IN_UNITS: dict[str, Callable[[int], str]] = {"per million records": _millions, "per thousand users": _thousands}


def processing_of(graph: SystemGraph, place: str) -> str:
    """The processing an obligation at `place` belongs to: owner and purpose ("Carrier / identity-verification")."""
    element = graph.flows[place].source if place in graph.flows else place
    return f"{_controller(graph, graph.owner_of(element))} / {graph.elements[element].purpose or 'unstated purpose'}"


def _controller(graph: SystemGraph, organisation: str) -> str:
    """The controller answerable for a processor's work (its DPIA is the controller's), else the organisation."""
    for declared in graph.model.organisations:
        if declared.name == organisation and declared.controller:
            return declared.controller
    return organisation


def relationship_of(graph: SystemGraph, place: str) -> str:
    """The pair of organisations an agreement at `place` is between."""
    if place in graph.flows:
        flow = graph.flows[place]
        return f"{graph.owner_of(flow.source)} -> {graph.owner_of(flow.target)}"
    return graph.owner_of(place)


def group_obligations(graph: SystemGraph, found: dict[tuple[Placed, ...], tuple[str, Kind]]) -> None:
    """Fold single candidates of one obligation (a DPIA, an agreement) into one candidate per processing
    or relationship, in place: the plan proposes one DPIA for the carrier's identity verification, not four."""
    groups: dict[tuple[str, str], list[tuple[Placed, ...]]] = defaultdict(list)
    for controls in found:
        if len(controls) != 1:
            continue
        place, control = controls[0]
        scope = CONTROLS[control].scope
        if scope == "processing":
            groups[(control, processing_of(graph, place))].append(controls)
        elif scope == "relationship":
            groups[(control, relationship_of(graph, place))].append(controls)
    for (control, label), members in sorted(groups.items()):
        placed = tuple(sorted(m[0] for m in members))
        for member in members:
            del found[member]
        title = CONTROLS[control].title
        found[placed] = (f"{title} for {label}", "obligation")
