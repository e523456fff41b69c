"""The numbers behind attack paths and theft chains, with the model's overrides applied.

Every default is documented, with its reasoning and source, in docs/attack-paths.md. A model replaces
any of them under `settings.step_probability` (base probabilities, thresholds) and
`settings.control_effect` (the fraction of a step's probability a control removes).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from biotm.model.schema import Settings

#: Base probability of each kind of step before controls (and thresholds, also in [0, 1]).
STEP_PROBABILITY: dict[str, float] = {
    "internet-reach": 0.3,  # exploit an authenticated element in an internet-facing zone from the internet
    "internet-reach-open": 0.95,  # ... one that asks for no authentication at all (the open database)
    "physical-reach": 0.4,  # tamper with a device or process standing in a public place
    "zone-reach": 0.3,  # an outsider let into a named zone reaches one of its elements
    "eavesdrop": 0.2,  # read an unencrypted flow that touches an internet-facing or public zone
    "lateral": 0.3,  # from a compromised source, exploit the flow's target
    "response": 0.15,  # from a compromised target, exploit the source over the response channel
    "insider-abuse": 0.05,  # one person misuses their access (bulk export, look-ups beyond need, resale)
    "login": 0.9,  # log in with a credential the attacker holds
    "login-mfa": 0.05,  # ... where the element also asks for a second factor (real-time phishing, MFA fatigue)
    "present-attended": 0.3,  # a photo or mask shown to a sensor an operator watches
    "present-unattended": 0.6,  # ... to a kiosk or gate
    "present-remote": 0.7,  # ... to the subject's own device
    "inject-remote": 0.8,  # a virtual camera or re-flashed phone feeding a prepared video
    "inject-terminal": 0.2,  # a tampered unwatched kiosk, or a complicit operator's terminal, feeding a video
    "inject-operated": 0.02,  # ... a device its operator runs and watches, which the attacker does not hold
    "template-inversion": 0.3,  # rebuild a usable sample from an unprotected template
    "template-inversion-protected": 0.02,  # ... from an irreversibly protected one
    "second-factor-step": 0.3,  # a verification that also checks a non-biometric factor
    "knowledge-check": 0.8,  # a person accepts identity data anyone with a bought record knows (a SIM-swap call)
    "min-probability": 0.001,  # paths and leaks less likely than this are not reported
    "min-chain-likelihood": 0.05,  # chains less likely than this are not reported
}

#: Fraction of a step's probability each control removes, where it applies (see APPLIES).
CONTROL_EFFECT: dict[str, float] = {
    "authentication": 0.3,
    "mutual-authentication": 0.5,
    "encryption-in-transit": 0.95,
    "access-control": 0.4,
    "audit-logging": 0.2,
    "network-isolation": 0.7,
    "mfa": 0.4,
    "dlp": 0.3,
    "query-rate-limit": 0.2,
    "per-query-justification": 0.5,
    "presentation-attack-detection": 0.9,
    "injection-attack-detection": 0.9,
    "device-attestation": 0.7,
    "template-protection": 0.9,
    "second-factor": 0.9,
    "sim-change-notification": 0.7,
    "human-review": 0.5,
}

#: Which controls lower which kind of step, and whether they sit on the target element or the flow.
ELEMENT_CONTROLS: dict[str, tuple[str, ...]] = {
    "internet-reach": ("network-isolation", "authentication", "mfa", "access-control"),
    "zone-reach": ("network-isolation", "authentication", "mfa", "access-control"),
    "physical-reach": ("authentication", "access-control", "audit-logging"),
    "lateral": ("authentication", "access-control", "mfa"),
    "response": ("access-control",),
    "insider-abuse": ("access-control", "audit-logging", "query-rate-limit", "per-query-justification", "dlp"),
    "login": ("audit-logging",),
}
#: Any of these at an internet-facing element means callers must log in: `internet-reach`, not `-open`.
AUTHENTICATING = ("authentication", "mfa", "access-control")
#: Head count multiplies an insider's abuse step by 1 + log10(people); a role without `people` counts one.
HEAD_COUNT_PER_DECADE = 1.0
FLOW_CONTROLS: dict[str, tuple[str, ...]] = {
    "lateral": ("mutual-authentication",),
    "response": ("mutual-authentication",),
    "eavesdrop": ("encryption-in-transit",),
}

@dataclass(frozen=True)
class Numbers:
    """Step probabilities and control effects for one model (defaults + its settings)."""

    step: dict[str, float] = field(default_factory=lambda: dict(STEP_PROBABILITY))
    effect: dict[str, float] = field(default_factory=lambda: dict(CONTROL_EFFECT))

    @classmethod
    def of(cls, settings: Settings) -> Numbers:
        step = dict(STEP_PROBABILITY)
        step.update({k: _unit(v) for k, v in settings.step_probability.items()})
        effect = dict(CONTROL_EFFECT)
        effect.update({k: _unit(v) for k, v in settings.control_effect.items()})
        return cls(step, effect)

    def head_count(self, people: int | None) -> float:
        """How many times likelier abuse is among `people` holders of a role than for one of them."""
        return 1.0 + HEAD_COUNT_PER_DECADE * math.log10(max(1, people or 1))

    def factor(self, control: str) -> float:
        """What is left of a step's probability when `control` is present."""
        return 1.0 - self.effect.get(control, 0.0)


def _unit(value: float) -> float:
    return min(1.0, max(0.0, float(value)))
