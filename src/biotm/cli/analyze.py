"""`biotm analyze`: audit one model and render the result."""

from __future__ import annotations

import datetime as dt

import click
from rich.console import Console

from biotm.analysis.whatif import WhatIfError
from biotm.cli.common import FAIL_ON_CHOICES, InputError, gate, load_or_fail, max_size_option, write_output
from biotm.pipeline import AuditOptions, audit
from biotm.report import FORMATS, renderer


@click.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(sorted(FORMATS)),
    default="terminal",
    show_default=True,
    help="Report format.",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the report here (atomically).")
@click.option(
    "--fail-on",
    type=click.Choice(FAIL_ON_CHOICES),
    default="high",
    show_default=True,
    help="Exit 1 if an open finding is at or above this severity.",
)
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Date acceptances are checked against (default: today).",
)
@click.option(
    "--with-control",
    "with_controls",
    multiple=True,
    metavar="PLACE:CONTROL",
    help="Analyse as if this control were at this element or flow (repeatable); shows the change per finding.",
)
@click.option("--budget", type=click.FloatRange(min=0), default=None, help="Plan mitigations within DAYS person-days.")
@max_size_option
def analyze(
    file: str,
    fmt: str,
    output: str | None,
    fail_on: str,
    today: dt.datetime | None,
    with_controls: tuple[str, ...],
    budget: float | None,
    max_size_mb: float,
) -> None:
    """Audit model FILE for biometric leak and identity-theft risk.

    Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it, 2 input error.
    """
    loaded = load_or_fail(file, max_size_mb)
    options = AuditOptions(
        today=(today.date() if today else dt.date.today()), with_controls=with_controls, budget_days=budget
    )
    try:
        result = audit(loaded, options)
    except WhatIfError as exc:
        raise InputError(f"{file}: {exc}") from None
    if fmt == "terminal" and output is None:
        from biotm.report.terminal import print_report

        print_report(result, Console())
    else:
        write_output(renderer(fmt)(result), output, inputs=[file])
    raise SystemExit(gate(result, fail_on))
