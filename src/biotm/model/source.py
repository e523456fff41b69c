"""Where each part of a model stands in its file."""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict, TypeAdapter

Path = tuple[str | int, ...]
Mark = tuple[int, int]


def dotted(path: Path) -> str:
    """A path from the document root as the model author reads it: `flows[1].target`."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "model"


class SourceLocation(BaseModel):
    """A 1-based line and column in a model file."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    file: str
    line: int
    column: int


#: Validates a whole list in one call into pydantic-core: per mark it costs what the unvalidated build did
#: (1.0 against 0.97 us, benchmarks/README.md), where one `SourceLocation(...)` call each costs 1.3 to 1.8 us.
_LOCATIONS = TypeAdapter(list[SourceLocation])


def locations(file: str, marks: Iterable[Mark]) -> list[SourceLocation]:
    """One validated SourceLocation per `(line, column)` mark in `file`, in order."""
    return _LOCATIONS.validate_python([{"file": file, "line": line, "column": column} for line, column in marks])


class SourceMap:
    """Marks of the nodes of one parsed file, keyed by their path from the document root.

    `marks[path]` is where the value at `path` starts; `key_marks[path]` is where its mapping key
    starts (used to point at a misspelt key rather than at its value).
    """

    def __init__(self, file: str) -> None:
        self.file = file
        self.marks: dict[Path, Mark] = {}
        self.key_marks: dict[Path, Mark] = {}

    def resolve(self, loc: Path) -> Path:
        """The longest known path matching `loc`, skipping parts the data does not have.

        Pydantic error locations contain union branch names ('str', 'Requirement') that are not
        in the data; those parts are skipped rather than ending the walk.
        """
        known: Path = ()
        for part in loc:
            candidate = (*known, part)
            if candidate in self.marks:
                known = candidate
        return known

    def mark(self, loc: Path, *, key: bool = False) -> Mark:
        path = self.resolve(loc)
        if key and path in self.key_marks and path == tuple(loc):
            return self.key_marks[path]
        return self.marks.get(path, (1, 1))

    def location(self, loc: Path) -> SourceLocation:
        line, column = self.mark(loc)
        return SourceLocation(file=self.file, line=line, column=column)

    def item_locations(self, section: str, count: int) -> list[SourceLocation]:
        """`location((section, index))` for each index below `count`: where each item of a top-level list stands."""
        return [self.location((section, index)) for index in range(count)]
