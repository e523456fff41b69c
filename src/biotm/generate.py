"""Synthetic national-scale models, for benchmarks and for trying biotm on a realistic large system.

`national_model(elements, seed)` builds a China-style real-name SIM registration system of exactly
`elements` elements: provinces x carriers x shops (each shop a clerk, a terminal and its customers),
a regional real-name system and store per province and carrier, each carrier's central archive, CRM,
back office and SMS gateway, the national portrait-comparison service and population register,
face-SDK vendors, police query access and a bank whose password reset trusts SMS codes. Verifiers on
the regional systems, the SMS gateways and the bank let identity-theft chains run. The same seed gives
the same model. docs/generate.md describes the topology.

`from_topology(topology)` (in biotm.topology, re-exported here) turns the tool-neutral
`biotm-bench-topology/1` document (written by the benchmark's pytm harness) into a biotm model of the
same nodes and flows, so biotm and pytm are timed on identical graphs.

Both return plain data (dicts and lists) ready for `dump_yaml` / `json.dumps`; nothing here imports
the schema, so generating stays cheap.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from biotm.topology import TOPOLOGY_FORMAT as TOPOLOGY_FORMAT
from biotm.topology import boundary_roots as boundary_roots
from biotm.topology import from_topology as from_topology
from biotm.yaml_scalar import scalar

if TYPE_CHECKING:
    from biotm.model.limits import Limits


#: ISO 3166-2 codes and names of China's 31 provincial-level divisions (mainland).
PROVINCES: tuple[tuple[str, str], ...] = (
    ("BJ", "Beijing"), ("TJ", "Tianjin"), ("HE", "Hebei"), ("SX", "Shanxi"), ("NM", "Inner Mongolia"),
    ("LN", "Liaoning"), ("JL", "Jilin"), ("HL", "Heilongjiang"), ("SH", "Shanghai"), ("JS", "Jiangsu"),
    ("ZJ", "Zhejiang"), ("AH", "Anhui"), ("FJ", "Fujian"), ("JX", "Jiangxi"), ("SD", "Shandong"),
    ("HA", "Henan"), ("HB", "Hubei"), ("HN", "Hunan"), ("GD", "Guangdong"), ("GX", "Guangxi"),
    ("HI", "Hainan"), ("CQ", "Chongqing"), ("SC", "Sichuan"), ("GZ", "Guizhou"), ("YN", "Yunnan"),
    ("XZ", "Tibet"), ("SN", "Shaanxi"), ("GS", "Gansu"), ("QH", "Qinghai"), ("NX", "Ningxia"),
    ("XJ", "Xinjiang"),
)
CARRIERS = ("Carrier A", "Carrier B", "Carrier C")
VENDORS = ("Face-SDK vendor 1", "Face-SDK vendor 2", "Face-SDK vendor 3")

#: Elements that exist whatever the size: national services, per-carrier and per-vendor elements.
_NATIONAL_ELEMENTS = 6  # verification service, register, police query, investigators, bank, subscriber phone
_PER_CARRIER = 4  # archive, CRM, back office, SMS gateway
_PER_VENDOR = 2  # liveness API, request logs
_PER_REGION = 3  # real-name system, regional store, regional auditors
_PER_SHOP = 3  # customers, clerk, terminal
_MIN_SHOPS_PER_REGION = 2


def _fixed(provinces: int) -> int:
    regions = provinces * len(CARRIERS)
    return (
        _NATIONAL_ELEMENTS
        + _PER_CARRIER * len(CARRIERS)
        + _PER_VENDOR * len(VENDORS)
        + _PER_REGION * regions
    )


MIN_ELEMENTS = _fixed(1) + _PER_SHOP * len(CARRIERS)


def _province_count(elements: int) -> int:
    """As many provinces (up to 31) as leave every province-carrier region a few shops."""
    for provinces in range(len(PROVINCES), 0, -1):
        shops = (elements - _fixed(provinces)) // _PER_SHOP
        if shops >= provinces * len(CARRIERS) * _MIN_SHOPS_PER_REGION:
            return provinces
    return 1


_DATA: tuple[dict[str, Any], ...] = (
    {"id": "face_image", "name": "Live face photo", "category": "biometric_sample", "modality": "face",
     "subjects": 300_000_000, "purposes": ["identity-verification"], "retention_days": 4380, "consent": "bundled"},
    {"id": "face_template", "name": "Face template", "category": "biometric_template", "modality": "face",
     "subjects": 300_000_000, "purposes": ["identity-verification"], "retention_days": 4380},
    {"id": "id_card_photo", "name": "ID-card chip portrait", "category": "document_image",
     "subjects": 300_000_000, "purposes": ["identity-verification"], "retention_days": 4380},
    {"id": "reference_portrait", "name": "Population-register reference portrait", "category": "document_image",
     "subjects": 1_400_000_000, "purposes": ["identity-management", "identity-verification"]},
    {"id": "id_number", "name": "Resident ID number", "category": "identifier", "subjects": 950_000_000,
     "purposes": ["identity-verification", "telecom-service"], "retention_days": 4380},
    {"id": "name", "name": "Legal name", "category": "quasi_identifier", "subjects": 950_000_000,
     "purposes": ["identity-verification", "telecom-service"], "retention_days": 4380},
    {"id": "address", "name": "Registered address", "category": "quasi_identifier", "subjects": 950_000_000,
     "purposes": ["identity-verification"], "retention_days": 4380},
    {"id": "phone_number", "name": "Mobile phone number", "category": "identifier", "subjects": 950_000_000,
     "purposes": ["telecom-service", "identity-verification"], "retention_days": 4380},
    {"id": "liveness_result", "name": "Liveness score", "category": "other", "subjects": 300_000_000,
     "purposes": ["identity-verification"]},
    {"id": "match_score", "name": "Portrait comparison score", "category": "other", "subjects": 300_000_000,
     "purposes": ["identity-verification"]},
    {"id": "staff_login", "name": "Clerk's terminal login", "category": "credential", "subjects": 200_000,
     "revocable": True},
    {"id": "otp", "name": "Bank SMS one-time password", "category": "credential", "subjects": 950_000_000,
     "revocable": True, "purposes": ["account-recovery"], "retention_days": 0},
)

_CAPTURED = ["face_image", "id_card_photo", "id_number", "name", "address"]
_ARCHIVED = ["face_image", "face_template", "id_card_photo", "id_number", "name", "address", "phone_number",
             "liveness_result", "match_score"]
_REPLICATED = ["face_template", "id_number", "name", "phone_number"]
_LOOKED_UP = ["face_image", "id_number", "name", "phone_number"]


class _Builder:
    """Accumulates zones, elements and flows, drawing control choices from one seeded generator."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.zones: list[dict[str, Any]] = []
        self.elements: list[dict[str, Any]] = []
        self.flows: list[dict[str, Any]] = []

    def chance(self, probability: float) -> bool:
        return self.rng.random() < probability

    def controls(self, options: dict[str, float]) -> list[str]:
        """The controls (in catalog order given) that this place happens to have."""
        return [control for control, probability in options.items() if self.chance(probability)]

    def zone(self, zone_id: str, name: str, owner: str, **extra: Any) -> str:
        self.zones.append({"id": zone_id, "name": name, "owner": owner, "jurisdiction": "CN", **extra})
        return zone_id

    def element(self, element_id: str, kind: str, name: str, zone: str, **extra: Any) -> str:
        element: dict[str, Any] = {"id": element_id, "type": kind, "name": name, "zone": zone}
        # lists copied: a configuration shared by thousands of shops must not be one mutable object
        element.update({key: list(value) if isinstance(value, list) else value
                        for key, value in extra.items() if value not in (None, [], {})})
        self.elements.append(element)
        return element_id

    def flow(self, flow_id: str, source: str, target: str, data: list[str], **extra: Any) -> None:
        flow = {"id": flow_id, "source": source, "target": target, "data": data}
        flow.update({key: value for key, value in extra.items() if value not in (None, [], {}, False)})
        self.flows.append(flow)

    def security(self) -> dict[str, Any]:
        """How one kind of back-end flow is protected: usually encrypted, sometimes mutually authenticated."""
        encrypted = self.chance(0.9)
        return {"encrypted": encrypted,
                "authentication": ("mutual" if self.chance(0.4) else "one-way") if encrypted else None}

    def secure_flow(
        self, flow_id: str, source: str, target: str, data: list[str], protocol: str,
        security: dict[str, Any] | None = None,
    ) -> None:
        """A back-end flow protected as `security` says (default: drawn for this flow alone)."""
        self.flow(flow_id, source, target, data, protocol=protocol, **(security or self.security()))


#: Flows of a region whose protection is one per carrier (the carrier's standard build), in drawing order.
_REGION_FLOWS = ("liveness", "liveness_result", "compare", "compare_result", "number", "archive", "replicate", "audit")
#: Shop configurations each seed draws, and the length of the repeating pattern shops are dealt them in.
SHOP_KINDS = 4
_SHOP_PATTERN = 12


def _region_build(b: _Builder) -> dict[str, Any]:
    """One carrier's standard regional build: real-name system and store controls, auditors, flow protection."""
    return {
        "system": b.controls({"authentication": 0.9, "audit-logging": 0.5, "injection-attack-detection": 0.2}),
        "store": b.controls({"access-control": 0.7, "encryption-at-rest": 0.5, "retention-limit": 0.3}),
        "auditors": b.rng.randint(20, 200),
        "flows": {name: b.security() for name in _REGION_FLOWS},
    }


def _shop_kind(b: _Builder) -> dict[str, Any]:
    """One shop configuration: the terminal's controls, its uplink's protection and the clerks on duty."""
    return {
        "terminal": b.controls({"authentication": 0.9, "presentation-attack-detection": 0.3,
                                "device-attestation": 0.2}),
        "submit": b.security(),
        "verdict": b.security(),
        "clerks": b.rng.randint(2, 12),
    }


def national_model(elements: int, seed: int = 0) -> dict[str, Any]:
    """A valid, warning-free national SIM registration model with exactly `elements` elements."""
    if elements < MIN_ELEMENTS:
        raise ValueError(f"a national model needs at least {MIN_ELEMENTS} elements (got {elements})")
    provinces = _province_count(elements)
    regions = [(p, c) for p in range(provinces) for c in range(len(CARRIERS))]
    spare = elements - _fixed(provinces)
    shops, extra_clerks = divmod(spare, _PER_SHOP)
    b = _Builder(seed)

    # -- national services, bank, subscribers, vendors ----------------------------------------------------
    mps = b.zone("mps", "MPS national identity verification", "Ministry of Public Security")
    police = b.zone("public_security", "Public security bureaus", "Public security bureau")
    bank = b.zone("bank", "Retail bank online channel", "Bank", internet_facing=True)
    subscriber = b.zone("subscriber", "Subscribers' handsets", "Subscriber", internet_facing=True)
    verifier = b.element(
        "id_verification", "external", "National portrait comparison service", mps,
        purpose="identity-verification", matching="one-to-one", returns="score",
        controls=["authentication", "query-rate-limit"],
        derives=[{"from": ["face_image", "reference_portrait"], "to": "match_score"}],
    )
    register = b.element(
        "population_register", "store", "National population register", mps, purpose="identity-management",
        holds=["reference_portrait", "id_number", "name"], controls=["access-control", "network-isolation"],
    )
    police_query = b.element("police_query", "external", "Subscriber query interface", police,
                             purpose="public-security")
    investigators = b.element("police_investigators", "actor", "Police investigators", police, role="official",
                              people=150_000)
    bank_reset = b.element(
        "bank_reset", "external", "Bank password-reset service", bank, purpose="account-recovery",
        holds=["id_number", "phone_number", "otp"],
        verifies=[{"id": "password-reset", "action": "reset the online-banking password and take over the account",
                   "requires": {"all": ["victim-otp", "id_number"]}, "grants": ["bank-account-takeover"]}],
    )
    phone = b.element("subscriber_phone", "device", "Subscriber's phone", subscriber, subject_controlled=True)
    b.flow("reference_lookup", register, verifier, ["reference_portrait", "id_number", "name"],
           protocol="MPS network", encrypted=True, authentication="mutual")
    b.flow("police_results", police_query, investigators, _REPLICATED[1:], protocol="police intranet",
           encrypted=True)
    b.flow("otp_entry", phone, bank_reset, ["otp"], protocol="HTTPS", encrypted=True, authentication="one-way")
    vendors = []
    for v, vendor_name in enumerate(VENDORS, start=1):
        zone = b.zone(f"vendor{v}", f"{vendor_name} cloud", vendor_name, internet_facing=True)
        api = b.element(f"vendor{v}_liveness", "external", f"{vendor_name} liveness API", zone,
                        purpose="identity-verification",
                        derives=[{"from": ["face_image"], "to": "liveness_result"}])
        logs = b.element(f"vendor{v}_logs", "store", f"{vendor_name} request logs", zone,
                         purpose="identity-verification")
        b.flow(f"vendor{v}_logging", api, logs, ["face_image", "liveness_result"], protocol="internal")
        vendors.append(api)

    # -- carriers ------------------------------------------------------------------------------------------
    crms, archives = [], []
    for c, carrier in enumerate(CARRIERS, start=1):
        core = b.zone(f"c{c}_core", f"{carrier} core network", carrier)
        archive = b.element(f"c{c}_archive", "store", f"{carrier} central real-name archive", core,
                            purpose="identity-verification",
                            controls=b.controls({"access-control": 0.8, "audit-logging": 0.6,
                                                 "encryption-at-rest": 0.5}))
        crm = b.element(f"c{c}_crm", "process", f"{carrier} CRM", core, purpose="telecom-service",
                        holds=["phone_number"], controls=["access-control"])
        backoffice = b.element(f"c{c}_backoffice", "actor", f"{carrier} back-office operators", core, role="staff",
                               people=3000)
        sms = b.element(
            f"c{c}_sms", "process", f"{carrier} SMS gateway", core, purpose="telecom-service",
            verifies=[{"id": "deliver-otp", "action": "deliver SMS one-time passwords sent to the number",
                       "requires": "sim-in-victim-name", "grants": ["victim-otp"], "high_assurance": False}],
        )
        b.secure_flow(f"c{c}_backoffice_lookup", archive, backoffice, _LOOKED_UP[1:], "back-office console")
        b.secure_flow(f"c{c}_police_query", archive, police_query, _REPLICATED[1:], "dedicated interface")
        b.flow(f"c{c}_otp_request", bank_reset, sms, ["otp", "phone_number"], protocol="SMPP", encrypted=True)
        b.flow(f"c{c}_otp_delivery", sms, phone, ["otp"], protocol="SMS")
        crms.append(crm)
        archives.append(archive)

    # -- province x carrier regions: every carrier runs one build in all its provinces -------------------------
    builds = [_region_build(b) for _ in CARRIERS]
    systems, shop_zones = [], []
    for index, (p, c) in enumerate(regions):
        code, province = PROVINCES[p]
        carrier = CARRIERS[c]
        tag = f"{code.lower()}_c{c + 1}"
        zone = b.zone(f"{tag}_dc", f"{carrier} {province} data centre", carrier, parent=f"c{c + 1}_core")
        shop_zones.append(
            b.zone(f"{tag}_shops", f"{carrier} shops in {province}", carrier, public_place=True)
        )
        system = b.element(
            f"{tag}_realname", "process", f"{carrier} {province} real-name system", zone,
            purpose="identity-verification", matching="one-to-one",
            controls=builds[c]["system"],
            derives=[{"from": ["face_image"], "to": "face_template"}],
            verifies=[{"id": "register-sim", "action": "register a new SIM card in the applicant's name",
                       "requires": {"all": ["live:face", "id_number"]}, "grants": ["sim-in-victim-name"]}],
        )
        store = b.element(f"{tag}_store", "store", f"{carrier} {province} registration store", zone,
                          purpose="identity-verification",
                          controls=builds[c]["store"])
        auditors = b.element(f"{tag}_auditors", "actor", f"{carrier} {province} real-name auditors", zone,
                             role="staff", people=builds[c]["auditors"])
        vendor = vendors[index % len(vendors)]
        region_flows = (
            ("liveness", system, vendor, ["face_image"], "HTTPS"),
            ("liveness_result", vendor, system, ["liveness_result"], "HTTPS"),
            ("compare", system, verifier, ["face_image", "id_number", "name"], "dedicated line"),
            ("compare_result", verifier, system, ["match_score"], "dedicated line"),
            ("number", crms[c], system, ["phone_number"], "internal API"),
            ("archive", system, store, _ARCHIVED, "database"),
            ("replicate", store, archives[c], _REPLICATED, "replication"),
            ("audit", store, auditors, _LOOKED_UP, "audit console"),
        )
        for name, source, target, data, protocol in region_flows:
            b.secure_flow(f"{tag}_{name}", source, target, data, protocol, builds[c]["flows"][name])
        systems.append(system)

    # -- shops, round-robin over the regions, in a handful of configurations -------------------------------
    # A region's j-th shop has the configuration at j in one repeating pattern, so regions with the same
    # number of shops have the same mix: a national model repeats a few kinds of place (docs/generate.md).
    kinds = [_shop_kind(b) for _ in range(SHOP_KINDS)]
    pattern = [b.rng.randrange(SHOP_KINDS) for _ in range(_SHOP_PATTERN)]
    for shop in range(shops):
        region = shop % len(regions)
        config = kinds[pattern[(shop // len(regions)) % _SHOP_PATTERN]]
        zone, system = shop_zones[region], systems[region]
        sid = f"shop{shop}"
        carrier = CARRIERS[regions[region][1]]
        customers = b.element(f"{sid}_customers", "actor", f"Customers of shop {shop}", zone, role="data-subject",
                              holds=_CAPTURED)
        terminal = b.element(
            f"{sid}_terminal", "device", f"{carrier} shop {shop} real-name terminal", zone,
            purpose="identity-verification", capture="attended",
            controls=config["terminal"],
        )
        clerks = [f"{sid}_clerk"] + [f"{sid}_clerk{n}" for n in range(2, 2 + (extra_clerks if shop == 0 else 0))]
        for clerk in clerks:
            b.element(clerk, "actor", f"Clerk at shop {shop}", zone, role="staff", people=config["clerks"],
                      holds=["staff_login"])
            b.flow(f"{clerk}_login", clerk, terminal, ["staff_login"], protocol="terminal login")
            b.flow(f"{clerk}_display", terminal, clerk, ["face_image", "id_card_photo", "id_number", "name"],
                   protocol="screen")
        b.flow(f"{sid}_capture", customers, terminal, _CAPTURED, protocol="camera and ID-chip reader")
        b.secure_flow(f"{sid}_submit", terminal, system, _CAPTURED, "HTTPS over the channel VPN", config["submit"])
        b.secure_flow(f"{sid}_verdict", system, terminal, ["match_score", "phone_number"], "HTTPS", config["verdict"])
        b.flow(f"{sid}_handover", terminal, customers, ["phone_number"], protocol="SIM card")

    assert len(b.elements) == elements, (len(b.elements), elements)
    return {
        "biotm": 1,
        "meta": {
            "name": f"Synthetic national SIM registration ({elements} elements, seed {seed})",
            "description": (
                f"Generated by biotm generate: {provinces} provinces x {len(CARRIERS)} carriers, {shops} shops, "
                f"{len(VENDORS)} face-SDK vendors, the national portrait comparison service and a bank."
            ),
            "authors": ["biotm generate"],
        },
        "zones": b.zones,
        "elements": b.elements,
        "data": [dict(item) for item in _DATA],
        "flows": b.flows,
        "attackers": [
            {"id": "leaked-set-buyer", "name": "Fraudster with a bought face photo and ID number",
             "kind": "fraudster", "entry": ["public-place", "internet"], "holds": ["face_image", "id_number", "name"],
             "skill": 0.4},
            {"id": "archive-insider", "name": "Back-office operator selling look-ups", "kind": "insider",
             "entry": ["c1_backoffice"], "skill": 0.3},
            {"id": "sdk-vendor", "name": "Face-SDK vendor keeping request logs", "kind": "vendor",
             "entry": ["vendor1"], "skill": 0.6},
        ],
    }


# -- the neutral benchmark topology ------------------------------------------------------------------

def _lines(value: dict[str, Any], indent: str) -> Iterator[str]:
    for key, item in value.items():
        if isinstance(item, dict):
            yield f"{indent}{key}:"
            yield from _lines(item, indent + "  ")
        elif isinstance(item, list) and item and isinstance(item[0], dict):
            yield f"{indent}{key}:"
            for entry in item:
                first, *rest = _lines(entry, indent + "    ")
                yield f"{indent}  - {first.lstrip()}"
                yield from rest
        elif isinstance(item, list):
            yield f"{indent}{key}: [{', '.join(scalar(v) for v in item)}]"
        else:
            yield f"{indent}{key}: {scalar(item)}"


def dump_yaml(model: dict[str, Any]) -> str:
    """Block-style YAML of a generated model (plain data only), one list entry per few lines."""
    return "\n".join(_lines(model, "")) + "\n"


def dump_json(model: dict[str, Any]) -> str:
    """Compact JSON of a generated model, one record of each top-level list per line (so an error's line
    names the record, and the 100,000-element model stays within the default JSON size limit)."""
    parts = []
    for key, value in model.items():
        if isinstance(value, list) and value:
            records = ",\n".join(json.dumps(item, separators=(",", ":")) for item in value)
            parts.append(f"{json.dumps(key)}:[\n{records}\n]")
        else:
            parts.append(f"{json.dumps(key)}:{json.dumps(value, separators=(',', ':'))}")
    return "{" + ",\n".join(parts) + "}\n"


def dump(model: dict[str, Any], path: str | None) -> str:
    """The model as JSON when `path` ends in .json, else as YAML."""
    if path is not None and path.lower().endswith(".json"):
        return dump_json(model)
    return dump_yaml(model)


def analyze_note(
    model: dict[str, Any], text: str, path: str | None, limits: Limits | None = None
) -> str | None:
    """What to do if `biotm analyze` would refuse the written `text` with its default limits, or None.

    `limits` are analyze's (default: the loader's defaults); the model's values and elements are counted as
    the loader counts them, so the rule is exact, not an estimate.
    """
    from biotm.model.limits import Limits, count_values, elements_note  # here: generating must not import the schema

    chosen = limits or Limits()
    limits = chosen.for_file(path or "stdout.yaml")
    size, values = len(text.encode("utf-8")), count_values(model)
    counted, flag = elements_note(model, chosen)
    if size <= limits.max_bytes and values <= limits.max_values:
        return None if counted is None else f"{path or 'stdout'}: {counted}"
    mebibyte = 1024 * 1024
    as_json = chosen.for_json()
    json_size = len(dump_json(model).encode("utf-8")) if not (path or "").lower().endswith(".json") else size
    advice = f"pass {flag}--max-size-mb {-(-size // mebibyte)} --max-values {values} to biotm analyze"
    if json_size <= as_json.max_bytes and values <= as_json.max_values and limits != as_json:
        fits = f"loads faster) and pass {flag.strip()}" if flag else "fits the defaults and loads faster)"
        advice = f"write it with -o NAME.json instead (JSON {fits}, or {advice}"
    return (
        f"{path or 'stdout'}: {size / mebibyte:.1f} MB and {values:,} values, over what biotm analyze reads by "
        f"default from this format ({limits.max_bytes // mebibyte} MB, {limits.max_values:,} values): {advice}"
    )
