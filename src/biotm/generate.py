"""Synthetic national-scale models, for benchmarks and for trying biotm on a realistic large system.

`national_model(elements, seed)` builds a China-style real-name SIM registration system of exactly
`elements` elements: provinces x carriers x shops (each shop a clerk, a terminal and its customers),
a regional real-name system and store per province and carrier, each carrier's central archive, CRM,
back office and SMS gateway, the national portrait-comparison service and population register,
face-SDK vendors, police query access and a bank whose password reset trusts SMS codes. Verifiers on
the regional systems, the SMS gateways and the bank let identity-theft chains run. The same seed gives
the same model. `replicated=True` writes the same system small: each region's shops of one configuration
as one shop whose terminal has `instances`. docs/generate.md describes the topology.

`from_topology(topology)` (in biotm.topology, re-exported here) turns the tool-neutral
`biotm-bench-topology/1` document (written by the benchmark's pytm harness) into a biotm model of the
same nodes and flows, so biotm and pytm are timed on identical graphs.

Both return plain data (dicts and lists) ready for `dump_yaml` / `dump_json` (biotm.generate_output, re-exported
here); nothing here imports the schema, so generating stays cheap.
"""

from __future__ import annotations

import random
from typing import Any

from biotm.generate_output import analyze_note as analyze_note
from biotm.generate_output import dump as dump
from biotm.generate_output import dump_json as dump_json
from biotm.generate_output import dump_yaml as dump_yaml
from biotm.topology import TOPOLOGY_FORMAT as TOPOLOGY_FORMAT
from biotm.topology import boundary_roots as boundary_roots
from biotm.topology import from_topology as from_topology

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


def _region_tag(region: tuple[int, int]) -> str:
    """The id prefix of a province-carrier region: `ah_c1`."""
    return f"{PROVINCES[region[0]][0].lower()}_c{region[1] + 1}"


def _shop(
    b: _Builder, sid: str, names: tuple[str, str, str], config: dict[str, Any], zone: str, system: str,
    copies: int, extra_clerks: int = 0,
) -> None:
    """One shop (customers, clerk, terminal, six flows), or `copies` alike shops as one whose terminal has
    `instances: copies` and whose clerk stands for every clerk of them."""
    customers_name, terminal_name, clerk_name = names
    customers = b.element(f"{sid}_customers", "actor", customers_name, zone, role="data-subject", holds=_CAPTURED)
    terminal = b.element(
        f"{sid}_terminal", "device", terminal_name, zone, purpose="identity-verification", capture="attended",
        controls=config["terminal"], instances=copies if copies > 1 else None,
    )
    for clerk in [f"{sid}_clerk"] + [f"{sid}_clerk{n}" for n in range(2, 2 + extra_clerks)]:
        b.element(clerk, "actor", clerk_name, zone, role="staff", people=config["clerks"] * copies,
                  holds=["staff_login"])
        b.flow(f"{clerk}_login", clerk, terminal, ["staff_login"], protocol="terminal login")
        b.flow(f"{clerk}_display", terminal, clerk, ["face_image", "id_card_photo", "id_number", "name"],
               protocol="screen")
    b.flow(f"{sid}_capture", customers, terminal, _CAPTURED, protocol="camera and ID-chip reader")
    b.secure_flow(f"{sid}_submit", terminal, system, _CAPTURED, "HTTPS over the channel VPN", config["submit"])
    b.secure_flow(f"{sid}_verdict", system, terminal, ["match_score", "phone_number"], "HTTPS", config["verdict"])
    b.flow(f"{sid}_handover", terminal, customers, ["phone_number"], protocol="SIM card")


def national_model(elements: int, seed: int = 0, *, replicated: bool = False) -> dict[str, Any]:
    """A valid, warning-free national SIM registration model with exactly `elements` elements; `replicated`:
    the same system with each region's shops of one configuration written as one replicated shop
    (`instances`), about 1,400 elements whatever `elements` says."""
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
        province = PROVINCES[p][1]
        carrier = CARRIERS[c]
        tag = _region_tag((p, c))
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
    dealt = [(shop % len(regions), pattern[(shop // len(regions)) % _SHOP_PATTERN]) for shop in range(shops)]
    if replicated:
        # Each region's shops of one configuration become one shop standing for all of them (`instances`).
        alike: dict[tuple[int, int], int] = {}
        for place in dealt:
            alike[place] = alike.get(place, 0) + 1
        for (region, kind), copies in sorted(alike.items()):
            province, carrier = PROVINCES[regions[region][0]][1], CARRIERS[regions[region][1]]
            several = copies > 1
            shops_here = f"the {copies:,} kind-{kind + 1} shops" if several else f"the one kind-{kind + 1} shop"
            names = (f"Customers of {shops_here} in {province}",
                     f"{carrier} real-name terminal{'s' * several} of {shops_here} in {province}",
                     f"Clerk{'s' * several} at {shops_here} in {province}")
            _shop(b, f"{_region_tag(regions[region])}_kind{kind + 1}", names, kinds[kind], shop_zones[region],
                  systems[region], copies)
    else:
        for shop, (region, kind) in enumerate(dealt):
            names = (f"Customers of shop {shop}", f"{CARRIERS[regions[region][1]]} shop {shop} real-name terminal",
                     f"Clerk at shop {shop}")
            _shop(b, f"shop{shop}", names, kinds[kind], shop_zones[region], systems[region], 1,
                  extra_clerks if shop == 0 else 0)

    assert replicated or len(b.elements) == elements, (len(b.elements), elements)
    written = f" written as {len(b.elements)} with replicated shops" if replicated else ""
    return {
        "biotm": 1,
        "meta": {
            "name": f"Synthetic national SIM registration ({elements} elements{written}, seed {seed})",
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
