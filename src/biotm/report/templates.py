"""The Jinja2 environment of the HTML and SVG reports: package templates, autoescaping always on."""

from __future__ import annotations

import functools
from importlib import resources

import jinja2
from markupsafe import Markup, escape

from biotm.report.factor_text import likelihood_text
from biotm.report.view import printable


def _finalize(value: object) -> object:
    """Every value a template prints passes here before escaping: control characters become visible."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return printable_markup(value)
    return value


# Escaped here and cached: a national model prints the same titles and names tens of thousands of
# times. Autoescaping leaves Markup as it is, so the page is the same as escaping each value later.
@functools.lru_cache(maxsize=1 << 16)
def printable_markup(value: str) -> Markup:
    """`value` as every template prints it: control characters made visible, then HTML-escaped."""
    return escape(printable(value))


@functools.cache
def environment() -> jinja2.Environment:
    """Templates under biotm/report/templates; every `{{ }}` is made printable and HTML-escaped unless
    marked safe in the calling module."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("biotm.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=_finalize,
    )
    env.filters["likelihood_text"] = likelihood_text  # a product for attack findings (report/factor_text.py)
    return env


def asset(name: str) -> str:
    """The text of a packaged static file (CSS, JS) under templates/."""
    return resources.files("biotm.report").joinpath("templates", name).read_text(encoding="utf-8")
