"""What every importer shares: the draft model it fills, ids, and the plain-data helpers that read another tool's file.

An importer reads another tool's file into plain data (with `biotm.model.parse.parse_text`, so
every value keeps its line and column), fills a `Draft` with biotm sections, notes what it guessed
or could not carry over, and records for each produced part where it came from. The draft then
becomes either a `LoadedModel` whose source map points into the ORIGINAL file (so findings locate
in the user's file), or a commented biotm YAML file.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import pydantic_core

from biotm.interop.categories import guess_category
from biotm.model.errors import ModelError, Problem
from biotm.model.limits import Limits
from biotm.model.loader import LoadedModel, validate_data
from biotm.model.schema import DataCategory
from biotm.model.source import Mark, Path, SourceLocation, SourceMap
from biotm.report.view import printable

#: Placeholder jurisdiction for zones whose country the source format does not record. "XX" is an
#: ISO 3166 user-assigned code, so it never names a real country and never creates a cross-border
#: transfer by accident; every zone that carries it is commented so the user fixes it.
UNKNOWN_JURISDICTION = "XX"

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,119}$")

_PLACEHOLDER = "biotm-empty-model-placeholder"
EMPTY_NOTICE = "the model is empty (no elements): nothing to audit"

SECTIONS = ("zones", "elements", "data", "flows", "attackers", "accepted", "threats")


class ImportedSourceMap(SourceMap):
    """A source map of an imported model: each part points at where it stands in the source file(s).

    Threagile models can span several files (`includes:`), so each path may name its own file.
    """

    def __init__(self, file: str) -> None:
        super().__init__(file)
        self.files: dict[Path, str] = {}

    def location(self, loc: Path) -> SourceLocation:
        path = self.resolve(loc)
        line, column = self.mark(loc)
        return SourceLocation(file=self.files.get(path, self.file), line=line, column=column)


@dataclass
class Draft:
    """A biotm model under construction, with notes for the written file and origins in the source."""

    source: SourceMap
    meta: dict[str, Any] = field(default_factory=dict)
    sections: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: {s: [] for s in SECTIONS})
    extra: dict[str, Any] = field(default_factory=dict)
    header: list[str] = field(default_factory=list)
    notes: dict[Path, list[str]] = field(default_factory=dict)
    origins: dict[Path, tuple[SourceMap, Path]] = field(default_factory=dict)
    uncategorised: list[str] = field(default_factory=list)
    guessed: list[str] = field(default_factory=list)
    dropped: Counter[str] = field(default_factory=Counter)
    _ids: dict[str, set[str]] = field(default_factory=dict)
    _next: dict[str, dict[str, int]] = field(default_factory=dict)

    def add(
        self, section: str, item: dict[str, Any], origin: Path | None = None, source: SourceMap | None = None
    ) -> int:
        """Append `item` to `section`; `origin` is its path in `source` (default: the main file)."""
        items = self.sections[section]
        items.append(item)
        index = len(items) - 1
        if origin is not None:
            self.origins[(section, index)] = (source or self.source, origin)
        return index

    def note(self, path: Path, text: str) -> None:
        """A comment written above the part at `path` of the output (e.g. ('zones', 0, 'jurisdiction'))."""
        self.notes.setdefault(path, []).append(text)

    def note_zone_guesses(self, index: int, tool: str, owner_source: str) -> None:
        """Comment the owner and placeholder jurisdiction of zone `index`, which `tool` does not record."""
        self.note(("zones", index, "owner"), f"not recorded by {tool}: {owner_source}, check it")
        self.note(
            ("zones", index, "jurisdiction"),
            f"not recorded by {tool}: '{UNKNOWN_JURISDICTION}' is a placeholder, set the country",
        )

    def unique_id(self, space: str, wanted: str, fallback: str, *, keep: bool = False, suffix: str = "") -> str:
        """A schema-valid id, unique within `space`, as close to `wanted` as possible.

        With `keep`, a `wanted` that is already a valid id (another tool's id) is used unchanged;
        otherwise names are turned into lower-case slugs. `suffix` ('.response', '-reverse') survives
        the length limit: the name is cut, not the suffix. Each base remembers its next counter, so
        20,000 items of one name cost linear time, not quadratic.
        """
        base = wanted if keep and _ID.match(wanted) else (slug(wanted) or slug(fallback) or "item")
        if suffix:
            base = base[: 100 - len(suffix)].rstrip("-_.") + suffix
        taken = self._ids.setdefault(space, set())
        candidate = base
        if candidate in taken:
            counters = self._next.setdefault(space, {})
            counter = counters.get(base, 2)
            candidate = f"{base[:110]}-{counter}"
            while candidate in taken:
                counter += 1
                candidate = f"{base[:110]}-{counter}"
            counters[base] = counter + 1
        taken.add(candidate)
        return candidate

    def document(self) -> dict[str, Any]:
        """The draft as plain biotm model data, sections in schema order, empty optional ones left out."""
        out: dict[str, Any] = {"biotm": 1, "meta": self.meta}
        for section in SECTIONS:
            if self.sections[section] or section in ("zones", "elements"):
                out[section] = self.sections[section]
        out.update(self.extra)
        return out

    def source_map(self) -> ImportedSourceMap:
        """Marks of every produced part, pointing at its origin in the source file(s)."""
        mapped = ImportedSourceMap(self.source.file)
        mapped.marks[()] = (1, 1)
        for key in ("biotm", "meta", *SECTIONS, *self.extra):
            mapped.marks[(key,)] = self.source.marks.get((), (1, 1))
        for path, (source, origin) in sorted(self.origins.items(), key=lambda kv: str(kv[0])):
            mapped.marks[path] = source.mark(origin)
            mapped.files[path] = source.file
        return mapped

    @property
    def empty(self) -> bool:
        """Whether the source holds nothing to audit (a blank template, a minimal converter output)."""
        return not self.sections["elements"]

    def loaded(self, limits: Limits | None = None) -> LoadedModel:
        """Validate the draft within `limits`' counts; problems are located in the source file.

        An empty draft becomes an empty model (the schema wants at least one element in a biotm file,
        but a blank Threat Dragon template is a legitimate input with nothing to audit).
        """
        if self.empty:
            # validate everything else as usual, beside a placeholder that is then taken out again
            document = self.document()
            document["zones"] = [{"id": _PLACEHOLDER, "owner": "-", "jurisdiction": UNKNOWN_JURISDICTION}]
            document["elements"] = [{"id": _PLACEHOLDER, "type": "process", "zone": _PLACEHOLDER}]
            loaded = validate_data(document, self.source_map(), limits)
            model = loaded.model.model_copy(update={"zones": [], "elements": []})
            return LoadedModel(model=model, source=loaded.source)
        return validate_data(self.document(), self.source_map(), limits)

    def notices(self) -> list[str]:
        """Lines for stderr when another tool's file is analysed or imported."""
        lines = [EMPTY_NOTICE] if self.empty else []
        summary = self.summary_line()
        return [*lines, summary] if summary else lines

    def categorise(self, path: Path, name: str, tags: Iterable[str] = (), description: str = "") -> dict[str, Any]:
        """Category fields for a data item from another tool, noting guesses and unknowns at `path`."""
        guess = guess_category(name, tags, description)
        if guess is None:
            self.uncategorised.append(name)
            self.note((*path, "category"), "CATEGORY UNKNOWN: set the right category (set to 'other' on import)")
            return {"category": DataCategory.OTHER.value}
        category, modality, guessed_modality = guess
        fields: dict[str, Any] = {"category": category.value}
        self.note((*path, "category"), f"category guessed from the name/tags ('{name}')")
        kind = category.value + (f" ({modality.value}{', guessed' if guessed_modality else ''})" if modality else "")
        self.guessed.append(f"'{name}' -> {kind}")
        if modality is not None:
            fields["modality"] = modality.value
            if guessed_modality:
                self.note((*path, "modality"), "modality not stated in the source: guessed, check it")
        return fields

    def hold_processed(self, processed: Mapping[str, list[str]], tool: str, field_name: str) -> None:
        """Data an element processes (`field_name` in `tool`) that no flow brings there starts there.

        It is held (so flows out of it carry something) and discarded after use (processed, not
        stored), so processing is not reported as keeping the data at rest.
        """
        arriving: dict[str, set[str]] = {}
        for flow in self.sections["flows"]:
            arriving.setdefault(flow["target"], set()).update(flow["data"])
        for index, element in enumerate(self.sections["elements"]):
            extra = [
                d
                for d in dict.fromkeys(processed.get(element["id"], []))
                if d not in arriving.get(element["id"], set()) and d not in element.get("holds", [])
            ]
            if extra:
                element["holds"] = [*element.get("holds", []), *extra]
                element["discards"] = [*element.get("discards", []), *extra]
                self.note(
                    ("elements", index, "holds"), f"{field_name} in {tool} that no flow brings here: {', '.join(extra)}"
                )
                self.note(("elements", index, "discards"), f"processed, not stored ({tool}): not kept at rest")

    def summary_line(self) -> str | None:
        """'3 of 12 data items need a category: a, b, c' or None when every item was mapped.

        The names are another tool's text, so control characters are shown escaped, never sent raw.
        """
        if not self.uncategorised:
            return None
        total = len(self.sections["data"])
        names = ", ".join(self.uncategorised)
        return printable(f"{len(self.uncategorised)} of {total} data items need a category: {names}")

    def header_lines(self) -> list[str]:
        """The header of the written model: what was dropped, every guessed category, what needs one."""
        lines = list(self.header)
        if self.empty:
            lines.append(
                f"WARNING: {EMPTY_NOTICE}; biotm validate refuses a model without elements until you add some."
            )
        if self.guessed:
            lines.append(f"Data categories guessed from names and tags (check each): {'; '.join(self.guessed)}")
        summary = self.summary_line()
        if summary:
            lines.append(summary)
        return lines


_SURROGATE = re.compile("[\ud800-\udfff]")


def _clean(text: str) -> str:
    return _SURROGATE.sub("\ufffd", text) if _SURROGATE.search(text) else text


def without_surrogates(data: Any) -> Any:
    """`data` with every lone UTF-16 surrogate (a JSON `"\\udfff"`) replaced by U+FFFD, in keys too.

    No output can encode a lone surrogate, so it is replaced once at the door. Iterative, so deep
    documents cannot exhaust the stack.
    """
    if isinstance(data, str):
        return _clean(data)
    stack, seen = [data], set()
    while stack:
        node = stack.pop()
        if id(node) in seen:  # YAML aliases share nodes
            continue
        seen.add(id(node))
        if isinstance(node, dict):
            for key in list(node):
                value = node[key]
                if isinstance(value, str):
                    value = _clean(value)
                elif isinstance(value, dict | list):
                    stack.append(value)
                if isinstance(key, str) and _SURROGATE.search(key):
                    del node[key]
                    node[_clean(key)] = value
                else:
                    node[key] = value
        elif isinstance(node, list):
            for index, value in enumerate(node):
                if isinstance(value, str):
                    node[index] = _clean(value)
                elif isinstance(value, dict | list):
                    stack.append(value)
    return data


def slug(text: str) -> str:
    """A schema-valid id from free text: lower case, runs of other characters become '-'."""
    cleaned = re.sub(r"<[^>]*>", "", text or "")  # Threagile titles carry HTML tags
    cleaned = re.sub(r"[^a-z0-9_.]+", "-", cleaned.lower()).strip("-_.")
    return cleaned[:100].rstrip("-_.")


def text_of(value: Any) -> str:
    """A value as one line of text ('' for null), for names that may be numbers or missing."""
    if value is None:
        return ""
    return " ".join(str(value).split())


def as_list(value: Any) -> list[Any]:
    """A list for a value that may be null, a scalar or a list (other tools write all three)."""
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def as_mapping(value: Any, source: SourceMap, path: Path, what: str) -> dict[str, Any]:
    """`value` if it is a mapping, {} if null, else a located error."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise located(source, path, f"{what} must be a mapping, not {type_name(value)}")
    return value


def type_name(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if value is None:
        return "null"
    return f"a {type(value).__name__}"


def located(source: SourceMap, path: Path, message: str) -> ModelError:
    line, column = source.mark(path)
    return ModelError([Problem(source.file, line, column, message)])


def mark_of(source: SourceMap, path: Path) -> Mark:
    """Where `path` stands in `source` (the nearest known enclosing node)."""
    return source.mark(path)


def document_pieces(document: dict[str, Any]) -> Iterator[bytes]:
    """`document` as the UTF-8 pieces of its JSON text (that of `export_json`), about 1 MB at a time: a dense
    model's 200 MB document was also held whole as text and as bytes (1.7 GB). Each entry of a top-level list
    is dumped on its own and indented to its depth, which gives the very text of one indented dump.

    pydantic-core's encoder writes what `json.dumps(indent=2, ensure_ascii=False)` writes (but for tiny
    floats' exponents, `1e-7` for `1e-07`) eight times as fast: Python's indenting encoder is pure Python,
    and it took half of a dense model's 14 s export."""

    def dumped(value: object, depth: int) -> bytes:
        return pydantic_core.to_json(value, indent=2).replace(b"\n", b"\n" + b"  " * depth)

    batch: list[bytes] = [b"{"]
    size = 0
    for number, (key, value) in enumerate(document.items()):
        batch.append(b"," if number else b"")
        batch.append(b"\n  " + dumped(key, 0) + b": ")
        if not isinstance(value, list) or not value:
            batch.append(dumped(value, 1))
            continue
        batch.append(b"[")
        for index, entry in enumerate(value):
            text = dumped(entry, 2)
            batch.append((b",\n    " if index else b"\n    ") + text)
            size += len(text)
            if size >= 1 << 20:
                yield b"".join(batch)
                batch, size = [], 0
        batch.append(b"\n  ]")
    batch.append(b"\n}\n" if document else b"}\n")
    yield b"".join(batch)
