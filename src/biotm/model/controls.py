"""The catalog of named controls a model may put on elements and flows, with what each costs where.

A control's cost depends on the place: a fixed part plus parts that scale with what the place holds
(records of data subjects at rest, instances of a replicated element, flows touching it, staff who log in
there). The scaling
is declared here per control; a model overrides any control's cost under `settings.control_cost_days`
(a flat number, or a cost model with the same five parts). Where a control applies ("element", "flow"
or both) tells the mitigation planner where proposing it makes sense, and its scope whether one is
needed per place or once per processing or relationship (one DPIA per processing, not per element).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from biotm.model.schema import CostModel

AppliesTo = Literal["element", "flow", "both"]
#: "place": one per element or flow; "processing": one per controller and purpose (a DPIA);
#: "relationship": one per pair of organisations a flow joins (a processing agreement, a transfer filing).
Scope = Literal["place", "processing", "relationship"]


@dataclass(frozen=True)
class Size:
    """What a place holds that a control's cost scales with."""

    records: int = 0  # data subjects whose records rest there (or a flow carries)
    instances: int = 1  # copies of a replicated element (shop terminals of one kind)
    flows: int = 0  # flows touching it (integrations to change)
    users: int = 0  # staff, officials and vendors who read or write it (accounts to enrol)


def days_text(days: float) -> str:
    """'1 day', '3 days', '0.5 days': a cost's days as the plan writes them."""
    return "1 day" if days == 1 else f"{days:g} days"


@dataclass(frozen=True)
class Cost:
    """Person-days to add a control at one place: fixed plus the scaling parts."""

    fixed: float
    per_million_records: float = 0.0
    per_instance: float = 0.0
    per_flow: float = 0.0
    per_thousand_users: float = 0.0

    def at(self, size: Size) -> float:
        return (
            self.fixed
            + self.per_million_records * size.records / 1_000_000
            + self.per_instance * max(0, size.instances - 1)
            + self.per_flow * size.flows
            + self.per_thousand_users * size.users / 1_000
        )

    def scaling(self, size: Size) -> float:
        """The part beyond the fixed one."""
        return self.at(size) - self.fixed

    def describe(self) -> str:
        """How it is computed, e.g. '3 days + 0.5 per million records'."""
        parts = [days_text(self.fixed)]
        for rate, unit in (
            (self.per_million_records, "per million records"),
            (self.per_instance, "per further instance"),
            (self.per_flow, "per flow touched"),
            (self.per_thousand_users, "per thousand users"),
        ):
            if rate:
                parts.append(f"{rate:g} {unit}")
        return " + ".join(parts)


@dataclass(frozen=True)
class Control:
    id: str
    title: str
    description: str
    cost: Cost
    applies_to: AppliesTo
    scope: Scope = "place"

    @property
    def cost_days(self) -> float:
        """The fixed part: the cost at a place that holds nothing and touches nothing."""
        return self.cost.fixed


_CONTROLS: tuple[Control, ...] = (
    Control(
        "encryption-in-transit",
        "Encryption in transit",
        "TLS or an equivalent authenticated encrypted channel on the flow.",
        Cost(2),
        "flow",
    ),
    Control(
        "encryption-at-rest",
        "Encryption at rest",
        "Data encrypted in the store with keys held apart from the data.",
        Cost(5, per_million_records=0.5, per_instance=0.5),
        "element",
    ),
    Control(
        "mutual-authentication",
        "Mutual authentication",
        "Both ends of the flow authenticate each other (mTLS, signed requests).",
        Cost(4),
        "flow",
    ),
    Control(
        "authentication",
        "Authentication",
        "Callers must authenticate before reaching the element.",
        Cost(3, per_flow=0.25, per_instance=0.1),
        "both",
    ),
    Control(
        "access-control",
        "Access control and least privilege",
        "Personal accounts, role-based access, no shared or generic logins.",
        Cost(5, per_flow=0.25, per_instance=0.1, per_thousand_users=0.02),
        "element",
    ),
    Control(
        "audit-logging",
        "Audit logging with review",
        "Every access and query is logged and the log is reviewed for bulk patterns.",
        Cost(4, per_flow=0.25, per_instance=0.1),
        "both",
    ),
    Control(
        "query-rate-limit",
        "Query quotas and rate limits",
        "Per-account and per-device quotas stop bulk lookups and score-oracle probing.",
        Cost(3, per_flow=0.25),
        "both",
    ),
    Control(
        "per-query-justification",
        "Per-query justification",
        "Each look-up of a person's record needs a case number or stated reason, checked afterwards.",
        Cost(4),
        "element",
    ),
    Control(
        "network-isolation",
        "Network isolation",
        "The element is not reachable from untrusted networks.",
        Cost(5, per_flow=0.5, per_instance=0.1),
        "element",
    ),
    Control(
        "mfa",
        "Multi-factor authentication for staff",
        "Operators log in with a second factor; stolen passwords alone do not work.",
        Cost(3, per_instance=0.1, per_thousand_users=0.05),
        "element",
    ),
    Control(
        "presentation-attack-detection",
        "Presentation-attack detection (PAD)",
        "Liveness detection tested to ISO/IEC 30107-3 rejects photos, screens and masks.",
        Cost(15, per_instance=0.05),
        "element",
    ),
    Control(
        "injection-attack-detection",
        "Injection-attack detection (IAD)",
        "Detects virtual cameras, emulators and injected deepfake streams (CEN/TS 18099).",
        Cost(20, per_instance=0.05),
        "element",
    ),
    Control(
        "device-attestation",
        "Device and app attestation",
        "The capture device proves it is genuine and unmodified before capture.",
        Cost(10, per_instance=0.05),
        "element",
    ),
    Control(
        "on-device-matching",
        "On-device matching",
        "The comparison happens on the capture device; no biometric leaves it.",
        Cost(30, per_instance=0.1),
        "element",
    ),
    Control(
        "template-protection",
        "Template protection (ISO/IEC 24745)",
        "Irreversible, unlinkable, renewable templates instead of raw feature vectors.",
        Cost(20, per_million_records=1, per_instance=0.1),
        "element",
    ),
    Control(
        "retention-limit",
        "Retention limit with deletion",
        "A documented retention period after which data is deleted, with evidence of deletion.",
        Cost(3, per_million_records=0.2),
        "element",
    ),
    Control(
        "delete-after-use",
        "Delete raw samples after use",
        "Raw images are deleted once the comparison is done; only the decision is kept.",
        Cost(3, per_million_records=0.2, per_instance=0.05),
        "element",
    ),
    Control(
        "separate-consent",
        "Separate consent",
        "Explicit consent for biometric processing, apart from other terms (PIPL Art. 29).",
        Cost(3, per_million_records=0.1, per_instance=0.02),
        "both",
    ),
    Control(
        "data-minimisation",
        "Data minimisation",
        "Only the data needed for the purpose is sent or kept.",
        Cost(3, per_million_records=0.5, per_flow=0.25),
        "both",
    ),
    Control(
        "data-processing-agreement",
        "Data-processing agreement",
        "A processor contract limiting use, retention and sub-processing (GDPR Art. 28, PIPL Art. 21).",
        Cost(5),
        "both",
        "relationship",
    ),
    Control(
        "dpia",
        "Impact assessment (DPIA / PIPIA)",
        "A documented data-protection impact assessment before processing (GDPR Art. 35, PIPL Art. 55).",
        Cost(5, per_flow=0.1),
        "element",
        "processing",
    ),
    Control(
        "purpose-limitation",
        "Purpose limitation",
        "Technical and contractual binding of data to its collection purpose.",
        Cost(4, per_flow=0.25),
        "both",
    ),
    Control(
        "transfer-mechanism",
        "Cross-border transfer mechanism",
        "Security assessment, standard contract or certification for the transfer (PIPL Art. 38).",
        Cost(10),
        "flow",
        "relationship",
    ),
    Control(
        "decision-only-response",
        "Decision-only responses",
        "A verification service answers match / no match, never a score or a record.",
        Cost(3, per_flow=0.5),
        "element",
    ),
    Control(
        "pseudonymisation",
        "Pseudonymous identifiers",
        "Tokens instead of national identifiers, so stolen records do not link across systems.",
        Cost(10, per_million_records=1, per_flow=0.5),
        "both",
    ),
    Control(
        "second-factor",
        "Second factor",
        "A non-biometric factor is required beside the biometric match.",
        Cost(5, per_flow=0.25),
        "element",
    ),
    Control(
        "sim-change-notification",
        "SIM-change notification and hold",
        "Customers are told of SIM changes and relying parties wait before trusting the new SIM.",
        Cost(5, per_flow=0.25),
        "element",
    ),
    Control(
        "privacy-notice",
        "Privacy notice at collection",
        "People are told who processes their data, why, on what basis and for how long before it is collected "
        "(PIPL Art. 17, GDPR Art. 13), also where a law, not consent, is the basis.",
        Cost(1, per_instance=0.02),
        "element",
    ),
    Control(
        "signage",
        "Prominent notice and signage",
        "People are told, at the place, that recognition equipment is in use (PIPL Art. 26).",
        Cost(1, per_instance=0.02),
        "element",
    ),
    Control(
        "human-review",
        "Human review of matches",
        "An operator confirms a match before any action against a person.",
        Cost(5, per_instance=0.1),
        "element",
    ),
    Control(
        "dlp",
        "Data-loss prevention",
        "Exports and bulk copies are blocked or alerted on.",
        Cost(8, per_flow=0.25, per_instance=0.1),
        "element",
    ),
    Control(
        "credential-hashing",
        "Credential hashing",
        "Passwords and login secrets are kept only as salted slow one-way hashes (bcrypt, scrypt, Argon2).",
        Cost(2, per_million_records=0.05),
        "element",
    ),
)

CONTROLS: dict[str, Control] = {control.id: control for control in _CONTROLS}

#: One concept under two names: a second factor at login (`mfa`) or at a verifier (`second-factor`); every
#: check (rules, attack steps, chains) reads either as both.
SECOND_FACTOR = frozenset({"mfa", "second-factor"})

#: A model's overrides, as `settings.control_cost_days` holds them.
Overrides = dict[str, float | CostModel]


def cost_model(control_id: str, overrides: Overrides | None = None) -> Cost:
    """The cost model of `control_id`, honouring a model's override (a number is a flat cost)."""
    override = overrides.get(control_id) if overrides else None
    if override is None:
        return CONTROLS[control_id].cost
    if isinstance(override, CostModel):
        return Cost(
            override.fixed,
            override.per_million_records,
            override.per_instance,
            override.per_flow,
            override.per_thousand_users,
        )
    return Cost(float(override))


def cost_days(control_id: str, overrides: Overrides | None = None, size: Size | None = None) -> float:
    """The cost of adding `control_id` at one place of `size` (None: the fixed part only)."""
    cost = cost_model(control_id, overrides)
    return cost.fixed if size is None else cost.at(size)
