"""Every real file in ../shared/interop-models imports, validates and audits, with the counts and zones its source says.

The expectations below were made by reading each raw JSON/YAML file, not from biotm's output: elements are
the Threat Dragon actors/processes/stores, Threagile technical assets, OTM components; flows count in-scope
attached flows (bidirectional ones twice, a Threagile link with `data_assets_received` twice); zones are
the boxes / trust boundaries / trust zones plus an "outside" zone where some element sits in none, plus
one zone per region a crossed Threat Dragon curve cuts off (the comments say how each drawing was read).

`zone_of` lists, in source order, each element's name and its zone: a zone name, or a `~label` when the
zone has no name of its own in the source, in which case only the grouping is checked (elements with the
same label share a zone, elements with different labels do not).
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from click.testing import CliRunner
from shared_corpus import shared

from biotm.cli import cli
from biotm.interop import import_draft
from biotm.interop.commented_yaml import write_model
from biotm.model import load_bytes


@dataclass(frozen=True)
class Expected:
    elements: int
    flows: int
    zones: int
    data: int
    zone_of: list[tuple[str, str]]


#: Threat Dragon's demo drawn in v1 and again in v2.0: the same elements, flows and regions.
TD_DEMO = Expected(
    elements=7,
    flows=8,
    zones=4,
    data=0,
    zone_of=[
        ("Worker Config", "~outside:Main Request Data Flow"),
        ("Database", "~database"),
        ("Web Application Config", "~outside:Main Request Data Flow"),
        ("Message Queue", "~queue"),
        ("Background Worker Process", "~outside:Main Request Data Flow"),
        ("Web Application", "~outside:Main Request Data Flow"),
        ("Browser", "~browser"),
    ],
)

STARTLEFT_CFT = Expected(
    elements=22,
    flows=22,
    zones=2,
    data=0,
    zone_of=[
        ("CustomVPC", "Public Cloud"),
        ("PrivateSubnet1", "Public Cloud"),
        ("PrivateSubnet2", "Public Cloud"),
        ("PublicSubnet1", "Public Cloud"),
        ("PublicSubnet2", "Public Cloud"),
        ("VPCssm", "Public Cloud"),
        ("VPCssm", "Public Cloud"),
        ("VPCssmmessages", "Public Cloud"),
        ("VPCssmmessages", "Public Cloud"),
        ("VPCmonitoring", "Public Cloud"),
        ("VPCmonitoring", "Public Cloud"),
        ("Service", "Public Cloud"),
        ("Service", "Public Cloud"),
        ("ServiceTaskDefinition", "Public Cloud"),
        ("ServiceTaskDefinition", "Public Cloud"),
        ("ServiceLB", "Public Cloud"),
        ("ServiceLB", "Public Cloud"),
        ("Canary", "Public Cloud"),
        ("Canary", "Public Cloud"),
        ("0.0.0.0/0", "Internet"),
        ("255.255.255.255/32", "Internet"),
        ("Systems Manager from VPCEndpoint (grouped)", "Public Cloud"),
    ],
)

EXPECTED: dict[str, Expected] = {
    "extra/otm-startleft-visio-bidirectional.otm": Expected(
        elements=6,
        flows=6,
        zones=1,
        data=0,
        zone_of=[
            ("Amazon EC2", "Public Cloud"),
            ("Amazon EC2", "Public Cloud"),
            ("Amazon EC2", "Public Cloud"),
            ("Amazon VPC", "Public Cloud"),
            ("Amazon VPC", "Public Cloud"),
            ("Amazon VPC", "Public Cloud"),
        ],
    ),
    "extra/td-v2.3-payment-online.json": Expected(
        elements=5,
        flows=11,
        zones=4,
        data=0,
        zone_of=[
            ("Customer", "~outside:Payment"),
            ("Customer Client", "Customer / Internet"),
            ("Merchant Web Server", "Merchant / Web"),
            ("Stripe API service", "Stripe / Web"),
            ("Stripe Payment Service", "Stripe / Web"),
        ],
    ),
    "extra/tg-automotive-starter-skeleton.yaml": Expected(
        elements=3,
        flows=2,
        zones=3,
        data=3,
        zone_of=[
            ("Telematics Control Unit", "Connectivity Domain"),
            ("Central Gateway", "Gateway Enforcement"),
            ("Brake ECU", "Safety Domain"),
        ],
    ),
    # StartLeft's CloudFormation test writes one model twice, as JSON and as YAML
    "otm/otm-startleft-cft-expected.otm": STARTLEFT_CFT,
    "otm/otm-startleft-file-example-yaml.otm": STARTLEFT_CFT,
    "otm/otm-startleft-lucid-aws-tz-vpc.otm": Expected(
        elements=10,
        flows=8,
        zones=3,
        data=0,
        zone_of=[
            ("Custom VPC", "Public Cloud"),
            ("My EC2", "Public Cloud"),
            ("My CloudWatch", "Public Cloud"),
            ("My API Gateway", "Public Cloud"),
            ("My CloudTrail", "Public Cloud"),
            ("My Simple Storage Service (S3)", "Public Cloud"),
            ("Web browser", "Internet"),
            ("Android", "Internet"),
            ("SQL Database", "Private Secured Cloud"),
            ("My DynamoDB", "Private Secured Cloud"),
        ],
    ),
    "otm/otm-startleft-manual-threat-model.yaml": Expected(
        elements=3,
        flows=2,
        zones=3,
        data=0,
        zone_of=[
            ("User", "Internet"),
            ("Web server", "Public"),
            ("Database", "Private Secured"),
        ],
    ),
    "otm/otm-startleft-mtmt-coordinates.otm": Expected(
        elements=8,
        flows=14,
        zones=2,
        data=0,
        zone_of=[
            ("Accounting PostgreSQL", "Cloud"),
            ("Android", "Internet"),
            ("Public API v2", "Cloud"),
            ("Azure File Storage", "Cloud"),
            ("iOS", "Internet"),
            ("Browser", "Internet"),
            ("Web API", "Cloud"),
            ("Azure Storage", "Cloud"),
        ],
    ),
    "otm/otm-startleft-mtmt-mvp.otm": Expected(
        elements=4,
        flows=6,
        zones=2,
        data=0,
        zone_of=[
            ("Accounting PostgreSQL", "Private Secured Cloud"),
            ("Mobile Client", "Internet"),
            ("Public API v2", "Private Secured Cloud"),
            ("Azure File Storage", "Private Secured Cloud"),
        ],
    ),
    "otm/otm-startleft-mtmt-nested-tz.otm": Expected(
        elements=4,
        flows=2,
        zones=3,
        data=0,
        zone_of=[
            ("Customer web client", "Internet Boundary"),
            ("Main Application", "Generic Trust Border Boundary"),
            ("Sandbox Mongo", "Sandbox environment"),
            ("Production Mongo", "Generic Trust Border Boundary"),
        ],
    ),
    # Class CustomerDatabase names the trust zone "private-trustzone", which the file does not define.
    "otm/otm-td-migration-test-model.json": Expected(
        elements=5,
        flows=4,
        zones=3,
        data=3,
        zone_of=[
            ("Web Client", "Internet"),
            ("Web Botnet", "Internet"),
            ("Web Service", "Private"),
            ("Customer Database", "Private"),
            ("Class CustomerDatabase", "~none"),
        ],
    ),
    "otm/otm-td-mobile-cloud-0.1.0.json": Expected(
        elements=4,
        flows=6,
        zones=2,
        data=0,
        zone_of=[
            ("Accounting PostgreSQL", "Public Cloud"),
            ("Mobile Client", "Internet"),
            ("Public API v2", "Public Cloud"),
            ("Azure File Storage", "Public Cloud"),
        ],
    ),
    "threagile/tg-automotive-bev-zonal.yaml": Expected(
        elements=37,
        flows=48,
        zones=7,
        data=9,
        zone_of=[
            ("OEM Cloud Backend", "OEM Cloud Off-Board"),
            ("Telematics Control Unit", "Connectivity Domain"),
            ("Infotainment Head Unit", "Connectivity Domain"),
            ("V2X Module", "Connectivity Domain"),
            ("Wi-Fi Bluetooth Module", "Connectivity Domain"),
            ("GNSS Receiver", "Connectivity Domain"),
            ("Central Vehicle Computer", "Consolidated HPC Execution"),
            ("ADAS AD Compute", "ADAS AD Domain"),
            ("Central Gateway", "Gateway Enforcement Layer"),
            ("Chassis Zone Controller", "Gateway Enforcement Layer"),
            ("Front Zone Controller", "Gateway Enforcement Layer"),
            ("Rear Zone Controller", "Gateway Enforcement Layer"),
            ("Brake ECU", "Safety Domain"),
            ("Steering ECU", "Safety Domain"),
            ("Vehicle Control Unit", "Safety Domain"),
            ("Inverter Motor Control", "Safety Domain"),
            ("DC-DC Converter", "Safety Domain"),
            ("Airbag Control Module", "Safety Domain"),
            ("Charge Port Controller", "Charging Domain"),
            ("Battery Management System", "Safety Domain"),
            ("On-Board Charger", "Charging Domain"),
            ("Body Domain Controller", "Safety Domain"),
            ("LIN Body Actuators", "Safety Domain"),
            ("Front Camera", "ADAS AD Domain"),
            ("Rear Camera", "ADAS AD Domain"),
            ("Front Radar", "ADAS AD Domain"),
            ("Lidar", "ADAS AD Domain"),
            ("Ultrasonic Sensors", "ADAS AD Domain"),
            ("Driver Monitoring System", "ADAS AD Domain"),
            ("EVSE Charging Station", "Charging Domain"),
            ("OBD-II Port", "Gateway Enforcement Layer"),
            ("Companion App", "OEM Cloud Off-Board"),
            ("Debug Port", "Gateway Enforcement Layer"),
            ("Digital Key Fob", "OEM Cloud Off-Board"),
            ("TPMS Sensors", "OEM Cloud Off-Board"),
            ("FlexRay Chassis Actuator", "Safety Domain"),
            ("USB SD Media", "OEM Cloud Off-Board"),
        ],
    ),
    "threagile/tg-automotive-jeep-demo.yaml": Expected(
        elements=7,
        flows=12,
        zones=3,
        data=3,
        zone_of=[
            ("Cellular Network", "~outside"),
            ("Head Unit (IVI)", "Connectivity Domain"),
            ("CAN Bridge (V850)", "In-Vehicle CAN Bus"),
            ("Steering ECU", "In-Vehicle CAN Bus"),
            ("Brake ECU", "In-Vehicle CAN Bus"),
            ("Transmission ECU", "In-Vehicle CAN Bus"),
            ("Body Control Module", "In-Vehicle CAN Bus"),
        ],
    ),
    "threagile/tg-cdk-threagile-modelstub.yaml": Expected(
        elements=2,
        flows=1,
        zones=2,
        data=1,
        zone_of=[
            ("Some Technical Asset", "Some Trust Boundary"),
            ("Some Other Technical Asset", "~outside"),
        ],
    ),
    # Four curves: Browser | Web Application, Web Application | Message Queue, Message Queue | Worker, and an
    # arc over the Database. Every flow of Browser, Message Queue and Database crosses one; Web Application and
    # its config, and the worker and its config, are joined by flows crossing none and see each other.
    "threat-dragon/td-v1-demo-threat-model.json": TD_DEMO,
    # Two curves: Client | Web server (both flows cross it) and Web server | Github repo (both flows out of scope,
    # still drawn across it). The second diagram is empty.
    "threat-dragon/td-v1-enter-the-dragon-3.json": Expected(
        elements=3,
        flows=2,
        zones=3,
        data=0,
        zone_of=[
            ("Web server", "~outside:Example"),
            ("Client", "~client"),
            ("Github repo", "~github"),
        ],
    ),
    # A near-horizontal curve at y ~ 215: the process above, the store and the actor below; the one flow crosses it.
    "threat-dragon/td-v1-migration-test-model.json": Expected(
        elements=4,
        flows=1,
        zones=3,
        data=0,
        zone_of=[
            ("test process 1", "~above"),
            ("test store 1", "~outside:Test diagram 1"),
            ("test actor 1", "~outside:Test diagram 1"),
            ("test actor 2", "~outside:Test diagram 2"),
        ],
    ),
    # Three curves: Browser | Web Application, one long curve with the Message Queue above it and both processes
    # below, and an arc over the Database. Every flow of Browser, Message Queue and Database crosses one; the
    # two processes and their configs are joined by flows crossing none and see each other.
    "threat-dragon/td-v2.0-threat-model.json": TD_DEMO,
    # The "Internet" curve runs top to bottom at x ~ 620-820: the user's side (actor, browser, mobile app, trading
    # bot) left of it, ElectrumX, the blockchain and the exchange right of it; the wallet box stays whole.
    "threat-dragon/td-v2.3-cryptocurrency-wallet.json": Expected(
        elements=15,
        flows=21,
        zones=3,
        data=0,
        zone_of=[
            ("Actor", "~user-side"),
            ("GUI", "~box"),
            ("wallet", "~box"),
            ("Daemon", "~box"),
            ("Browser", "~user-side"),
            ("Mobile App", "~user-side"),
            ("Trading Bot", "~user-side"),
            ("ElectrumX", "~outside:Cryptocurrency Wallet CIA diagram"),
            ("Blockchain", "~outside:Cryptocurrency Wallet CIA diagram"),
            ("Exchange Web Site", "~outside:Cryptocurrency Wallet CIA diagram"),
            ("Exchange Backend", "~outside:Cryptocurrency Wallet CIA diagram"),
            ("Exchange API", "~outside:Cryptocurrency Wallet CIA diagram"),
            ("MongoDB", "~outside:Cryptocurrency Wallet CIA diagram"),
            ("MySQL user & config", "~outside:Cryptocurrency Wallet CIA diagram"),
            ("Blockchain Integration", "~outside:Cryptocurrency Wallet CIA diagram"),
        ],
    ),
    "threat-dragon/td-v2.3-generic-cms.json": Expected(
        elements=5,
        flows=6,
        zones=2,
        data=0,
        zone_of=[
            ("Admin", "~outside:Generic CMS"),
            ("Databse", "Internet"),
            ("Web server", "Internet"),
            ("CDN network", "~outside:Generic CMS"),
            ("Generic / Privilege user", "~outside:Generic CMS"),
        ],
    ),
    # The "Internet" curve at x ~ 430-520: the web site, its database, the cloud API and integration right of it.
    "threat-dragon/td-v2.3-iot-device.json": Expected(
        elements=11,
        flows=14,
        zones=2,
        data=0,
        zone_of=[
            ("User", "~outside:IoT Device STRIDE diagram"),
            ("Browser", "~outside:IoT Device STRIDE diagram"),
            ("Mobile App", "~outside:IoT Device STRIDE diagram"),
            ("My script", "~outside:IoT Device STRIDE diagram"),
            ("IoT Device", "~outside:IoT Device STRIDE diagram"),
            ("Local API", "~outside:IoT Device STRIDE diagram"),
            ("Social networks, Weather data, etc", "~outside:IoT Device STRIDE diagram"),
            ("Web site", "~cloud"),
            ("MySQL database", "~cloud"),
            ("Cloud API", "~cloud"),
            ("Cloud integration", "~cloud"),
        ],
    ),
    "threat-dragon/td-v2.3-new-model.json": Expected(
        elements=0,
        flows=0,
        zones=0,
        data=0,
        zone_of=[],
    ),
    "threat-dragon/td-v2.3-online-game.json": Expected(
        elements=12,
        flows=17,
        zones=3,
        data=0,
        zone_of=[
            ("Player", "Player's local machine"),
            ("Anonymous WWW user-agent", "Player's local machine"),
            ("Browser", "Player's local machine"),
            ("Game client", "Player's local machine"),
            ("Game Servers", "Production network"),
            ("Lobby", "Production network"),
            ("Website Stats", "Production network"),
            ("API REST", "Production network"),
            ("Moderation Website", "Production network"),
            ("Customer Support", "Corp network"),
            ("Stats Database", "Production network"),
            ("Player Database", "Production network"),
        ],
    ),
    "threat-dragon/td-v2.6-migration-td-test-model.json": Expected(
        elements=19,
        flows=5,
        zones=6,
        data=0,
        zone_of=[
            ("Test title actor0", "~outside:Test title diagram0"),
            ("Test title component0", "Test title trust-boundary-box0"),
            ("Test title actor2", "Test title trust-boundary-box2"),
            ("Test title actor4", "~outside:Test title diagram0"),
            ("Test title actor3", "Test title trust-boundary-box2"),
            ("Test title actor5", "~outside:Test title diagram0"),
            ("Test title component2", "Test title trust-boundary-box2"),
            ("Test title store4", "~outside:Test title diagram0"),
            ("Test title component3", "Test title trust-boundary-box2"),
            ("Test title store5", "~outside:Test title diagram0"),
            ("Test title component4", "Test title trust-boundary-box2"),
            ("Test title component5", "Test title trust-boundary-box2"),
            ("Test title store2", "Test title trust-boundary-box2"),
            ("Test title store3", "Test title trust-boundary-box2"),
            ("Test title actor1", "Test title trust-boundary-box1"),
            ("Test title component1", "Test title trust-boundary-box1"),
            ("Test title store0", "Test title trust-boundary-box1"),
            ("Test title store1", "Test title trust-boundary-box1"),
            ("Test title actor6", "~outside:Test title diagram2"),
        ],
    ),
}


def test_every_shared_file_has_an_expectation() -> None:
    root = shared("interop-models")
    files = {
        str(p.relative_to(root))
        for p in root.rglob("*")
        if p.is_file() and p.suffix in (".json", ".yaml", ".otm") and "tmbom" not in p.name and "tmlib" not in p.name
    }
    assert files == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_real_file_counts_and_zones_match_the_source(name: str) -> None:
    expected = EXPECTED[name]
    draft = import_draft(str(shared("interop-models", *name.split("/"))), "auto")
    model = draft.loaded().model
    assert (len(model.elements), len(model.flows), len(model.zones), len(model.data)) == (
        expected.elements,
        expected.flows,
        expected.zones,
        expected.data,
    )
    zones = {z.id: z for z in model.zones}
    assert [e.name or e.id for e in model.elements] == [n for n, _z in expected.zone_of]
    label_of_zone: dict[str, str] = {}
    zone_of_label: dict[str, str] = {}
    for element, (element_name, label) in zip(model.elements, expected.zone_of, strict=True):
        if not label.startswith("~"):
            assert zones[element.zone].name == label, element_name
        # the same label means the same zone, and different labels different zones
        assert label_of_zone.setdefault(element.zone, label) == label, element_name
        assert zone_of_label.setdefault(label, element.zone) == element.zone, element_name
    if model.elements:  # an empty model is written, but a biotm file needs an element to validate
        assert load_bytes(write_model(draft).encode(), "imported.yaml").model == model


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_real_file_imports_validates_and_audits(name: str) -> None:
    path = str(shared("interop-models", *name.split("/")))
    runner = CliRunner()
    assert runner.invoke(cli, ["import", path]).exit_code == 0
    assert runner.invoke(cli, ["validate", path]).exit_code == 0
    analysed = runner.invoke(cli, ["analyze", path, "--today", "2026-01-01"])
    assert analysed.exit_code in (0, 1), analysed.output
    assert "Traceback" not in analysed.output
