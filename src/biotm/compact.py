"""The JSON report's grouped findings (schema 1.2): what a group's findings share, written once, and the way
back to one whole finding per place.

A national model repeats one shop terminal thousands of times, and its findings repeat the same rule, title,
cause, regulations, mitigations and numbers at each. In the report a group carries its first member's fields
(`finding`, without its id), and each member's entry in `findings` says only where it differs:
`{"group": ID, "places": [...], FIELD: VALUE, ...}`. The id is left out when it is the usual hash of rule and
places. A factor list as long as the group's is written position by position, `null` where the factor is the
group's (alike places share the reasons; a per-place quantity such as a head count may differ). The evidence
is left out when it is the group's with the member's places (and their zones) put for the first member's,
and the location when it is where the member's place at the group's `located_at` ([kind, position]) is
written. From schema 1.3 a member's differences are one of its group's `variants`, named by number (alike
shops differ in a handful of head counts), and a member at a flow's source, the flow and its target names
the flow instead of the three places. `expand` undoes all of it, so a report loads back to the very result
it was written from.

Plain dicts and duck-typed findings only: biotm.result imports this module, not the other way round.
"""

from __future__ import annotations

import functools
import operator
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from biotm.derived import Derived, Echo

#: Key of a member entry naming its group, and of a group record holding the shared fields.
GROUP_KEY = "group"
TEMPLATE_KEY = "finding"
#: Lists written position by position against the group's (null: the group's entry at that position).
MERGED_LISTS = frozenset({"likelihood_factors", "impact_factors"})
#: Key of a group record saying which of its places' locations a member's location is: [kind, position].
LOCATED_KEY = "located_at"
#: Key of a group record listing its members' distinct numbers, and of a member entry naming its own (schema 1.3).
VARIANTS_KEY = "variants"
VARIANT_KEY = "variant"
#: Key of a member entry whose places are a flow's source, the flow and its target, naming the flow (schema 1.3).
FLOW_KEY = "flow"
#: Fields every member entry carries itself (a place is what a member is).
OWN_FIELDS = ("id", "places")
_MARK = "\x00"


class Derivation:
    """A group's evidence and location as a member's places give them (the writer checks, the reader applies)."""

    def __init__(
        self,
        evidence: str,
        places: Sequence[str],
        zones: Mapping[str, str],
        located_at: tuple[str, int] | None,
        locations: Mapping[str, Any],
    ) -> None:
        self.zones, self.located_at, self.locations = zones, located_at, locations
        self.slots: dict[str, int] = {}
        masked = evidence
        # longest first, so a zone 'vendor1' is not found inside a place 'vendor1_logs'
        for position, token in sorted(enumerate(self._tokens(places)), key=lambda t: (-len(t[1]), t[0])):
            if token and token not in self.slots and token in masked:
                self.slots[token] = position
                masked = masked.replace(token, f"{_MARK}{position}{_MARK}")
        self.masked = masked

    def _tokens(self, places: Sequence[str]) -> list[str]:
        return [*places, *(self.zones.get(place, "") for place in places)]

    def evidence(self, places: Sequence[str]) -> str:
        tokens, text = self._tokens(places), self.masked
        for position in self.slots.values():
            text = text.replace(f"{_MARK}{position}{_MARK}", tokens[position] if position < len(tokens) else "")
        return text

    def location(self, places: Sequence[str]) -> Any:
        """The member's derived location, or None when the group has none to derive."""
        if self.located_at is None or not 0 <= self.located_at[1] < len(places):
            return None
        kind, position = self.located_at
        return self.locations.get(f"{kind}:{places[position]}")


def member_entry(
    finding: Any,
    lead: Any,
    group_id: str,
    fields: Sequence[str],
    derived_id: str,
    derivation: Derivation,
    variants: Variants | None = None,
    flow: str | None = None,
) -> dict[str, Any]:
    """`finding` as its group's member entry: the group, its id if not `derived_id`, its places (or `flow`, the
    flow they are the ends of), and each of `fields` whose value differs from `lead`'s, or from what
    `derivation` gives (the values as they are, for the caller's serializer). With `variants`, the differing
    fields other than evidence and location are written as the number of their variant instead."""
    entry: dict[str, Any] = {GROUP_KEY: group_id}
    if finding.id != derived_id:
        entry["id"] = finding.id
    if flow is None:
        entry["places"] = finding.places
    else:
        entry[FLOW_KEY] = flow
    derived = derivation.location(finding.places)
    expected = {"evidence": derivation.evidence(finding.places), "location": lead.location if derived is None
                else derived}
    # Every field of both read in one C call each: this runs once per member, 243,621 times on a national model.
    read, given = _reader(tuple(fields))
    shared_values = list(read(lead))
    for position, name in given:
        shared_values[position] = expected[name]
    differing: dict[str, Any] = {}
    for name, value, shared in zip(fields, read(finding), shared_values, strict=True):
        if value is shared or value == shared:  # the engine shares equal lists between findings: mostly `is`
            continue
        if name in MERGED_LISTS and len(value) == len(shared):
            value = [None if mine == theirs else mine for mine, theirs in zip(value, shared, strict=True)]
        differing[name] = value
    if variants is None:
        entry.update(differing)
        return entry
    own: dict[str, Any] = {name: differing.pop(name) for name in ("evidence", "location") if name in differing}
    if differing:
        entry[VARIANT_KEY] = variants.number(differing)
    entry.update(own)
    return entry


class Variants:
    """A group's distinct member differences (numbers and factors, mostly a head count apart), numbered in the
    order members are written: alike shops fall into a handful, so a member names one instead of repeating it."""

    def __init__(self, serialize: Callable[[Any], bytes]) -> None:
        self._serialize = serialize
        self._index: dict[bytes, int] = {}
        self.written: list[dict[str, Any]] = []

    def number(self, variant: dict[str, Any]) -> int:
        """The number of `variant` (differing fields and their values), given it if it is new."""
        key = self._serialize(variant)
        number = self._index.get(key)
        if number is None:
            number = self._index[key] = len(self.written)
            self.written.append(variant)
        return number


@functools.cache
def _reader(fields: tuple[str, ...]) -> tuple[Callable[[Any], tuple[Any, ...]], tuple[tuple[int, str], ...]]:
    """A getter of `fields` as one tuple, and the positions of those a member's places give (evidence, location)."""
    getter = operator.attrgetter(*fields)
    read = getter if len(fields) > 1 else lambda obj: (getter(obj),)
    return read, tuple((i, name) for i, name in enumerate(fields) if name in ("evidence", "location"))


def expand(
    data: dict[str, Any], finding_id: Callable[[str, Sequence[str]], str], echo: Echo | None = None
) -> dict[str, Any]:
    """`data` (a parsed report) with every member entry expanded to its whole finding and every group given
    its `members` back; `data` itself if it has no grouped findings (schema 1.1, or an in-memory dump)."""
    groups = data.get("groups")
    if not isinstance(groups, list) or not any(isinstance(g, dict) and TEMPLATE_KEY in g for g in groups):
        return data
    templates: dict[str, tuple[dict[str, Any], Derivation, list[Any]]] = {}
    records: list[Any] = []
    model = (echo or Echo(data.get("model"))).get()
    zones, locations = model.zones() if model is not None else {}, data.get("locations")
    for group in groups:
        if isinstance(group, dict) and TEMPLATE_KEY in group:
            group = dict(group)
            template, located = group.pop(TEMPLATE_KEY), group.pop(LOCATED_KEY, None)
            variants = group.pop(VARIANTS_KEY, [])
            if not isinstance(template, dict) or not isinstance(variants, list):
                raise ValueError(f"group {group.get('id')!r}: its 'finding' is not an object, or its 'variants' a list")
            at = (str(located[0]), int(located[1])) if isinstance(located, list) and len(located) == 2 else None
            derivation = Derivation(str(template.get("evidence", "")), _strings(template.get("places")), zones, at,
                                    locations if isinstance(locations, dict) else {})
            templates[str(group.get("id"))] = template, derivation, variants
        records.append(group)
    members: dict[str, list[Any]] = defaultdict(list)
    findings: list[Any] = []
    for entry in data.get("findings") or []:
        if not (isinstance(entry, dict) and GROUP_KEY in entry):
            findings.append(entry)
            continue
        if FLOW_KEY in entry:
            entry = _with_places(entry, model)
        group_id = str(entry[GROUP_KEY])
        if group_id not in templates:
            raise ValueError(f"a finding names group {group_id!r}, which the report does not define")
        template, derivation, variants = templates[group_id]
        if VARIANT_KEY in entry:
            entry = dict(entry)
            number = entry.pop(VARIANT_KEY)
            if not isinstance(number, int) or not 0 <= number < len(variants) or not isinstance(variants[number], dict):
                raise ValueError(f"a finding of group {group_id!r} names variant {number!r}, which it does not list")
            entry = {**variants[number], **entry}
        finding = _merged(template, entry)
        places = _strings(finding.get("places"))
        if "evidence" not in entry:
            finding["evidence"] = derivation.evidence(places)
        if "location" not in entry and derivation.location(places) is not None:
            finding["location"] = derivation.location(places)
        if "id" not in finding and isinstance(finding.get("rule"), str) and isinstance(finding.get("places"), list):
            finding["id"] = finding_id(finding["rule"], finding["places"])
        findings.append(finding)
        members[group_id].append(finding.get("id"))
    for group in records:
        if isinstance(group, dict) and str(group.get("id")) in templates:
            group.setdefault("members", members[str(group.get("id"))])
    return {**data, "findings": findings, "groups": records}


def flow_places(places: Sequence[str], model: Derived) -> str | None:
    """The flow whose source, id and target `places` are, if they are."""
    if len(places) != 3:
        return None
    flow = model.flow(places[1])
    return places[1] if flow is not None and flow[1] == places[0] and flow[2] == places[2] else None


def _with_places(entry: dict[str, Any], model: Derived | None) -> dict[str, Any]:
    flow = entry[FLOW_KEY]
    facts = model.flow(flow) if model is not None and isinstance(flow, str) else None
    if facts is None:
        raise ValueError(f"a finding names flow {flow!r}, which the report's model does not have")
    places = [facts[1], flow, facts[2]]
    return {("places" if name == FLOW_KEY else name): (places if name == FLOW_KEY else value)
            for name, value in entry.items()}


def _strings(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []


def _merged(template: dict[str, Any], entry: dict[str, Any]) -> dict[str, Any]:
    finding = dict(template)
    for name, value in entry.items():
        if name == GROUP_KEY:
            continue
        shared = template.get(name)
        if name in MERGED_LISTS and isinstance(value, list) and isinstance(shared, list) and len(value) == len(shared):
            value = [theirs if mine is None else mine for mine, theirs in zip(value, shared, strict=True)]
        finding[name] = value
    return finding
