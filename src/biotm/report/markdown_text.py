"""Markdown's sinks for model text: every name in a model is untrusted, so `text()` escapes Markdown and HTML
(a name can neither break a table nor inject markup) and ids go in code spans only when they are plain ids."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from biotm import escaping

__all__ = ["code", "codes", "table", "text"]

_PLAIN_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:+\-]*$")


def text(value: object) -> str:
    """Untrusted text made inert for a Markdown paragraph or table cell (one line): the one Markdown sink."""
    return escaping.markdown(str(value))


def code(value: str) -> str:
    """An id in a code span, or escaped text when it is not a plain id."""
    return f"`{value}`" if _PLAIN_ID.match(value) else text(value)


def codes(values: Iterable[str]) -> str:
    return ", ".join(code(v) for v in values)


def table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    """A GitHub table; cells must already be escaped."""
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines.extend("| " + " | ".join(cell or " " for cell in row) + " |" for row in rows)
    return [*lines, ""]


#: Ids listed in a Markdown cell of a large model before "and N more".
FEW = 12


def few(ids: list[str], large: bool) -> str:
    """Ids as code spans; on a large model the first FEW and a count (the JSON report lists every one)."""
    if not large or len(ids) <= FEW:
        return codes(ids)
    return f"{codes(ids[:FEW])} and {len(ids) - FEW:,} more"
