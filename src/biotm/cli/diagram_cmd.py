"""`biotm diagram`: the data-flow diagram of a model as SVG, Graphviz DOT or Mermaid."""

from __future__ import annotations

import datetime as dt

import click

from biotm.cli.common import load_or_fail, max_size_option, write_output
from biotm.pipeline import AuditOptions, audit
from biotm.report import dot, mermaid, svg

DIAGRAM_FORMATS = {"svg": svg.render, "dot": dot.render, "mermaid": mermaid.render}


@click.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("-f", "--format", "fmt", type=click.Choice(sorted(DIAGRAM_FORMATS)), default="svg",
              show_default=True, help="Diagram format.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the diagram here (atomically).")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Date acceptances are checked against (default: today).")
@max_size_option
def diagram(file: str, fmt: str, output: str | None, today: dt.datetime | None, max_size_mb: float) -> None:
    """Draw the data-flow diagram of model FILE: zones as boxes, flows coloured by their worst finding.

    SVG needs nothing else installed; render DOT with Graphviz (`dot -Tsvg`) or paste Mermaid into
    Markdown. Exit 2 on input errors.
    """
    result = audit(load_or_fail(file, max_size_mb), AuditOptions(today=(today.date() if today else dt.date.today())))
    write_output(DIAGRAM_FORMATS[fmt](result), output, inputs=[file])
