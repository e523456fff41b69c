"""`AuditResult`: the single source of truth of an audit.

The JSON report is this object serialised; every other format renders it and computes nothing of
its own. Lists are sorted by the stage that fills them, so the same model gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from biotm.compact import expand
from biotm.derived import Echo, restore
from biotm.model.schema import Model
from biotm.model.source import SourceLocation

SCHEMA_VERSION = "1.3"

Severity = Literal["critical", "high", "medium", "low", "info"]
SEVERITIES: tuple[Severity, ...] = ("critical", "high", "medium", "low", "info")
PlaceKind = Literal["element", "flow", "interaction", "zone", "data", "model"]


def finding_id(rule: str, places: Sequence[str]) -> str:
    """Stable finding id from the rule id and the ids of its places (never from line numbers)."""
    digest = hashlib.sha256("\x1f".join([rule, *places]).encode("utf-8")).hexdigest()
    return f"{rule}-{digest[:10]}"


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Count(Record):
    zones: int
    elements: int
    flows: int
    data: int
    biometric_data: int
    attackers: int


class ModelSummary(Record):
    name: str
    description: str | None
    version: str | None
    file: str
    counts: Count
    max_subjects: int = Field(description="Largest number of data subjects of any data item.")
    irrevocable_data: list[str] = Field(description="Ids of data items that cannot be reset after a leak.")


class ZoneInfo(Record):
    id: str
    name: str
    owner: str
    jurisdiction: str
    parent: str | None
    internet_facing: bool
    public_place: bool
    elements: list[str]


class LineageEntry(Record):
    """Where one data item is collected, processed, derived, stored and which elements it reaches."""

    data: str
    category: str
    subjects: int
    collected_at: list[str] = Field(description="Elements where it enters the system (held from the start).")
    derived_at: list[str]
    derived_from: list[str]
    derives: list[str] = Field(description="Data items derived from this one.")
    processed_at: list[str]
    stored_at: list[str]
    reaches: list[str] = Field(description="Every element it travels to or rests at.")
    flows: list[str]
    owners: list[str]
    jurisdictions: list[str]


class Crossing(Record):
    """A flow that leaves a trust zone."""

    flow: str
    source: str
    target: str
    source_zone: str
    target_zone: str
    disclosure: bool = Field(description="Source and target zones have different owners.")
    cross_border: bool = Field(description="Source and target zones are in different jurisdictions.")
    data: list[str]


class ModelWarning(Record):
    code: str
    message: str
    location: SourceLocation | None


class Factor(Record):
    """One reason a likelihood or impact is what it is; `effect` is how much it moved the number."""

    reason: str
    effect: float

    def __eq__(self, other: object) -> bool:
        # BaseModel's comparison, for this one model: the JSON report compares each member's factors with its
        # group's, a million times on a national model, and the generic one costs four times as much.
        if type(other) is not Factor:
            return super().__eq__(other)
        return self.reason == other.reason and self.effect == other.effect

    __hash__ = BaseModel.__hash__  # defining __eq__ would unset it; kept as every other record has it


class RegulationRef(Record):
    id: str = Field(description="Stable reference id, e.g. 'PIPL-28' or 'GDPR-9'.")
    law: str
    article: str
    title: str
    kind: Literal["law", "standard"] = Field(default="law", description="A standard is good practice, not law.")


#: What the owner says about a finding (the model's `accepted` block), as the analysis verified it.
TrackingStatus = Literal["accepted", "false-positive", "in-progress", "mitigated"]
FindingStatus = Literal[
    "open", "accepted", "expired-acceptance", "false-positive", "in-progress", "overdue", "mitigated"
]
#: Statuses that still count against the model (what `--fail-on` gates on): an acceptance past its expiry
#: and a fix past its due date are open again.
OPEN_STATUSES: tuple[FindingStatus, ...] = ("open", "expired-acceptance", "overdue")
#: Every status, most open first (how reports order and count them).
STATUSES: tuple[FindingStatus, ...] = (
    "open", "expired-acceptance", "overdue", "in-progress", "accepted", "false-positive", "mitigated"
)


class Acceptance(Record):
    """The model's tracking entry that set a finding's status (only the fields its status needs are set)."""

    status: TrackingStatus = "accepted"
    justification: str | None
    owner: str
    expires: dt.date | None
    ticket: str | None = None
    due: dt.date | None = None
    control: str | None = None


class Finding(Record):
    id: str = Field(description="Stable: a hash of the rule id and place ids, never of line numbers.")
    rule: str
    title: str
    severity: Severity
    likelihood: float = Field(ge=0.0, le=1.0)
    impact: float = Field(ge=0.0, le=1.0)
    risk: float = Field(ge=0.0, le=1.0, description="likelihood x impact")
    likelihood_factors: list[Factor]
    impact_factors: list[Factor]
    place_kind: PlaceKind
    places: list[str] = Field(description="Element ids, or [source, flow, target] for an interaction.")
    data: list[str]
    subjects: int = Field(description="People whose data is involved.")
    categories: list[str] = Field(description="'STRIDE:Spoofing', 'LINDDUN:Linking', 'BIO:...'.")
    threat_tree: list[str] = Field(default_factory=list, description="LINDDUN threat-tree node or GO card ids.")
    cwe: list[str] = Field(default_factory=list)
    regulations: list[str] = Field(description="Ids into AuditResult.regulations.")
    mitigations: list[str] = Field(description="Control ids that would suppress or lower it.")
    evidence: str
    location: SourceLocation | None
    status: FindingStatus = "open"
    acceptance: Acceptance | None = Field(default=None, description="The tracking entry that set the status.")


def finding_order(finding: Finding) -> tuple[int, float, str, list[str], str]:
    """Report order of findings, the same in every format: severity (critical first), then risk (highest
    first), then rule id, places and id, so equal risks always come out in the same order."""
    return (SEVERITIES.index(finding.severity), -finding.risk, finding.rule, finding.places, finding.id)


#: Every Finding field. All trusted findings share this one set as their fields set (pydantic's documented
#: `model_construct(_fields_set)`): a set each costs 1.2 kB, a third of a finding, ~330 MB at 100k elements.
#: Pydantic only adds a field name to it on assignment, which is already there, and copies it in model_copy.
_FINDING_FIELDS = set(Finding.model_fields)


def trusted_finding(values: dict[str, Any]) -> Finding:
    """A Finding from `values` that already have their field types and bounds, without validating them again.

    For the rules engine, which builds hundreds of thousands of findings from parts it checked once per rule
    and scoring key. Tests check such findings equal validated ones (tests/model/test_bulk_records.py).
    """
    if values.keys() != _FINDING_FIELDS:
        raise ValueError(f"a trusted Finding needs every field, got {sorted(values)}")
    return Finding.model_construct(_FINDING_FIELDS, **values)


class FindingGroup(Record):
    """Findings of one rule and one cause at many alike places (biotm/groups.py says when findings group).

    Every member stays in `AuditResult.findings` with its own per-place id and status; the group names them.
    """

    id: str = Field(description="Stable: a hash of the rule and the shared cause, never of the member places.")
    rule: str
    noun: str = Field(description="What the places are, plural: 'shop terminals'.")
    members: list[str] = Field(description="Ids of the member findings, one per place, in result order.")
    places: int = Field(description="How many places (members) the group has.")
    risk_min: float = Field(ge=0.0, le=1.0, description="Lowest risk of a member.")
    risk_max: float = Field(ge=0.0, le=1.0, description="Highest risk of a member.")


class RuleInfo(Record):
    """Catalog entry of a rule that ran, for help texts (SARIF rules, `biotm rules`)."""

    id: str
    title: str
    description: str
    family: str
    categories: list[str]
    threat_tree: list[str]
    cwe: list[str]
    regulations: list[str]
    mitigations: list[str]
    default_severity: Severity


class AttackStep(Record):
    source: str = Field(description="Element the attacker stands on ('entry' for the first step).")
    target: str
    via: str = Field(description="Flow id, 'entry', or the access relation used.")
    probability: float
    reason: str


class AttackPath(Record):
    attacker: str
    target_data: str
    probability: float
    steps: list[AttackStep]
    reaches: str = Field(description="Element where the target data is obtained.")


class ChainStep(Record):
    verifier: str = Field(description="Element that grants something, or 'leak' for how data was obtained.")
    verification: str | None
    action: str
    uses: list[str] = Field(description="Evidence presented: data ids, live:<modality>, capabilities.")
    grants: list[str]
    likelihood: float
    evidence: str
    weak_controls: list[str] = Field(description="Controls whose absence lets this step succeed.")


class TheftChain(Record):
    id: str
    attacker: str = Field(description="The likeliest attacker (first of `attackers`): its steps are shown.")
    attackers: list[str] = Field(
        default_factory=list,
        description="Every attacker who holds the same data and reaches this outcome the same way, likeliest first.",
    )
    goal: str = Field(description="The final capability or data obtained.")
    likelihood: float
    subjects: int
    severity: Severity
    steps: list[ChainStep]
    finding: str = Field(description="Id of the idt-… finding that reports this chain.")
    broken_by: list[str] = Field(default_factory=list, description="Controls that would break the chain.")

    def who(self) -> str:
        """Every attacker of the chain, likeliest first, as one line ("a, b")."""
        return ", ".join(self.attackers or [self.attacker])


class PlanItem(Record):
    rank: int
    control: str = Field(description="The control, or the controls of a set joined by ' + '.")
    place: str = Field(description="The place, or the places of a set joined by ', '.")
    cost_days: float
    risk_removed: float
    closes: list[str] = Field(description="Finding ids closed or lowered.")
    breaks_chains: list[str]
    reason: str
    members: list[str] = Field(
        default_factory=list, description="Every 'PLACE:CONTROL' the item adds (one DPIA's elements, a cut's edges)."
    )
    cost_basis: str = Field(default="", description="How the cost was computed: '3 days + 0.5 per million records'.")


class MitigationPlan(Record):
    method: str
    budget_days: float | None
    total_cost_days: float
    total_risk_removed: float
    risk_before: float
    risk_after: float
    items: list[PlanItem]
    candidates: int = Field(default=0, description="Candidates considered.")
    stopped: str = Field(default="", description="Why the plan ends where it does, and what is left.")
    superseded: list[str] = Field(
        default_factory=list,
        description="Controls that break theft chains but are not planned, because planned items already break "
        "every chain they break (their gain is what else they lower).",
    )


class WhatIfDelta(Record):
    finding: str
    rule: str
    before: Severity | None
    after: Severity | None
    risk_before: float
    risk_after: float
    broken_by: list[str] = Field(
        default_factory=list, description="What-if controls ('PLACE:CONTROL') that broke or weakened this chain."
    )


class AuditResult(Record):
    schema_version: str = SCHEMA_VERSION
    tool: str = "biotm"
    tool_version: str
    summary: ModelSummary
    model: Model = Field(description="The audited model, as validated.")
    locations: dict[str, SourceLocation] = Field(
        description="'element:ID', 'flow:ID', 'data:ID', 'zone:ID' to where each is written."
    )
    zones: list[ZoneInfo]
    lineage: list[LineageEntry]
    crossings: list[Crossing]
    warnings: list[ModelWarning]
    rules: list[RuleInfo] = Field(default_factory=list)
    regulations: list[RegulationRef] = Field(default_factory=list)
    findings: list[Finding] = Field(default_factory=list)
    groups: list[FindingGroup] = Field(
        default_factory=list, description="Findings of one rule and cause at many alike places (schema 1.1)."
    )
    attack_paths: list[AttackPath] = Field(default_factory=list)
    chains: list[TheftChain] = Field(default_factory=list)
    plan: MitigationPlan | None = None
    what_if: list[str] = Field(default_factory=list, description="Controls assumed present: 'PLACE:CONTROL'.")
    what_if_deltas: list[WhatIfDelta] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _expanded(cls, data: Any) -> Any:
        """A JSON report writes a group's shared fields once (schema 1.2) and leaves out what its model gives
        back (1.3): each place, lineage list and location reads back whole."""
        if not isinstance(data, dict):
            return data
        echo = Echo(data.get("model"))  # the model echo is read once, for both
        return expand(restore(data, echo), finding_id, echo)
