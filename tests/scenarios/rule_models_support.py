"""A one-item model for warning checks."""

from __future__ import annotations

import datetime as dt
from typing import Any

import yaml

from biotm.model.loader import load_bytes
from biotm.pipeline import AuditOptions, audit


def warnings_of(item: dict[str, Any]) -> list[str]:
    """Warning messages of a model where a person hands `item` to a store."""
    model = {
        "meta": {"name": "hint"},
        "zones": [{"id": "z", "owner": "o", "jurisdiction": "CN"}],
        "elements": [
            {"id": "p", "type": "actor", "zone": "z", "role": "data-subject", "holds": [item["id"]]},
            {"id": "db", "type": "store", "zone": "z"},
        ],
        "data": [item],
        "flows": [{"id": "f", "source": "p", "target": "db", "data": [item["id"]]}],
    }
    loaded = load_bytes(yaml.safe_dump(model).encode(), "hint.yaml")
    return [w.message for w in audit(loaded, AuditOptions(today=dt.date(2026, 1, 1))).warnings]
