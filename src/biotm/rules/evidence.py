"""Evidence text of bounded length: a national model's obligation spans thousands of places."""

from __future__ import annotations

#: Places an evidence text lists before "and N more"; every place stays in the finding's `places`.
EVIDENCE_PLACES = 10


def listed(parts: list[str], limit: int = EVIDENCE_PLACES) -> str:
    """`a; b; c` for evidence text: the first `limit` parts, then `and 1,234 more`."""
    if len(parts) <= limit:
        return "; ".join(parts)
    return "; ".join(parts[:limit]) + f"; and {len(parts) - limit:,} more"
