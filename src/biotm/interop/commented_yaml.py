"""A draft written as a biotm model file: block YAML with the importer's notes as comments."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from biotm.interop.common import Draft
from biotm.model.source import Path
from biotm.report.view import printable
from biotm.yaml_scalar import scalar


def _inline(value: Any) -> str | None:
    """The value on one line if it is a scalar, an empty container or a list of scalars."""
    if isinstance(value, dict):
        return "{}" if not value else None
    if isinstance(value, list):
        if all(not isinstance(v, dict | list) for v in value):
            return "[" + ", ".join(scalar(v) for v in value) + "]"
        return None
    return scalar(value)


def _comment_lines(notes: Mapping[Path, list[str]], path: Path, indent: int) -> list[str]:
    out = []
    for note in notes.get(path, []):
        for line in note.splitlines() or [""]:
            out.append(" " * indent + ("# " + printable(line)).rstrip())
    return out


def _emit(value: Any, path: Path, indent: int, notes: Mapping[Path, list[str]], out: list[str]) -> None:
    pad = " " * indent
    if isinstance(value, dict):
        for key, child in value.items():
            out.extend(_comment_lines(notes, (*path, key), indent))
            inline = _inline(child)
            if inline is not None:
                out.append(f"{pad}{scalar(key)}: {inline}")
            else:
                out.append(f"{pad}{scalar(key)}:")
                _emit(child, (*path, key), indent + 2, notes, out)
        return
    assert isinstance(value, list)
    for index, child in enumerate(value):
        out.extend(_comment_lines(notes, (*path, index), indent))
        inline = _inline(child)
        if inline is not None:
            out.append(f"{pad}- {inline}")
            continue
        nested: list[str] = []
        _emit(child, (*path, index), indent + 2, notes, nested)
        first = next(i for i, line in enumerate(nested) if not line.lstrip().startswith("#"))
        out.extend(nested[:first])
        out.append(f"{pad}- {nested[first][indent + 2 :]}")
        out.extend(nested[first + 1 :])


def emit_yaml(document: Mapping[str, Any], notes: Mapping[Path, list[str]], header: Iterable[str] = ()) -> str:
    """Block-style YAML of `document` with `notes` as comments above the parts they name.

    Deterministic: key order is the document's, scalars are quoted only when YAML would misread them.
    """
    out = [("# " + printable(line)).rstrip() for text in header for line in (text.splitlines() or [""])]
    if out:
        out.append("")
    _emit(dict(document), (), 0, notes, out)
    return "\n".join(out) + "\n"


def write_model(draft: Draft) -> str:
    """The draft as a commented biotm model file."""
    return emit_yaml(draft.document(), draft.notes, draft.header_lines())
