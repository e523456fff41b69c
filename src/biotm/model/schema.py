"""The biotm model schema: zones, elements, data items, flows, attackers, verifiers and accepted risks.

Every class forbids unknown keys, so a typo in a model file is an error with a location, never a
silently ignored field. Cross-references (a flow's endpoints, a data item's id) are checked by
`biotm.model.references`, which knows where each reference stands in the file.

The records live in modules by kind (`elements`, `data_flows`, `verifiers`, `threats`, `legal_records`,
`settings`, with `kinds` and `fields`); this module assembles the `Model` and re-exports every name.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from biotm.model.data_flows import DataItem, Flow
from biotm.model.elements import Derivation, Element, Zone
from biotm.model.fields import ID_PATTERN, MAX_ITEMS, MAX_PEOPLE, MAX_RETENTION_DAYS, Id, Strict, Term
from biotm.model.kinds import (
    BIOMETRIC_CATEGORIES,
    IDENTIFIER_CATEGORIES,
    IRREVERSIBLE_PROTECTION,
    ActorRole,
    AgreementKind,
    Authentication,
    BasisKind,
    Capture,
    ConsentKind,
    DataCategory,
    ElementType,
    Matching,
    Modality,
    OrgRole,
    TemplateProtection,
)
from biotm.model.legal_records import Agreement, LegalBasis, Organisation, PurposeBasis
from biotm.model.settings import ATTACK_STEPS, MAX_COST_DAYS, CostDays, CostModel, CostRate, CostSetting, Settings, Unit
from biotm.model.threats import Accepted, Attacker, Threat, TrackingStatus
from biotm.model.verifiers import Requirement, Verification

__all__ = [
    "ATTACK_STEPS",
    "BIOMETRIC_CATEGORIES",
    "FORMAT_VERSION",
    "IDENTIFIER_CATEGORIES",
    "ID_PATTERN",
    "IRREVERSIBLE_PROTECTION",
    "MAX_COST_DAYS",
    "MAX_ITEMS",
    "MAX_PEOPLE",
    "MAX_RETENTION_DAYS",
    "Accepted",
    "ActorRole",
    "Agreement",
    "AgreementKind",
    "Attacker",
    "Authentication",
    "BasisKind",
    "Capture",
    "ConsentKind",
    "CostDays",
    "CostModel",
    "CostRate",
    "CostSetting",
    "DataCategory",
    "DataItem",
    "Derivation",
    "Element",
    "ElementType",
    "Flow",
    "Id",
    "LegalBasis",
    "Matching",
    "Meta",
    "Modality",
    "Model",
    "OrgRole",
    "Organisation",
    "PurposeBasis",
    "Requirement",
    "Settings",
    "Strict",
    "TemplateProtection",
    "Term",
    "Threat",
    "TrackingStatus",
    "Unit",
    "Verification",
    "Zone",
]

FORMAT_VERSION = 1


class Meta(Strict):
    name: str = Field(min_length=1)
    description: str | None = None
    version: str | None = None
    authors: list[str] = Field(default_factory=list, max_length=MAX_ITEMS)
    assumptions: list[str] = Field(default_factory=list, max_length=MAX_ITEMS)


class Model(Strict):
    """A whole biotm model file."""

    biotm: Literal[1] = Field(default=1, description="Model format version.")
    meta: Meta
    zones: list[Zone] = Field(min_length=1)
    elements: list[Element] = Field(min_length=1)
    data: list[DataItem] = Field(default_factory=list)
    flows: list[Flow] = Field(default_factory=list)
    attackers: list[Attacker] = Field(default_factory=list)
    accepted: list[Accepted] = Field(default_factory=list)
    threats: list[Threat] = Field(default_factory=list)
    settings: Settings = Field(default_factory=Settings)
    organisations: list[Organisation] = Field(default_factory=list)
    agreements: list[Agreement] = Field(default_factory=list)
    bases: list[PurposeBasis] = Field(default_factory=list)
