"""`biotm mitigate`: a ranked, costed plan of controls to add."""

from __future__ import annotations

import datetime as dt

import click
from rich.console import Console

from biotm.cli.common import load_or_fail, max_size_option, write_output
from biotm.pipeline import AuditOptions, audit


@click.command(short_help="Rank controls to add by risk removed per person-day.")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--budget", "budget", type=click.FloatRange(min=0), default=None, help="Person-days to spend at most.")
@click.option("-f", "--format", "fmt", type=click.Choice(["terminal", "json"]), default="terminal", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write here instead of stdout.")
@max_size_option
def mitigate(file: str, budget: float | None, fmt: str, output: str | None, max_size_mb: float) -> None:
    """Rank controls to add to FILE by risk removed per person-day, within --budget DAYS."""
    loaded = load_or_fail(file, max_size_mb)
    result = audit(loaded, AuditOptions(budget_days=budget, plan=True, today=dt.date.today()))
    assert result.plan is not None
    from biotm.report.terminal import plan_section, render_to_text

    if fmt == "json":
        write_output(result.plan.model_dump_json(indent=2) + "\n", output, inputs=[file])
    elif output is None:
        Console().print(plan_section(result))
    else:
        write_output(render_to_text(plan_section(result)), output, inputs=[file])
