"""`biotm analyze`: audit one model and render the result."""

from __future__ import annotations

import datetime as dt
import io

import click

from biotm.cli.common import (
    DEFAULT_TEXT_WIDTH,
    FAIL_ON_CHOICES,
    InputError,
    Pieces,
    budget_option,
    chosen_format,
    gate,
    load_or_fail,
    model_options,
    output_options,
    text_width,
    today_option,
    width_option,
    write_output,
)
from biotm.cli.progress import progress_bar
from biotm.cli.progress import wanted as progress_wanted
from biotm.pipeline import AuditOptions, audit
from biotm.report import FORMATS, ReportOptions, renderer


@click.command()
@click.argument("file", type=click.Path(dir_okay=False))
@output_options(FORMATS, default="terminal")
@width_option
@click.option(
    "--fail-on",
    type=click.Choice(FAIL_ON_CHOICES),
    default="high",
    show_default=True,
    help="Exit 1 if an open finding is at or above this severity.",
)
@today_option()
@click.option(
    "--with-control",
    "with_controls",
    multiple=True,
    metavar="PLACE:CONTROL",
    help="Analyse as if this control were at this element or flow (repeatable); shows the change per finding.",
)
@budget_option("Plan mitigations within DAYS person-days (the same plan as `biotm mitigate --budget DAYS`).")
@click.option(
    "--rules",
    "rules",
    multiple=True,
    help="Run only these rules: ids, families or categories (STRIDE, BIO), comma-separated.",
)
@click.option("--skip-rules", multiple=True, help="Skip these rules: ids, families or categories, comma-separated.")
@click.option("--regulation", help="Also list findings grouped by article of this law (PIPL, GDPR, BIPA, …).")
@click.option("--top", type=click.IntRange(min=0), default=None, metavar="N",
              help="Human-facing formats (terminal, Markdown, HTML, PDF) show only the first N finding groups, worst "
                   "severity then risk first; 0 shows every group (JSON, SARIF, CSV, XLSX keep all) [default: 300].")
@click.option("--summary-only", is_flag=True, help="Human-facing formats show the cover and summary only.")
@model_options
def analyze(
    file: str,
    fmt: str | None,
    output: str | None,
    width: int | None,
    fail_on: str,
    today: dt.date | None,
    rules: tuple[str, ...],
    skip_rules: tuple[str, ...],
    regulation: str | None,
    with_controls: tuple[str, ...],
    budget: float | None,
    top: int | None,
    summary_only: bool,
    max_size_mb: float | None,
    input_format: str,
) -> None:
    """Audit model FILE for biometric leak and identity-theft risk.

    Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it, 2 input error.
    """
    fmt = chosen_format(fmt, output, FORMATS, "terminal")
    columns = text_width(width, output)
    if regulation and fmt != "terminal":
        # it was silently dropped: the other formats list each finding's regulations instead
        raise click.UsageError(
            f"--regulation groups the terminal report only; -f {fmt} lists every finding's regulations"
        )
    law = _check_selection(rules, skip_rules, regulation)
    report_options = ReportOptions(top=top, summary_only=summary_only, date=today, width=columns or DEFAULT_TEXT_WIDTH)
    with progress_bar(progress_wanted(file, fmt, output)) as step:
        step("loading the model")
        loaded = load_or_fail(file, max_size_mb, input_format)
        today_date = today or dt.date.today()
        options = AuditOptions(
            today=today_date,
            rules=rules,
            skip_rules=skip_rules,
            progress=step,
            with_controls=with_controls,
            budget_days=budget,
        )
        from biotm.analysis.whatif import WhatIfError

        try:
            result = audit(loaded, options)
        except WhatIfError as exc:
            raise InputError(f"{file}: {exc}") from None
        step("writing the report")
        report: str | Pieces = ""
        if fmt == "json":
            from biotm.report.json_report import chunks

            report = chunks(result)  # serialised while it is written: the whole report never sits in memory
        elif not (fmt == "terminal" and output is None):
            rendered = renderer(fmt, report_options)(result)
            report = [rendered] if isinstance(rendered, bytes) else rendered
    if fmt == "terminal":
        # rich and the terminal report are imported only for the terminal format
        from rich.console import Console

        from biotm.cli.rules_cmd import regulation_view
        from biotm.report.terminal import print_report
    if fmt == "terminal" and output is None:
        console = Console(width=columns)
        print_report(result, console, report_options)
        if law:
            console.print(regulation_view(result, law))
    else:
        if law and fmt == "terminal":
            buffer = io.StringIO()
            console = Console(file=buffer, width=columns or DEFAULT_TEXT_WIDTH, color_system=None)
            console.print(regulation_view(result, law))
            report = f"{report}{buffer.getvalue()}"
        write_output(report, output, inputs=[file])
    raise SystemExit(gate(result, fail_on))


def _check_selection(rules: tuple[str, ...], skip_rules: tuple[str, ...], regulation: str | None) -> str | None:
    """Fail with exit 2 on an unknown rule token or law; return the law key to group by."""
    from biotm.regulations import resolve_law
    from biotm.rules import RuleSelectionError, check_tokens

    try:
        check_tokens(rules)
        check_tokens(skip_rules)
        return resolve_law(regulation) if regulation else None
    except (RuleSelectionError, ValueError) as exc:
        raise InputError(f"biotm analyze: {exc}") from None
