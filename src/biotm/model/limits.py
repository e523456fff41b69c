"""The bounds that keep a hostile model file from using unbounded time or memory."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

_MEBIBYTE = 1024 * 1024
DEFAULT_MAX_BYTES = 20 * _MEBIBYTE
#: JSON is read by the json module's C parser, several times faster per value than YAML's event loop,
#: so a JSON file may be larger: the 100,000-element model `biotm generate` writes as JSON fits.
DEFAULT_MAX_JSON_BYTES = 64 * _MEBIBYTE
#: Values (scalars, keys, mappings and lists; an alias counts what it repeats) read before a file is refused.
#: YAML costs about 2.5 µs of CPU per value, so 2.5 million bound a file of tiny values (`[0,0,0,...]`) to
#: seconds where 20 MB of them took a minute; a realistic model holds one value per 11 bytes or so, so any
#: 20 MB YAML model fits.
DEFAULT_MAX_VALUES = 2_500_000
#: JSON values cost 0.1 to 2 µs each; 6 million fit the 100,000-element generated model (4.8 million).
DEFAULT_MAX_JSON_VALUES = 6_000_000


@dataclass(frozen=True)
class Limits:
    """Bounds that keep hostile input from using unbounded time or memory.

    `max_bytes` and `max_values` hold for YAML (and every file not named .json); a JSON file is read
    under `for_json()`, which puts the JSON bounds in their place.
    """

    max_bytes: int = DEFAULT_MAX_BYTES
    max_depth: int = 64
    #: Values built per byte of input; only aliases can exceed a small multiple of the file size.
    max_nodes_per_byte: int = 4
    min_node_budget: int = 10_000
    #: Problems listed before the rest are only counted (a file of a million bad zones says so in a few lines).
    max_errors: int = 100
    max_values: int = DEFAULT_MAX_VALUES
    max_json_bytes: int = DEFAULT_MAX_JSON_BYTES
    max_json_values: int = DEFAULT_MAX_JSON_VALUES

    @classmethod
    def chosen(cls, max_bytes: int | None = None, max_values: int | None = None) -> Limits:
        """Limits with a size and a value count the user chose (None: the defaults), the same for both formats."""
        limits = cls()
        if max_bytes is not None:
            limits = dataclasses.replace(limits, max_bytes=max_bytes, max_json_bytes=max_bytes)
        if max_values is not None:
            limits = dataclasses.replace(limits, max_values=max_values, max_json_values=max_values)
        return limits

    def for_json(self) -> Limits:
        """These limits as they hold for a JSON file (the same object when they are equal already)."""
        if self.max_bytes == self.max_json_bytes and self.max_values == self.max_json_values:
            return self
        return dataclasses.replace(self, max_bytes=self.max_json_bytes, max_values=self.max_json_values)

    def for_file(self, name: str) -> Limits:
        """The limits that hold for the file `name`: JSON's for a .json file, else these."""
        return self.for_json() if name.lower().endswith(".json") else self


def count_values(data: Any) -> int:
    """Values of parsed data as the loaders count them against max_values: scalars, keys, mappings and lists.

    The one definition `biotm generate` uses to predict whether analyze will accept what it writes.
    """
    count = 0
    pending = [data]
    while pending:
        value = pending.pop()
        count += 1
        if isinstance(value, dict):
            count += len(value)
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
    return count
