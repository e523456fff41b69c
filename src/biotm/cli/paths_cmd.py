"""`biotm paths`: the k most likely attack paths per attacker and target data item."""

from __future__ import annotations

import json

import click
from rich.console import Console

from biotm.cli.common import (
    DEFAULT_TEXT_WIDTH,
    InputError,
    chosen_format,
    load_or_fail,
    model_options,
    output_options,
    text_width,
    width_option,
    write_output,
)
from biotm.graph import build_graph
from biotm.model.errors import did_you_mean

FORMATS = ("json", "terminal")


@click.command(short_help="Show the most likely attack paths to each data item.")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--attacker", "attackers", multiple=True, help="Only this attacker id (repeatable).")
@click.option("--target", "targets", multiple=True, help="Only paths to this data item id (repeatable).")
@click.option("-k", "k", type=click.IntRange(min=1, max=50), default=3, show_default=True, help="Paths per pair.")
@output_options(FORMATS, default="terminal", what="paths")
@width_option
@model_options
def paths(
    file: str,
    attackers: tuple[str, ...],
    targets: tuple[str, ...],
    k: int,
    fmt: str | None,
    output: str | None,
    width: int | None,
    max_size_mb: float | None,
    input_format: str,
) -> None:
    """Show the K most likely attack paths from each attacker to each sensitive data item in FILE."""
    from biotm.analysis.attackers import attackers_for
    from biotm.analysis.stage import PATHS_K_PAIRS, analyze_attacks, attack_paths

    fmt = chosen_format(fmt, output, FORMATS, "terminal")
    columns = text_width(width, output)
    loaded = load_or_fail(file, max_size_mb, input_format)
    graph = build_graph(loaded)
    known = {a.id for a in attackers_for(graph)}
    for attacker in attackers:
        if attacker not in known:
            raise InputError(f"{file}: unknown attacker '{attacker}'{did_you_mean(attacker, known)}")
    for target in targets:
        if target not in graph.data:
            raise InputError(f"{file}: unknown data item '{target}'{did_you_mean(target, graph.data)}")
    analysis = analyze_attacks(graph, attackers)
    found = attack_paths(analysis, targets, k, k_pairs=PATHS_K_PAIRS)
    pairs = len({(p.attacker, p.target_data) for p in found})
    if k > 1 and not targets and pairs > PATHS_K_PAIRS:
        analysis.notes.append(
            f"attack paths: {k} paths for each of the {PATHS_K_PAIRS} likeliest of {pairs:,} attacker/data pairs, "
            "the likeliest path for the others (--target ITEM lists k paths to each item named)"
        )
    for note in analysis.notes:  # what was bounded, on stderr so the JSON stays a list of paths
        click.echo(f"biotm: note: {note}", err=True)
    if fmt == "json":
        text = json.dumps([p.model_dump(mode="json") for p in found], indent=2) + "\n"
        write_output(text, output, inputs=[file])
        return
    from biotm.report.terminal import paths_section

    if output is None:
        Console(width=columns).print(paths_section(found))
    else:
        from biotm.report.terminal import render_to_text

        write_output(render_to_text(paths_section(found), columns or DEFAULT_TEXT_WIDTH), output, inputs=[file])
