from __future__ import annotations

from pathlib import Path

from biotm.graph import build_graph
from biotm.model import load_model


def test_lineage_follows_derivation_and_multi_hop(minimal_path: Path) -> None:
    graph = build_graph(load_model(str(minimal_path)))
    entries = {e.data: e for e in graph.lineage_entries()}
    face = entries["face_image"]
    assert face.collected_at == ["terminal"]
    assert face.reaches == ["customer", "matcher", "sdk_cloud", "terminal"]
    assert face.derives == ["face_template"]
    assert face.stored_at == []  # matcher discards it, no store receives it
    template = entries["face_template"]
    assert template.derived_at == ["matcher"]
    assert template.derived_from == ["face_image"]
    assert template.stored_at == ["archive"]
    assert entries["id_number"].stored_at == ["archive"]
    assert entries["id_number"].reaches == ["archive", "customer", "matcher", "terminal"]
    assert face.owners == ["carrier", "vendor-inc"]
    assert face.jurisdictions == ["CN", "SG"]
    assert graph.warnings == []


def test_crossings_mark_disclosure_and_cross_border(minimal_path: Path) -> None:
    graph = build_graph(load_model(str(minimal_path)))
    crossings = {c.flow: c for c in graph.crossings()}
    assert set(crossings) == {"submit", "liveness"}
    assert not crossings["submit"].disclosure and not crossings["submit"].cross_border
    assert crossings["liveness"].disclosure and crossings["liveness"].cross_border
