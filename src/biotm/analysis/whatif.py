"""What-if: the audit as if some controls were present, and what changed per finding."""

from __future__ import annotations

from biotm.model.controls import CONTROLS
from biotm.model.errors import did_you_mean
from biotm.model.loader import LoadedModel
from biotm.result import AuditResult, WhatIfDelta

Placed = tuple[str, str]  # (place id, control id)


class WhatIfError(ValueError):
    """A `PLACE:CONTROL` that names no place or control, or a control that cannot go there."""


def parse_controls(specs: tuple[str, ...] | list[str], loaded: LoadedModel) -> list[Placed]:
    """Check and split `PLACE:CONTROL` specs against the model and the control catalog."""
    model = loaded.model
    elements = {e.id for e in model.elements}
    flows = {f.id for f in model.flows}
    out: list[Placed] = []
    for spec in specs:
        place, sep, control = spec.partition(":")
        if not sep or not place or not control:
            raise WhatIfError(f"--with-control '{spec}': expected PLACE:CONTROL, e.g. shop_terminal:mfa")
        if place not in elements and place not in flows:
            hint = did_you_mean(place, elements | flows)
            raise WhatIfError(f"--with-control '{spec}': no element or flow '{place}'{hint}")
        if control not in CONTROLS:
            raise WhatIfError(f"--with-control '{spec}': unknown control '{control}'{did_you_mean(control, CONTROLS)}")
        kind = "flow" if place in flows else "element"
        applies = CONTROLS[control].applies_to
        if applies not in (kind, "both"):
            raise WhatIfError(f"--with-control '{spec}': control '{control}' goes on a {applies}, not a {kind}")
        if (place, control) not in out:
            out.append((place, control))
    return out


def with_controls(loaded: LoadedModel, placed: list[Placed] | tuple[Placed, ...]) -> LoadedModel:
    """A copy of the loaded model with the controls added (source locations stay valid: ids do not move)."""
    if not placed:
        return loaded
    model = loaded.model.model_copy(deep=True)
    elements = {e.id: e for e in model.elements}
    flows = {f.id: f for f in model.flows}
    for place, control in placed:
        target = elements.get(place) or flows.get(place)
        if target is not None and control not in target.controls:
            target.controls.append(control)
    return LoadedModel(model=model, source=loaded.source)


def deltas(before: AuditResult, after: AuditResult, placed: list[Placed]) -> list[WhatIfDelta]:
    """One delta per finding in either result whose severity or risk changed, sorted by finding id.

    For chain findings, `broken_by` names the added controls that the chain lacked (the ones that broke
    or weakened it).
    """
    old = {f.id: f for f in before.findings}
    new = {f.id: f for f in after.findings}
    added = {f"{p}:{c}" for p, c in placed}
    weak_by_finding: dict[str, set[str]] = {}
    for chain in before.chains:
        weak = {w for step in chain.steps for w in step.weak_controls}
        weak |= {part for entry in chain.broken_by for part in entry.split("+")}
        weak_by_finding.setdefault(chain.finding, set()).update(weak)
    out = []
    for finding_id in sorted(old.keys() | new.keys()):
        a, b = old.get(finding_id), new.get(finding_id)
        if a is not None and b is not None and (a.severity, a.risk) == (b.severity, b.risk):
            continue
        either = a or b
        assert either is not None
        out.append(
            WhatIfDelta(
                finding=finding_id,
                rule=either.rule,
                before=a.severity if a else None,
                after=b.severity if b else None,
                risk_before=a.risk if a else 0.0,
                risk_after=b.risk if b else 0.0,
                broken_by=sorted(added & weak_by_finding.get(finding_id, set())),
            )
        )
    return out
