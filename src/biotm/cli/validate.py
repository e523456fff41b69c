"""`biotm validate`: check model files, one located line per problem."""

from __future__ import annotations

import click

from biotm.cli.common import EXIT_INPUT, limits_for, model_options
from biotm.escaping import terminal
from biotm.interop import load_any
from biotm.model import ModelError


@click.command(short_help="Check model files; one located line per problem.")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--quiet", "-q", is_flag=True, help="Print only problems.")
@model_options
def validate(files: tuple[str, ...], quiet: bool, max_size_mb: float | None, input_format: str) -> None:
    """Check that model FILES are valid: exit 0 if all are, 2 if any is not.

    Every problem is printed as `path:line:col: message`.
    """
    failed = False
    for path in files:
        try:
            limits = limits_for(max_size_mb)
            loaded = load_any(path, input_format, limits, notify=lambda line: click.echo(line, err=True))
        except ModelError as exc:
            failed = True
            click.echo(str(exc), err=True)
            continue
        if not quiet:
            m = loaded.model
            counts = f"{len(m.elements)} elements, {len(m.flows)} flows, {len(m.data)} data items"
            click.echo(f"{terminal(path)}: ok ({counts})")
    if failed:
        raise SystemExit(EXIT_INPUT)
