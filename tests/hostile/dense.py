"""Dense models (every element sends every other one data) for the path-search and plan bounds."""

from __future__ import annotations

from typing import Any

_TYPES = ("process", "store", "device", "external")


def dense_model(size: int) -> dict[str, Any]:
    """A model of `size` elements in three zones where each element has a flow to every other one."""
    zones = [
        {"id": "shop", "owner": "carrier", "jurisdiction": "CN", "public_place": True},
        {"id": "core", "owner": "carrier", "jurisdiction": "CN"},
        {"id": "vendor", "owner": "vendor-inc", "jurisdiction": "SG", "internet_facing": True},
    ]
    elements: list[dict[str, Any]] = [
        {"id": "e0", "type": "actor", "role": "data-subject", "zone": "shop", "holds": ["face_image"]}
    ]
    for index in range(1, size):
        element: dict[str, Any] = {"id": f"e{index}", "type": _TYPES[index % 4], "zone": zones[index % 3]["id"]}
        if element["type"] == "process" and index == 1:
            element["purpose"] = "identity-verification"
            element["derives"] = [{"from": ["face_image"], "to": "face_template"}]
        elements.append(element)
    data = [
        {"id": "face_image", "category": "biometric_sample", "modality": "face", "subjects": 1000},
        {"id": "face_template", "category": "biometric_template", "modality": "face", "subjects": 1000},
    ]
    flows = [
        {"id": f"f{a}_{b}", "source": f"e{a}", "target": f"e{b}", "data": ["face_image"]}
        for a in range(size)
        for b in range(size)
        if a != b and b != 0
    ]
    return {"meta": {"name": f"dense-{size}"}, "zones": zones, "elements": elements, "data": data, "flows": flows}
