"""`biotm export`: write a biotm model in another tool's format."""

from __future__ import annotations

import click

from biotm.cli.common import load_or_fail, model_options, write_output
from biotm.interop.otm import export_json


@click.command("export", short_help="Export a model to Open Threat Model (OTM) JSON.")
@click.option("--to", "target_format", type=click.Choice(["otm"]), required=True, help="Format to write.")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write here (default: stdout).")
@model_options
def export(target_format: str, file: str, output: str | None, input_format: str, max_size_mb: float) -> None:
    """Export model FILE to OTM (Open Threat Model JSON); biotm-only fields ride in `attributes.biotm`."""
    loaded = load_or_fail(file, max_size_mb, input_format)
    write_output(export_json(loaded.model), output, inputs=[file])
