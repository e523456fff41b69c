"""Report formatters: one module per format, each exposing `render(result) -> str` (or bytes for PDF, XLSX).

Formats are imported on demand so that start-up stays fast; adding a format is one module plus one
line in FORMATS (its file extension is `.<name>` unless EXTENSIONS says otherwise). A format that
honours ReportOptions (--top, --summary-only, the audit date, the width) also defines
`render_with(result, options)`.
"""

from __future__ import annotations

import datetime as dt
import functools
import importlib
from collections.abc import Callable
from dataclasses import dataclass

from biotm.result import AuditResult

Renderer = Callable[[AuditResult], str | bytes]


@dataclass(frozen=True)
class ReportOptions:
    """How much a human-facing report shows: the first `top` finding groups (worst first; None: the first
    `grouping.SHOWN_GROUPS`, 0: all), or only the summary."""

    top: int | None = None
    summary_only: bool = False
    #: The audit date printed on the cover (--today); None prints none, so reports stay byte-identical.
    date: dt.date | None = None
    #: Columns of the plain-text report (--width; 100 when nobody asks for another).
    width: int = 100

#: format name -> module under biotm.report that defines `render(result) -> str`.
FORMATS: dict[str, str] = {
    "terminal": "terminal",
    "json": "json_report",
    "markdown": "markdown",
    "html": "html",
    "sarif": "sarif",
    "csv": "csv_report",
    "pdf": "pdf",
    "xlsx": "xlsx",
}

#: Formats whose report is bytes, not text.
BINARY_FORMATS = frozenset({"pdf", "xlsx"})

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
    "docx": (".docx",),  # the DPIA draft only (`biotm dpia`)
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


def renderer(name: str, options: ReportOptions | None = None) -> Renderer:
    """The `render` function of format `name` (a key of FORMATS), honouring `options` where the format can."""
    module = importlib.import_module(f"biotm.report.{FORMATS[name]}")
    if options is not None and hasattr(module, "render_with"):
        with_options: Renderer = functools.partial(module.render_with, options=options)
        return with_options
    render: Renderer = module.render
    return render
