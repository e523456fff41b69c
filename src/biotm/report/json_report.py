"""JSON report: the AuditResult serialised with keys as declared and a final newline, its findings grouped
(schema 1.2, biotm/compact.py) and the lists its model gives back left out (1.3, biotm/derived.py), loading
back to the equal result (`AuditResult.model_validate_json`).

Layout: objects indented by 2, and every item of a list or mapping on a line of its own in compact JSON
(one finding, element, flow or location a line), which greps and diffs well and is a third smaller. A
group is written once with what its members share, and each member entry only with what differs: a
national model's 269k findings repeated the same rule, cause and numbers per place, most of 768 MB. The
audited model leaves out its fields at their defaults (pydantic's exclude_defaults; validating gives them
back). Every value is serialised by pydantic, as `model_dump_json` would.

`chunks` yields the report in pieces, CHUNK_ITEMS lines at a time: serialising it whole held the string,
pydantic's bytes and the encoded copy at once.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from typing import Any, get_args, get_origin

import pydantic_core
from pydantic import BaseModel, TypeAdapter

from biotm.compact import (
    LOCATED_KEY,
    OWN_FIELDS,
    TEMPLATE_KEY,
    VARIANTS_KEY,
    Derivation,
    Variants,
    flow_places,
    member_entry,
)
from biotm.derived import LOCATED_KINDS, Derived, lean, tabled_kinds
from biotm.model.source import SourceLocation
from biotm.result import AuditResult, Crossing, Finding, finding_id

#: Lines joined per piece: big enough that a write is not per line, small enough to bound memory.
CHUNK_ITEMS = 2000

#: Fields whose value is a model worth opening up rather than serialising whole (the audited model, written
#: without its fields at their defaults: a third of a national report was nulls and empty lists).
_OPENED = frozenset({"model"})

#: Writes one field's value itself, given the indent of its key and the lines per piece.
Writer = Callable[[int, int], Iterator[bytes]]


def render(result: AuditResult) -> str:
    return b"".join(chunks(result)).decode("utf-8")


def chunks(result: AuditResult, chunk_items: int = CHUNK_ITEMS) -> Iterator[bytes]:
    """The JSON report of `result` in pieces (UTF-8), ending with a newline."""
    given = _Given(result)
    grouped = _Grouped(result, given.derived)
    writers: dict[str, Writer] = {
        "findings": grouped.findings,
        "groups": grouped.groups,
        "locations": given.locations,
        "zones": given.zones,
        "lineage": given.lineage,
        "crossings": given.crossings,
    }
    yield from _model(result, 0, chunk_items, writers)
    yield b"\n"


class _Given:
    """The result's locations, zones, lineage and crossings without what the audited model gives back (schema
    1.3, biotm/derived.py): a location in the model's file as [line, column], and each field `Derived` gives."""

    def __init__(self, result: AuditResult) -> None:
        self.result = result
        self.derived = Derived.of_model(result.model)

    def locations(self, indent: int, chunk_items: int) -> Iterator[bytes]:
        file, locations, model = self.result.summary.file, self.result.locations, self.result.model
        sections = {kind: [part.id for part in getattr(model, section)] for kind, section in LOCATED_KINDS.items()}
        in_file: dict[str, bool] = defaultdict(lambda: True)
        for key, at in locations.items():
            if at.file != file:
                in_file[key.partition(":")[0]] = False
        tabled = tabled_kinds(list(locations), sections, in_file.__getitem__)

        def position(at: SourceLocation) -> bytes:
            return b"[%d,%d]" % (at.line, at.column) if at.file == file else _adapter(SourceLocation).dump_json(at)

        def records() -> Iterator[bytes]:
            for key, at in locations.items():
                if key.partition(":")[0] not in tabled:
                    yield _key(key) + position(at)
            pad = b"\n" + b" " * (indent + 4)
            for kind in sorted(tabled):  # _TABLE_ROW positions a line: a table of 10^5 stays readable
                row = [position(locations[f"{kind}:{part}"]) for part in sections[kind]]
                rows = (b",".join(row[i : i + _TABLE_ROW]) for i in range(0, len(row), _TABLE_ROW))
                yield _key(kind) + b"[" + pad + (b"," + pad).join(rows) + b"\n" + b" " * (indent + 2) + b"]"

        yield from _lines(records(), indent, chunk_items, (b"{", b"}"))

    def zones(self, indent: int, chunk_items: int) -> Iterator[bytes]:
        derived = self.derived
        records = (
            pydantic_core.to_json(lean(zone.model_dump(), {"elements": derived.members(zone.id)}))
            for zone in self.result.zones
        )
        yield from _lines(records, indent, chunk_items)

    def lineage(self, indent: int, chunk_items: int) -> Iterator[bytes]:
        derived = self.derived
        records = (pydantic_core.to_json(lean(entry.model_dump(), derived.lineage_sets(entry.data)))
                   for entry in self.result.lineage)
        yield from _lines(records, indent, chunk_items)

    def crossings(self, indent: int, chunk_items: int) -> Iterator[bytes]:
        derived = self.derived
        records = (
            pydantic_core.to_json(lean({name: getattr(c, name) for name in _CROSSING_ORDER},
                                       derived.flow_fields(c.flow)))
            for c in self.result.crossings
        )
        yield from _lines(records, indent, chunk_items)


_CROSSING_ORDER = tuple(Crossing.model_fields)
#: Positions written on one line of a location table.
_TABLE_ROW = 20


#: The Finding fields a member entry may differ in (its id and places are its own).
_SHARED_FIELDS = tuple(name for name in Finding.model_fields if name not in OWN_FIELDS)


class _Grouped:
    """The result's findings and groups in the report's grouped form."""

    def __init__(self, result: AuditResult, model: Derived) -> None:
        self.result = result
        self.model = model
        self.owner = {member: group.id for group in result.groups for member in group.members}
        by_id = {finding.id: finding for finding in result.findings} if self.owner else {}
        self.lead = {g.id: by_id[g.members[0]] for g in result.groups if g.members and g.members[0] in by_id}
        zones = model.zones() if self.lead else {}
        self.located = {group: _located_at(result, lead) for group, lead in self.lead.items()}
        self.derivation = {
            group: Derivation(lead.evidence, lead.places, zones, self.located[group], result.locations)
            for group, lead in self.lead.items()
        }
        self.variants = {group: Variants(pydantic_core.to_json) for group in self.lead}
        self._written = False

    def findings(self, indent: int, chunk_items: int) -> Iterator[bytes]:
        yield from _lines((self._finding(f) for f in self.result.findings), indent, chunk_items)
        self._written = True

    def _finding(self, finding: Finding) -> bytes:
        group = self.owner.get(finding.id)
        lead = self.lead.get(group) if group is not None else None
        if group is None or lead is None:
            return _adapter(Finding).dump_json(finding)
        derived_id = finding_id(finding.rule, finding.places)
        # an interaction's places are its flow's ends, so the flow says them (schema 1.3)
        flow = flow_places(finding.places, self.model)
        entry = member_entry(finding, lead, group, _SHARED_FIELDS, derived_id, self.derivation[group],
                             self.variants[group], flow)
        return pydantic_core.to_json(entry)

    def groups(self, indent: int, chunk_items: int) -> Iterator[bytes]:
        if not self._written:  # the variants are numbered as the member entries are written
            for _entry in self.findings(indent, chunk_items):
                pass
        in_order: dict[str, list[str]] = {g: [] for g in self.lead}
        for finding in self.result.findings:
            owner = self.owner.get(finding.id)
            if owner in in_order:
                in_order[owner].append(finding.id)
        records = []
        for group in self.result.groups:
            record = group.model_dump(mode="json")
            lead = self.lead.get(group.id)
            if lead is not None:
                if in_order[group.id] == group.members:  # what the reader rebuilds from the member entries
                    del record["members"]
                if self.located[group.id] is not None:
                    record[LOCATED_KEY] = list(self.located[group.id] or ())
                record[TEMPLATE_KEY] = lead.model_dump(mode="json", exclude={"id"})
                if self.variants[group.id].written:
                    record[VARIANTS_KEY] = self.variants[group.id].written
            records.append(pydantic_core.to_json(record))
        yield from _lines(records, indent, chunk_items)


def _located_at(result: AuditResult, lead: Finding) -> tuple[str, int] | None:
    """Which of the lead's places it is located at, as [kind, position], so members' locations need not be
    written: the first place, then element before flow, whose written location is the lead's."""
    if lead.location is None:
        return None
    for position, place in enumerate(lead.places):
        for kind in ("element", "flow", "zone", "data"):
            if result.locations.get(f"{kind}:{place}") == lead.location:
                return kind, position
    return None


def _lines(
    records: Iterable[bytes], indent: int, chunk_items: int, brackets: tuple[bytes, bytes] = (b"[", b"]")
) -> Iterator[bytes]:
    """A JSON list (or mapping) of one compact record a line, indented to sit `indent` deep."""
    opening, closing = brackets
    separator = b",\n" + b" " * (indent + 2)
    batch: list[bytes] = []
    started = False
    for record in records:
        batch.append(record)
        if len(batch) >= chunk_items:
            yield (separator if started else opening + separator[1:]) + separator.join(batch)
            started, batch = True, []
    if batch:
        yield (separator if started else opening + separator[1:]) + separator.join(batch)
        started = True
    yield b"\n" + b" " * indent + closing if started else opening + closing


@functools.cache
def _adapter(annotation: Any, depth: int = 0) -> TypeAdapter[Any]:
    """A serializer of `annotation` wrapped in `depth` single-key mappings (see `_dump`)."""
    for _level in range(depth):
        annotation = dict[str, annotation]
    return TypeAdapter(annotation)


@functools.cache
def _wrapping(depth: int) -> tuple[int, int]:
    """Lengths of what `depth` single-key mappings with the key '' put before and after their value."""
    before = sum(len(b"{\n") + 2 * level + len(b'"": ') for level in range(1, depth + 1))
    after = sum(len(b"\n") + 2 * level + len(b"}") for level in range(depth))
    return before, after


def _dump(annotation: Any, value: Any, indent: int, bare: bool = False) -> bytes:
    """`value` serialised as a field of this annotation, its lines indented to sit `indent` deep.

    The value is serialised inside `indent / 2` single-key mappings, so pydantic itself indents it
    to its place, and the wrapping is cut off.
    """
    depth = indent // 2
    for _level in range(depth):
        value = {"": value}
    text = _adapter(annotation, depth).dump_json(value, indent=2, exclude_defaults=bare)
    before, after = _wrapping(depth)
    return text[before : len(text) - after]


def _model(
    obj: BaseModel, indent: int, chunk_items: int, writers: dict[str, Writer] | None = None, bare: bool = False
) -> Iterator[bytes]:
    """`obj` field by field; `bare` leaves out every field at its default, at any depth (as pydantic's
    exclude_defaults), which the audited model, validated again on loading, gets back."""
    cls = type(obj)
    writers = writers or {}
    if obj.__pydantic_extra__ or cls.model_computed_fields or any(f.exclude for f in cls.model_fields.values()):
        # Not a shape the piecewise writer reproduces: serialise it whole.
        yield _dump(cls, obj, indent, bare)
        return
    pad = b" " * (indent + 2)
    written = 0
    for name, field in cls.model_fields.items():
        value = getattr(obj, name)
        if bare and not field.is_required() and value == field.get_default(call_default_factory=True):
            continue
        yield (b",\n" if written else b"{\n") + pad + _key(name)
        written += 1
        if name in writers:
            yield from writers[name](indent + 2, chunk_items)
        elif name in _OPENED and isinstance(value, BaseModel):
            yield from _model(value, indent + 2, chunk_items, bare=True)
        elif value and get_origin(field.annotation) in (list, dict):
            yield from _collection(field.annotation, value, indent + 2, chunk_items, bare)
        else:
            yield _dump(field.annotation, value, indent + 2, bare)
    yield (b"\n" + b" " * indent + b"}") if written else b"{}"


def _key(name: str) -> bytes:
    return _adapter(str).dump_json(name) + b": "


def _collection(
    annotation: Any, value: list[Any] | dict[str, Any], indent: int, chunk_items: int, bare: bool
) -> Iterator[bytes]:
    """A list or mapping, one compact item a line."""
    item = _adapter(get_args(annotation)[-1])
    if isinstance(value, dict):
        records: Iterable[bytes] = (_key(k) + item.dump_json(v, exclude_defaults=bare) for k, v in value.items())
        yield from _lines(records, indent, chunk_items, (b"{", b"}"))
    else:
        yield from _lines((item.dump_json(v, exclude_defaults=bare) for v in value), indent, chunk_items)
