"""A model's settings: control costs and overrides of the analysis numbers."""

from __future__ import annotations

from typing import Annotated

from pydantic import Discriminator, Field, Tag

from biotm.model.fields import Strict

#: The largest cost in person-days a setting may give one control at one place (about 40 working years).
MAX_COST_DAYS = 10_000.0
#: A cost: positive and finite (a free or negative control would buy unbounded risk reduction).
CostDays = Annotated[float, Field(gt=0, le=MAX_COST_DAYS, allow_inf_nan=False, strict=True)]
#: A cost's scaling part: zero or more, finite.
CostRate = Annotated[float, Field(ge=0, le=MAX_COST_DAYS, allow_inf_nan=False, strict=True)]
#: The attack steps and thresholds `settings.step_probability` may set (defaults in biotm.analysis.numbers,
#: which a test keeps equal to this list; named here so validating a model imports no analysis).
ATTACK_STEPS = frozenset(
    {
        "eavesdrop", "inject-operated", "inject-remote", "inject-terminal", "insider-abuse", "internet-reach",
        "internet-reach-open", "knowledge-check", "lateral", "login", "login-mfa", "min-chain-likelihood",
        "min-probability", "physical-reach", "present-attended", "present-remote", "present-unattended", "response",
        "second-factor-step", "template-inversion", "template-inversion-protected", "zone-reach",
    }
)
#: A probability or a fraction removed, in [0, 1].
Unit = Annotated[float, Field(ge=0, le=1, allow_inf_nan=False, strict=True)]


class CostModel(Strict):
    """What adding one control at one place costs: a fixed part plus parts that scale with the place."""

    fixed: CostDays
    per_million_records: CostRate = Field(default=0.0, description="Per million data subjects' records at rest.")
    per_instance: CostRate = Field(default=0.0, description="Per instance of a replicated element beyond the first.")
    per_flow: CostRate = Field(default=0.0, description="Per flow touching the place (integrations to change).")
    per_thousand_users: CostRate = Field(default=0.0, description="Per thousand staff accounts reading or writing it.")


def _cost_kind(value: object) -> str:
    return "model" if isinstance(value, (dict, CostModel)) else "flat"


#: A flat cost or a cost model; the discriminator keeps a mistake in one reported once, not once per kind.
CostSetting = Annotated[
    Annotated[CostDays, Tag("flat")]
    | Annotated[CostModel, Tag("model")],
    Discriminator(_cost_kind),
]


class Settings(Strict):
    """Overrides for the analysis numbers; every default is documented in docs/."""

    control_cost_days: dict[str, CostSetting] = Field(
        default_factory=dict,
        description="Per control: a flat cost in person-days per place, or a cost model (fixed + scaling parts).",
    )
    step_probability: dict[str, Unit] = Field(default_factory=dict)
    control_effect: dict[str, Unit] = Field(default_factory=dict)
