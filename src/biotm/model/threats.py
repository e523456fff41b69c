"""The threat side of a model: attackers, hand-written threats, and how the owner tracks findings."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field, model_validator

from biotm.model.fields import MAX_ITEMS, Id, Strict


class Attacker(Strict):
    """Someone who wants the data: where they start, what they can do, what they already hold."""

    id: Id
    name: str | None = None
    description: str | None = None
    kind: Literal["outsider", "insider", "vendor", "thief", "fraudster", "other"] = "other"
    entry: list[str] = Field(
        default_factory=list,
        max_length=MAX_ITEMS,
        description="Element or zone ids, or 'internet' / 'public-place' for every such zone.",
    )
    capabilities: list[str] = Field(default_factory=list, max_length=MAX_ITEMS)
    holds: list[Id] = Field(
        default_factory=list, max_length=MAX_ITEMS, description="Data items they start with (a bought leak)."
    )
    skill: float = Field(default=0.5, ge=0.0, le=1.0, description="0 casual .. 1 nation-state.")


TrackingStatus = Literal["accepted", "false-positive", "in-progress", "mitigated"]


class Accepted(Strict):
    """How the owner tracks a finding: accepted until a date, a false positive, a fix in progress, or mitigated.

    Each status needs its own evidence: an acceptance a justification and an expiry date, a false positive a
    justification, a fix in progress a ticket and a due date, a mitigation the control now in place.
    """

    rule: str
    place: str = Field(description="Element or flow id, 'source>flow>target', or a finding group's id.")
    status: TrackingStatus = "accepted"
    justification: str | None = Field(default=None, min_length=1)
    owner: str = Field(min_length=1)
    expires: dt.date | None = Field(default=None, description="An acceptance ends here; a false positive is reviewed.")
    ticket: str | None = Field(default=None, min_length=1, description="Tracker reference of a fix in progress.")
    due: dt.date | None = Field(default=None, description="When a fix in progress is due; overdue counts as open.")
    control: Id | None = Field(default=None, description="Control a mitigation put in place, checked in the model.")

    @model_validator(mode="after")
    def _evidence_for_status(self) -> Accepted:
        needs = {
            "accepted": ("justification", "expires"),
            "false-positive": ("justification",),
            "in-progress": ("ticket", "due"),
            "mitigated": ("control",),
        }[self.status]
        missing = [name for name in needs if getattr(self, name) is None]
        if missing:
            raise ValueError(f"status '{self.status}' needs {' and '.join(repr(m) for m in missing)}")
        return self


class Threat(Strict):
    """A threat written by hand or imported from another tool, carried into the report as a finding."""

    id: Id
    title: str
    description: str | None = None
    place: str
    severity: Literal["critical", "high", "medium", "low", "info"] = "medium"
    status: Literal["open", "mitigated", "accepted"] = "open"
    categories: list[str] = Field(default_factory=list, max_length=MAX_ITEMS)
    mitigation: str | None = None
    source: str | None = Field(default=None, description="Tool the threat came from.")
