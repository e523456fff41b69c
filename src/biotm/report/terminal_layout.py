"""Terminal tables that fall back to trees: ids never split, prose wraps between words."""

from __future__ import annotations

from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.measure import Measurement
from rich.table import Table

__all__ = ["TableOrTree", "prose_column", "whole_column"]


class TableOrTree:
    """A table where its narrowest whole-word layout fits, else the same rows as a tree.

    Ids and control names are never split: their columns do not wrap, and the prose column wraps
    between words. Below the table's minimum width (an 80-column terminal, for the plan) the tree
    takes over, whose lines wrap between tokens too.
    """

    def __init__(self, table: Table, tree: RenderableType) -> None:
        self.table = table
        self.tree = tree

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        # Measurement.get clamps to the width offered: measure with room to spare to see the real minimum
        unbounded = options.update(width=max(options.max_width, 10_000))
        fits = Measurement.get(console, unbounded, self.table).minimum <= options.max_width
        yield self.table if fits else self.tree


def whole_column(table: Table, header: str, values: list[str]) -> None:
    """A column whose cells (ids, numbers) stay on one line; the header may wrap between its words."""
    longest = max((len(line) for v in values for line in v.split("\n")), default=0)  # a cell may hold lines
    table.add_column(header, no_wrap=False, min_width=max(longest, *(len(w) for w in header.split())))


def prose_column(table: Table, header: str) -> None:
    """The column that absorbs the width: wraps between words, folds only a word longer than itself."""
    table.add_column(header, ratio=1, overflow="fold")
