"""Converting the neutral benchmark topology (biotm-bench-topology/1) into a biotm model."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from click.testing import CliRunner
from shared_corpus import shared

from biotm.cli import cli
from biotm.generate import dump_yaml, from_topology
from biotm.graph import build_graph
from biotm.model import load_bytes

SMALL = Path(__file__).parent / "fixtures" / "topology-small.json"


@pytest.fixture(scope="module")
def harness() -> ModuleType:
    """The shared benchmark generator (../shared/bench/pytm_gen.py); SMALL stands in for it in a bare clone."""
    spec = importlib.util.spec_from_file_location("pytm_gen", shared("bench", "pytm_gen.py"))
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


def test_hand_written_topology_maps_boundaries_attributes_and_holdings() -> None:
    topology: dict[str, Any] = json.loads(SMALL.read_text())
    loaded = load_bytes(dump_yaml(from_topology(topology)).encode(), "topo.yaml")
    model = loaded.model
    assert [e.id for e in model.elements] == [n["id"] for n in topology["nodes"]]
    assert [(f.source, f.target) for f in model.flows] == [(f["source"], f["sink"]) for f in topology["flows"]]
    zones = {z.id: z for z in model.zones}
    assert zones["branch-1"].parent == "city" and zones["branch-1"].owner == "City network"  # outermost owner
    assert zones["public"].public_place and not zones["city"].public_place
    elements = {e.id: e for e in model.elements}
    assert elements["helpdesk"].zone == "outside"  # no boundary in the topology
    assert elements["api"].controls == ["access-control", "authentication"]
    assert elements["db"].controls == ["encryption-at-rest"]
    assert elements["kiosk"].controls == []  # validates_input has no biotm counterpart
    assert elements["reader"].holds == ["card_number", "face_photo"]  # sent, never received
    data = {d.id: d for d in model.data}
    assert data["face_photo"].is_biometric and data["staff_token"].revocable
    assert {d.subjects for d in model.data} == {2500}
    assert [w.code for w in build_graph(loaded).warnings] == []


def test_cli_converts_the_hand_written_topology(tmp_path: Path) -> None:
    out = tmp_path / "model.json"
    result = CliRunner().invoke(cli, ["generate", "--from-topology", str(SMALL), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert [e["id"] for e in json.loads(out.read_text())["elements"]] == ["reader", "kiosk", "api", "db", "helpdesk"]


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
