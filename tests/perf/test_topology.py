"""Converting the neutral benchmark topology (biotm-bench-topology/1) into a biotm model."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from click.testing import CliRunner

from biotm.cli import cli
from biotm.generate import dump_yaml, from_topology
from biotm.graph import build_graph
from biotm.model import load_bytes

HARNESS = Path(__file__).resolve().parents[2].parent / "shared" / "bench" / "pytm_gen.py"


@pytest.fixture(scope="module")
def harness() -> ModuleType:
    if not HARNESS.exists():
        pytest.skip("the shared benchmark harness is not beside the clone")
    spec = importlib.util.spec_from_file_location("pytm_gen", HARNESS)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("unique_data", [False, True])
def test_counts_match_the_topology(harness: ModuleType, unique_data: bool) -> None:
    topology: dict[str, Any] = harness.make_topology(120, 4, unique_data)
    loaded = load_bytes(dump_yaml(from_topology(topology)).encode(), "topo.yaml")
    model = loaded.model
    assert len(model.elements) == len(topology["nodes"]) == 120
    assert len(model.flows) == len(topology["flows"]) == 240
    assert len(model.zones) == len(topology["boundaries"]) == 6
    assert len(model.data) == len(topology["data"])
    assert [w.code for w in build_graph(loaded).warnings] == []
    flows = {f.id: f for f in model.flows}
    assert flows["f3_7"].source == "s3" and flows["f3_7"].target == "s4"
    assert flows["f0_3"].encrypted and not flows["f1_3"].encrypted


def test_cli_converts_a_topology_file(harness: ModuleType, tmp_path: Path) -> None:
    topo = tmp_path / "topo.json"
    topo.write_text(json.dumps(harness.make_topology(40)))
    out = tmp_path / "model.json"
    result = CliRunner().invoke(cli, ["generate", "--from-topology", str(topo), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert len(json.loads(out.read_text())["elements"]) == 40


def test_other_json_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "other.json"
    bad.write_text('{"format": "something-else"}')
    result = CliRunner().invoke(cli, ["generate", "--from-topology", str(bad)])
    assert result.exit_code == 2
    assert "biotm-bench-topology/1" in result.output
