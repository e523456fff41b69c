"""Load a model file: bounded read, safe parse, schema validation, reference checks.

Every failure is a `ModelError` whose problems read `path:line:col: message`.
"""

from __future__ import annotations

import functools
import os
import typing
from dataclasses import dataclass
from pathlib import Path as FsPath
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError

from biotm.model.errors import MAX_LISTED, ModelError, Problem
from biotm.model.limits import over_breadth, over_count
from biotm.model.parse import Limits, decode, parse_json, parse_text
from biotm.model.reading import _too_large, files_read, forget_files_read, read_bounded
from biotm.model.references import check_references
from biotm.model.schema import Model
from biotm.model.source import SourceLocation, SourceMap
from biotm.model.validation_messages import _SECTIONS, _describe, _model_in, _problems_from_validation

__all__ = [
    "LoadedModel",
    "files_read",
    "forget_files_read",
    "load_bytes",
    "load_model",
    "read_bounded",
    "validate_data",
]



@dataclass(frozen=True)
class LoadedModel:
    """A valid model with the file it came from and where each of its parts stands."""

    model: Model
    source: SourceMap

    @property
    def file(self) -> str:
        return self.source.file

    @functools.cached_property
    def locations(self) -> dict[str, SourceLocation]:
        """'element:ID', 'flow:ID', 'data:ID', 'zone:ID', 'attacker:ID' to where each is written."""
        out: dict[str, SourceLocation] = {}
        keep_first = out.setdefault
        for kind, section in _SECTIONS.items():
            items: list[Any] = getattr(self.model, section)
            prefix = kind + ":"
            for item, place in zip(items, self.source.item_locations(section, len(items)), strict=True):
                keep_first(prefix + item.id, place)
        return out

    def location_of(self, kind: str, item_id: str) -> SourceLocation | None:
        """Location of the element, flow, data item, zone or attacker with this id."""
        return self.locations.get(f"{kind}:{item_id}")




def load_model(path: str | os.PathLike[str], limits: Limits | None = None) -> LoadedModel:
    """Load and fully check the model file at `path` (a string or a pathlib.Path)."""
    name = os.fspath(path)  # locations and reports carry the name as text
    limits = (limits or Limits()).for_file(name)
    raw = read_bounded(name, limits)
    return load_bytes(raw, name, limits)


def load_bytes(raw: bytes, name: str, limits: Limits | None = None) -> LoadedModel:
    """Load a model from bytes; `name` is used in error locations."""
    limits = (limits or Limits()).for_file(name)
    if len(raw) > limits.max_bytes:
        raise ModelError([Problem(name, 1, 1, _too_large(len(raw), limits))])
    text = decode(raw, name)
    if FsPath(name).suffix.lower() == ".json":
        data, source = parse_json(text, name, limits)
    else:
        data, source = parse_text(text, name, limits)
    return validate_data(data, source, limits)


def validate_data(data: Any, source: SourceMap, limits: Limits | None = None) -> LoadedModel:
    """Validate parsed data against the schema and its cross-references, within `limits`' counts."""
    over = over_count(data, limits or Limits())
    if over is not None:  # before validation: its cost and every later stage's grow with these counts
        # At the first item past the limit: item marks are known up front, a section's only after a slow pass.
        raise ModelError([Problem(source.file, *source.mark(over[:2]), over[2])])
    if not isinstance(data, dict):
        raise ModelError(
            [
                Problem(
                    source.file,
                    *source.mark(()),
                    f"the top level must be a mapping with 'meta', 'zones', 'elements', …; got {_describe(data)}",
                )
            ]
        )
    checked, stopped = _validate_sections(data, source)
    if stopped is not None:
        raise ModelError(stopped[0], stopped=stopped[1])
    try:
        model = Model.model_validate({**data, **checked})
    except ValidationError as exc:
        raise ModelError(_problems_from_validation(exc.errors(include_url=False), data, source)) from None
    problems, unlisted = check_references(model, source)
    if problems:
        raise ModelError(problems, unlisted)
    broad = over_breadth(model, limits or Limits())
    if broad is not None:
        raise ModelError([Problem(source.file, *source.mark(broad[:2]), broad[2])])
    return LoadedModel(model=model, source=source)


#: Items of a top-level list validated per call: a file of a million bad zones made pydantic build a million
#: errors (2 GB, 44 s) before the first could be shown; in chunks, validation stops soon after MAX_LISTED.
_CHUNK = 1000


@functools.cache
def _list_adapter(item: type[BaseModel]) -> TypeAdapter[list[Any]]:
    return TypeAdapter(list[item])  # type: ignore[valid-type]


def _validate_sections(data: dict[str, Any], source: SourceMap) -> tuple[dict[str, list[Any]], Any]:
    """Each long top-level list validated in chunks: the valid items (for the model, which takes them as
    they are) and, once MAX_LISTED problems are found, (problems, a last one saying where checking stopped)."""
    checked: dict[str, list[Any]] = {}
    errors: list[Any] = []
    for name, field in Model.model_fields.items():
        key = field.alias or name
        items = data.get(key)
        item = _model_in(field.annotation)
        if item is None or typing.get_origin(field.annotation) is not list or not isinstance(items, list):
            continue
        if len(items) <= _CHUNK:
            continue
        adapter = _list_adapter(item)
        valid: list[Any] = []
        for start in range(0, len(items), _CHUNK):
            try:
                valid.extend(adapter.validate_python(items[start : start + _CHUNK]))
            except ValidationError as exc:
                for error in exc.errors(include_url=False):
                    index = error["loc"][0]
                    assert isinstance(index, int)  # errors of a list validation start at the item's index
                    error["loc"] = (key, start + index, *error["loc"][1:])
                    errors.append(error)
            problems = _problems_from_validation(errors, data, source) if len(errors) >= MAX_LISTED else []
            if len(problems) >= MAX_LISTED and start + _CHUNK < len(items):
                rest = len(items) - start - _CHUNK
                line, column = source.mark((key, start + _CHUNK))
                note = f"stopped checking after {len(problems):,} problems: {rest:,} more items of '{key}' not checked"
                return checked, (problems, Problem(source.file, line, column, note))
        checked[key] = valid
    if errors:  # a few problems: the whole model is validated as it is written, so every one is reported
        return {}, None
    return checked, None


