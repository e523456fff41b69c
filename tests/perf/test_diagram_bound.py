"""A diagram of more elements than the router is fast for draws each flow as one elbow, in linear time.

Routing around every box is about cubic in elements (150 elements took 19 s, 10,000 over ten minutes).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from strategies import load_dict

from biotm.generate import national_model
from biotm.pipeline import AuditOptions, audit
from biotm.report import diagram_route
from biotm.report.diagram import report_layout
from biotm.report.diagram_model import ROUTED_MAX


def test_a_large_full_diagram_is_not_routed(monkeypatch: pytest.MonkeyPatch) -> None:
    result = audit(load_dict(national_model(ROUTED_MAX + 20, seed=1)), AuditOptions(today=dt.date(2026, 1, 1)))

    def refuse(*_args: object) -> None:
        raise AssertionError("routed a diagram past ROUTED_MAX")

    monkeypatch.setattr(diagram_route._Grid, "walk", refuse)
    laid = report_layout(result, full=True)
    assert len(laid.nodes) > ROUTED_MAX
    assert all(edge.points and len(edge.points) <= 4 for edge in laid.edges)
    assert all(edge.path.startswith("M") for edge in laid.edges)


def test_a_small_diagram_is_still_routed(monkeypatch: pytest.MonkeyPatch) -> None:
    result = audit(load_dict(national_model(60, seed=1)), AuditOptions(today=dt.date(2026, 1, 1)))
    routed = []
    real = diagram_route._Grid.walk
    monkeypatch.setattr(diagram_route._Grid, "walk", lambda *args: routed.append(real(*args)) or routed[-1])
    report_layout(result, full=True)
    assert routed


def test_graphviz_is_not_run_past_its_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    from biotm.report import graphviz

    monkeypatch.setattr(graphviz, "GRAPHVIZ_MAX", ROUTED_MAX)
    monkeypatch.setattr(graphviz, "dot_binary", lambda: "/nonexistent/dot")
    result = audit(load_dict(national_model(ROUTED_MAX + 20, seed=1)), AuditOptions(today=dt.date(2026, 1, 1)))

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("ran Graphviz past GRAPHVIZ_MAX")

    monkeypatch.setattr(graphviz.subprocess, "run", refuse)
    laid = report_layout(result, full=True)
    assert graphviz.layout_svg(laid) is None and graphviz.layout_png(laid) is None


def _dense(elements: int, flows: int) -> dict[str, object]:
    """Few boxes, many flows between them: what a hostile or generated small model may hold."""
    return {
        "meta": {"name": "dense"},
        "zones": [{"id": f"z{i}", "owner": f"Org{i}", "jurisdiction": "CN"} for i in range(4)],
        "elements": [{"id": f"e{i}", "type": "process", "zone": f"z{i % 4}"} for i in range(elements)],
        "flows": [{"id": f"f{i}", "source": f"e{i % elements}", "target": f"e{(i * 7 + 1) % elements}"}
                  for i in range(flows) if i % elements != (i * 7 + 1) % elements],
    }


def test_a_diagram_of_more_flows_than_the_router_takes_gets_elbows(monkeypatch: pytest.MonkeyPatch) -> None:
    from biotm.report.diagram_model import ROUTED_MAX_FLOWS

    result = audit(load_dict(_dense(20, ROUTED_MAX_FLOWS + 40)), AuditOptions(today=dt.date(2026, 1, 1)))

    def refuse(*_args: object) -> None:
        raise AssertionError("routed a diagram past ROUTED_MAX_FLOWS")

    monkeypatch.setattr(diagram_route._Grid, "walk", refuse)
    laid = report_layout(result, full=True)
    assert len(laid.nodes) <= ROUTED_MAX and len(laid.edges) > ROUTED_MAX_FLOWS
    assert all(edge.points and len(edge.points) <= 4 for edge in laid.edges)


def test_routing_stops_at_its_step_bound_and_the_whole_diagram_gets_elbows(monkeypatch: pytest.MonkeyPatch) -> None:
    result = audit(load_dict(national_model(60, seed=1)), AuditOptions(today=dt.date(2026, 1, 1)))
    routed = report_layout(result, full=True)
    assert any(len(edge.points) > 4 for edge in routed.edges)  # routed around boxes: more than one elbow
    monkeypatch.setattr(diagram_route, "ROUTE_STEPS", 500)
    bounded = report_layout(result, full=True)
    assert all(len(edge.points) <= 4 for edge in bounded.edges)
    assert [e.path for e in report_layout(result, full=True).edges] == [e.path for e in bounded.edges]


def test_graphviz_is_not_run_on_a_diagram_denser_than_its_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    from biotm.report import graphviz

    monkeypatch.setattr(graphviz, "dot_binary", lambda: "/nonexistent/dot")
    result = audit(load_dict(_dense(10, 200)), AuditOptions(today=dt.date(2026, 1, 1)))

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("ran Graphviz on a diagram past its density bound")

    monkeypatch.setattr(graphviz.subprocess, "run", refuse)
    laid = report_layout(result, full=True)
    assert len(laid.edges) > graphviz.GRAPHVIZ_FLOWS_PER_BOX * len(laid.nodes) + 50
    assert graphviz.layout_svg(laid) is None and graphviz.layout_png(laid) is None


def test_empty_boxes_do_not_let_a_dense_diagram_through_to_graphviz(monkeypatch: pytest.MonkeyPatch) -> None:
    """950 empty zones beside a dense overview once let its flows through the per-box bound: Graphviz ran into
    its timeout (71 s for one HTML report). Only boxes with a flow count."""
    import random

    from biotm.report import graphviz

    rnd = random.Random(4)
    model: dict[str, Any] = {
        "meta": {"name": "dense overview"},
        "zones": [{"id": f"z{i}", "owner": f"Org{i}", "jurisdiction": "CN"} for i in range(40)],
        "elements": [{"id": f"e{i}", "type": "process", "zone": f"z{i % 40}"} for i in range(200)],
        "flows": [{"id": f"f{i}", "source": f"e{a}", "target": f"e{b}"}
                  for i, (a, b) in enumerate(rnd.sample(range(200), 2) for _ in range(2000))],
    }
    model["zones"] += [{"id": f"empty{n}", "owner": f"o{n}", "jurisdiction": "CN"} for n in range(800)]
    monkeypatch.setattr(graphviz, "dot_binary", lambda: "/nonexistent/dot")
    result = audit(load_dict(model), AuditOptions(today=dt.date(2026, 1, 1)))

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("ran Graphviz on a diagram past its density bound")

    monkeypatch.setattr(graphviz.subprocess, "run", refuse)
    laid = report_layout(result)  # the zone overview: one box per zone, the empty ones too
    assert len(laid.nodes) > 800
    assert len(laid.edges) < graphviz.GRAPHVIZ_FLOWS_PER_BOX * len(laid.nodes) + 50  # the old bound let it through
    assert graphviz.layout_svg(laid) is None and graphviz.layout_png(laid) is None
