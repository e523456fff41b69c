"""What changed between two audits of a model: findings new, resolved, re-rated; chains opened, closed.

Findings are matched by their stable ids (rule + place ids), so moving, reformatting or renaming
text in a model changes nothing here; only a change in what the model says does.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from biotm.analysis.risk import risk_of
from biotm.result import OPEN_STATUSES, SEVERITIES, AuditResult, Finding, Severity, TheftChain

OPEN = OPEN_STATUSES


class Change(BaseModel):
    """A finding present in both audits whose severity or status differs."""

    model_config = ConfigDict(extra="forbid")

    id: str
    rule: str
    title: str
    places: list[str]
    severity_before: Severity
    severity_after: Severity
    status_before: str
    status_after: str


class ModelDiff(BaseModel):
    model_config = ConfigDict(extra="forbid")

    base: str
    new: str
    new_findings: list[Finding]
    resolved: list[Finding]
    changed: list[Change]
    unchanged: int
    chains_opened: list[TheftChain]
    chains_closed: list[TheftChain]
    risk_before: float = 0.0
    risk_after: float = 0.0


def _rank(severity: str) -> int:
    return [str(s) for s in SEVERITIES].index(severity)


def compare(base: AuditResult, new: AuditResult) -> ModelDiff:
    """The difference from `base` to `new`; every list keeps the order of the audit it comes from."""
    before = {f.id: f for f in base.findings}
    after = {f.id: f for f in new.findings}
    changed = [
        Change(
            id=f.id, rule=f.rule, title=f.title, places=f.places,
            severity_before=before[f.id].severity, severity_after=f.severity,
            status_before=before[f.id].status, status_after=f.status,
        )
        for f in new.findings
        if f.id in before and (before[f.id].severity, before[f.id].status) != (f.severity, f.status)
    ]
    chains_before = {c.id for c in base.chains}
    chains_after = {c.id for c in new.chains}
    return ModelDiff(
        base=base.summary.file,
        new=new.summary.file,
        new_findings=[f for f in new.findings if f.id not in before],
        resolved=[f for f in base.findings if f.id not in after],
        changed=changed,
        unchanged=sum(1 for f in new.findings if f.id in before) - len(changed),
        chains_opened=[c for c in new.chains if c.id not in chains_before],
        chains_closed=[c for c in base.chains if c.id not in chains_after],
        # the mitigation plan's measure, so a plan's claimed reduction can be checked against the change
        risk_before=risk_of(base),
        risk_after=risk_of(new),
    )


def regressions(diff: ModelDiff, fail_on: str) -> list[str]:
    """Ids of findings that newly count at or above `fail_on`: new open ones, or ones raised or reopened to it."""
    if fail_on == "none":
        return []
    threshold = _rank(fail_on)
    out = [f.id for f in diff.new_findings if f.status in OPEN and _rank(f.severity) <= threshold]
    for change in diff.changed:
        counted_after = change.status_after in OPEN and _rank(change.severity_after) <= threshold
        counted_before = change.status_before in OPEN and _rank(change.severity_before) <= threshold
        if counted_after and not counted_before:
            out.append(change.id)
    return out
