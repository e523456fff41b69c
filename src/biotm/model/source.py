"""Where each part of a model stands in its file."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from biotm.model.trusted import trusted

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

    @classmethod
    def trusted(cls, file: str, line: int, column: int) -> SourceLocation:
        """`SourceLocation(file=..., line=..., column=...)` without validation, for marks the parser made:
        a national model has ~10^5 of them and validating each was most of their cost."""
        return trusted(cls, {"file": file, "line": line, "column": column}, _LOCATION_FIELDS)


#: Every SourceLocation field, shared by the trusted ones (a set each was 60 MB at national scale).
_LOCATION_FIELDS = set(SourceLocation.model_fields)


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
