"""Report formatters: one module per format, each exposing `render(result) -> str`.

Formats are imported on demand so that start-up stays fast; adding a format is one module plus one
line in FORMATS (its file extension is `.<name>` unless EXTENSIONS says otherwise).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from biotm.result import AuditResult

Renderer = Callable[[AuditResult], str]

#: format name -> module under biotm.report that defines `render(result) -> str`.
FORMATS: dict[str, str] = {
    "terminal": "terminal",
    "json": "json_report",
    "markdown": "markdown",
    "html": "html",
    "sarif": "sarif",
    "csv": "csv_report",
}


#: File extensions of the formats not written as `.<name>`, the usual one first. `-o FILE` picks the format
#: from these when `-f` is not given; the diagram formats (dot, mermaid, svg) are listed here too.
EXTENSIONS: dict[str, tuple[str, ...]] = {
    "terminal": (".txt",),
    "markdown": (".md", ".markdown"),
    "html": (".html", ".htm"),
    "sarif": (".sarif", ".sarif.json"),
    "dot": (".dot", ".gv"),
    "mermaid": (".mmd", ".mermaid"),
    "svg": (".svg",),
}


def extensions(name: str) -> tuple[str, ...]:
    """The file extensions of format `name`."""
    return EXTENSIONS.get(name, (f".{name}",))


def format_of_file(path: str) -> str | None:
    """The format a file name asks for by its extension (the longest that matches), or None."""
    lowered = path.lower()
    matches = [(len(ext), name) for name in sorted({*FORMATS, *EXTENSIONS}) for ext in extensions(name)
               if lowered.endswith(ext) and len(lowered) > len(ext)]
    return max(matches)[1] if matches else None


def renderer(name: str) -> Renderer:
    """The `render` function of format `name` (a key of FORMATS)."""
    module = importlib.import_module(f"biotm.report.{FORMATS[name]}")
    render: Renderer = module.render
    return render
