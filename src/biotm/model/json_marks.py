"""Cheap source marks for large JSON models.

Mapping every value of a JSON file to its line and column means running the YAML parser over the
whole text and handling each of its events in Python: most of the load time of a national-scale
model, spent on marks that only error messages read. A valid model needs just one mark per item of
each top-level list (every element, flow, data item, zone, attacker). `read` parses the top level
itself and hands each value (each list item) to the json module's decoder, so it learns where every
item starts while parsing; the full map is built by the YAML pass only if something asks for a
deeper mark (an error message, an importer). The depth limit is still checked before anything is
trusted: by counting brackets in each item's text (an upper bound), or exactly by `scan`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from biotm.model.source import Mark, Path, SourceLocation, SourceMap, locations

#: A JSON string (escapes included); JSON strings never hold a raw line break.
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')
_BRACKET = re.compile(r"[\[\]{}]")
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_SPACE = re.compile(r"[ \t\n\r]*")
_SEPARATOR = re.compile(r"[ \t\n\r]*,[ \t\n\r]*")


def _nesting(text: str, start: int, end: int) -> int:
    """How deep the JSON value `text[start:end]` nests, its own brackets being the first level."""
    depth = deepest = 0
    for char in _NOT_BRACKET.sub("", _STRING.sub('""', text[start:end])):
        if char == "[" or char == "{":
            depth += 1
            if depth > deepest:
                deepest = depth
        else:
            depth -= 1
    return deepest


class _Refused(Exception):
    """The text is not the plain shape `read` handles; the caller parses it the general way."""


def read(text: str, decoder: json.JSONDecoder, max_depth: int) -> tuple[dict[str, Any], dict[Path, Mark]] | None:
    """The JSON object in `text` and the mark of each object item of its top-level lists, or None.

    None means "parse it the general way": the text is not one object, is invalid, has a duplicate
    top-level key, or might nest deeper than `max_depth` (brackets inside strings count too, so a
    value that could be too deep never passes here). Values come from `decoder`, exactly as
    `decoder.decode(text)` builds them; an exception of its object hook propagates.
    """
    if max_depth < 3:
        return None
    try:
        return _Reader(text, decoder, max_depth).document()
    except (_Refused, ValueError, RecursionError):
        return None


class _Reader:
    def __init__(self, text: str, decoder: json.JSONDecoder, max_depth: int) -> None:
        self.text = text
        self.decode = decoder.raw_decode
        self.max_depth = max_depth
        self.marks: dict[Path, Mark] = {}
        self.lines = LineIndex(text)

    def skip(self, index: int, expected: str = "") -> int:
        """Index after the whitespace at `index` (and after `expected`, which must come next)."""
        index = _SPACE.match(self.text, index).end()  # type: ignore[union-attr]  # matches the empty string
        if expected:
            if not self.text.startswith(expected, index):
                raise _Refused
            index = _SPACE.match(self.text, index + 1).end()  # type: ignore[union-attr]
        return index

    def value(self, index: int, depth: int) -> tuple[Any, int]:
        """The value at `index`, which sits at `depth`, and the index after it."""
        value, end = self.decode(self.text, index)
        # Opening brackets in the value's text bound how deep it nests (strings may hold some too).
        opens = self.text.count("[", index, end) + self.text.count("{", index, end)
        if depth - 1 + opens > self.max_depth and depth - 1 + _nesting(self.text, index, end) > self.max_depth:
            raise _Refused
        return value, end

    def document(self) -> tuple[dict[str, Any], dict[Path, Mark]]:
        text = self.text
        index = self.skip(0, "{")
        data: dict[str, Any] = {}
        while not text.startswith("}", index):
            if data:
                index = self.skip(index, ",")
            if not text.startswith('"', index):
                raise _Refused
            key, index = self.decode(text, index)
            if key in data:
                raise _Refused
            index = self.skip(index, ":")
            if text.startswith("[", index):
                data[key], index = self.section(key, index)
            else:
                data[key], index = self.value(index, 2)
            index = self.skip(index)
        if self.skip(index + 1) != len(text):
            raise _Refused
        return data, self.marks

    def section(self, key: str, index: int) -> tuple[list[Any], int]:
        """A top-level list, marking where each of its items starts when all of them are objects."""
        text, decode, count = self.text, self.decode, self.text.count
        most_opens = self.max_depth - 2  # an item sits at depth 3
        index = self.skip(index, "[")
        items: list[Any] = []
        starts: list[int] = []
        if not text.startswith("]", index):
            while True:  # one pass per item: this loop runs for every element and flow of a national model
                starts.append(index)
                item, end = decode(text, index)
                # The count of brackets bounds the depth cheaply; an element of many verifications has more
                # brackets than the depth limit, and only then is its depth worked out.
                opens = count("{", index, end) + count("[", index, end)
                if opens > most_opens and _nesting(text, index, end) > most_opens:
                    raise _Refused
                items.append(item)
                separator = _SEPARATOR.match(text, end)
                if separator is None:
                    break
                index = separator.end()
            index = self.skip(end)
            if not text.startswith("]", index):
                raise _Refused
        if all(isinstance(item, dict) for item in items):
            for position, start in enumerate(starts):
                mark = self.lines.mark(start)
                if mark is None:
                    break
                self.marks[(key, position)] = mark
        return items, index + 1


class LineIndex:
    """1-based line and column of positions in a text, asked for in increasing order."""

    def __init__(self, text: str) -> None:
        self.text = text
        # A lone CR is a line break to YAML (whose marks these must equal) but not to this count.
        self.usable = "\r" not in text or text.count("\r") == text.count("\r\n")
        self.line = 1
        self.last = 0
        self.line_start = 0

    def mark(self, index: int) -> Mark | None:
        if not self.usable or index < self.last:
            return None
        self.line += self.text.count("\n", self.last, index)
        # Only the stretch since the last mark is searched: a minified model is one line, and looking
        # back to its start for every item made loading quadratic (100k elements: minutes).
        newline = self.text.rfind("\n", self.last, index)
        if newline >= 0:
            self.line_start = newline + 1
        self.last = index
        return self.line, index - self.line_start + 1



def scan(text: str, data: dict[str, Any]) -> tuple[int, dict[Path, Mark]]:
    """Nesting depth of `text` and the mark of each object item of `data`'s top-level lists.

    Marks match the YAML parser's (1-based line and column of the item's `{`). A list whose items
    are not all objects, or whose items share a line with a string (compact JSON), gets no cheap
    marks; its marks come from the full pass, as do all marks of a file with a lone CR (a line
    break to YAML, not to this scan).
    """
    bare = _STRING.sub('""', text)  # same lines; same columns up to the first string on a line
    positions = [match.start() for match in _BRACKET.finditer(bare)]
    brackets = _NOT_BRACKET.sub("", bare)
    sections = [key for key, value in data.items() if isinstance(value, list)]
    found: list[tuple[int, int, int]] = []  # (bracket index, section, item) of each depth-2 value
    depth = deepest = item = 0
    section = -1
    second = ""
    for index, char in enumerate(brackets):  # json.loads accepted the text, so brackets balance
        if char == "[" or char == "{":
            if depth == 1 and char == "[":
                section += 1
                item = 0
            elif depth == 2 and second == "[":
                found.append((index, section, item))
                item += 1
            depth += 1
            if depth == 2:
                second = char
            if depth > deepest:
                deepest = depth
        else:
            depth -= 1
    marks: dict[Path, Mark] = {}
    if "\r" in bare and bare.count("\r") != bare.count("\r\n"):
        return deepest, marks  # a lone CR is a line break to YAML but not to this scan
    line, last = 1, 0
    for index, section_at, item_at in found:
        pos = positions[index]
        line += bare.count("\n", last, pos)
        last = pos
        start = bare.rfind("\n", 0, pos) + 1
        if brackets[index] == "{" and section_at < len(sections) and '"' not in bare[start:pos]:
            marks[(sections[section_at], item_at)] = (line, pos - start + 1)
    for name in sections:
        count = len(data[name])
        if any((name, index) not in marks for index in range(count)):
            for index in range(count):
                marks.pop((name, index), None)
    return deepest, marks


class LazySourceMap(SourceMap):
    """A source map that knows marks of paths up to two long (every list item of the top level) up front
    and builds every other mark on first use."""

    def __init__(self, file: str, items: dict[Path, Mark], full: Callable[[], SourceMap]) -> None:
        self.file = file
        self._items = items
        self._build_full = full
        self._full: SourceMap | None = None

    def _complete(self) -> SourceMap:
        if self._full is None:
            self._full = self._build_full()
        return self._full

    @property
    def marks(self) -> dict[Path, Mark]:
        return self._complete().marks

    @marks.setter
    def marks(self, value: dict[Path, Mark]) -> None:
        self._complete().marks = value

    @property
    def key_marks(self) -> dict[Path, Mark]:
        return self._complete().key_marks

    @key_marks.setter
    def key_marks(self, value: dict[Path, Mark]) -> None:
        self._complete().key_marks = value

    def location(self, loc: Path) -> SourceLocation:
        found = self._items.get(tuple(loc)) if len(loc) <= 2 else None  # asked for every item: no detour
        if found is None:
            return super().location(loc)
        return SourceLocation(file=self.file, line=found[0], column=found[1])

    def item_locations(self, section: str, count: int) -> list[SourceLocation]:
        # Every item's mark is known up front (a national model has ~3 * 10^5 items): built in one loop.
        items, marks = self._items, []
        for index in range(count):
            found = items.get((section, index))
            if found is None:  # not marked up front: every item of the section the exact way, as rare as it is
                return [self.location((section, at)) for at in range(count)]
            marks.append(found)
        return locations(self.file, marks)

    def mark(self, loc: Path, *, key: bool = False) -> Mark:
        if not key and len(loc) <= 2:
            found = self._items.get(tuple(loc))
            if found is not None:
                return found
        return self._complete().mark(loc, key=key)
