"""Hypothesis strategies that generate random VALID biotm models, for property tests anywhere.

`models()` draws a model as a plain dict (what `yaml.safe_load` of a model file gives); `model_yaml()`
and `model_json()` draw the same as file text. Every drawn model passes `biotm.model.validate_data`:
ids are unique per section (elements and flows share one namespace), every reference points at an
existing id, zone parents form no cycle, flows never go from an element to itself, and biometric data
items carry a modality. Models may hold verifications, attackers, accepted risks (with real rule
ids) and hand-written threats. Free text (names, descriptions) is drawn from all of Unicode except
surrogates, so HTML, quotes and right-to-left marks turn up in reports too.

    from hypothesis import given
    from strategies import models  # tests/ is on sys.path through tests/conftest.py

    @given(models())
    def test_something(model: dict[str, Any]) -> None: ...

The loader of a drawn dict needs a source map; `load_dict(model)` dumps it to YAML and loads it, so
locations are real.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from typing import Any

import yaml
from hypothesis import strategies as st

from biotm.model.controls import CONTROLS
from biotm.model.loader import LoadedModel, load_bytes
from biotm.model.schema import (
    BIOMETRIC_CATEGORIES,
    ActorRole,
    Authentication,
    Capture,
    ConsentKind,
    DataCategory,
    ElementType,
    Matching,
    Modality,
    TemplateProtection,
)
from biotm.rules.registry import all_rules

CONTROL_IDS = sorted(CONTROLS)
#: Built-in rule ids, for accepted risks that match real findings now and then.
RULE_IDS = sorted(r.id for r in all_rules())
JURISDICTIONS = ["CN", "US", "US-IL", "DE", "SG", "GB", "IN", "BR"]
OWNERS = ["carrier", "vendor-inc", "state", "bank", "shop-ltd"]

#: Short ids so shrunk examples stay readable; the full pattern is ^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$.
ids = st.builds(
    str.__add__,
    st.sampled_from("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"),
    st.text("abcdefghijklmnopqrstuvwxyz0123456789_.-", max_size=11),
)

#: Free text: any character a UTF-8 file can hold (no lone surrogates).
text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)


def _enum(kind: Any) -> st.SearchStrategy[str]:
    return st.sampled_from([member.value for member in kind])


def _optional(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.none() | strategy


def _put(out: dict[str, Any], key: str, value: Any) -> None:
    """Set optional keys only when drawn, so generated files look like hand-written ones."""
    if value is not None:
        out[key] = value


def _subset(draw: st.DrawFn, pool: list[str], max_size: int = 3) -> list[str]:
    if not pool:
        return []
    return draw(st.lists(st.sampled_from(pool), max_size=max_size, unique=True))


def _unique_ids(draw: st.DrawFn, count: int, taken: set[str]) -> list[str]:
    """`count` fresh ids not in `taken` (which is updated); a clash gets a numeric suffix, not a redraw."""
    out: list[str] = []
    for _ in range(count):
        candidate = draw(ids)
        if candidate in taken:
            candidate = f"{candidate}-{len(taken)}"
        taken.add(candidate)
        out.append(candidate)
    return out


@st.composite
def _zones(draw: st.DrawFn, zone_ids: list[str]) -> list[dict[str, Any]]:
    zones = []
    for index, zone_id in enumerate(zone_ids):
        zone: dict[str, Any] = {
            "id": zone_id,
            "owner": draw(st.sampled_from(OWNERS)),
            "jurisdiction": draw(st.sampled_from(JURISDICTIONS)),
        }
        # A parent is always an earlier zone, so parents never form a cycle.
        if index and draw(st.booleans()):
            zone["parent"] = draw(st.sampled_from(zone_ids[:index]))
        _put(zone, "name", draw(_optional(text)))
        if draw(st.booleans()):
            zone["internet_facing"] = True
        if draw(st.booleans()):
            zone["public_place"] = True
        zones.append(zone)
    return zones


@st.composite
def _data_items(draw: st.DrawFn, data_ids: list[str]) -> list[dict[str, Any]]:
    items = []
    for data_id in data_ids:
        category = draw(_enum(DataCategory))
        item: dict[str, Any] = {"id": data_id, "category": category}
        if DataCategory(category) in BIOMETRIC_CATEGORIES or draw(st.booleans()):
            item["modality"] = draw(_enum(Modality))
        item["subjects"] = draw(st.integers(min_value=0, max_value=2_000_000_000))
        _put(item, "name", draw(_optional(text)))
        _put(item, "description", draw(_optional(text)))
        _put(item, "revocable", draw(_optional(st.booleans())))
        _put(item, "protection", draw(_optional(_enum(TemplateProtection))))
        _put(item, "retention_days", draw(_optional(st.integers(min_value=0, max_value=36_525))))
        _put(item, "consent", draw(_optional(_enum(ConsentKind))))
        if draw(st.booleans()):
            item["purposes"] = draw(st.lists(st.sampled_from(["kyc", "sim-registration", "marketing"]), max_size=2))
        if draw(st.booleans()):
            item["minors"] = True
        if draw(st.booleans()):
            item["public"] = True
        items.append(item)
    return items


@st.composite
def _elements(
    draw: st.DrawFn, element_ids: list[str], zone_ids: list[str], data_ids: list[str]
) -> list[dict[str, Any]]:
    elements = []
    for element_id in element_ids:
        kind = draw(_enum(ElementType))
        element: dict[str, Any] = {"id": element_id, "type": kind, "zone": draw(st.sampled_from(zone_ids))}
        _put(element, "name", draw(_optional(text)))
        _put(element, "description", draw(_optional(text)))
        _put(element, "purpose", draw(_optional(st.sampled_from(["identity-verification", "telecom-service"]))))
        if controls := _subset(draw, CONTROL_IDS):
            element["controls"] = controls
        if holds := _subset(draw, data_ids):
            element["holds"] = holds
        if len(data_ids) > 1 and draw(st.integers(0, 3)) == 0:
            # Each item derives only from items listed before it: no item is derived from itself, even
            # through others (the loader refuses derivation cycles).
            made = draw(st.integers(1, len(data_ids) - 1))
            inputs = data_ids[:made]
            element["derives"] = [{"from": _subset(draw, inputs, 2) or [inputs[0]], "to": data_ids[made]}]
        if discards := _subset(draw, data_ids, 2):
            element["discards"] = discards
        if kind == ElementType.ACTOR.value:
            _put(element, "role", draw(_optional(_enum(ActorRole))))
            _put(element, "people", draw(_optional(st.integers(0, 10_000_000))))
        else:
            _put(element, "matching", draw(_optional(_enum(Matching))))
            _put(element, "capture", draw(_optional(_enum(Capture))))
            _put(element, "returns", draw(_optional(st.sampled_from(["decision", "score", "record"]))))
        if draw(st.booleans()):
            element["subject_controlled"] = True
        elements.append(element)
    return elements


@st.composite
def _verifications(draw: st.DrawFn, elements: list[dict[str, Any]], data_ids: list[str]) -> None:
    """Give a few elements a verification over data ids and live presentations (in place)."""
    capabilities: list[str] = []
    taken: set[str] = set()
    for element in elements:
        if draw(st.integers(0, 4)) != 0:
            continue
        evidence = [f"live:{draw(_enum(Modality))}", *_subset(draw, data_ids, 2), *_subset(draw, capabilities, 1)]
        requires: Any = evidence[0] if len(evidence) == 1 else {draw(st.sampled_from(["all", "any"])): evidence}
        grant = f"cap-{len(capabilities)}"
        capabilities.append(grant)
        element["verifies"] = [
            {
                "id": _unique_ids(draw, 1, taken)[0],
                "action": draw(text),
                "requires": requires,
                "grants": [grant],
                "high_assurance": draw(st.booleans()),
                "second_factor": draw(st.booleans()),
            }
        ]


@st.composite
def _flows(draw: st.DrawFn, flow_ids: list[str], element_ids: list[str], data_ids: list[str]) -> list[dict[str, Any]]:
    flows = []
    for flow_id in flow_ids:
        source, target = draw(st.lists(st.sampled_from(element_ids), min_size=2, max_size=2, unique=True))
        flow: dict[str, Any] = {"id": flow_id, "source": source, "target": target}
        if data := _subset(draw, data_ids):
            flow["data"] = data
        _put(flow, "name", draw(_optional(text)))
        _put(flow, "protocol", draw(_optional(st.sampled_from(["https", "http", "grpc", "usb", "sftp"]))))
        _put(flow, "encrypted", draw(_optional(st.booleans())))
        _put(flow, "authentication", draw(_optional(_enum(Authentication))))
        if controls := _subset(draw, CONTROL_IDS):
            flow["controls"] = controls
        flows.append(flow)
    return flows


@st.composite
def _attackers(
    draw: st.DrawFn, element_ids: list[str], zone_ids: list[str], data_ids: list[str]
) -> list[dict[str, Any]]:
    attackers = []
    for attacker_id in _unique_ids(draw, draw(st.integers(0, 2)), set()):
        attacker: dict[str, Any] = {
            "id": attacker_id,
            "kind": draw(st.sampled_from(["outsider", "insider", "vendor", "thief", "fraudster", "other"])),
            "entry": _subset(draw, [*element_ids, *zone_ids, "internet", "public-place"], 2),
            "skill": draw(st.floats(min_value=0.0, max_value=1.0, allow_nan=False)),
        }
        if holds := _subset(draw, data_ids, 2):
            attacker["holds"] = holds
        attackers.append(attacker)
    return attackers


@st.composite
def _accepted_and_threats(draw: st.DrawFn, model: dict[str, Any]) -> None:
    """Add a few accepted risks and hand-written threats on existing places (in place)."""
    places = [e["id"] for e in model["elements"]]
    for flow in model.get("flows", []):
        places += [flow["id"], f"{flow['source']}>{flow['id']}>{flow['target']}"]
    accepted = []
    for _ in range(draw(st.integers(0, 2))):
        accepted.append(
            {
                "rule": draw(st.sampled_from(RULE_IDS)),
                "place": draw(st.sampled_from(places)),
                "justification": draw(text.filter(str.strip)),
                "owner": draw(st.sampled_from(OWNERS)),
                "expires": draw(st.dates(dt.date(2024, 1, 1), dt.date(2028, 12, 31))),
            }
        )
    threats = []
    for threat_id in _unique_ids(draw, draw(st.integers(0, 2)), set()):
        threats.append(
            {
                "id": threat_id,
                "title": draw(text),
                "place": draw(st.sampled_from(places)),
                "severity": draw(st.sampled_from(["critical", "high", "medium", "low", "info"])),
                "status": draw(st.sampled_from(["open", "mitigated", "accepted"])),
            }
        )
    if accepted:
        model["accepted"] = accepted
    if threats:
        model["threats"] = threats


@st.composite
def models(draw: st.DrawFn, max_elements: int = 6, max_flows: int = 8, max_data: int = 5) -> dict[str, Any]:
    """A random valid model as a plain dict."""
    zone_ids = _unique_ids(draw, draw(st.integers(1, 3)), set())
    places: set[str] = set()  # elements and flows share one id namespace
    element_ids = _unique_ids(draw, draw(st.integers(1, max_elements)), places)
    data_ids = _unique_ids(draw, draw(st.integers(0, max_data)), set())
    flow_count = draw(st.integers(0, max_flows)) if len(element_ids) > 1 else 0
    flow_ids = _unique_ids(draw, flow_count, places)

    elements = draw(_elements(element_ids, zone_ids, data_ids))
    draw(_verifications(elements, data_ids))
    model: dict[str, Any] = {
        "meta": {"name": draw(text.filter(bool))},
        "zones": draw(_zones(zone_ids)),
        "elements": elements,
    }
    _put(model["meta"], "description", draw(_optional(text)))
    if data_ids:
        model["data"] = draw(_data_items(data_ids))
    if flow_ids:
        model["flows"] = draw(_flows(flow_ids, element_ids, data_ids))
    if attackers := draw(_attackers(element_ids, zone_ids, data_ids)):
        model["attackers"] = attackers
    draw(_accepted_and_threats(model))
    return model


def to_yaml(model: dict[str, Any]) -> str:
    """YAML text of a model dict (unicode kept as is, key order kept)."""
    return yaml.safe_dump(model, allow_unicode=True, sort_keys=False, width=120)


def to_json(model: dict[str, Any]) -> str:
    return json.dumps(model, ensure_ascii=False, indent=2, default=str)


def model_yaml(**kwargs: Any) -> st.SearchStrategy[str]:
    """A random valid model as YAML text."""
    return models(**kwargs).map(to_yaml)


def model_json(**kwargs: Any) -> st.SearchStrategy[str]:
    """A random valid model as JSON text."""
    return models(**kwargs).map(to_json)


def load_dict(model: dict[str, Any], name: str = "model.yaml") -> LoadedModel:
    """Load a model dict through the real loader (via YAML), so it has a real source map."""
    return load_bytes(to_yaml(model).encode("utf-8"), name)


def shuffled(value: Any, rng: random.Random) -> Any:
    """The same model with every list and every mapping in another order (all of them are sets)."""
    if isinstance(value, dict):
        items = list(value.items())
        rng.shuffle(items)
        return {key: shuffled(item, rng) for key, item in items}
    if isinstance(value, list):
        values = [shuffled(v, rng) for v in value]
        rng.shuffle(values)
        return values
    return value


_DENSE_ITEMS = ("face", "idn", "ph")


def random_dense_model(elements: int, flows: int, seed: int, zones: int = 8) -> dict[str, object]:
    """Random zones, element kinds and flows carrying biometric and identity items: no two places alike, the
    costliest shape per element for the rules and the plan (issue 18)."""
    rnd = random.Random(seed)
    jurisdictions = ("CN", "US-IL", "DE", "FR")
    kept = [
        {"id": f"z{i}", "owner": f"org{i % 3}", "jurisdiction": jurisdictions[i % 4], "internet_facing": i % 3 == 0}
        for i in range(zones)
    ]
    out: list[dict[str, object]] = []
    for i in range(elements):
        kind = rnd.choice(("process", "store", "actor", "process"))
        element: dict[str, object] = {"id": f"e{i}", "type": kind, "zone": f"z{rnd.randrange(zones)}"}
        if kind == "store":
            element["holds"] = rnd.sample(_DENSE_ITEMS, rnd.randint(1, 3))
        if rnd.random() < 0.3:
            element["controls"] = rnd.sample(["authentication", "access-control", "audit-logging"], 1)
        out.append(element)
    data = [
        {"id": "face", "category": "biometric_sample", "modality": "face", "subjects": 1_000_000},
        {"id": "idn", "category": "national_id", "subjects": 1_000_000},
        {"id": "ph", "category": "phone_number", "subjects": 1_000_000},
    ]
    links = []
    for i in range(flows):
        source, target = rnd.sample(range(elements), 2)
        links.append({"id": f"f{i}", "source": f"e{source}", "target": f"e{target}",
                      "data": rnd.sample(_DENSE_ITEMS, rnd.randint(1, 2)), "encrypted": rnd.random() < 0.5})
    return {"meta": {"name": "dense"}, "zones": kept, "elements": out, "data": data, "flows": links}


def random_wide_model(elements: int, flows: int, per_flow: int, items: int, seed: int) -> dict[str, object]:
    """Random flows each carrying `per_flow` of `items` data items of five kinds: every element sees its own
    combination of data, so no two findings share a score or a report group (issue 18's wide models)."""
    rnd = random.Random(seed)
    kinds = ("biometric_sample", "national_id", "phone_number", "biometric_template", "contact")
    data: list[dict[str, object]] = []
    for i in range(items):
        item: dict[str, object] = {"id": f"d{i}", "category": kinds[i % 5], "subjects": 1_000_000}
        if kinds[i % 5].startswith("biometric"):
            item["modality"] = "face"
        data.append(item)
    zones = [{"id": f"z{i}", "owner": f"org{i % 7}", "jurisdiction": ("CN", "DE", "US-IL")[i % 3],
              "internet_facing": i % 3 == 0} for i in range(50)]
    out: list[dict[str, object]] = []
    for i in range(elements):
        kind = rnd.choice(("process", "store", "actor", "process"))
        element: dict[str, object] = {"id": f"e{i}", "type": kind, "zone": f"z{rnd.randrange(50)}"}
        if kind == "store":
            element["holds"] = [f"d{j}" for j in rnd.sample(range(items), per_flow)]
        out.append(element)
    links = []
    for i in range(flows):
        source, target = rnd.sample(range(elements), 2)
        links.append({"id": f"f{i}", "source": f"e{source}", "target": f"e{target}",
                      "data": [f"d{j}" for j in rnd.sample(range(items), per_flow)]})
    return {"meta": {"name": "wide"}, "zones": zones, "elements": out, "data": data, "flows": links}
