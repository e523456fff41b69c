"""`biotm schema`: the JSON Schema of model files, for editors and other tools."""

from __future__ import annotations

import json

import click

from biotm.cli.common import write_output
from biotm.model.schema import Model


@click.command(short_help="Print the JSON Schema of model files.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to this file instead of stdout.")
def schema(output: str | None) -> None:
    """Print the JSON Schema of biotm model files (point your editor's YAML extension at it)."""
    document = Model.model_json_schema(by_alias=True)
    document["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    document["title"] = "biotm model"
    write_output(json.dumps(document, indent=2, sort_keys=True) + "\n", output)
