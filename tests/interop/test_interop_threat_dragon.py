"""Threat Dragon import: the authors' demo files, zone inference from geometry, edge cases."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from biotm.interop.threat_dragon import polylines_cross

from .helpers import FIXTURES, imported, source, td, written_model, zone_name, zone_of

PEER_MODELS = ["renting-car.linddun.json", "test-reports.multi-methodology.json", "three-tier-web-app.stride.json"]


def _cells(path: Path) -> list[list[dict[str, Any]]]:
    raw = json.loads(path.read_text())
    return [d.get("cells") or d["diagramJson"]["cells"] for d in raw["detail"]["diagrams"]]


def _kind(cell: dict[str, Any]) -> str:
    return str(cell.get("data", cell).get("type") or cell.get("shape"))


def _expected_counts(path: Path) -> tuple[int, int, int, int]:
    """Elements, in-scope flows (bidirectional ones twice), boxes and threats, counted from the raw JSON."""
    elements = flows = boxes = threats = 0
    for cells in _cells(path):
        ids = {c["id"] for c in cells if _kind(c) in ("tm.Actor", "tm.Process", "tm.Store")}
        elements += len(ids)
        boxes += sum(1 for c in cells if _kind(c) == "tm.BoundaryBox")
        for cell in cells:
            data = cell.get("data", cell)
            attached = _kind(cell) == "tm.Flow" and all(cell[end].get("cell") in ids for end in ("source", "target"))
            if attached and not data.get("outOfScope"):  # out-of-scope flows are listed, not audited
                flows += 2 if data.get("isBidirectional") else 1
                threats += len(data.get("threats") or [])
            if _kind(cell) in ("tm.Actor", "tm.Process", "tm.Store"):
                threats += len(data.get("threats") or [])
    return elements, flows, boxes, threats


def test_every_peer_model_is_tested() -> None:
    folder = td("")
    assert sorted(p.name for p in folder.glob("*.json") if "schema" not in p.name) == PEER_MODELS


@pytest.mark.parametrize("spec", [*(f"threat-dragon/{n}" for n in PEER_MODELS), "fixtures/threat-dragon-edge.json"])
def test_model_counts_match_the_source(spec: str) -> None:
    path = source(spec)
    elements, flows, boxes, threats = _expected_counts(path)
    draft, loaded = imported(path)
    model = loaded.model
    assert len(model.elements) == elements
    assert len(model.flows) == flows
    # every box is a zone; the rest are "outside" zones (one per diagram at most) and curve sides
    box_zones = [z for z in model.zones if not z.name or (not z.name.startswith("Outside") and ": " not in z.name)]
    assert len(box_zones) == boxes
    assert len(model.threats) == threats
    assert all(t.source == "threat-dragon" for t in model.threats)
    # the written, commented file is a valid model equal to the in-memory one
    assert written_model(draft).model == model


def test_three_tier_boundaries_hold_the_right_elements() -> None:
    _draft, loaded = imported(td("three-tier-web-app.stride.json"))
    assert zone_name(loaded, zone_of(loaded, "Web UI")) == "Internet"
    assert zone_name(loaded, zone_of(loaded, "Web Service")) == "Public Cloud"
    assert zone_of(loaded, "PostgresSQL") == zone_of(loaded, "Web Service")
    internet = next(z for z in loaded.model.zones if z.name == "Internet")
    assert internet.internet_facing


def test_three_tier_threats_keep_status_and_severity() -> None:
    _draft, loaded = imported(td("three-tier-web-app.stride.json"))
    threats = sorted(loaded.model.threats, key=lambda t: t.id)
    assert [(t.place, t.severity, t.status) for t in threats] == [
        ("postgressql", "high", "mitigated"),
        ("postgressql", "medium", "mitigated"),
    ]
    assert "Information disclosure" in threats[0].categories


def test_renting_car_boundaries_hold_the_right_elements() -> None:
    _draft, loaded = imported(td("renting-car.linddun.json"))
    car = zone_of(loaded, "Connected Car")
    assert zone_name(loaded, car) == "Inside the car"
    for name in ("Customer phone", "ABC", "CADZ mobile"):
        assert zone_of(loaded, name) == car, name
    assert zone_name(loaded, zone_of(loaded, "API AI")) == "DMZ"
    backend = zone_of(loaded, "API Gateway")
    for name in ("Auth", "API", "API AR", "API AM/FM", "Cars DB", "Flatfile radio stations"):
        assert zone_of(loaded, name) == backend, name
    outside = zone_of(loaded, "Whatson")
    assert zone_of(loaded, "Owner phone") == outside == zone_of(loaded, "Ownz mobile")
    assert len({car, backend, outside, zone_of(loaded, "API AI")}) == 4


def test_multi_methodology_drops_dangling_flows_with_a_comment() -> None:
    draft, loaded = imported(td("test-reports.multi-methodology.json"))
    dropped = [line for line in draft.header if "dropped" in line]
    dangling = sum(
        1
        for cells in _cells(td("test-reports.multi-methodology.json"))
        for c in cells
        if _kind(c) == "tm.Flow" and ("x" in c["source"] or "x" in c["target"])
    )
    assert len(dropped) == dangling > 0
    assert all("not attached to an element" in line for line in dropped)
    # out-of-scope actors stay, with a comment
    out_of_scope = [e for e in loaded.model.elements if e.name and e.name.startswith("Out of scope")]
    assert len(out_of_scope) == 3


def test_edge_fixture_infers_zones_from_boxes_and_curves() -> None:
    draft, loaded = imported(FIXTURES / "threat-dragon-edge.json")
    zones = {z.id: z for z in loaded.model.zones}
    # nested boxes: Vault inside Corp
    vault = zone_of(loaded, "Face DB")
    assert zones[vault].name == "Vault"
    assert zones[zones[vault].parent or ""].name == "Corp"
    # the curve splits Corp: the flow that crosses it crosses zones, one that does not stays inside
    app, matcher = zone_of(loaded, "Phone app"), zone_of(loaded, "Matcher")
    assert app != matcher
    # the larger region keeps the box; the region across the curve is a zone inside it
    assert zones[app].name == "Corp" and zones[matcher].parent == app == zones[vault].parent
    unnamed = next(e for e in loaded.model.elements if e.name is None)
    assert unnamed.zone == app  # same side of the curve as the phone app
    # a public-network flow makes its target zone internet-facing
    assert zones[app].internet_facing and not zones[matcher].internet_facing
    flows = {f.id: f for f in loaded.model.flows}
    assert flows["enrol"].encrypted and flows["enrol"].protocol == "HTTPS"
    assert {("matcher", "face-db"), ("face-db", "matcher")} <= {(f.source, f.target) for f in flows.values()}
    assert "loose-end" not in flows
    legacy = next(e for e in loaded.model.elements if e.name == "Legacy archive")
    assert legacy.type == "external"
    statuses = {t.title: (t.status, t.severity) for t in loaded.model.threats}
    assert statuses == {"Spoofed selfie": ("open", "medium"), "Template theft": ("accepted", "high")}
    text = "\n".join(draft.header)
    assert "Loose end" in text and "1 threat" in text


def test_v1_model_reads_cells_under_diagram_json() -> None:
    _draft, loaded = imported(FIXTURES / "threat-dragon-v1.json")
    assert {e.name for e in loaded.model.elements} == {"User", "Web"}
    assert zone_of(loaded, "User") != zone_of(loaded, "Web")  # the v1 boundary line is crossed by Login
    assert [t.status for t in loaded.model.threats] == ["mitigated"]


def test_findings_locate_in_the_threat_dragon_file() -> None:
    path = td("three-tier-web-app.stride.json")
    _draft, loaded = imported(path)
    location = loaded.location_of("element", "postgressql")
    assert location is not None and location.file == str(path)
    lines = path.read_text().splitlines()
    window = "\n".join(lines[location.line - 1 : location.line + 200])
    assert '"97731369-531c-4c22-b017-8428cff90ac1"' in window  # the PostgresSQL cell's id


def test_geometry_helpers() -> None:
    assert polylines_cross([(0, 0), (10, 0)], [(5, -5), (5, 5)])
    assert not polylines_cross([(0, 0), (4, 0)], [(5, -5), (5, 5)])
    assert not polylines_cross([(0, 0), (10, 0)], [(5, 1), (5, 5)])
    assert not polylines_cross([(0, 0), (10, 0)], [(5, 0.5), (5, 50)])  # a curve is its drawn segments only
