"""`biotm mitigate`: a ranked, costed plan of controls to add."""

from __future__ import annotations

import datetime as dt

import click
from rich.console import Console

from biotm.cli.common import (
    DEFAULT_TEXT_WIDTH,
    chosen_format,
    load_or_fail,
    model_options,
    output_options,
    text_width,
    today_option,
    width_option,
    write_output,
)
from biotm.pipeline import AuditOptions, audit

#: Enough for every candidate of the scenarios (at most ~120); the plan says when some were left out.
DEFAULT_CANDIDATES = 200
FORMATS = ("json", "terminal")


@click.command(short_help="Rank controls to add by risk removed per person-day.")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--budget", "budget", type=click.FloatRange(min=0), default=None, help="Person-days to spend at most.")
@output_options(FORMATS, default="terminal", what="plan")
@width_option
@today_option()
@click.option(
    "--max-candidates",
    type=click.IntRange(min=1),
    default=DEFAULT_CANDIDATES,
    show_default=True,
    help="Re-analyse at most this many candidate controls, those with the highest estimated gain per "
    "person-day (each costs one whole audit; a national model has thousands).",
)
@model_options
def mitigate(
    file: str,
    budget: float | None,
    fmt: str | None,
    output: str | None,
    width: int | None,
    today: dt.date | None,
    max_candidates: int,
    max_size_mb: float,
    input_format: str,
) -> None:
    """Rank controls to add to FILE by risk removed per person-day, within --budget DAYS."""
    fmt = chosen_format(fmt, output, FORMATS, "terminal")
    columns = text_width(width, output)
    loaded = load_or_fail(file, max_size_mb, input_format)
    options = AuditOptions(
        budget_days=budget, plan=True, plan_candidates=max_candidates, today=today or dt.date.today()
    )
    result = audit(loaded, options)
    assert result.plan is not None
    from biotm.report.terminal import plan_section, render_to_text

    if fmt == "json":
        write_output(result.plan.model_dump_json(indent=2) + "\n", output, inputs=[file])
    elif output is None:
        Console(width=columns).print(plan_section(result))
    else:
        write_output(render_to_text(plan_section(result), columns or DEFAULT_TEXT_WIDTH), output, inputs=[file])
