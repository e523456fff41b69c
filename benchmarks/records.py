#!/usr/bin/env python3
"""What building biotm's bulk records costs, by pydantic API: CPU and memory per record. Not a test.

    .venv/bin/python benchmarks/records.py /tmp/big10k.json     # biotm generate --elements 10000 --seed 1

Audits the model once, then rebuilds its findings, source marks and crossings from their field values in
several ways (validating one by one, validating the whole list once through a TypeAdapter, model_construct
with one shared fields set, model_copy of a blank record) and prints the CPU microseconds (best of 5) and
the bytes per record each way holds.
"""

from __future__ import annotations

import gc
import sys
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, TypeAdapter

from biotm.graph.system import build_graph
from biotm.model.limits import Limits
from biotm.model.loader import load_model
from biotm.model.source import SourceLocation
from biotm.pipeline import audit
from biotm.result import Crossing, Finding


def ways(cls: type[BaseModel], rows: list[dict[str, Any]]) -> dict[str, Callable[[], list[Any]]]:
    shared = set(cls.model_fields)
    whole_list = TypeAdapter(list[cls])  # type: ignore[valid-type]
    blank = cls.model_construct(**dict.fromkeys(cls.model_fields))
    return {
        "model_validate each": lambda: [cls.model_validate(r) for r in rows],
        "model_validate strict each": lambda: [cls.model_validate(r, strict=True) for r in rows],
        "TypeAdapter(list) once": lambda: whole_list.validate_python(rows),
        "model_construct, shared fields set": lambda: [cls.model_construct(shared, **r) for r in rows],
        "model_copy(update) of a blank": lambda: [blank.model_copy(update=r) for r in rows],
    }


def measure(name: str, cls: type[BaseModel], rows: list[dict[str, Any]]) -> None:
    for way, build in ways(cls, rows).items():
        best = float("inf")
        for _ in range(5):
            gc.collect()
            gc.disable()
            start = time.process_time()
            build()
            best = min(best, time.process_time() - start)
            gc.enable()
        gc.collect()
        tracemalloc.start()
        kept = build()
        held = tracemalloc.get_traced_memory()[0]
        tracemalloc.stop()
        assert kept[:100] == [cls.model_validate(r) for r in rows[:100]]
        print(f"{name:15} {way:36} {best / len(rows) * 1e6:6.2f} us {held / len(rows):6.0f} B  ({len(rows)})")


def main() -> None:
    loaded = load_model(sys.argv[1], Limits(max_bytes=4 * 2**30, max_elements=10**7))
    result = audit(loaded)
    measure("Finding", Finding, [dict(f.__dict__) for f in result.findings])
    measure("Crossing", Crossing, [dict(c.__dict__) for c in build_graph(loaded).crossings()])
    measure("SourceLocation", SourceLocation, [dict(loc.__dict__) for loc in result.locations.values()])


if __name__ == "__main__":
    main()
