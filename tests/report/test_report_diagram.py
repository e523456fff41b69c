"""The data-flow diagram: Graphviz layout when installed (clusters, wrapped names, line styles by medium)."""

from __future__ import annotations

import re
import shutil

import pytest
from report_support import SCENARIOS, audited

from biotm.report import graphviz, svg
from biotm.report.diagram import layout, overview, structure
from biotm.report.label_text import wrap

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="graphviz not installed")
SIM = SCENARIOS / "china-sim-registration.yaml"


def test_long_names_wrap_instead_of_being_cut() -> None:
    name = "Carrier real-name registration system (实名制平台) of the province"
    lines = wrap(name, 150, 4)
    assert "".join(lines).replace(" ", "") == name.replace(" ", "")
    assert all("…" not in line for line in lines)


def test_in_person_flows_are_neither_encrypted_nor_unencrypted() -> None:
    diagram = structure(audited(SIM))
    media = {e.id: e.medium for e in diagram.edges}
    assert media["present_at_counter"] == "in-person"  # a customer showing face and ID card at the shop
    assert media["liveness_request"] == "network"
    picture = svg.builtin_svg(layout(audited(SIM)))
    assert "in person / on screen" in picture and "encrypted network flow" in picture


@needs_dot
def test_graphviz_draws_clusters_full_names_and_medium_styles(monkeypatch: pytest.MonkeyPatch) -> None:
    graphviz.dot_binary.cache_clear()
    result = audited(SIM)
    picture = svg.render_diagram(structure(result))
    assert picture.count('class="cluster"') == len(result.zones)
    assert "…" not in picture
    for element in result.model.elements:
        assert element.id in picture
    person = re.search(r'class="edge flow in(?:-|&#45;)person[^"]*">.*?</g>', picture, re.DOTALL)
    assert person is not None and 'stroke-dasharray="1.5,3"' in person.group(0)
    assert "Noto Sans CJK SC" in picture
    monkeypatch.setenv("BIOTM_DIAGRAM", "python")
    graphviz.dot_binary.cache_clear()
    try:
        assert 'class="cluster"' not in svg.render_diagram(structure(result))  # the built-in fallback
    finally:
        graphviz.dot_binary.cache_clear()


def test_zone_overview_folds_alike_zones() -> None:
    import yaml

    from biotm.generate import national_model
    from biotm.model import load_bytes
    from biotm.pipeline import AuditOptions, audit

    result = audit(load_bytes(yaml.safe_dump(national_model(400)).encode(), "n.yaml"), AuditOptions())
    folded = overview(result)
    assert len(folded.nodes) < len(result.zones) / 2
    assert any("zones like" in node.label for node in folded.nodes.values())
