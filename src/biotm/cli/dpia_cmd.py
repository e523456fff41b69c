"""`biotm dpia`: a data-protection impact assessment draft (GDPR Art. 35(7), PIPL Art. 56) from a model."""

from __future__ import annotations

import datetime as dt

import click

from biotm.cli.common import (
    chosen_format,
    input_format_option,
    load_or_fail,
    max_size_option,
    output_options,
    today_option,
    write_output,
)

#: Draft formats; `-o`'s extension picks one when -f is not given, as for every command.
DRAFT_FORMATS = ("markdown", "html", "pdf", "docx")


@click.command(short_help="Draft a DPIA / PIPIA (Markdown, HTML, PDF or Word).")
@click.argument("file", type=click.Path(dir_okay=False))
@output_options(DRAFT_FORMATS, default="markdown", what="draft")
@today_option("Date of the assessment and of acceptance checks (default: today; printed only when given).")
@max_size_option
@input_format_option
def dpia(
    file: str, fmt: str | None, output: str | None, today: dt.date | None, max_size_mb: float | None, input_format: str
) -> None:
    """Draft the impact assessment of model FILE, with the sections the laws its findings cite require.

    Places the model cannot fill (lawful basis, data subjects' views, the DPO's advice, sign-off) are
    marked TO COMPLETE. Exit 2 on input errors.
    """
    fmt = chosen_format(fmt, output, DRAFT_FORMATS, "markdown")
    from biotm.pipeline import AuditOptions, audit
    from biotm.report import ReportOptions
    from biotm.report import dpia as draft

    loaded = load_or_fail(file, max_size_mb, input_format)
    result = audit(loaded, AuditOptions(today=today or dt.date.today()))
    options = ReportOptions(date=today)
    if fmt == "pdf":
        write_output([draft.render_pdf(result, options)], output, inputs=[file])
    elif fmt == "docx":
        write_output([draft.render_docx(result, options)], output, inputs=[file])
    elif fmt == "html":
        write_output(draft.render_html(result, options), output, inputs=[file])
    else:
        write_output(draft.render_markdown(result, options), output, inputs=[file])
