"""Minimal models for rule tests: for every rule, one model that fires it and the control that stops it.

Each case is built from plain dicts; `Case.mitigated()` returns the same model with only the
mitigating control(s) added at one place, so a test can show the control (and nothing else) makes
the finding go away.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import yaml

from biotm.model.loader import load_bytes
from biotm.pipeline import AuditOptions, audit
from biotm.result import AuditResult

TODAY = dt.date(2026, 1, 1)
Model = dict[str, Any]


def zone(zone_id: str, owner: str = "operator", jurisdiction: str = "CN", **extra: Any) -> dict[str, Any]:
    return {"id": zone_id, "owner": owner, "jurisdiction": jurisdiction, **extra}


def element(element_id: str, kind: str, zone_id: str = "core", **extra: Any) -> dict[str, Any]:
    return {"id": element_id, "type": kind, "zone": zone_id, **extra}


def data(data_id: str, category: str, subjects: int = 5000, **extra: Any) -> dict[str, Any]:
    if category.startswith("biometric") and "modality" not in extra:
        extra["modality"] = "face"
    return {"id": data_id, "category": category, "subjects": subjects, **extra}


def flow(flow_id: str, source: str, target: str, items: list[str], **extra: Any) -> dict[str, Any]:
    return {"id": flow_id, "source": source, "target": target, "data": items, **extra}


def model(zones: list[Any], elements: list[Any], items: list[Any], flows: list[Any], **extra: Any) -> Model:
    return {"meta": {"name": "rule test"}, "zones": zones, "elements": elements, "data": items, "flows": flows, **extra}


def load(model_dict: Model, name: str = "model.yaml") -> Any:
    return load_bytes(yaml.safe_dump(model_dict, sort_keys=False, allow_unicode=True).encode(), name)


def run(model_dict: Model, *rules: str, today: dt.date = TODAY) -> AuditResult:
    return audit(load(model_dict), AuditOptions(rules=rules, today=today))


def face() -> dict[str, Any]:
    return data("face", "biometric_sample")


def subject(**extra: Any) -> dict[str, Any]:
    return element("person", "actor", role="data-subject", holds=["face"], **extra)


def capture_chain(store_zone: str = "core", **store: Any) -> Model:
    """person -> app (process) -> db (store), carrying a face image."""
    return model(
        [zone("core"), zone("web", internet_facing=True)],
        [subject(), element("app", "process"), element("db", "store", store_zone, **store)],
        [face()],
        [flow("capture", "person", "app", ["face"]), flow("save", "app", "db", ["face"], encrypted=True)],
    )


@dataclass(frozen=True)
class Case:
    rule: str
    build: Callable[[], Model]
    places: tuple[str, ...]
    #: (section, id, controls) of the place that gets the mitigating controls.
    control_at: tuple[str, str, tuple[str, ...]]

    def fires(self) -> Model:
        return self.build()

    def mitigated(self) -> Model:
        out = copy.deepcopy(self.build())
        section, place_id, controls = self.control_at
        for part in out[section]:
            if part["id"] == place_id:
                part["controls"] = sorted({*part.get("controls", []), *controls})
                return out
        raise KeyError(place_id)


def _unencrypted() -> Model:
    return capture_chain()


def _exposed() -> Model:
    return capture_chain(store_zone="web")


def _cleartext() -> Model:
    m = capture_chain()
    m["flows"][1]["encrypted"] = False
    return m


def _template() -> Model:
    m = capture_chain()
    m["data"].append(data("tpl", "biometric_template"))
    m["elements"][1]["derives"] = [{"from": ["face"], "to": "tpl"}]
    m["elements"][1]["discards"] = ["face"]
    m["flows"][1]["data"] = ["tpl"]
    return m


def _linkage() -> Model:
    m = capture_chain()
    m["zones"].append(zone("partner", owner="partner"))
    m["elements"].append(element("db2", "store", "partner"))
    m["flows"].append(flow("share", "app", "db2", ["face"], encrypted=True))
    return m


def _matcher(matching: str = "one-to-one", capture: str = "unattended", **extra: Any) -> Model:
    return model(
        [zone("core"), zone("street", public_place=True)],
        [
            subject(),
            element("camera", "device", "street", capture=capture),
            element("matcher", "process", matching=matching, **extra),
        ],
        [face()],
        [
            flow("present", "person", "camera", ["face"]),
            flow("probe", "camera", "matcher", ["face"], encrypted=True, authentication="mutual"),
        ],
    )


#: A verification that grants something to whoever presents the live face: PAD and injection rules need one.
OPEN_DOOR = {"id": "open", "action": "open the door", "requires": "live:face", "grants": ["entry"]}


def _pad() -> Model:
    return _matcher(verifies=[OPEN_DOOR])


def _injection() -> Model:
    return model(
        [zone("core"), zone("handset", owner="subscriber", internet_facing=True)],
        [
            subject(),
            element("phone", "device", "handset", capture="remote", subject_controlled=True),
            element("server", "process", verifies=[OPEN_DOOR]),
        ],
        [face()],
        [
            flow("selfie", "person", "phone", ["face"]),
            flow("upload", "phone", "server", ["face"], encrypted=True, authentication="one-way"),
        ],
    )


def _vendor(jurisdiction: str = "CN", owner: str = "vendor") -> Model:
    m = capture_chain()
    m["zones"].append(zone("cloud", owner=owner, jurisdiction=jurisdiction))
    m["elements"].append(element("sdk", "external", "cloud"))
    m["flows"].append(flow("liveness", "app", "sdk", ["face"], encrypted=True, authentication="mutual"))
    return m


def _insider() -> Model:
    m = capture_chain()
    m["elements"].append(element("staff", "actor", role="staff", people=50))
    m["flows"].append(flow("lookup", "db", "staff", ["face"], encrypted=True))
    return m


def _creep() -> Model:
    m = capture_chain()
    m["data"][0]["purposes"] = ["identity-verification"]
    m["elements"].append(element("ads", "process", purpose="marketing"))
    m["flows"].append(flow("profile", "app", "ads", ["face"], encrypted=True))
    return m


def _identity_store() -> Model:
    m = capture_chain()
    m["elements"][0]["holds"] = ["id_number"]
    m["data"] = [data("id_number", "national_id")]
    m["flows"][0]["data"] = ["id_number"]
    m["flows"][1]["data"] = ["id_number"]
    return m


def _console() -> Model:
    m = capture_chain()
    m["elements"].append(element("dashboard", "process", "web", console=True))
    m["flows"].append(flow("browse", "db", "dashboard", ["face"], encrypted=True))
    return m


def _credentials() -> Model:
    m = capture_chain()
    m["elements"].append(element("admin", "actor", role="staff", holds=["password"]))
    m["data"].append(data("password", "credential"))
    m["flows"].append(flow("login", "admin", "app", ["password"], encrypted=True))
    m["flows"][1]["data"] = ["face", "password"]
    return m


def _consent() -> Model:
    m = capture_chain()
    m["data"][0]["consent"] = "bundled"
    return m


def _kit() -> Model:
    m = capture_chain()
    m["elements"][0]["holds"] = ["face", "id_number", "phone_number"]
    m["data"] += [data("id_number", "identifier"), data("phone_number", "identifier")]
    m["flows"][0]["data"] = ["face", "id_number", "phone_number"]
    m["flows"][1]["data"] = ["face", "id_number", "phone_number"]
    return m


def _sole_factor() -> Model:
    verification = {"id": "pay", "action": "approve a payment", "requires": {"all": ["live:face"]}, "grants": ["pay"]}
    return _matcher(verifies=[verification])


def _public() -> Model:
    m = capture_chain()
    m["elements"].append(element("crowd", "actor", role="public"))
    m["flows"].append(flow("screen", "app", "crowd", ["face"]))
    return m


def _crossing(source_zone: dict[str, Any] | None = None, items: list[str] | None = None, **flow_extra: Any) -> Model:
    """api (zone a) -> svc (zone b) across a boundary, carrying an ID number."""
    return model(
        [source_zone or zone("a"), zone("b")],
        [element("api", "process", "a", holds=["id_number"]), element("svc", "process", "b")],
        [data("id_number", "identifier")],
        [flow("call", "api", "svc", items if items is not None else ["id_number"], **flow_extra)],
    )


def _exposed_crossing() -> Model:
    return _crossing(zone("a", internet_facing=True), encrypted=True, authentication="mutual")


def _linking() -> Model:
    m = _crossing(encrypted=True)
    m["elements"][1]["holds"] = ["id_number"]
    return m


def _identifying() -> Model:
    m = _crossing(zone("a", owner="bank"), encrypted=True)
    m["data"].append(data("address", "quasi_identifier"))
    m["elements"][0]["holds"] = ["id_number", "address"]
    m["flows"][0]["data"] = ["id_number", "address"]
    return m


def _non_repudiation() -> Model:
    m = capture_chain()
    m["elements"][0]["holds"] = ["face", "id_number"]
    m["data"].append(data("id_number", "identifier"))
    m["flows"][0]["data"] = ["face", "id_number"]
    m["flows"][1]["data"] = ["face", "id_number"]
    return m


def _detecting() -> Model:
    m = _matcher()
    m["elements"][2]["matching"] = "none"
    return m


def _unnecessary() -> Model:
    m = capture_chain()
    m["elements"].append(element("mailer", "process"))
    m["data"].append(data("id_number", "identifier"))
    m["elements"][1]["holds"] = ["id_number"]
    m["flows"].append(flow("notify", "app", "mailer", ["id_number"], encrypted=True))
    return m


def _retention() -> Model:
    m = _crossing(encrypted=True)
    m["elements"].append(element("ledger", "store", "b"))
    m["flows"].append(flow("keep", "svc", "ledger", ["id_number"], encrypted=True))
    return m


def _unawareness() -> Model:
    m = capture_chain()
    m["data"][0]["consent"] = "separate"
    m["data"].append(data("address", "quasi_identifier"))
    m["elements"][0]["holds"] = ["face", "address"]
    m["flows"][0]["data"] = ["face", "address"]
    return m


def _state_organ() -> Model:
    """An operator sends a face for an identity check to a state organ's service, under a named statute."""
    m = capture_chain()
    m["zones"].append(zone("ministry", owner="ministry"))
    m["elements"].append(element("registry", "external", "ministry"))
    m["flows"].append(flow("check", "app", "registry", ["face"], encrypted=True))
    m["organisations"] = [
        {"name": "operator", "role": "controller"},
        {"name": "ministry", "role": "state-organ", "authority": "ATFL-9"},
    ]
    return m


def _obligation() -> Model:
    """A face collected under a legal obligation, kept longer than the law's period."""
    m = capture_chain()
    m["data"][0]["retention_days"] = 4000
    m["data"][0]["basis"] = {"basis": "legal-obligation", "law": "MIIT-2019", "retention_days": 730}
    return m


CASES: tuple[Case, ...] = (
    Case("bio-store-unencrypted", _unencrypted, ("db",), ("elements", "db", ("encryption-at-rest",))),
    Case("bio-store-exposed", _exposed, ("db",), ("elements", "db", ("access-control",))),
    Case("bio-transit-cleartext", _cleartext, ("save",), ("flows", "save", ("encryption-in-transit",))),
    Case("bio-raw-sample-retained", _unencrypted, ("db",), ("elements", "db", ("delete-after-use",))),
    Case("bio-template-unprotected", _template, ("db",), ("elements", "db", ("template-protection",))),
    Case("bio-cross-database-linkage", _linkage, ("db",), ("elements", "db", ("template-protection",))),
    Case("bio-no-pad", _pad, ("camera",), ("elements", "camera", ("presentation-attack-detection",))),
    Case(
        "bio-identity-store-unencrypted", _identity_store, ("db",), ("elements", "db", ("encryption-at-rest",))
    ),
    Case("bio-console-exposed", _console, ("dashboard",), ("elements", "dashboard", ("authentication",))),
    Case("bio-credential-plaintext", _credentials, ("db",), ("elements", "db", ("credential-hashing",))),
    Case("bio-no-injection-detection", _injection, ("phone",), ("elements", "phone", ("injection-attack-detection",))),
    Case("bio-third-party-disclosure", _vendor, ("liveness",), ("flows", "liveness", ("data-processing-agreement",))),
    Case(
        "bio-insider-bulk-access",
        _insider,
        ("db", "lookup", "staff"),
        ("elements", "db", ("access-control", "audit-logging")),
    ),
    Case("bio-function-creep", _creep, ("ads",), ("elements", "ads", ("purpose-limitation",))),
    Case("bio-no-separate-consent", _consent, ("capture",), ("flows", "capture", ("separate-consent",))),
    Case(
        "bio-cross-border-transfer",
        lambda: _vendor("SG", owner="operator"),
        ("liveness",),
        ("flows", "liveness", ("transfer-mechanism",)),
    ),
    Case(
        "bio-central-identification",
        lambda: _matcher("one-to-many", capture="attended"),
        ("matcher",),
        ("elements", "matcher", ("on-device-matching",)),
    ),
    Case("bio-identity-kit", _kit, ("db",), ("elements", "db", ("pseudonymisation",))),
    Case("bio-sole-factor", _sole_factor, ("matcher",), ("elements", "matcher", ("second-factor",))),
    Case(
        "bio-public-surveillance",
        lambda: _matcher("one-to-many"),
        ("camera",),
        ("elements", "camera", ("signage", "dpia", "human-review")),
    ),
    Case("bio-public-disclosure", _public, ("screen",), ("flows", "screen", ("data-minimisation",))),
    Case(
        "bio-score-oracle",
        lambda: _matcher(returns="score"),
        ("matcher",),
        ("elements", "matcher", ("decision-only-response",)),
    ),
    Case("legal-state-disclosure", _state_organ, ("check",), ("flows", "check", ("audit-logging",))),
    Case(
        "legal-obligation-limits",
        _obligation,
        ("capture",),
        ("elements", "app", ("privacy-notice", "purpose-limitation", "retention-limit")),
    ),
    Case("stride-spoofing", _crossing, ("api", "call", "svc"), ("flows", "call", ("authentication",))),
    Case("stride-tampering", _crossing, ("api", "call", "svc"), ("flows", "call", ("encryption-in-transit",))),
    Case(
        "stride-information-disclosure",
        _crossing,
        ("api", "call", "svc"),
        ("flows", "call", ("encryption-in-transit",)),
    ),
    Case("stride-repudiation", _crossing, ("api", "call", "svc"), ("elements", "svc", ("audit-logging",))),
    Case(
        "stride-denial-of-service",
        _exposed_crossing,
        ("api", "call", "svc"),
        ("elements", "svc", ("query-rate-limit",)),
    ),
    Case(
        "stride-elevation-of-privilege",
        _exposed_crossing,
        ("api", "call", "svc"),
        ("elements", "svc", ("access-control",)),
    ),
    Case("linddun-linking", _linking, ("api", "call", "svc"), ("flows", "call", ("pseudonymisation",))),
    Case("linddun-identifying", _identifying, ("api", "call", "svc"), ("flows", "call", ("pseudonymisation",))),
    Case("linddun-non-repudiation", _non_repudiation, ("db",), ("elements", "db", ("delete-after-use",))),
    Case("linddun-detecting", _detecting, ("camera",), ("elements", "camera", ("delete-after-use",))),
    Case(
        "linddun-unnecessary-data",
        _unnecessary,
        ("app", "notify", "mailer"),
        ("flows", "notify", ("data-minimisation",)),
    ),
    Case("linddun-excessive-retention", _retention, ("ledger",), ("elements", "ledger", ("retention-limit",))),
    Case("linddun-unawareness", _unawareness, ("person", "capture", "app"), ("elements", "app", ("signage",))),
    Case("linddun-no-dpia", _matcher, ("camera", "matcher"), ("elements", "matcher", ("dpia",))),
)


def case(rule: str) -> Case:
    """The case of `rule`."""
    return next(c for c in CASES if c.rule == rule)
