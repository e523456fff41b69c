"""Strict JSON into plain data, with lines and columns from the YAML parser's marks when asked for."""

from __future__ import annotations

import json
import re
from typing import Any

import yaml

from biotm.model import json_marks
from biotm.model.decoding import (
    _NON_PRINTABLE,
    _SURROGATE_ESCAPE,
    _YAML_ONLY_BREAKS,
    _empty,
    _position,
    _refuse_surrogates,
)
from biotm.model.errors import ModelError, Problem
from biotm.model.limits import Limits
from biotm.model.source import SourceMap
from biotm.model.yaml_builder import _MISSING, _build, _syntax_error
from biotm.model.yaml_resolve import _reason

#: What ends a JSON key or value (or opens its container): each value of a document but the first follows
#: one of these, outside strings; empty containers make the count an upper bound.
_VALUE_MARKS = ",:[{"
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')
_VALUE_MARK = re.compile(r"[,:\[{]")
_COUNT_CHUNK = 1 << 20


def _marks_in(text: str, start: int = 0, end: int | None = None) -> int:
    stop = len(text) if end is None else end
    return sum(text.count(mark, start, stop) for mark in _VALUE_MARKS)


def _count_values(text: str, name: str, most: int) -> None:
    """Refuse a JSON text of more than `most` values (keys included, as the YAML reader counts them),
    at the value that passes the limit, before the json module builds any of them.

    The usual text passes on four `str.count` calls; only a text near the limit (or with many commas
    and colons inside strings) has its strings blanked, keeping positions, to count exactly."""
    if _marks_in(text) + 1 <= most:
        return
    blank = _STRING.sub(lambda m: '"' + " " * (len(m.group()) - 2) + '"', text)
    seen = 1
    for start in range(0, len(blank), _COUNT_CHUNK):
        in_chunk = _marks_in(blank, start, start + _COUNT_CHUNK)
        if seen + in_chunk <= most:
            seen += in_chunk
            continue
        for match in _VALUE_MARK.finditer(blank, start, start + _COUNT_CHUNK):
            seen += 1
            if seen > most:
                line, column = _position(text, match.end())
                message = (
                    f"file holds more than the limit of {most:,} values "
                    "(raise it with --max-values if the model is really this large)"
                )
                raise ModelError([Problem(name, line, column, message)])


class _DuplicateKeyError(Exception):
    pass


def _json_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):
        raise _DuplicateKeyError
    return out


def _json_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _as_yaml(text: str) -> str:
    """JSON text the YAML parser can read with the same lines and columns (values are not used)."""
    text = text.replace("\t", " ")
    text = _NON_PRINTABLE.sub("_", text)
    # libyaml refuses surrogate escapes (even a valid pair): an escape of the same length keeps every mark.
    text = _SURROGATE_ESCAPE.sub(lambda m: "\\u005f" if len(m.group()) == 6 else "\\U0000005f", text)
    return _YAML_ONLY_BREAKS.sub("_", text)


def parse_json(text: str, name: str, limits: Limits | None = None) -> tuple[Any, SourceMap]:
    """Parse strict JSON into plain data; lines and columns come from the YAML parser's marks."""
    limits = (limits or Limits()).for_json()
    _empty(text, name)
    _count_values(text, name, limits.max_values)
    decoder = json.JSONDecoder(object_pairs_hook=_json_object, parse_constant=_json_constant)
    try:
        # Fast path: values and item marks in one pass; the YAML pass runs only if a deeper mark is asked for.
        fast = json_marks.read(text, decoder, limits.max_depth)
    except _DuplicateKeyError:
        fast = None
    if fast is not None:
        source = json_marks.LazySourceMap(name, fast[1], lambda: _json_source(text, name, limits))
        _refuse_surrogates(text, fast[0], source)
        return fast[0], source
    data: Any = _MISSING  # json.loads refused the text (recursion, duplicate key): the YAML pass says where
    try:
        data = json.loads(text, object_pairs_hook=_json_object, parse_constant=_json_constant)
    except json.JSONDecodeError as exc:
        raise ModelError([Problem(name, exc.lineno, exc.colno, f"JSON syntax error: {exc.msg}")]) from None
    except ValueError as exc:  # NaN, or an integer too long to convert
        where = re.search(r"NaN|-?Infinity|\d{4000,}", text)
        line, column = _position(text, where.start()) if where else (1, 1)
        raise ModelError([Problem(name, line, column, f"JSON value error: {_reason(str(exc))}")]) from None
    except (RecursionError, _DuplicateKeyError):
        pass
    if isinstance(data, dict):
        # Item marks and exact depth from one regex pass over the text.
        depth, items = json_marks.scan(text, data)
        if depth <= limits.max_depth:
            source = json_marks.LazySourceMap(name, items, lambda: _json_source(text, name, limits))
            _refuse_surrogates(text, data, source)
            return data, source
    data, slow = _json_slow(text, name, limits, data)
    _refuse_surrogates(text, data, slow)
    return data, slow


def _json_source(text: str, name: str, limits: Limits) -> SourceMap:
    """Every mark of a JSON text that json.loads accepted (empty if the YAML parser cannot read it)."""
    try:
        return _build(_as_yaml(text), name, limits)[1]
    except (yaml.YAMLError, ModelError):
        # YAML cannot read it (a surrogate pair escape), or the control characters blanked for YAML made two
        # keys equal: the text is valid JSON all the same, so its values go without deeper locations.
        return SourceMap(name)


def _json_slow(text: str, name: str, limits: Limits, data: Any) -> tuple[Any, SourceMap]:
    try:
        _shape, source, _found = _build(_as_yaml(text), name, limits)
    except yaml.YAMLError as exc:
        if data is _MISSING:  # json hit its recursion limit, and so did the YAML parser: say where
            raise _syntax_error(exc, name, text, limits) from None
        # Valid JSON that YAML cannot read (a key over 1024 characters): values without locations.
        return data, SourceMap(name)
    if data is _MISSING:
        # The YAML pass found no depth or duplicate problem, yet json refused: report it plainly.
        raise ModelError([Problem(name, 1, 1, "JSON nesting too deep or duplicate keys")])
    return data, source
