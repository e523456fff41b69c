"""Importers and exporters for other threat-modeling tools' formats.

Each importer is one module under `biotm.interop` defining `detect(data) -> bool` (does this parsed
document look like my format?) and `convert(data, source, limits) -> Draft`; adding a format is one
module plus one line in IMPORTERS. `load_any` is what `analyze` and `validate` call.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path as FsPath
from typing import Any

from biotm.interop.common import Draft, without_surrogates
from biotm.model.errors import ModelError, Problem
from biotm.model.loader import LoadedModel, read_bounded, validate_data
from biotm.model.parse import Limits, decode, parse_json, parse_text
from biotm.model.schema import Model
from biotm.model.source import SourceMap
from biotm.report.view import printable

#: format name -> module under biotm.interop defining `detect` and `convert`.
IMPORTERS: dict[str, str] = {
    "threat-dragon": "threat_dragon",
    "threagile": "threagile",
    "otm": "otm",
}

INPUT_FORMATS = ("auto", "biotm", *IMPORTERS)

Convert = Callable[[Any, SourceMap, Limits], Draft]


def _module(name: str) -> Any:
    return importlib.import_module(f"biotm.interop.{IMPORTERS[name]}")


#: Sections only a biotm model has; `threats`, `data` and `settings` are shared with other formats.
_BIOTM_KEYS = frozenset({"biotm", "meta", "zones", "elements", "flows"}) & frozenset(Model.model_fields)

#: Formats biotm does not read, by their own markers, for a helpful "unknown format" message.
_FOREIGN: tuple[tuple[str, frozenset[str]], ...] = (
    ("an OWASP Threat Model Library (TMBOM) file", frozenset({"threat_personas", "data_flows", "trust_zones"})),
    ("a Microsoft Threat Modeling Tool file (convert it to OTM first)", frozenset({"ThreatModel", "KnowledgeBase"})),
    ("a pytm model output", frozenset({"tm", "dataflows", "boundaries"})),
)


def _looks_like_biotm(data: dict[str, Any], others: list[str]) -> bool:
    """A document no importer claims is read as biotm if it has a biotm-only section (so its errors are biotm's)."""
    if "biotm" in data:
        return True
    return not others and bool(_BIOTM_KEYS & set(data))


def _looks_like(data: dict[str, Any]) -> str:
    keys = set(data)
    for name, markers in _FOREIGN:
        if len(markers & keys) >= 2:
            return f"looks like {name}, which biotm does not import"
    shown = ", ".join(sorted(str(k) for k in keys)[:6])
    return f"top-level keys {shown}" if shown else "an empty mapping"


def detect_format(data: Any) -> list[str]:
    """Every format the parsed document could be, sorted; one entry means the format is clear."""
    if not isinstance(data, dict):
        return []
    found = [name for name in IMPORTERS if _module(name).detect(data)]
    if _looks_like_biotm(data, found):
        found.append("biotm")
    return sorted(found)


def parse_file(path: str, limits: Limits) -> tuple[Any, SourceMap]:
    """Bounded read and safe parse of any supported file, with located syntax errors."""
    raw = read_bounded(path, limits)
    text = decode(raw, path)
    suffix = FsPath(path).suffix.lower()
    if suffix == ".json" or (suffix not in (".yaml", ".yml") and text.lstrip().startswith("{")):
        return parse_json(text, path, limits)
    return parse_text(text, path, limits)


def choose_format(data: Any, path: str, input_format: str) -> str:
    """The format to read `path` as: `input_format`, or the detected one when it is 'auto'."""
    if input_format != "auto":
        if input_format != "biotm" and input_format not in IMPORTERS:
            raise ModelError([Problem(path, 1, 1, f"unknown input format '{input_format}'")])
        return input_format
    found = detect_format(data)
    if len(found) == 1:
        return found[0]
    if not isinstance(data, dict):
        return "biotm"  # no format has a list or a scalar at the top: biotm's loader explains what is wrong
    if not found:
        message = (
            f"unknown format: {printable(_looks_like(data))}; biotm reads biotm, Threat Dragon, Threagile and OTM "
            "models (pass --input-format if this is one of them)"
        )
    else:
        message = f"the format is ambiguous (could be {' or '.join(found)}); pass --input-format"
    raise ModelError([Problem(path, 1, 1, message)])


def import_draft(path: str, input_format: str, limits: Limits | None = None) -> Draft:
    """Read another tool's model file into a Draft (for `biotm import`)."""
    limits = limits or Limits()
    data, source = parse_file(path, limits)
    fmt = choose_format(data, path, input_format)
    data = without_surrogates(data)
    if fmt == "biotm":
        raise ModelError([Problem(path, 1, 1, "this is already a biotm model; nothing to import")])
    convert: Convert = _module(fmt).convert
    return convert(data, source, limits)


def load_any(
    path: str, input_format: str = "auto", limits: Limits | None = None, notify: Callable[[str], None] | None = None
) -> LoadedModel:
    """Load a biotm model or another tool's model; other formats are located in their own file.

    `notify` receives the one-line summary of imported data items that need a category, if any.
    """
    limits = limits or Limits()
    data, source = parse_file(path, limits)
    fmt = choose_format(data, path, input_format)
    if fmt == "biotm":
        return validate_data(data, source, limits)
    convert: Convert = _module(fmt).convert
    draft = convert(without_surrogates(data), source, limits)
    loaded = draft.loaded(limits)
    if notify is not None:
        for line in draft.notices():
            notify(f"{printable(path)}: {line}")
    return loaded


__all__ = ["IMPORTERS", "INPUT_FORMATS", "Draft", "choose_format", "detect_format", "import_draft", "load_any"]
