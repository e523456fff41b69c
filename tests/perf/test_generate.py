"""The synthetic national model: exact size, deterministic for a seed, valid and warning-free."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from biotm.cli import cli
from biotm.generate import MIN_ELEMENTS, dump, dump_yaml, national_model
from biotm.graph import build_graph
from biotm.model import load_bytes


def _load(model: dict[str, object], name: str = "gen.yaml") -> object:
    return load_bytes(dump(model, name).encode(), name)


@pytest.mark.parametrize("elements", [MIN_ELEMENTS, MIN_ELEMENTS + 1, MIN_ELEMENTS + 2, 317, 1000])
def test_model_has_the_asked_size_and_no_warnings(elements: int) -> None:
    loaded = load_bytes(dump_yaml(national_model(elements, seed=3)).encode(), "gen.yaml")
    assert len(loaded.model.elements) == elements
    assert len(loaded.model.flows) >= (2 if elements >= 300 else 1) * elements  # shops bring 2 flows per element
    graph = build_graph(loaded)
    assert [w.code for w in graph.warnings] == []


def test_model_has_verifiers_and_attackers_for_chains() -> None:
    model = load_bytes(dump_yaml(national_model(400, seed=1)).encode(), "gen.yaml").model
    grants = {g for e in model.elements for v in e.verifies for g in v.grants}
    assert {"sim-in-victim-name", "victim-otp", "bank-account-takeover"} <= grants
    assert {a.kind for a in model.attackers} == {"fraudster", "insider", "vendor"}
    assert any(z.public_place for z in model.zones) and any(z.internet_facing for z in model.zones)


def test_same_seed_same_bytes_other_seed_other_controls() -> None:
    assert dump_yaml(national_model(500, seed=9)) == dump_yaml(national_model(500, seed=9))
    assert dump_yaml(national_model(500, seed=9)) != dump_yaml(national_model(500, seed=10))


def test_json_and_yaml_outputs_load_to_the_same_model() -> None:
    model = national_model(300, seed=2)
    from_yaml = load_bytes(dump(model, "m.yaml").encode(), "m.yaml").model
    from_json = load_bytes(dump(model, "m.json").encode(), "m.json").model
    assert from_yaml == from_json
    assert json.loads(dump(model, "m.json")) == model


def test_too_small_a_model_is_refused() -> None:
    with pytest.raises(ValueError, match="at least"):
        national_model(MIN_ELEMENTS - 1)
    result = CliRunner().invoke(cli, ["generate", "--elements", str(MIN_ELEMENTS - 1)])
    assert result.exit_code == 2
    assert f"{MIN_ELEMENTS}<=x<=" in result.output  # click states the real minimum, in --help too


def test_cli_writes_a_model_that_validates(tmp_path: Path) -> None:
    out = tmp_path / "national.yaml"
    runner = CliRunner()
    result = runner.invoke(cli, ["generate", "--elements", "120", "--seed", "4", "-o", str(out)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(cli, ["validate", str(out)])
    assert result.exit_code == 0, result.output
    assert "120 elements" in result.output
