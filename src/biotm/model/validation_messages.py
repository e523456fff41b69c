"""pydantic's validation errors in the model author's words, each at its place in the file."""

from __future__ import annotations

import datetime as dt
import typing
import unicodedata
from typing import Any

from pydantic import BaseModel

from biotm.model.errors import Problem, did_you_mean, number_text, one_line, shorten
from biotm.model.schema import ID_PATTERN, Model
from biotm.model.source import Path, SourceMap, dotted

_SECTIONS = {"element": "elements", "flow": "flows", "data": "data", "zone": "zones", "attacker": "attackers"}


def _problems_from_validation(errors: list[Any], data: Any, source: SourceMap) -> list[Problem]:
    # A union of a tree and a string reports both branches at one place: keep the first message there.
    # Several keys missing from one mapping share its place but are each worth a line.
    unique: dict[tuple[int, int, str], Problem] = {}
    known_ids = _all_ids(data)
    # In a union of a tree and a string (`requires`), a string input was meant as the string branch: its
    # complaint ("must not be empty") comes before the tree branch's "expected a mapping".
    errors = sorted(
        errors,
        key=lambda e: e["type"] in _EXPECTS_MAPPING and isinstance(e.get("input"), str),
    )
    # ... and a mapping input meant the tree branch: the string branch's "expected a string" is noise when the
    # tree branch found something deeper inside.
    deeper: set[Path] = set()
    if any(e["type"] == "string_type" and isinstance(e.get("input"), dict) for e in errors):
        for other in errors:
            found = _data_path(tuple(other["loc"]), data)
            deeper.update(found[:end] for end in range(len(found)))
    for error in errors:
        loc: Path = tuple(error["loc"])
        kind = error["type"]
        if kind == "string_type" and isinstance(error.get("input"), dict) and _data_path(loc, data) in deeper:
            continue
        missing = ""
        if kind == "extra_forbidden":
            key = str(loc[-1])
            allowed = _field_names(Model, _data_path(loc[:-1], data))
            line, column = source.mark(loc, key=True)
            message = f"unknown key {shorten(key)}{did_you_mean(key, allowed)}"
        elif kind == "missing":
            line, column = source.mark(loc[:-1])
            missing = str(loc[-1])
            message = f"missing required key '{missing}'{_where(loc[:-1], data)}"
        else:
            line, column = source.mark(loc)
            message = f"{_dotted(loc, data)}: {_explain(error, known_ids)}"
        unique.setdefault((line, column, missing), Problem(source.file, line, column, message))
    return list(unique.values())


ID_RULE = "ids are ASCII letters, digits, '_', '-' and '.', start with a letter or digit, at most 128 long"

_EXPECTED = {
    "model_type": "expected a mapping (key: value lines)",
    "model_attributes_type": "expected a mapping (key: value lines)",
    "dict_type": "expected a mapping (key: value lines)",
    "list_type": "expected a list",
    "string_type": "expected a string",
    "int_type": "expected a whole number",
    "int_parsing": "expected a whole number",
    "int_from_float": "expected a whole number",
    "float_type": "expected a number",
    "float_parsing": "expected a number",
    "bool_type": "expected true or false",
    "bool_parsing": "expected true or false",
    "date_type": "expected a date (YYYY-MM-DD)",
    "date_parsing": "expected a date (YYYY-MM-DD)",
    "date_from_datetime_parsing": "expected a date (YYYY-MM-DD)",
    "date_from_datetime_inexact": "expected a date (YYYY-MM-DD) without a time",
}


_EXPECTS_MAPPING = ("model_type", "model_attributes_type", "dict_type")

_BOUNDS = {
    "greater_than_equal": "at least",
    "less_than_equal": "at most",
    "greater_than": "more than",
    "less_than": "less than",
}
_BOUND_CTX = {"greater_than_equal": "ge", "less_than_equal": "le", "greater_than": "gt", "less_than": "lt"}


def _explain(error: Any, known_ids: set[str]) -> str:
    """A pydantic error in the model author's words: what was expected, what was found, how to fix it."""
    kind = error["type"]
    value = error.get("input")
    if kind in _EXPECTED:
        return f"{_EXPECTED[kind]}, got {_describe(value)}{_yaml_hint(value, kind)}"
    if kind in ("enum", "literal_error"):
        return f"expected one of {error['ctx']['expected']}, got {_describe(value)}"
    if kind == "string_pattern_mismatch":
        if error["ctx"]["pattern"] == ID_PATTERN:
            return f"not a valid id {shorten(value)}: {ID_RULE}{_non_ascii(value)}{did_you_mean(str(value), known_ids)}"
        if "jurisdiction" in error["loc"]:
            return f"expected an ISO 3166 country code such as CN or US-IL, got {shorten(value)}"
        return f"{shorten(value)} does not have the required form"
    if kind in _BOUNDS:
        return f"must be {_BOUNDS[kind]} {error['ctx'][_BOUND_CTX[kind]]}, got {_describe(value)}"
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "string_too_long":
        return f"is longer than the {error['ctx']['max_length']} characters allowed"
    if kind == "too_short":
        minimum = error["ctx"]["min_length"]
        return f"needs at least {minimum} item{'s' if minimum != 1 else ''}"
    if kind == "too_long":
        return f"has more than the {error['ctx']['max_length']} items allowed"
    if kind == "finite_number":
        return f"expected a finite number, got {_describe(value)}"
    if kind == "value_error":
        return one_line(str(error["ctx"]["error"]))
    # Anything not translated above still reads as an expectation, not as pydantic's phrasing.
    return one_line(str(error["msg"])).replace("Input should be", "expected").replace("String should", "must")


def _describe(value: Any) -> str:
    """How a parsed value looks to the author of the file (never a Python type name)."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, int) and value.bit_length() > 64:
        return number_text(value)
    if isinstance(value, int | float):
        return f"the number {shorten(value)[1:-1]}"
    if isinstance(value, dt.datetime | dt.date):
        return f"the date {value.isoformat()}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return shorten(value)
    return "a value of another kind"


def _yaml_hint(value: Any, kind: str) -> str:
    if kind != "string_type":
        return ""
    if isinstance(value, bool):
        return " (YAML reads unquoted yes/no/on/off/true/false as booleans: put the value in quotes)"
    if isinstance(value, dt.date | int | float):
        return " (put the value in quotes to make it a string)"
    return ""


def _non_ascii(value: Any) -> str:
    """Name the first non-ASCII character of an id: it is often a look-alike of a Latin letter."""
    for char in str(value):
        if ord(char) > 127:
            return f"; it contains {char!r} ({unicodedata.name(char, f'U+{ord(char):04X}')})"
    return ""


def _all_ids(data: Any) -> set[str]:
    """Every string id written in the model's sections, for suggestions on malformed references."""
    if not isinstance(data, dict):
        return set()
    found: set[str] = set()
    for section in _SECTIONS.values():
        items = data.get(section)
        if isinstance(items, list):
            found.update(i["id"] for i in items if isinstance(i, dict) and isinstance(i.get("id"), str))
    return found


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
    return dotted(_data_path(loc, data))


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
