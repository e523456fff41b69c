"""Evidence text of bounded length: a national model's obligation spans thousands of places."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from biotm.counting import people as people  # re-exported: evidence texts' head counts
from biotm.model.schema import DataItem

#: Places an evidence text lists before "and N more"; every place stays in the finding's `places`.
EVIDENCE_PLACES = 10


def names(ids: Iterable[str], limit: int = 6) -> str:
    """`'a', 'b' and 'c'` for evidence text; long lists end with 'and N more'."""
    quoted = [f"'{i}'" for i in ids]
    if len(quoted) > limit:
        return ", ".join(quoted[: limit - 1]) + f" and {len(quoted) - limit + 1} more"
    if len(quoted) <= 1:
        return "".join(quoted)
    return ", ".join(quoted[:-1]) + " and " + quoted[-1]


def listed(parts: list[str], limit: int = EVIDENCE_PLACES) -> str:
    """`a; b; c` for evidence text: the first `limit` parts, then `and 1,234 more`."""
    if len(parts) <= limit:
        return "; ".join(parts)
    return "; ".join(parts[:limit]) + f"; and {len(parts) - limit:,} more"


def records_of(items: Sequence[DataItem]) -> str:
    """`950M people ('id_number' and 'phone_number'; 'face_image' of 300M)` for evidence text: the finding's
    count is the first (the largest: `max_subjects`, as its impact counts), and items of fewer people say
    their own, so a national item's count is not read as every item's at the place."""
    by_count: dict[int, list[str]] = {}
    for item in sorted(items, key=lambda d: (-d.subjects, d.id)):
        by_count.setdefault(item.subjects, []).append(item.id)
    if not by_count:
        return "no one"
    (count, ids), *fewer = by_count.items()
    rest = "".join(f"; {names(i)} of {people(c)}" for c, i in fewer)
    return f"{people(count)} people ({names(ids)}{rest})"
