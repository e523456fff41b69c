"""The catalog of named controls a model may put on elements and flows.

Costs are rough defaults in person-days for one place; a model overrides them under
`settings.control_cost_days`. Where a control applies ("element", "flow" or both) tells the
mitigation planner where proposing it makes sense.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

AppliesTo = Literal["element", "flow", "both"]


@dataclass(frozen=True)
class Control:
    id: str
    title: str
    description: str
    cost_days: float
    applies_to: AppliesTo


_CONTROLS: tuple[Control, ...] = (
    Control(
        "encryption-in-transit",
        "Encryption in transit",
        "TLS or an equivalent authenticated encrypted channel on the flow.",
        2,
        "flow",
    ),
    Control(
        "encryption-at-rest",
        "Encryption at rest",
        "Data encrypted in the store with keys held apart from the data.",
        5,
        "element",
    ),
    Control(
        "mutual-authentication",
        "Mutual authentication",
        "Both ends of the flow authenticate each other (mTLS, signed requests).",
        4,
        "flow",
    ),
    Control("authentication", "Authentication", "Callers must authenticate before reaching the element.", 3, "both"),
    Control(
        "access-control",
        "Access control and least privilege",
        "Personal accounts, role-based access, no shared or generic logins.",
        5,
        "element",
    ),
    Control(
        "audit-logging",
        "Audit logging with review",
        "Every access and query is logged and the log is reviewed for bulk patterns.",
        4,
        "both",
    ),
    Control(
        "query-rate-limit",
        "Query quotas and rate limits",
        "Per-account and per-device quotas stop bulk lookups and score-oracle probing.",
        3,
        "both",
    ),
    Control(
        "network-isolation", "Network isolation", "The element is not reachable from untrusted networks.", 5, "element"
    ),
    Control(
        "mfa",
        "Multi-factor authentication for staff",
        "Operators log in with a second factor; stolen passwords alone do not work.",
        3,
        "element",
    ),
    Control(
        "presentation-attack-detection",
        "Presentation-attack detection (PAD)",
        "Liveness detection tested to ISO/IEC 30107-3 rejects photos, screens and masks.",
        15,
        "element",
    ),
    Control(
        "injection-attack-detection",
        "Injection-attack detection (IAD)",
        "Detects virtual cameras, emulators and injected deepfake streams (CEN/TS 18099).",
        20,
        "element",
    ),
    Control(
        "device-attestation",
        "Device and app attestation",
        "The capture device proves it is genuine and unmodified before capture.",
        10,
        "element",
    ),
    Control(
        "on-device-matching",
        "On-device matching",
        "The comparison happens on the capture device; no biometric leaves it.",
        30,
        "element",
    ),
    Control(
        "template-protection",
        "Template protection (ISO/IEC 24745)",
        "Irreversible, unlinkable, renewable templates instead of raw feature vectors.",
        20,
        "element",
    ),
    Control(
        "retention-limit",
        "Retention limit with deletion",
        "A documented retention period after which data is deleted, with evidence of deletion.",
        3,
        "element",
    ),
    Control(
        "delete-after-use",
        "Delete raw samples after use",
        "Raw images are deleted once the comparison is done; only the decision is kept.",
        3,
        "element",
    ),
    Control(
        "separate-consent",
        "Separate consent",
        "Explicit consent for biometric processing, apart from other terms (PIPL Art. 29).",
        3,
        "both",
    ),
    Control(
        "data-minimisation", "Data minimisation", "Only the data needed for the purpose is sent or kept.", 3, "both"
    ),
    Control(
        "data-processing-agreement",
        "Data-processing agreement",
        "A processor contract limiting use, retention and sub-processing (GDPR Art. 28, PIPL Art. 21).",
        5,
        "both",
    ),
    Control(
        "dpia",
        "Impact assessment (DPIA / PIPIA)",
        "A documented data-protection impact assessment before processing (GDPR Art. 35, PIPL Art. 55).",
        5,
        "element",
    ),
    Control(
        "purpose-limitation",
        "Purpose limitation",
        "Technical and contractual binding of data to its collection purpose.",
        4,
        "both",
    ),
    Control(
        "transfer-mechanism",
        "Cross-border transfer mechanism",
        "Security assessment, standard contract or certification for the transfer (PIPL Art. 38).",
        10,
        "flow",
    ),
    Control(
        "decision-only-response",
        "Decision-only responses",
        "A verification service answers match / no match, never a score or a record.",
        3,
        "element",
    ),
    Control(
        "pseudonymisation",
        "Pseudonymous identifiers",
        "Tokens instead of national identifiers, so stolen records do not link across systems.",
        10,
        "both",
    ),
    Control(
        "second-factor", "Second factor", "A non-biometric factor is required beside the biometric match.", 5, "element"
    ),
    Control(
        "sim-change-notification",
        "SIM-change notification and hold",
        "Customers are told of SIM changes and relying parties wait before trusting the new SIM.",
        5,
        "element",
    ),
    Control(
        "privacy-notice",
        "Privacy notice at collection",
        "People are told who processes their data, why, on what basis and for how long before it is collected "
        "(PIPL Art. 17, GDPR Art. 13), also where a law, not consent, is the basis.",
        1,
        "element",
    ),
    Control(
        "signage",
        "Prominent notice and signage",
        "People are told, at the place, that recognition equipment is in use (PIPL Art. 26).",
        1,
        "element",
    ),
    Control(
        "human-review",
        "Human review of matches",
        "An operator confirms a match before any action against a person.",
        5,
        "element",
    ),
    Control("dlp", "Data-loss prevention", "Exports and bulk copies are blocked or alerted on.", 8, "element"),
    Control(
        "credential-hashing",
        "Credential hashing",
        "Passwords and login secrets are kept only as salted slow one-way hashes (bcrypt, scrypt, Argon2).",
        2,
        "element",
    ),
)

CONTROLS: dict[str, Control] = {control.id: control for control in _CONTROLS}


def cost_days(control_id: str, overrides: dict[str, float] | None = None) -> float:
    """The cost of adding `control_id` at one place, honouring a model's overrides."""
    if overrides and control_id in overrides:
        return overrides[control_id]
    return CONTROLS[control_id].cost_days
