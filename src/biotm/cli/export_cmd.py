"""`biotm export`: write a biotm model, with its audit, in another tool's format."""

from __future__ import annotations

import datetime as dt

import click

from biotm.cli.common import load_or_fail, model_options, today_option, write_output
from biotm.interop.otm import document_pieces
from biotm.interop.otm import export as otm_document
from biotm.pipeline import AuditOptions, audit


@click.command("export", short_help="Export a model and its findings to Open Threat Model (OTM) JSON.")
@click.option("--to", "target_format", type=click.Choice(["otm"]), required=True, help="Format to write.")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write here (default: stdout).")
@click.option(
    "--findings/--model-only",
    default=True,
    show_default=True,
    help="Audit the model and export its findings and chains as OTM threats, its controls as mitigations.",
)
@click.option(
    "--plan/--no-plan",
    default=False,
    show_default=True,
    help="Also run the mitigation planner (as `biotm mitigate`; minutes on a model of thousands of elements) "
    "and mark its controls as planned mitigations.",
)
@today_option("Judge acceptance expiry as of this date (YYYY-MM-DD; default: today).")
@model_options
def export(
    target_format: str,
    file: str,
    output: str | None,
    findings: bool,
    plan: bool,
    today: dt.date | None,
    input_format: str,
    max_size_mb: float | None,
) -> None:
    """Export model FILE to OTM (Open Threat Model JSON); biotm-only fields ride in `attributes.biotm`.

    By default the model is audited first and its findings and identity-theft chains are written as
    OTM threats, its present controls as mitigations (with --plan, the controls the mitigation plan adds
    too); importing the file back gives the same model.
    """
    loaded = load_or_fail(file, max_size_mb, input_format)
    result = None
    if findings and loaded.model.elements:
        result = audit(loaded, AuditOptions(today=today or dt.date.today(), plan=plan, groups=False))  # OTM: per place
    document = otm_document(loaded.model, result)
    del result  # the document holds what it needs; the audit's objects go before the writing starts
    write_output(document_pieces(document), output, inputs=[file])
