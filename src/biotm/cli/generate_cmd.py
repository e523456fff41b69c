"""`biotm generate`: write a synthetic national-scale model, or convert a benchmark topology."""

from __future__ import annotations

import click

from biotm.cli.common import InputError, file_size_option, write_output
from biotm.escaping import terminal
from biotm.generate import MIN_ELEMENTS  # stdlib-only module: cheap at start-up

#: 10x the national-scale target: ~4 GB of memory and ~530 MB of YAML. Beyond it a typo (one zero too many)
#: ran until the machine ran out of memory instead of failing at once.
MAX_ELEMENTS = 1_000_000


@click.command(short_help="Write a synthetic national-scale model.")
@click.option("-n", "--elements", type=click.IntRange(min=MIN_ELEMENTS, max=MAX_ELEMENTS),
              help=f"Number of elements of the national model ({MIN_ELEMENTS:,} to {MAX_ELEMENTS:,}).")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed for the controls each place gets.")
@click.option(
    "--replicated",
    is_flag=True,
    help="Write each region's alike shops as one shop standing for all of them (instances): the same national "
    "system in about 1,400 elements, whatever --elements.",
)
@click.option(
    "--from-topology",
    "topology",
    type=click.Path(dir_okay=False),
    help="Convert this biotm-bench-topology/1 JSON file (from the pytm benchmark harness) instead.",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write here (.json for JSON, else YAML).")
@file_size_option
def generate(
    elements: int | None,
    seed: int,
    replicated: bool,
    topology: str | None,
    output: str | None,
    max_size_mb: float | None,
) -> None:
    """Write a synthetic national SIM-registration model of --elements elements (same seed, same model);
    with --replicated, the same system with alike shops written as one (a national model in ~1,400 elements).

    With --from-topology, write the biotm model of a neutral benchmark topology instead, so biotm and
    pytm can be timed on identical graphs. See docs/generate.md.
    """
    from biotm import generate as gen

    if (elements is None) == (topology is None):
        raise click.UsageError("give exactly one of --elements and --from-topology")
    if replicated and topology is not None:
        raise click.UsageError("--replicated applies to the national model (--elements), not to --from-topology")
    if topology is not None:
        from biotm.cli.common import limits_for
        from biotm.model import ModelError
        from biotm.model.loader import read_bounded
        from biotm.model.parse import decode, parse_json

        # The model loader's reader: the size limit holds for pipes and devices too (/dev/zero), and
        # bad bytes, depth and syntax get one located line.
        try:
            limits = limits_for(max_size_mb)
            document, _source = parse_json(decode(read_bounded(topology, limits), topology), topology, limits)
        except ModelError as exc:
            raise InputError(str(exc)) from None
        try:
            model = gen.from_topology(document)
        except KeyError as exc:
            raise InputError(f"{topology}: not a usable {gen.TOPOLOGY_FORMAT} document: missing key {exc}") from None
        except (ValueError, TypeError, AttributeError, IndexError) as exc:
            # a field of the wrong type surfaces as whichever error the conversion hits first
            raise InputError(f"{topology}: not a usable {gen.TOPOLOGY_FORMAT} document: {exc}") from None
    else:
        assert elements is not None
        try:
            model = gen.national_model(elements, seed, replicated=replicated)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--elements") from None
    text = gen.dump(model, output)
    write_output(text, output, inputs=[topology] if topology else [])
    note = gen.analyze_note(model, text, output)
    if note is not None and elements is not None and not replicated:
        small = gen.national_model(elements, seed, replicated=True)
        if gen.analyze_note(small, gen.dump(small, output), output) is None:  # said only when it is so
            written = len(small["elements"])
            note += f"; or write the same shops small with --replicated ({written:,} elements, within the defaults)"
    if note is not None:  # a model analyze would refuse as written: say how to make it fit, not after the fact
        click.echo(f"note: {terminal(note)}", err=True)
