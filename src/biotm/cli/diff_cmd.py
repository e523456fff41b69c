"""`biotm diff`: what a change to a model did to its findings and chains, as a CI gate."""

from __future__ import annotations

import datetime as dt

import click
from rich.console import Console

from biotm.cli.common import EXIT_FINDINGS, EXIT_OK, FAIL_ON_CHOICES, load_or_fail, max_size_option, write_output
from biotm.diff import compare, regressions
from biotm.pipeline import AuditOptions, audit
from biotm.report.diff_formats import DIFF_FORMATS, print_terminal


@click.command()
@click.argument("base", type=click.Path(dir_okay=False))
@click.argument("new", type=click.Path(dir_okay=False))
@click.option("-f", "--format", "fmt", type=click.Choice(sorted(DIFF_FORMATS)), default="terminal",
              show_default=True, help="Output format.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the diff here (atomically).")
@click.option("--fail-on", type=click.Choice(FAIL_ON_CHOICES), default="high", show_default=True,
              help="Exit 1 if NEW has open findings at or above this severity that BASE did not.")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Date acceptances are checked against in both audits (default: today).")
@max_size_option
def diff(
    base: str, new: str, fmt: str, output: str | None, fail_on: str, today: dt.datetime | None, max_size_mb: float
) -> None:
    """Compare the audits of model versions BASE and NEW, matching findings by their stable ids.

    Exit codes: 0 no new finding at or above --fail-on, 1 some (new, or raised or reopened to it),
    2 input error. `--fail-on none` never fails.
    """
    options = AuditOptions(today=(today.date() if today else dt.date.today()))
    before = audit(load_or_fail(base, max_size_mb), options)
    after = audit(load_or_fail(new, max_size_mb), options)
    changes = compare(before, after)
    if fmt == "terminal" and output is None:
        print_terminal(changes, Console())
    else:
        write_output(DIFF_FORMATS[fmt](changes), output, inputs=[base, new])
    raise SystemExit(EXIT_FINDINGS if regressions(changes, fail_on) else EXIT_OK)
