"""A diagram of more elements than the router is fast for draws each flow as one elbow, in linear time.

Routing around every box is about cubic in elements (150 elements took 19 s, 10,000 over ten minutes).
"""

from __future__ import annotations

import datetime as dt

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
