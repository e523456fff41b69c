"""`biotm dpia`: a data-protection impact assessment draft (GDPR Art. 35(7), PIPL Art. 56) from a model."""

from __future__ import annotations

import datetime as dt

import click

from biotm.cli.common import InputError, input_format_option, load_or_fail, max_size_option, today_option, write_output

#: Output format by the extension of -o.
EXTENSIONS = {".md": "markdown", ".markdown": "markdown", ".html": "html", ".htm": "html", ".pdf": "pdf"}


@click.command(short_help="Draft a DPIA / PIPIA (Markdown, HTML or PDF).")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("-f", "--format", "fmt", type=click.Choice(["markdown", "html", "pdf"]), default=None,
              help="Draft format (default: from the -o extension, else markdown).")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the draft here (atomically).")
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
    if fmt is None:
        suffix = "." + output.rsplit(".", 1)[-1].lower() if output and "." in output else ""
        if output and output != "-" and suffix not in EXTENSIONS:
            raise InputError(f"{output}: give -f markdown, html or pdf, or an .md, .html or .pdf file name")
        fmt = EXTENSIONS.get(suffix, "markdown")
    from biotm.pipeline import AuditOptions, audit
    from biotm.report import ReportOptions
    from biotm.report import dpia as draft

    loaded = load_or_fail(file, max_size_mb, input_format)
    result = audit(loaded, AuditOptions(today=today or dt.date.today()))
    options = ReportOptions(date=today)
    if fmt == "pdf":
        write_output([draft.render_pdf(result, options)], output, inputs=[file])
    elif fmt == "html":
        write_output(draft.render_html(result, options), output, inputs=[file])
    else:
        write_output(draft.render_markdown(result, options), output, inputs=[file])
