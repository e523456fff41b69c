"""Safe parsing of YAML and JSON text into plain data plus a source map.

YAML is built from the parser's events by `yaml_builder` (no recursion, no tags run, limits
counted as it is read); JSON files are read with the `json` module (so values follow JSON, not
YAML 1.1) by `json_parse`. Both refuse lone surrogates and give every refusal a location.
"""

from __future__ import annotations

from typing import Any

import yaml

from biotm.model import json_marks
from biotm.model.decoding import _check_printable, _empty, _refuse_surrogates, decode
from biotm.model.errors import ModelError, Problem
from biotm.model.json_parse import parse_json
from biotm.model.limits import DEFAULT_MAX_BYTES, Limits
from biotm.model.source import SourceMap
from biotm.model.yaml_builder import _build, _syntax_error

__all__ = ["DEFAULT_MAX_BYTES", "Limits", "decode", "parse_json", "parse_text"]


def parse_text(text: str, name: str, limits: Limits | None = None) -> tuple[Any, SourceMap]:
    """Parse YAML (or JSON written as YAML) into plain data and its source map."""
    limits = limits or Limits()
    _empty(text, name)
    _check_printable(text, name)
    try:
        # Marks of top-level list items only: a national-scale model has millions of values, and their
        # marks (read only by error messages) were half the memory of loading it. Deeper marks come from
        # a second pass, run only if something asks for one.
        data, shallow, found = _build(text, name, limits, mark_depth=2)
    except yaml.YAMLError as exc:
        raise _syntax_error(exc, name, text, limits) from None
    if not found:
        raise ModelError([Problem(name, 1, 1, "file has no document (only comments?)")])
    source = json_marks.LazySourceMap(name, shallow.marks, lambda: _build(text, name, limits)[1])
    _refuse_surrogates(text, data, source)
    return data, source

