"""JSON report: the AuditResult serialised with keys as declared, indent 2 and a final newline, its findings
grouped (schema 1.2, biotm/compact.py) and loading back to the equal result (`AuditResult.model_validate_json`).

Everything but `findings` and `groups` is byte for byte pydantic's `model_dump_json(indent=2)`. A group
is written once with what its members share, and each finding, or member entry with only what differs
from its group, takes one line: a national model's 269k findings repeated the same rule, cause and
numbers per place, most of the report's 768 MB.

`chunks` yields the report in pieces: serialising it whole held the string, pydantic's bytes and the
encoded copy at once. Long lists and mappings are serialised a slice at a time with the same pydantic
serializer and indented to their place; everything else in one piece.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from typing import Any

import pydantic_core
from pydantic import BaseModel, TypeAdapter

from biotm.compact import OWN_FIELDS, TEMPLATE_KEY, member_entry
from biotm.result import AuditResult, Finding, finding_id

#: Items serialised per piece: big enough that pydantic does the work, small enough to bound memory.
CHUNK_ITEMS = 2000

#: Fields whose value is a model worth opening up rather than serialising whole (the audited model, written
#: without its fields at their defaults: a third of a national report was nulls and empty lists).
_OPENED = frozenset({"model"})


def render(result: AuditResult) -> str:
    return b"".join(chunks(result)).decode("utf-8")


def chunks(result: AuditResult, chunk_items: int = CHUNK_ITEMS) -> Iterator[bytes | memoryview]:
    """The JSON report of `result` in pieces (UTF-8), ending with a newline."""
    grouped = _Grouped(result)
    yield from _model(result, 0, chunk_items, {"findings": grouped.findings, "groups": grouped.groups})
    yield b"\n"


#: The Finding fields a member entry may differ in (its id and places are its own).
_SHARED_FIELDS = tuple(name for name in Finding.model_fields if name not in OWN_FIELDS)


class _Grouped:
    """The result's findings and groups in the report's grouped form, one JSON record a line."""

    def __init__(self, result: AuditResult) -> None:
        self.result = result
        self.owner = {member: group.id for group in result.groups for member in group.members}
        by_id = {finding.id: finding for finding in result.findings} if self.owner else {}
        self.lead = {g.id: by_id[g.members[0]] for g in result.groups if g.members and g.members[0] in by_id}

    def findings(self, indent: int) -> Iterator[bytes]:
        yield from _lines(indent, (self._finding(f) for f in self.result.findings))

    def _finding(self, finding: Finding) -> bytes:
        group = self.owner.get(finding.id)
        lead = self.lead.get(group) if group is not None else None
        if group is None or lead is None:
            return _compact(Finding, finding)
        entry = member_entry(finding, lead, group, _SHARED_FIELDS, finding_id(finding.rule, finding.places))
        return pydantic_core.to_json(entry)

    def groups(self, indent: int) -> Iterator[bytes]:
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
                record[TEMPLATE_KEY] = lead.model_dump(mode="json", exclude=set(OWN_FIELDS))
            records.append(pydantic_core.to_json(record))
        yield from _lines(indent, records)


def _compact(annotation: Any, value: Any) -> bytes:
    return _adapter(annotation).dump_json(value)


def _lines(indent: int, records: Iterator[bytes] | list[bytes]) -> Iterator[bytes]:
    """A JSON list of one compact record a line, indented to sit `indent` deep."""
    pad = b"\n" + b" " * (indent + 2)
    first = True
    for record in records:
        yield (b"[" + pad if first else b"," + pad) + record
        first = False
    yield b"[]" if first else b"\n" + b" " * indent + b"]"


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


def _dump(annotation: Any, value: Any, indent: int, bare: bool = False) -> memoryview:
    """`value` serialised as a field of this annotation, its lines indented to sit `indent` deep.

    The value is serialised inside `indent / 2` single-key mappings, so pydantic itself indents it
    to its place, and the wrapping is cut off without copying.
    """
    depth = indent // 2
    for _level in range(depth):
        value = {"": value}
    text = _adapter(annotation, depth).dump_json(value, indent=2, exclude_defaults=bare)
    before, after = _wrapping(depth)
    return memoryview(text)[before : len(text) - after]


#: Writes one field's value itself, given the indent of its key.
Writer = Callable[[int], Iterator[bytes]]


def _model(
    obj: BaseModel, indent: int, chunk_items: int, writers: dict[str, Writer] | None = None, bare: bool = False
) -> Iterator[bytes | memoryview]:
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
            yield from writers[name](indent + 2)
        elif name in _OPENED and isinstance(value, BaseModel):
            yield from _model(value, indent + 2, chunk_items, bare=True)
        elif isinstance(value, list | dict) and len(value) > chunk_items:
            yield from _collection(field.annotation, value, indent + 2, chunk_items, bare)
        else:
            yield _dump(field.annotation, value, indent + 2, bare)
    yield (b"\n" + b" " * indent + b"}") if written else b"{}"


def _key(name: str) -> bytes:
    return _adapter(str).dump_json(name) + b": "


def _collection(
    annotation: Any, value: list[Any] | dict[str, Any], indent: int, chunk_items: int, bare: bool
) -> Iterator[bytes | memoryview]:
    """A long list or mapping, a slice at a time, each slice without its brackets."""
    opening, closing = (b"[", b"]") if isinstance(value, list) else (b"{", b"}")
    yield opening
    items = list(value.items()) if isinstance(value, dict) else value
    for start in range(0, len(items), chunk_items):
        part = items[start : start + chunk_items]
        piece = _dump(annotation, part if isinstance(value, list) else dict(part), indent, bare)
        # piece is "[\n" + items + "\n" + indent + "]", its items already indented to their place
        yield b",\n" if start else b"\n"
        yield piece[2 : -(len(closing) + indent + 1)]
    yield b"\n" + b" " * indent + closing
