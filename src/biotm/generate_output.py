"""Writing a generated model: block-style YAML or compact JSON text, and whether `biotm analyze` reads it.

Plain data in, text out; nothing here imports the schema (the limits are imported when a note is asked for),
so generating stays cheap.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from biotm.yaml_scalar import scalar

if TYPE_CHECKING:
    from biotm.model.limits import Limits


def _lines(value: dict[str, Any], indent: str) -> Iterator[str]:
    for key, item in value.items():
        if isinstance(item, dict):
            yield f"{indent}{key}:"
            yield from _lines(item, indent + "  ")
        elif isinstance(item, list) and item and isinstance(item[0], dict):
            yield f"{indent}{key}:"
            for entry in item:
                first, *rest = _lines(entry, indent + "    ")
                yield f"{indent}  - {first.lstrip()}"
                yield from rest
        elif isinstance(item, list):
            yield f"{indent}{key}: [{', '.join(scalar(v) for v in item)}]"
        else:
            yield f"{indent}{key}: {scalar(item)}"


def dump_yaml(model: dict[str, Any]) -> str:
    """Block-style YAML of a generated model (plain data only), one list entry per few lines."""
    return "\n".join(_lines(model, "")) + "\n"


def dump_json(model: dict[str, Any]) -> str:
    """Compact JSON of a generated model, one record of each top-level list per line (so an error's line
    names the record, and the 100,000-element model stays within the default JSON size limit)."""
    parts = []
    for key, value in model.items():
        if isinstance(value, list) and value:
            records = ",\n".join(json.dumps(item, separators=(",", ":")) for item in value)
            parts.append(f"{json.dumps(key)}:[\n{records}\n]")
        else:
            parts.append(f"{json.dumps(key)}:{json.dumps(value, separators=(',', ':'))}")
    return "{" + ",\n".join(parts) + "}\n"


def dump(model: dict[str, Any], path: str | None) -> str:
    """The model as JSON when `path` ends in .json, else as YAML."""
    if path is not None and path.lower().endswith(".json"):
        return dump_json(model)
    return dump_yaml(model)


def analyze_note(
    model: dict[str, Any], text: str, path: str | None, limits: Limits | None = None
) -> str | None:
    """What to do if `biotm analyze` would refuse the written `text` with its default limits, or None.

    `limits` are analyze's (default: the loader's defaults); the model's values and elements are counted as
    the loader counts them, so the rule is exact, not an estimate.
    """
    from biotm.model.limits import Limits, count_values, elements_note  # here: generating must not import the schema

    chosen = limits or Limits()
    limits = chosen.for_file(path or "stdout.yaml")
    size, values = len(text.encode("utf-8")), count_values(model)
    counted, flag = elements_note(model, chosen)
    if size <= limits.max_bytes and values <= limits.max_values:
        return None if counted is None else f"{path or 'stdout'}: {counted}"
    mebibyte = 1024 * 1024
    as_json = chosen.for_json()
    json_size = len(dump_json(model).encode("utf-8")) if not (path or "").lower().endswith(".json") else size
    advice = f"pass {flag}--max-size-mb {-(-size // mebibyte)} --max-values {values} to biotm analyze"
    if json_size <= as_json.max_bytes and values <= as_json.max_values and limits != as_json:
        fits = f"loads faster) and pass {flag.strip()}" if flag else "fits the defaults and loads faster)"
        advice = f"write it with -o NAME.json instead (JSON {fits}, or {advice}"
    return (
        f"{path or 'stdout'}: {size / mebibyte:.1f} MB and {values:,} values, over what biotm analyze reads by "
        f"default from this format ({limits.max_bytes // mebibyte} MB, {limits.max_values:,} values): {advice}"
    )
