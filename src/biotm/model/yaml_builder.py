"""YAML events to plain data and a source map, without recursion and within the limits.

The YAML parser's event stream is turned into dicts, lists and scalars directly, without building
a node tree first: the build never recurses, so nesting depth is checked exactly as it is read, and
an alias reuses the value built for its anchor while adding that value's size to a node budget,
so "billion laughs" documents are refused after a few events instead of exhausting memory. Only
YAML's safe kinds (mappings, sequences, and the scalars the safe resolver knows) are built; a tag
that would construct a Python object is an error. Mapping keys are always the key's text, so
`on:` or `1:` is the key 'on' or '1', never a boolean or a number.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.events import (
    AliasEvent,
    CollectionStartEvent,
    DocumentStartEvent,
    Event,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
)

from biotm.model.decoding import _at, _Mark, _marker, _position
from biotm.model.errors import ModelError, Problem, one_line, shorten
from biotm.model.limits import Limits
from biotm.model.source import Path, SourceMap, dotted
from biotm.model.yaml_resolve import (
    _CONSTRUCTED_LIMIT,
    _IMPLICIT,
    _MAP,
    _SCALAR_TAGS,
    _SEQ,
    _STR,
    _WILDCARDS,
    CONSTRUCTOR,
    _reason,
    _surprising_number,
    _unsupported,
)

# libyaml is much faster; the pure-Python parser is a correct fallback.
_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(slots=True)
class _Frame:
    """A mapping or sequence being built."""

    value: dict[str, Any] | list[Any]
    path: Path
    anchor: str | None
    is_map: bool
    size: int = 1
    key: str | None = None
    merging: bool = False
    merges: list[tuple[Any, _Mark]] = field(default_factory=list)


class _Builder:
    """Builds plain data from YAML events, recording marks and enforcing depth and size budgets.

    Every event of a national-scale model passes through `feed`, so the common cases (a string
    scalar, a mapping key) take the shortest path; paths are built only for marks and messages.
    """

    def __init__(
        self,
        name: str,
        limits: Limits,
        budget: int,
        mark_depth: int | None = None,
        at: Callable[[_Mark], tuple[int, int]] = _at,
    ) -> None:
        self.name = name
        self.at = at
        #: Characters aliases may add to the document (a 1 MB string named by thousands of aliases).
        self.char_budget = limits.max_bytes
        #: Record marks of paths at most this long (None: all); the rest are built again on demand.
        self.mark_depth = limits.max_depth + 1 if mark_depth is None else mark_depth
        self.limits = limits
        self.budget = budget
        #: The --max-values limit when it, not the per-byte alias budget, is what `budget` counts down.
        self.value_cap = limits.max_values if budget == limits.max_values else None
        self.source = SourceMap(name)
        self.stack: list[_Frame] = []
        self.anchors: dict[str, tuple[Any, int]] = {}
        #: Height (levels below it) and characters of each anchored value an alias has reused, by identity.
        self.measured: dict[int, tuple[int, int]] = {}
        self.documents = 0
        self.root: Any = None
        self.done = False
        self.constructed: dict[tuple[str, str], Any] = {}

    def handlers(self) -> dict[type[Event], Callable[[Any], None]]:
        """The handler of each event type. Not kept on the builder: bound methods held by their own object
        form a reference cycle, and with the cyclic collector off (the CLI) every parse then leaked its data."""
        return {
            ScalarEvent: self._scalar,
            MappingStartEvent: self._start,
            SequenceStartEvent: self._start,
            MappingEndEvent: self._end,
            SequenceEndEvent: self._end,
            AliasEvent: self._alias,
            DocumentStartEvent: self._document,
        }

    def fail(self, mark: _Mark, message: str) -> ModelError:
        line, column = self.at(mark)
        return ModelError([Problem(self.name, line, column, message)])

    def _document(self, event: DocumentStartEvent) -> None:
        self.documents += 1
        if self.documents > 1:
            raise self.fail(event.start_mark, "more than one YAML document ('---'); a model file holds one")

    # -- where the next value goes ---------------------------------------------------------------
    def _expecting_key(self) -> bool:
        return bool(self.stack) and self.stack[-1].is_map and self.stack[-1].key is None

    def _next_path(self) -> Path:
        if not self.stack:
            return ()
        frame = self.stack[-1]
        if frame.is_map:
            assert frame.key is not None
            return (*frame.path, frame.key)
        return (*frame.path, len(frame.value))

    def _next_depth(self) -> int:
        """len(self._next_path()), without building it."""
        return len(self.stack[-1].path) + 1 if self.stack else 0

    def _spend(self, size: int, mark: _Mark, alias: bool = False) -> None:
        self.budget -= size
        if self.budget < 0:
            raise self.over_budget(mark, alias)

    def over_budget(self, mark: _Mark, alias: bool = False) -> ModelError:
        """The refusal once the values built (an alias counting what it repeats) pass the budget."""
        if self.value_cap is None:  # the per-byte budget of a small file: only aliases reach it
            return self.fail(mark, "document expands to too many values (alias bomb?); refusing to load it")
        if alias:
            return self.fail(
                mark,
                f"aliases expand the document beyond the limit of {self.value_cap:,} values (alias bomb?); "
                "refusing to load it (raise the limit with --max-values if the model is really this large)",
            )
        return self.fail(
            mark,
            f"file holds more than the limit of {self.value_cap:,} values "
            "(raise it with --max-values if the model is really this large)",
        )

    def _put(self, value: Any, size: int, mark: _Mark) -> None:
        """Attach a finished value to its parent (or make it the document root)."""
        if not self.stack:
            self.root = value
            self.done = True
            return
        frame = self.stack[-1]
        frame.size += size
        if not frame.is_map:
            frame.value.append(value)  # type: ignore[union-attr]
            return
        assert frame.key is not None
        if frame.merging:
            frame.merges.append((value, mark))
            frame.merging = False
        else:
            frame.value[frame.key] = value  # type: ignore[call-overload]
        frame.key = None

    # -- events ----------------------------------------------------------------------------------
    def _scalar(self, event: ScalarEvent) -> None:
        # The hot path of loading: _key, _spend and _put written out for mapping keys and string values.
        stack = self.stack
        if not stack:
            self._root_scalar(event)
            return
        frame = stack[-1]
        mark = event.start_mark
        at = self.at
        self.budget -= 1
        if self.budget < 0:
            raise self.over_budget(mark)
        if frame.is_map:
            key = frame.key
            if key is None:  # this scalar is a key
                key = event.value
                if key == "<<" and event.implicit[0]:
                    frame.key, frame.merging = key, True
                    return
                # Merged keys are added only when the mapping ends: the mapping holds exactly the explicit keys.
                if key in frame.value:
                    raise self.fail(mark, f"duplicate key {shorten(key)}")
                frame.key = key
                if len(frame.path) < self.mark_depth:
                    self.source.key_marks[(*frame.path, key)] = at(mark)
                return
            if len(frame.path) < self.mark_depth:
                self.source.marks[(*frame.path, key)] = at(mark)
        elif len(frame.path) < self.mark_depth:
            self.source.marks[(*frame.path, len(frame.value))] = at(mark)
        if event.tag is None and not event.implicit[0]:
            value: Any = event.value  # quoted: a string
        else:
            value = self._construct(event)
        if event.anchor is not None:
            self.anchors[event.anchor] = (value, 1)
        frame.size += 1
        if not frame.is_map:
            frame.value.append(value)  # type: ignore[union-attr]
        elif frame.merging:
            frame.merges.append((value, mark))
            frame.merging = False
            frame.key = None
        else:
            frame.value[key] = value  # type: ignore[call-overload,index]
            frame.key = None

    def _root_scalar(self, event: ScalarEvent) -> None:
        """A document that is a single scalar (not a model, but it must load to say so)."""
        self.source.marks[()] = self.at(event.start_mark)
        self._spend(1, event.start_mark)
        value = self._construct(event)
        if event.anchor is not None:
            self.anchors[event.anchor] = (value, 1)
        self._put(value, 1, event.start_mark)

    def _construct(self, event: ScalarEvent) -> Any:
        tag = event.tag
        text = event.value
        if tag is None or tag == "!":
            if not event.implicit[0]:
                return text  # quoted, or a non-specific '!' tag: a string
            for candidate, pattern in _IMPLICIT.get(text[:1], _WILDCARDS):
                if pattern.match(text):
                    tag = candidate
                    break
            else:
                return text
        if tag == _STR:
            return text
        if tag not in _SCALAR_TAGS:
            raise self.fail(event.start_mark, _unsupported(tag))
        known = self.constructed.get((tag, text), _MISSING)
        if known is not _MISSING:
            return known
        node = yaml.ScalarNode(tag, text, style=event.style)
        try:
            value = SafeConstructor.yaml_constructors[tag](CONSTRUCTOR, node)
        except (yaml.YAMLError, ValueError, TypeError, OverflowError) as exc:
            reason = _reason(getattr(exc, "problem", None) or str(exc))
            path = dotted(self._next_path())
            raise self.fail(event.start_mark, f"{path}: bad value {shorten(text)}: {reason}") from None
        surprise = _surprising_number(tag, text, value)
        if surprise is not None:
            raise self.fail(event.start_mark, f"{dotted(self._next_path())}: {surprise}")
        if len(self.constructed) < _CONSTRUCTED_LIMIT and tag != "tag:yaml.org,2002:binary":
            self.constructed[(tag, text)] = value  # immutable: sharing it is safe
        return value

    def _start(self, event: CollectionStartEvent) -> None:
        if self._expecting_key():
            raise self.fail(event.start_mark, "mapping keys must be plain strings, not lists or mappings")
        mapping = type(event) is MappingStartEvent
        default = _MAP if mapping else _SEQ
        if event.tag not in (None, "!", default):
            raise self.fail(event.start_mark, _unsupported(event.tag))
        if len(self.stack) >= self.limits.max_depth:
            raise self.fail(event.start_mark, f"nesting deeper than {self.limits.max_depth} levels")
        path = self._next_path()
        if len(path) <= self.mark_depth:
            self.source.marks[path] = self.at(event.start_mark)
        self._spend(1, event.start_mark)
        value: dict[str, Any] | list[Any] = {} if mapping else []
        self.stack.append(_Frame(value=value, path=path, anchor=event.anchor, is_map=mapping))

    def _end(self, event: Event) -> None:
        frame = self.stack.pop()
        if frame.is_map:
            for merged, mark in frame.merges:
                for source in merged if isinstance(merged, list) else [merged]:
                    if not isinstance(source, dict):
                        raise self.fail(mark, "a merge key ('<<') needs a mapping or a list of mappings")
                    for key, value in source.items():
                        frame.value.setdefault(key, value)  # type: ignore[union-attr]
        if frame.anchor is not None:
            self.anchors[frame.anchor] = (frame.value, frame.size)
        self._put(frame.value, frame.size, event.start_mark)

    def _alias(self, event: AliasEvent) -> None:
        if self._expecting_key():
            raise self.fail(event.start_mark, "mapping keys must be plain strings, not aliases")
        if event.anchor not in self.anchors:
            raise self.fail(event.start_mark, f"unknown or unfinished anchor {shorten(event.anchor or '')}")
        value, size = self.anchors[event.anchor]
        self._spend(size, event.start_mark, alias=True)
        # The node budget bounds how many values aliases add, not how deep or how long they are: an alias of
        # an alias of ... builds a tree hundreds of levels deep from a few lines, and a 1 MB string named by
        # thousands of aliases is gigabytes to every later step. Both are measured on the values built.
        height, chars = self._measure(value)
        if len(self.stack) + height > self.limits.max_depth:
            raise self.fail(
                event.start_mark,
                f"nesting deeper than {self.limits.max_depth} levels once alias "
                f"{shorten(event.anchor or '')} is expanded",
            )
        self.char_budget -= chars
        if self.char_budget < 0:
            raise self.fail(
                event.start_mark,
                f"aliases expand the document's text beyond the {self.limits.max_bytes} characters of the "
                "size limit (alias bomb?); refusing to load it",
            )
        if self._next_depth() <= self.mark_depth:
            self.source.marks[self._next_path()] = self.at(event.start_mark)
        self._put(value, size, event.start_mark)

    def _measure(self, value: Any) -> tuple[int, int]:
        """Levels of collections below `value` (0 for a scalar) and the characters of its scalars.

        Walked without recursion; each anchored value is measured once, and every value below it
        was either built from events (bounded by the stack) or checked when its own alias was put.
        """
        if not isinstance(value, dict | list):
            return 0, len(value) if isinstance(value, str | bytes) else 1
        known = self.measured.get(id(value))
        if known is not None:
            return known
        height = chars = 0
        pending: list[tuple[Any, int]] = [(value, 1)]
        while pending:
            node, level = pending.pop()
            height = max(height, level)
            children = node.values() if isinstance(node, dict) else node
            if isinstance(node, dict):
                chars += sum(len(key) for key in node)
            for child in children:
                if isinstance(child, dict | list):
                    pending.append((child, level + 1))
                else:
                    chars += len(child) if isinstance(child, str | bytes) else 1
        self.measured[id(value)] = (height, chars)
        return height, chars


_MISSING = object()


def _build(text: str, name: str, limits: Limits, mark_depth: int | None = None) -> tuple[Any, SourceMap, bool]:
    """Data, source map and whether the text held a document; raises yaml.YAMLError on bad syntax."""
    # Counted during the parse, so a file of millions of tiny values is refused at the value that passes the
    # limit, not after a minute of building: the hot loop already counts down this budget for aliases.
    budget = min(limits.max_values, max(limits.min_node_budget, limits.max_nodes_per_byte * len(text)))
    builder = _Builder(name, limits, budget, mark_depth, _marker(text))
    handler_of = builder.handlers().get
    loader = _Loader(text)
    next_event = loader.get_event  # None after the stream's end
    try:
        while (event := next_event()) is not None:  # one turn per event: millions for a national model
            handler = handler_of(type(event))
            if handler is not None:
                handler(event)
    finally:
        loader.dispose()
    return builder.root, builder.source, builder.done


def _syntax_error(exc: yaml.YAMLError, name: str, text: str, limits: Limits) -> ModelError:
    line, column = _marker(text)(getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None))
    if isinstance(exc, yaml.reader.ReaderError):
        line, column = _position(text, min(exc.position, len(text)))
    found = getattr(exc, "problem", None) or getattr(exc, "context", None) or getattr(exc, "reason", None)
    message = one_line(str(found or "syntax error"))
    if "maximum nesting depth" in message:
        # libyaml's own limit (1000) is above ours, so the file is too deep by our measure too.
        return ModelError([Problem(name, line, column, f"nesting deeper than {limits.max_depth} levels")])
    if "expected ':'" in message:
        message += " (a mapping key is unfinished, or longer than the 1024 characters YAML allows)"
    return ModelError([Problem(name, line, column, f"YAML syntax error: {message}")])


