"""The bounds that keep a hostile model file from using unbounded time or memory."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_MAX_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Bounds that keep hostile input from using unbounded time or memory."""

    max_bytes: int = DEFAULT_MAX_BYTES
    max_depth: int = 64
    #: Values built per byte of input; only aliases can exceed a small multiple of the file size.
    max_nodes_per_byte: int = 4
    min_node_budget: int = 10_000
    #: Problems listed before the rest are only counted (a file of a million bad zones says so in a few lines).
    max_errors: int = 100
