"""A matcher uses the identifiers that come with its gallery's templates: the match names the person by them, so
`linddun-unnecessary-data` does not say a door reader does not need the employee ids of its face templates."""

from __future__ import annotations

from typing import Any

import pytest
from strategies import load_dict

from biotm.pipeline import AuditOptions, audit

DATA = [
    {"id": "face_t", "category": "biometric_template", "modality": "face", "subjects": 500},
    {"id": "employee_id", "category": "identifier", "subjects": 500},
    {"id": "event", "category": "behavioural", "subjects": 500},
]


def _model(matching: str) -> dict[str, Any]:
    reader: dict[str, Any] = {"id": "reader", "type": "device", "zone": "floor", "matching": matching,
                              "derives": [{"from": ["face_t"], "to": "event"}]}
    return {
        "meta": {"name": "t"},
        "zones": [{"id": z, "owner": "Co", "jurisdiction": "US"} for z in ("it", "floor")],
        "elements": [{"id": "server", "type": "process", "zone": "it", "holds": ["face_t", "employee_id"]},
                     reader, {"id": "log", "type": "store", "zone": "it"}],
        "data": DATA,
        "flows": [{"id": "push", "source": "server", "target": "reader", "data": ["face_t", "employee_id"]},
                  {"id": "events", "source": "reader", "target": "log", "data": ["event"]}],
    }


@pytest.mark.parametrize(("matching", "flagged"), [("one-to-many", False), ("one-to-one", False), ("none", True)])
def test_a_matcher_uses_the_ids_that_label_its_gallery(matching: str, flagged: bool) -> None:
    result = audit(load_dict(_model(matching)), AuditOptions(rules=("linddun-unnecessary-data",)))
    found = [f.data for f in result.findings if f.rule == "linddun-unnecessary-data"]
    assert found == ([["employee_id"]] if flagged else [])
