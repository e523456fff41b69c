"""`biotm diff`: what a change to a model did to its findings and chains, as a CI gate."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import click
from rich.console import Console

from biotm.cli.common import (
    DEFAULT_TEXT_WIDTH,
    EXIT_FINDINGS,
    EXIT_OK,
    FAIL_ON_CHOICES,
    chosen_format,
    load_or_fail,
    model_options,
    output_options,
    text_width,
    today_option,
    width_option,
    write_output,
)
from biotm.cli.diff_audits import BaseAudit
from biotm.cli.progress import progress_bar, wanted
from biotm.diff import compare, regressions
from biotm.pipeline import AuditOptions, audit
from biotm.report.diff_formats import DIFF_FORMATS, print_terminal, render_terminal


@click.command(short_help="Compare the audits of two versions of a model.")
@click.argument("base", type=click.Path(dir_okay=False))
@click.argument("new", type=click.Path(dir_okay=False))
@output_options(DIFF_FORMATS, default="terminal", what="diff")
@width_option
@click.option("--fail-on", type=click.Choice(FAIL_ON_CHOICES), default="high", show_default=True,
              help="Exit 1 if NEW has open findings at or above this severity that BASE did not.")
@today_option("Date acceptances are checked against in both audits (default: today).")
@model_options
def diff(
    base: str,
    new: str,
    fmt: str | None,
    output: str | None,
    width: int | None,
    fail_on: str,
    today: dt.date | None,
    max_size_mb: float | None,
    input_format: str,
) -> None:
    """Compare the audits of model versions BASE and NEW, matching findings by their stable ids.

    Exit codes: 0 no new finding at or above --fail-on, 1 some (new, or raised or reopened to it),
    2 input error. `--fail-on none` never fails.
    """
    fmt = chosen_format(fmt, output, DIFF_FORMATS, "terminal")
    columns = text_width(width, output)
    on = today or dt.date.today()
    show = wanted(base, fmt, output) or wanted(new, fmt, output)
    models = []
    for path in (base, new):
        with progress_bar(show) as step:
            step("loading the model")
            models.append(load_or_fail(path, max_size_mb, input_format))
    options = AuditOptions(today=on, groups=False)
    base_audit = BaseAudit(models[0], models[1], options, run=audit)  # forks before the bar's thread starts
    try:
        with progress_bar(show) as step:  # the bar follows NEW's audit (and BASE's, when it runs here)
            after = audit(models[1], replace(options, progress=step))
            before = base_audit.result(progress=step)
    finally:
        base_audit.close()
    changes = compare(before, after)
    if fmt == "terminal" and output is None:
        print_terminal(changes, Console(width=columns))
    elif fmt == "terminal":
        write_output(render_terminal(changes, columns or DEFAULT_TEXT_WIDTH), output, inputs=[base, new])
    else:
        write_output(DIFF_FORMATS[fmt](changes), output, inputs=[base, new])
    raise SystemExit(EXIT_FINDINGS if regressions(changes, fail_on) else EXIT_OK)
