"""Report formatters: one module per format, each exposing `render(result) -> str`.

Formats are imported on demand so that start-up stays fast; adding a format is one module plus one
line in FORMATS.
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


def renderer(name: str) -> Renderer:
    """The `render` function of format `name` (a key of FORMATS)."""
    module = importlib.import_module(f"biotm.report.{FORMATS[name]}")
    render: Renderer = module.render
    return render
