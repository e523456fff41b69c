"""`biotm import`: turn another tool's model into a commented biotm model file."""

from __future__ import annotations

import click

from biotm.cli.common import InputError, limits_for, max_size_option, write_output
from biotm.interop import IMPORTERS, import_draft
from biotm.interop.commented_yaml import write_model
from biotm.model import ModelError


@click.command("import", short_help="Import a Threat Dragon, Threagile or OTM model.")
@click.option(
    "--from",
    "source_format",
    type=click.Choice(["auto", *IMPORTERS]),
    default="auto",
    show_default=True,
    help="Format of the input file (auto-detected when unambiguous).",
)
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the biotm model here (default: stdout).")
@max_size_option
def import_(source_format: str, file: str, output: str | None, max_size_mb: float | None) -> None:
    """Import a Threat Dragon, Threagile or OTM model FILE as a biotm model.

    Guesses and losses are written as comments in the model; a summary of data items that need a
    category goes to stderr. Exit 2 on bad input.
    """
    try:
        limits = limits_for(max_size_mb)
        draft = import_draft(file, source_format, limits)
        draft.loaded(limits)  # the written file must be a valid model: check before writing it
    except ModelError as exc:
        raise InputError(str(exc)) from None
    write_output(write_model(draft), output, inputs=[file])
    for line in draft.notices():
        click.echo(line, err=True)
