"""What breaks only at national scale: lists built from the model's own ids, and searches across provinces."""

from __future__ import annotations

import json
from typing import Any

from biotm.analysis.attackers import builtin_attackers
from biotm.graph import build_graph
from biotm.model import load_bytes
from biotm.model.limits import Limits
from biotm.model.schema import MAX_ITEMS
from biotm.rules.base import RuleContext
from biotm.rules.biometric.capture import live_captures


def _graph(model: dict[str, Any]) -> Any:
    return build_graph(load_bytes(json.dumps(model).encode(), "national.json", Limits(max_elements=100_000)))


def test_a_builtin_profile_stands_on_more_clerks_than_one_input_list_may_hold() -> None:
    """Every shop clerk is a foothold of the clerk insider: 33,000 of them at 100k elements, not a crash."""
    clerks = MAX_ITEMS + 1
    model = {
        "meta": {"name": "many shops"},
        "zones": [{"id": "shops", "owner": "Carrier", "jurisdiction": "CN", "public_place": True}],
        "elements": [
            {"id": f"clerk{n}", "type": "actor", "role": "staff", "zone": "shops"} for n in range(clerks)
        ],
    }
    profiles = {a.id: a for a in builtin_attackers(_graph(model))}
    assert len(profiles["insider-clerk"].entry) == clerks


def _province(code: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """A province's terminal feeding its own real-name verifier, which asks the national comparison service."""
    elements = [
        {"id": f"{code}_terminal", "type": "device", "zone": "shops", "capture": "attended"},
        {
            "id": f"{code}_realname",
            "type": "process",
            "zone": "dc",
            "matching": "one-to-one",
            "verifies": [{"id": "register-sim", "action": "register a SIM", "requires": "live:face",
                          "grants": ["sim-in-victim-name"]}],
        },
    ]
    flows = [
        {"id": f"{code}_submit", "source": f"{code}_terminal", "target": f"{code}_realname", "data": ["face"]},
        {"id": f"{code}_compare", "source": f"{code}_realname", "target": "national", "data": ["face"]},
        {"id": f"{code}_score", "source": "national", "target": f"{code}_realname", "data": ["score"]},
    ]
    return elements, flows


def test_a_terminal_is_a_capture_point_of_its_own_province_only() -> None:
    """The national service answers every province: searching upstream through it must not cross provinces."""
    elements: list[dict[str, Any]] = [{"id": "national", "type": "process", "zone": "dc", "matching": "one-to-one"}]
    flows: list[dict[str, Any]] = []
    for code in ("bj", "xj"):
        more_elements, more_flows = _province(code)
        elements += more_elements
        flows += more_flows
    model = {
        "meta": {"name": "two provinces"},
        "zones": [
            {"id": "dc", "owner": "Carrier", "jurisdiction": "CN"},
            {"id": "shops", "owner": "Carrier", "jurisdiction": "CN", "public_place": True},
        ],
        "elements": elements,
        "data": [
            {"id": "face", "category": "biometric_sample", "modality": "face", "subjects": 1000},
            {"id": "score", "category": "other", "subjects": 1000},
        ],
        "flows": flows,
    }
    captures = live_captures(RuleContext(_graph(model)))
    assert captures == {"bj_terminal": ["bj_realname"], "xj_terminal": ["xj_realname"]}
