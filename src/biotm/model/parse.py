"""Safe parsing of YAML and JSON text into plain data plus a source map.

Only YAML's safe node kinds are built (mappings, sequences, and scalars resolved by the safe
resolver); tags that would construct Python objects are refused. The node tree is walked with a
budget, so alias bombs ("billion laughs") and absurd nesting fail fast with a clear message instead
of exhausting memory or the stack.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import yaml

from biotm.model.errors import ModelError, Problem
from biotm.model.source import Path, SourceMap

# libyaml is much faster; the pure-Python loader is a correct fallback.
_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

DEFAULT_MAX_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Bounds that keep hostile input from using unbounded time or memory."""

    max_bytes: int = DEFAULT_MAX_BYTES
    max_depth: int = 64
    #: Nodes built per byte of input; only aliases can exceed a small multiple of the file size.
    max_nodes_per_byte: int = 4
    min_node_budget: int = 10_000


_SAFE_TAGS = {
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:merge",
    "tag:yaml.org,2002:binary",
}

_scalar_builder = yaml.SafeLoader("")


def decode(raw: bytes, name: str) -> str:
    """UTF-8 text of `raw` (a UTF-8 BOM is dropped), or a located error for the first bad byte."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ModelError([Problem(name, 1, 1, "file is UTF-16; save it as UTF-8")])
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        raise ModelError(
            [Problem(name, line, column, f"file is not valid UTF-8 (byte 0x{raw[exc.start]:02x})")]
        ) from None


_OPENERS = re.compile(r"[\[{]")


def _check_depth(text: str, name: str, limits: Limits) -> None:
    """Refuse nesting deeper than the limit before the parser recurses into it.

    A cheap over-estimate: flow brackets still open plus indentation levels of block nesting.
    """
    depth = 0
    max_indent = limits.max_depth * 8
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.lstrip(" ")
        indent = len(line) - len(stripped)
        dashes = len(re.match(r"(?:-\s+)*", stripped).group(0).replace(" ", "").replace("\t", ""))  # type: ignore[union-attr]
        if indent > max_indent or dashes > limits.max_depth:
            raise ModelError([Problem(name, number, 1, f"nesting deeper than {limits.max_depth} levels")])
        if "[" in line or "{" in line or "]" in line or "}" in line:
            for column, char in enumerate(line, start=1):
                if char in "[{":
                    depth += 1
                    if depth > limits.max_depth:
                        raise ModelError(
                            [Problem(name, number, column, f"nesting deeper than {limits.max_depth} levels")]
                        )
                elif char in "]}" and depth:
                    depth -= 1
        elif depth and not stripped.startswith("#"):
            continue


class _Builder:
    """Turns a composed YAML node tree into plain data, recording marks and enforcing budgets."""

    def __init__(self, name: str, limits: Limits, budget: int) -> None:
        self.name = name
        self.limits = limits
        self.budget = budget
        self.source = SourceMap(name)

    def _fail(self, node: yaml.Node, message: str) -> ModelError:
        return ModelError([Problem(self.name, node.start_mark.line + 1, node.start_mark.column + 1, message)])

    def build(self, node: yaml.Node, path: Path, depth: int) -> Any:
        self.budget -= 1
        if self.budget < 0:
            raise self._fail(node, "document expands to too many nodes (alias bomb?); refusing to load it")
        if depth > self.limits.max_depth:
            raise self._fail(node, f"nesting deeper than {self.limits.max_depth} levels")
        self.source.marks[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if node.tag not in _SAFE_TAGS:
            raise self._fail(node, f"unsupported YAML tag '{node.tag}'")
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path, depth)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, index), depth + 1) for index, item in enumerate(node.value)]
        assert isinstance(node, yaml.ScalarNode)
        try:
            return _scalar_builder.construct_object(node, deep=False)
        except yaml.YAMLError as exc:
            raise self._fail(node, f"bad value: {getattr(exc, 'problem', exc)}") from None

    def _mapping(self, node: yaml.MappingNode, path: Path, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        explicit: set[str] = set()
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                merged = self.build(value_node, (*path, "<<"), depth + 1)
                sources = merged if isinstance(merged, list) else [merged]
                for source in sources:
                    if not isinstance(source, dict):
                        raise self._fail(value_node, "a merge key ('<<') needs a mapping or a list of them")
                    for key, value in source.items():
                        if key not in explicit:
                            result.setdefault(key, value)
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                raise self._fail(key_node, "mapping keys must be plain strings")
            key = str(_scalar_builder.construct_object(key_node))
            if key in explicit:
                raise self._fail(key_node, f"duplicate key '{key}'")
            explicit.add(key)
            child = (*path, key)
            self.source.key_marks[child] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            result[key] = self.build(value_node, child, depth + 1)
        return result


def parse_text(text: str, name: str, limits: Limits | None = None) -> tuple[Any, SourceMap]:
    """Parse YAML (or JSON, which YAML reads too) into plain data and its source map."""
    limits = limits or Limits()
    if not text.strip():
        raise ModelError([Problem(name, 1, 1, "file is empty")])
    _check_depth(text, name, limits)
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        message = exc.problem or exc.context or "syntax error"
        raise ModelError([Problem(name, line, column, f"YAML syntax error: {message}")]) from None
    except yaml.YAMLError as exc:
        raise ModelError([Problem(name, 1, 1, f"YAML syntax error: {exc}")]) from None
    except RecursionError:
        raise ModelError([Problem(name, 1, 1, f"nesting deeper than {limits.max_depth} levels")]) from None
    if node is None:
        raise ModelError([Problem(name, 1, 1, "file has no document (only comments?)")])
    budget = max(limits.min_node_budget, limits.max_nodes_per_byte * len(text))
    builder = _Builder(name, limits, budget)
    return builder.build(node, (), 0), builder.source


def parse_json_strict(text: str, name: str) -> None:
    """Raise a located error if `text` is not valid JSON (YAML is more lenient than JSON)."""
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        raise ModelError([Problem(name, exc.lineno, exc.colno, f"JSON syntax error: {exc.msg}")]) from None
    except RecursionError:
        raise ModelError([Problem(name, 1, 1, "nesting too deep")]) from None
