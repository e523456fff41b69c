"""What an OTM part is, from its words, ids and numbers: element types, internet-facing zones, severities."""

from __future__ import annotations

import re
from typing import Any

from biotm.interop.common import (
    as_list,
    located,
    text_of,
    type_name,
)
from biotm.interop.otm_export import BIOTM_KEY
from biotm.model.source import Path, SourceMap

_STORE_WORDS = frozenset(
    {
        "database",
        "databases",
        "datastore",
        "storage",
        "store",
        "bucket",
        "s3",
        "cache",
        "db",
        "file",
        "files",
        "filesystem",
        "disk",
        "postgresql",
        "postgres",
        "mysql",
        "mariadb",
        "rds",
        "aurora",
        "redis",
        "memcached",
        "elasticache",
        "mongo",
        "mongodb",
        "documentdb",
        "dynamodb",
        "cosmosdb",
        "cassandra",
        "couchdb",
        "sql",
        "sqlserver",
        "mssql",
        "oracle",
        "sqlite",
        "elasticsearch",
        "opensearch",
        "efs",
        "ebs",
        "glacier",
        "blob",
        "repository",
        "warehouse",
        "redshift",
        "bigquery",
        "snowflake",
        "vault",
        "ledger",
    }
)
_DEVICE_WORDS = frozenset(
    {
        "client",
        "browser",
        "mobile",
        "android",
        "ios",
        "iphone",
        "smartphone",
        "tablet",
        "device",
        "phone",
        "terminal",
        "camera",
        "kiosk",
        "iot",
        "desktop",
        "laptop",
        "workstation",
    }
)
_ACTOR_WORDS = frozenset({"user", "users", "actor", "person", "human", "customer", "operator", "staff", "employee"})
_EXTERNAL_WORDS = frozenset({"external", "third", "thirdparty", "partner", "saas"})

#: IriusRisk's built-in trust-zone UUIDs (StartLeft writes them as `type` or `id`), and whether each
#: is reachable from the internet. Every StartLeft zone carries trust rating 10, so the rating is no signal.
IRIUSRISK_ZONES = {
    "f0ba7722-39b6-4c81-8290-a30a248bb8d9": ("Internet", True),
    "6376d53e-6461-412b-8e04-7b3fe2b397de": ("Public", True),
    "b61d6911-338d-46a8-9f39-8dcd24abfe91": ("Public Cloud", False),
    "2ab4effa-40b7-4cd2-ba81-8247d29a6f2d": ("Private Secured", False),
}
_INTERNET_WORDS = frozenset({"internet", "public", "untrusted", "dmz", "external", "wan"})
_PRIVATE_WORDS = frozenset({"private", "internal", "secured", "trusted", "intranet", "lan", "cloud", "vpc"})
#: OTM risk values are percentages; anything else is clamped with a note.
RISK_RANGE = (0.0, 100.0)


def _biotm_attributes(item: dict[str, Any], source: SourceMap, path: Path) -> dict[str, Any] | None:
    """The biotm fields a biotm export kept on this part, or None for a part another tool wrote."""
    attributes = item.get("attributes")
    if not isinstance(attributes, dict) or attributes.get(BIOTM_KEY) is None:
        return None
    kept = attributes[BIOTM_KEY]
    if not isinstance(kept, dict):
        raise located(
            source, (*path, "attributes", BIOTM_KEY), f"'attributes.biotm' must be a mapping, not {type_name(kept)}"
        )
    return dict(kept)


def _copy_texts(out: dict[str, Any], item: dict[str, Any]) -> str:
    """Copy the non-empty name and description of an OTM part into `out`; the name ('' if none)."""
    for key in ("name", "description"):
        if text_of(item.get(key)):
            out[key] = text_of(item.get(key))
    return text_of(item.get("name"))


def _tokens(text: str) -> set[str]:
    return set(re.split(r"[^a-z0-9]+", text.lower())) - {""}


def _kind_of(tokens: set[str]) -> str | None:
    for choices, kind in ((_EXTERNAL_WORDS, "external"), (_STORE_WORDS, "store"), (_DEVICE_WORDS, "device")):
        if tokens & choices:
            return kind
    if tokens & _ACTOR_WORDS:
        return "actor"
    return None


def _element_type(component: dict[str, Any]) -> tuple[str, str]:
    """The biotm element type of an OTM component and what decided it: its type and tags, else its name."""
    words = " ".join([text_of(component.get("type")), *(text_of(t) for t in as_list(component.get("tags")))])
    kind = _kind_of(_tokens(words))
    if kind is not None:
        return kind, f"guessed from OTM type/tags '{words.strip()}'"
    kind = _kind_of(_tokens(text_of(component.get("name"))))
    if kind is not None:
        return kind, f"guessed from the component's name (OTM type '{text_of(component.get('type'))}')"
    return "process", f"OTM type '{text_of(component.get('type'))}' says nothing more specific: process assumed"


def _percent(value: Any) -> float | None:
    """An OTM risk value as a float within 0-100, or None when it is not a number."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, int) and abs(value) > 10**6:
        value = RISK_RANGE[1] if value > 0 else RISK_RANGE[0]
    number = float(value)
    if number != number:  # NaN
        return None
    return min(max(number, RISK_RANGE[0]), RISK_RANGE[1])


def _severity(risk: Any) -> str:
    if not isinstance(risk, dict):
        return "medium"
    likelihood, impact = _percent(risk.get("likelihood")), _percent(risk.get("impact"))
    if impact is None:
        return "medium"
    score = (50.0 if likelihood is None else likelihood) * impact / 10_000
    for floor, name in ((0.64, "critical"), (0.36, "high"), (0.16, "medium"), (0.0001, "low")):
        if score >= floor:
            return name
    return "info"


def _internet_facing(zone: dict[str, Any], ratings_vary: bool) -> tuple[bool, str]:
    """Whether an OTM trust zone faces the internet, and why: IriusRisk type UUID, type text, name, rating."""
    for key in ("type", "id"):
        known = IRIUSRISK_ZONES.get(text_of(zone.get(key)).lower())
        if known is not None:
            return known[1], f"IriusRisk trust zone type '{known[0]}'"
    for what, text in (("type", text_of(zone.get("type"))), ("name", text_of(zone.get("name")))):
        tokens = _tokens(text)
        if tokens & _PRIVATE_WORDS:  # "Public Cloud" hosts servers; it is not the internet
            return False, ""
        if tokens & _INTERNET_WORDS:
            return True, f"guessed from the zone's {what} '{text}'"
    risk = zone.get("risk")
    rating = _percent(risk.get("trustRating")) if isinstance(risk, dict) else None
    if ratings_vary and rating is not None and rating <= 30:
        return True, f"guessed from its trust rating {rating:g} (the lowest of the file's zones)"
    return False, ""
