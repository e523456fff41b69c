"""Head counts in short form, as findings' evidence and every report write them: 1400000000 -> '1.4bn'."""

from __future__ import annotations


def people(count: int) -> str:
    """A head count in short form, three significant digits: 300000000 -> '300M', 1400000000 -> '1.4bn'."""
    for limit, suffix in ((1_000_000_000, "bn"), (1_000_000, "M"), (1_000, "k")):
        if count >= limit:
            return f"{count / limit:.3g}{suffix}"
    return str(count)


__all__ = ["people"]
