"""The Jinja2 environment of the HTML and SVG reports: package templates, autoescaping always on."""

from __future__ import annotations

import functools
from importlib import resources

import jinja2


@functools.cache
def environment() -> jinja2.Environment:
    """Templates under biotm/report/templates; every `{{ }}` is HTML-escaped unless marked safe here."""
    return jinja2.Environment(
        loader=jinja2.PackageLoader("biotm.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def asset(name: str) -> str:
    """The text of a packaged static file (CSS, JS) under templates/."""
    return resources.files("biotm.report").joinpath("templates", name).read_text(encoding="utf-8")
