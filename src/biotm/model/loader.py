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

from pydantic import BaseModel, ValidationError

from biotm.model.errors import ModelError, Problem, did_you_mean
from biotm.model.parse import Limits, decode, parse_json_strict, parse_text
from biotm.model.references import check_references
from biotm.model.schema import Model
from biotm.model.source import Path, SourceLocation, SourceMap


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
        for kind, section in _SECTIONS.items():
            items: list[Any] = getattr(self.model, section)
            for index, item in enumerate(items):
                out.setdefault(f"{kind}:{item.id}", self.source.location((section, index)))
        return out

    def location_of(self, kind: str, item_id: str) -> SourceLocation | None:
        """Location of the element, flow, data item, zone or attacker with this id."""
        return self.locations.get(f"{kind}:{item_id}")


_SECTIONS = {"element": "elements", "flow": "flows", "data": "data", "zone": "zones", "attacker": "attackers"}


def read_bounded(path: str, limits: Limits) -> bytes:
    """The bytes of `path`, refusing files over the size limit without reading them whole."""
    try:
        size = os.stat(path).st_size
        if size > limits.max_bytes:
            raise ModelError([Problem(path, 1, 1, _too_large(size, limits))])
        with open(path, "rb") as handle:
            raw = handle.read(limits.max_bytes + 1)
    except FileNotFoundError:
        raise ModelError([Problem(path, 1, 1, "no such file")]) from None
    except IsADirectoryError:
        raise ModelError([Problem(path, 1, 1, "is a directory, not a model file")]) from None
    except OSError as exc:
        raise ModelError([Problem(path, 1, 1, f"cannot read: {exc.strerror}")]) from None
    if len(raw) > limits.max_bytes:  # grew while we looked, or a pipe
        raise ModelError([Problem(path, 1, 1, _too_large(len(raw), limits))])
    return raw


def _too_large(size: int, limits: Limits) -> str:
    return (
        f"file is {size / 1e6:.1f} MB, over the {limits.max_bytes / 1e6:.0f} MB limit "
        "(raise it with --max-size-mb if the model is really this large)"
    )


def load_model(path: str, limits: Limits | None = None) -> LoadedModel:
    """Load and fully check the model file at `path`."""
    limits = limits or Limits()
    raw = read_bounded(path, limits)
    return load_bytes(raw, path, limits)


def load_bytes(raw: bytes, name: str, limits: Limits | None = None) -> LoadedModel:
    """Load a model from bytes; `name` is used in error locations."""
    limits = limits or Limits()
    if len(raw) > limits.max_bytes:
        raise ModelError([Problem(name, 1, 1, _too_large(len(raw), limits))])
    text = decode(raw, name)
    if FsPath(name).suffix.lower() == ".json":
        parse_json_strict(text, name)
    data, source = parse_text(text, name, limits)
    return validate_data(data, source)


def validate_data(data: Any, source: SourceMap) -> LoadedModel:
    """Validate parsed data against the schema and its cross-references."""
    if not isinstance(data, dict):
        raise ModelError([Problem(source.file, 1, 1, "a model must be a mapping with 'meta', 'zones', 'elements', …")])
    try:
        model = Model.model_validate(data)
    except ValidationError as exc:
        raise ModelError(_problems_from_validation(exc, data, source)) from None
    problems = check_references(model, source)
    if problems:
        raise ModelError(problems)
    return LoadedModel(model=model, source=source)


def _problems_from_validation(exc: ValidationError, data: Any, source: SourceMap) -> list[Problem]:
    problems: list[Problem] = []
    for error in exc.errors(include_url=False):
        loc: Path = tuple(error["loc"])
        kind = error["type"]
        if kind == "extra_forbidden":
            key = str(loc[-1])
            allowed = _field_names(Model, _data_path(loc[:-1], data))
            line, column = source.mark(loc, key=True)
            message = f"unknown key '{key}'{did_you_mean(key, allowed)}"
        elif kind == "missing":
            line, column = source.mark(loc[:-1])
            message = f"missing required key '{loc[-1]}'{_where(loc[:-1], data)}"
        else:
            line, column = source.mark(loc)
            message = f"{_dotted(loc, data)}: {_clean(error['msg'])}"
            if "input" in error and kind in ("enum", "literal_error", "string_pattern_mismatch"):
                message += f" (got {error['input']!r})"
        problems.append(Problem(source.file, line, column, message))
    # A union of a tree and a string reports both branches; keep the first message per place.
    unique: dict[tuple[int, int], Problem] = {}
    for problem in problems:
        unique.setdefault((problem.line, problem.column), problem)
    return list(unique.values())


def _clean(message: str) -> str:
    return message.replace("Value error, ", "")


def _data_path(loc: Path, data: Any) -> Path:
    """The parts of a pydantic error location that exist in the data (drops union branch names)."""
    out: list[str | int] = []
    node = data
    for part in loc:
        in_dict = isinstance(node, dict) and part in node
        in_list = isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        if in_dict or in_list:
            node = node[part]
            out.append(part)
    return tuple(out)


def _dotted(loc: Path, data: Any) -> str:
    path = _data_path(loc, data)
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "model"


def _where(loc: Path, data: Any) -> str:
    dotted = _dotted(loc, data)
    return "" if dotted == "model" else f" in {dotted}"


def _field_names(cls: type[BaseModel], path: Path) -> set[str]:
    """Names (and aliases) accepted at `path` below the schema class `cls`."""
    current: Any = cls
    for part in path:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return set()
        field = current.model_fields.get(str(part))
        if field is None:
            field = next((f for f in current.model_fields.values() if f.alias == part), None)
        if field is None:
            return set()
        current = _model_in(field.annotation)
    if not (isinstance(current, type) and issubclass(current, BaseModel)):
        return set()
    return {f.alias or name for name, f in current.model_fields.items()}


def _model_in(annotation: Any) -> Any:
    """The pydantic model class inside list[X], X | None and similar annotations."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None
