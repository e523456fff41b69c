"""Report formatters: one module per format, each exposing `render(result) -> str` (or bytes for PDF, XLSX).

Formats are imported on demand so that start-up stays fast; adding a format is one module plus one
line in FORMATS. A format that honours ReportOptions (--top, --summary-only, the audit date) also
defines `render_with(result, options)`.
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
    """How much a human-facing report shows: the `top` riskiest finding groups, or only the summary."""

    top: int | None = None
    summary_only: bool = False
    #: The audit date printed on the cover (--today); None prints none, so reports stay byte-identical.
    date: dt.date | None = None

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


def renderer(name: str, options: ReportOptions | None = None) -> Renderer:
    """The `render` function of format `name` (a key of FORMATS), honouring `options` where the format can."""
    module = importlib.import_module(f"biotm.report.{FORMATS[name]}")
    if options is not None and hasattr(module, "render_with"):
        with_options: Renderer = functools.partial(module.render_with, options=options)
        return with_options
    render: Renderer = module.render
    return render
