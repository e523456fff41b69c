"""Models of more elements (or flows) than --max-elements allows are refused before validation: one located
line at the first item past the limit, naming the flag that lets the model in, and exit 2."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from biotm.cli import cli
from biotm.model.limits import DEFAULT_MAX_ELEMENTS, FLOWS_PER_ELEMENT


def _model(elements: int, flows: int = 0) -> dict[str, Any]:
    return {
        "meta": {"name": "many"},
        "zones": [{"id": "z", "owner": "Org", "jurisdiction": "CN"}],
        "elements": [{"id": f"e{n}", "type": "process", "zone": "z"} for n in range(elements)],
        "flows": [{"id": f"f{n}", "source": "e0", "target": "e1"} for n in range(flows)],
    }


def _validate(tmp_path: Path, model: dict[str, Any], *flags: str) -> Any:
    path = tmp_path / "m.json"
    path.write_text(json.dumps(model, indent=1), encoding="utf-8")
    return CliRunner().invoke(cli, ["validate", str(path), *flags])


def test_one_element_past_the_default_is_refused_at_that_element(tmp_path: Path) -> None:
    run = _validate(tmp_path, _model(DEFAULT_MAX_ELEMENTS + 1))
    assert run.exit_code == 2
    lines = run.output.strip().splitlines()
    assert len(lines) == 1
    where, message = lines[0].split(": ", 1)
    text = (tmp_path / "m.json").read_text(encoding="utf-8").splitlines()
    assert f'"e{DEFAULT_MAX_ELEMENTS}"' in text[int(where.split(":")[1]) - 1 + 1]  # the item's '{', then its id
    assert f"pass --max-elements {DEFAULT_MAX_ELEMENTS + 1}" in message


def test_the_flag_raises_the_limit(tmp_path: Path) -> None:
    assert _validate(tmp_path, _model(DEFAULT_MAX_ELEMENTS + 1), "--max-elements", "20000").exit_code == 0
    assert _validate(tmp_path, _model(12), "--max-elements", "11").exit_code == 2


def test_flows_are_bounded_per_allowed_element(tmp_path: Path) -> None:
    allowed = int(3 * FLOWS_PER_ELEMENT)
    assert _validate(tmp_path, _model(3, allowed), "--max-elements", "3").exit_code == 0
    run = _validate(tmp_path, _model(3, allowed + 1), "--max-elements", "3")
    assert run.exit_code == 2 and "pass --max-elements 4" in run.output
