"""Who can get in: admin consoles and dashboards open to the internet, credentials kept readable."""

from __future__ import annotations

from collections.abc import Iterator

from biotm.model.schema import DataCategory, DataItem, ElementType
from biotm.result import Factor
from biotm.rules.base import IDENTITY_CATEGORIES, MANY_SUBJECTS, ControlPlace, Hit, RuleContext, names, people
from biotm.rules.registry import rule

FAMILY = "biometric"


def _sensitive(item: DataItem) -> bool:
    return item.category in IDENTITY_CATEGORIES and not item.public


@rule(
    id="bio-console-exposed",
    may_be_critical=True,
    title="Admin console or dashboard over identity data reachable from the internet without authentication",
    description="An administrative console or dashboard (a web admin page, Kibana) that shows biometric or "
    "identity data of many people is reachable from the internet, or from an internet-facing zone, and asks "
    "nobody to log in: whoever finds the address reads or exports everything (Outabox 2024, Shanghai police "
    "2022).",
    family=FAMILY,
    categories=("BIO:Exposure", "STRIDE:Information disclosure", "STRIDE:Elevation of privilege"),
    threat_tree=("DD.5",),
    cwe=("CWE-306", "CWE-1188"),
    regulations=("PIPL-51", "GDPR-32", "CN-FRT-security"),
    suppressed_by=(("authentication",), ("network-isolation",)),
    lowered_by=("query-rate-limit", "audit-logging"),
    default_severity="critical",
    base_likelihood=0.6,
)
def console_exposed(ctx: RuleContext) -> Iterator[Hit]:
    graph = ctx.graph
    for element in graph.model.elements:
        if not element.console or element.type is ElementType.ACTOR:
            continue
        zone = graph.zone_of(element.id)
        if not zone.internet_facing:
            continue
        shown = ctx.where(ctx.available(element.id), _sensitive)
        if not shown or max(d.subjects for d in shown) < MANY_SUBJECTS:
            continue
        ids = tuple(d.id for d in shown)
        yield Hit.at_element(
            element.id,
            data=ids,
            evidence=f"'{element.id}' is a console in internet-facing zone '{zone.id}' over {names(ids)} of "
            f"{people(max(d.subjects for d in shown))} people, with no authentication or network isolation.",
            likelihood_factors=(Factor(reason="open to anyone who finds the address", effect=0.2),),
        )


def _readable_credential(item: DataItem) -> bool:
    return item.category is DataCategory.CREDENTIAL and item.retention_days != 0


@rule(
    id="bio-credential-plaintext",
    title="Credentials stored without a one-way hash",
    description="Passwords or login secrets rest in a store without the credential-hashing control (salted "
    "one-way hashes): whoever copies the store logs in as every user, administrators included (Suprema BioStar "
    "2, 2019). Encryption at rest only lowers it: the application that decrypts is the one attacked.",
    family=FAMILY,
    categories=("BIO:Credentials", "STRIDE:Spoofing", "STRIDE:Information disclosure", "LINDDUN:Data disclosure"),
    cwe=("CWE-256", "CWE-916"),
    regulations=("GDPR-32", "PIPL-51"),
    suppressed_by=(("credential-hashing",),),
    lowered_by=("encryption-at-rest",),
    default_severity="high",
    base_likelihood=0.4,
)
def credential_plaintext(ctx: RuleContext) -> Iterator[Hit]:
    for element in ctx.elements_of(ElementType.STORE):
        found = ctx.where(ctx.at_rest(element.id), _readable_credential)
        if not found:
            continue
        ids = tuple(d.id for d in found)
        places: tuple[ControlPlace, ...] = (("element", element.id),)
        yield Hit(
            place_kind="element",
            places=(element.id,),
            data=ids,
            evidence=f"'{element.id}' keeps {names(ids)} ({people(max(d.subjects for d in found))} accounts) "
            "readable: no credential-hashing control (salted one-way hashes).",
            control_places=places,
            location=("element", element.id),
        )
