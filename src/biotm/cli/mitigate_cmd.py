"""`biotm mitigate`: a ranked, costed plan of controls to add (the plan `analyze --budget` gives)."""

from __future__ import annotations

import datetime as dt

import click

from biotm.cli.common import (
    budget_option,
    input_format_option,
    load_or_fail,
    max_size_option,
    today_option,
    write_output,
)
from biotm.cli.progress import progress_bar, wanted
from biotm.pipeline import AuditOptions, audit


@click.command(short_help="Rank controls to add by risk removed per person-day.")
@click.argument("file", type=click.Path(dir_okay=False))
@budget_option("Person-days to spend at most.")
@click.option("-f", "--format", "fmt", type=click.Choice(["terminal", "json"]), default="terminal", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write here instead of stdout.")
@click.option(
    "--max-items",
    type=click.IntRange(min=1, max=10_000),
    default=AuditOptions().plan_items,
    show_default=True,
    help="List at most this many items (the plan says when it stopped here).",
)
@today_option("Date acceptances are checked against (default: today).")
@max_size_option
@input_format_option
def mitigate(
    file: str,
    budget: float | None,
    fmt: str,
    output: str | None,
    max_items: int,
    today: dt.date | None,
    max_size_mb: float,
    input_format: str,
) -> None:
    """Rank controls to add to FILE by risk removed per person-day, within --budget DAYS."""
    with progress_bar(wanted(file, fmt, output)) as step:
        step("loading the model")
        loaded = load_or_fail(file, max_size_mb, input_format)
        options = AuditOptions(
            budget_days=budget, plan=True, plan_items=max_items, today=today or dt.date.today(), progress=step
        )
        result = audit(loaded, options)
    assert result.plan is not None
    from rich.console import Console

    from biotm.report.terminal import plan_section, render_to_text

    if fmt == "json":
        write_output(result.plan.model_dump_json(indent=2) + "\n", output, inputs=[file])
    elif output is None:
        Console().print(plan_section(result))
    else:
        write_output(render_to_text(plan_section(result)), output, inputs=[file])
