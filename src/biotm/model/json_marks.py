"""Cheap source marks for large JSON models.

Mapping every value of a JSON file to its line and column means running the YAML parser over the
whole text and handling each of its events in Python: most of the load time of a national-scale
model, spent on marks that only error messages read. A valid model needs just one mark per item of
each top-level list (every element, flow, data item, zone, attacker): those are found here with one
regular-expression pass, and the full map is built by the YAML pass only if something asks for a
deeper mark (an error message, an importer). `nesting_depth` comes out of the same pass, so the
depth limit is still checked before anything is trusted.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from biotm.model.source import Mark, Path, SourceMap

#: A JSON string (escapes included); JSON strings never hold a raw line break.
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')
_BRACKET = re.compile(r"[\[\]{}]")
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")


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
    """A source map that knows item marks up front and builds every other mark on first use."""

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

    def mark(self, loc: Path, *, key: bool = False) -> Mark:
        if not key and len(loc) == 2:
            found = self._items.get(tuple(loc))
            if found is not None:
                return found
        return self._complete().mark(loc, key=key)
