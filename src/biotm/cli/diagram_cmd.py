"""`biotm diagram`: the data-flow diagram of a model as SVG, Graphviz DOT or Mermaid."""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable

import click

from biotm.cli.common import chosen_format, load_or_fail, model_options, output_options, today_option, write_output
from biotm.cli.progress import progress_bar, wanted
from biotm.pipeline import AuditOptions, audit
from biotm.result import AuditResult

#: Diagram formats, each a module under biotm.report with `render(result) -> str`; imported only when a
#: diagram is drawn, so networkx and Jinja2 stay off every command's start-up.
DIAGRAM_FORMATS = ("dot", "mermaid", "svg")


@click.command(short_help="Draw the data-flow diagram (SVG, DOT, Mermaid).")
@click.argument("file", type=click.Path(dir_okay=False))
@output_options(DIAGRAM_FORMATS, default="svg", what="diagram")
# 150 is report.diagram.LARGE_MODEL, written out: importing it would load the report code at start-up
@click.option("--full", is_flag=True, help="Draw every element even on a large model (more than 150 elements) "
              "instead of the zone overview; slow, and unreadable at thousands.")
@today_option()
@model_options
def diagram(
    file: str, fmt: str | None, output: str | None, full: bool, today: dt.date | None, max_size_mb: float | None,
    input_format: str,
) -> None:
    """Draw the data-flow diagram of model FILE: zones as boxes, flows coloured by their worst finding.

    SVG needs nothing else installed; render DOT with Graphviz (`dot -Tsvg`) or paste Mermaid into
    Markdown. A model of more than 150 elements is drawn as a zone overview (zones as boxes, alike zones
    folded, flows between them counted) unless --full. Exit 2 on input errors.
    """
    fmt = chosen_format(fmt, output, DIAGRAM_FORMATS, "svg")
    with progress_bar(wanted(file, fmt, output)) as step:
        step("loading the model")
        loaded = load_or_fail(file, max_size_mb, input_format)
        result = audit(loaded, AuditOptions(today=(today or dt.date.today()), progress=step))
        step("writing the report")
        render: Callable[[AuditResult, bool], str] = importlib.import_module(f"biotm.report.{fmt}").render
        text = render(result, full)
    write_output(text, output, inputs=[file])
