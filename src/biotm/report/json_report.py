"""JSON report: exactly the AuditResult, serialised with keys as declared, indent 2 and a final newline.

`chunks` yields the report in pieces whose concatenation is byte for byte `model_dump_json(indent=2)`
plus the newline: a national-scale report is ~800 MB, and serialising it whole held the string,
pydantic's bytes and the encoded copy at once. Long lists and mappings are serialised a slice at a
time with the same pydantic serializer and indented to their place; everything else in one piece.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel, TypeAdapter

from biotm.result import AuditResult

#: Items serialised per piece: big enough that pydantic does the work, small enough to bound memory.
CHUNK_ITEMS = 2000

#: Fields whose value is a model worth opening up rather than serialising whole (the audited model).
_OPENED = frozenset({"model"})


def render(result: AuditResult) -> str:
    return b"".join(chunks(result)).decode("utf-8")


def chunks(result: AuditResult, chunk_items: int = CHUNK_ITEMS) -> Iterator[bytes | memoryview]:
    """The JSON report of `result` in pieces (UTF-8), ending with a newline."""
    yield from _model(result, 0, chunk_items)
    yield b"\n"


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


def _dump(annotation: Any, value: Any, indent: int) -> memoryview:
    """`value` serialised as a field of this annotation, its lines indented to sit `indent` deep.

    The value is serialised inside `indent / 2` single-key mappings, so pydantic itself indents it
    to its place, and the wrapping is cut off without copying.
    """
    depth = indent // 2
    for _level in range(depth):
        value = {"": value}
    text = _adapter(annotation, depth).dump_json(value, indent=2)
    before, after = _wrapping(depth)
    return memoryview(text)[before : len(text) - after]


def _model(obj: BaseModel, indent: int, chunk_items: int) -> Iterator[bytes | memoryview]:
    cls = type(obj)
    if obj.__pydantic_extra__ or cls.model_computed_fields or any(f.exclude for f in cls.model_fields.values()):
        # Not a shape the piecewise writer reproduces: serialise it whole.
        yield _dump(cls, obj, indent)
        return
    pad = b" " * (indent + 2)
    yield b"{"
    for position, (name, field) in enumerate(cls.model_fields.items()):
        value = getattr(obj, name)
        yield (b",\n" if position else b"\n") + pad + _key(name)
        if name in _OPENED and isinstance(value, BaseModel):
            yield from _model(value, indent + 2, chunk_items)
        elif isinstance(value, list | dict) and len(value) > chunk_items:
            yield from _collection(field.annotation, value, indent + 2, chunk_items)
        else:
            yield _dump(field.annotation, value, indent + 2)
    yield b"\n" + b" " * indent + b"}"


def _key(name: str) -> bytes:
    return _adapter(str).dump_json(name) + b": "


def _collection(
    annotation: Any, value: list[Any] | dict[str, Any], indent: int, chunk_items: int
) -> Iterator[bytes | memoryview]:
    """A long list or mapping, a slice at a time, each slice without its brackets."""
    opening, closing = (b"[", b"]") if isinstance(value, list) else (b"{", b"}")
    yield opening
    items = list(value.items()) if isinstance(value, dict) else value
    for start in range(0, len(items), chunk_items):
        part = items[start : start + chunk_items]
        piece = _dump(annotation, part if isinstance(value, list) else dict(part), indent)
        # piece is "[\n" + items + "\n" + indent + "]", its items already indented to their place
        yield b",\n" if start else b"\n"
        yield piece[2 : -(len(closing) + indent + 1)]
    yield b"\n" + b" " * indent + closing
