"""`biotm mitigate`: a ranked, costed plan of controls to add (the plan `analyze --budget` gives)."""

from __future__ import annotations

import datetime as dt

import click
from rich.console import Console

from biotm.cli.common import (
    DEFAULT_TEXT_WIDTH,
    budget_option,
    chosen_format,
    load_or_fail,
    model_options,
    output_options,
    text_width,
    today_option,
    width_option,
    write_output,
)
from biotm.cli.progress import progress_bar, wanted
from biotm.pipeline import AuditOptions, audit

FORMATS = ("json", "terminal")


@click.command(short_help="Rank controls to add by risk removed per person-day.")
@click.argument("file", type=click.Path(dir_okay=False))
@budget_option("Person-days to spend at most.")
@output_options(FORMATS, default="terminal", what="plan")
@width_option
@today_option()
@click.option(
    "--max-items",
    type=click.IntRange(min=1, max=10_000),
    default=AuditOptions().plan_items,
    show_default=True,
    help="List at most this many items (the plan says when it stopped here).",
)
@click.option(
    "--plan-work",
    type=click.IntRange(min=0),
    default=AuditOptions().plan_work,
    show_default=True,
    help="Attack-stage work the plan may spend, in places re-analysed (the model's elements and flows per "
    "re-run; the audit and the plan's set-up count as 9 re-runs); candidates beyond it are left out and the "
    "plan says so. 0: no bound.",
)
@model_options
def mitigate(
    file: str,
    budget: float | None,
    fmt: str | None,
    output: str | None,
    width: int | None,
    today: dt.date | None,
    max_items: int,
    plan_work: int,
    max_size_mb: float | None,
    input_format: str,
) -> None:
    """Rank controls to add to FILE by risk removed per person-day, within --budget DAYS."""
    fmt = chosen_format(fmt, output, FORMATS, "terminal")
    columns = text_width(width, output)
    with progress_bar(wanted(file, fmt, output)) as step:
        step("loading the model")
        loaded = load_or_fail(file, max_size_mb, input_format)
        options = AuditOptions(
            budget_days=budget,
            plan=True,
            plan_items=max_items,
            plan_work=plan_work or None,
            today=today or dt.date.today(),
            progress=step,
        )
        result = audit(loaded, options)
    assert result.plan is not None
    from biotm.report.terminal import render_to_text
    from biotm.report.terminal_plan import plan_section

    if fmt == "json":
        write_output(result.plan.model_dump_json(indent=2) + "\n", output, inputs=[file])
    elif output is None:
        Console(width=columns).print(plan_section(result))
    else:
        write_output(render_to_text(plan_section(result), columns or DEFAULT_TEXT_WIDTH), output, inputs=[file])
