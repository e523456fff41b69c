"""Whose processing a DPIA / PIPIA covers: every controller's, or one handler's (PIPL Art. 55 binds each)."""

from __future__ import annotations

from biotm.legal.roles import Parties
from biotm.model.portraits import biometric_ids
from biotm.model.schema import ActorRole
from biotm.result import AuditResult


def subject_zones(result: AuditResult) -> set[str]:
    """Zones holding only the data subject's own devices: nobody's processing to assess."""
    controlled = {e.id for e in result.model.elements
                  if e.subject_controlled or e.role is ActorRole.DATA_SUBJECT}
    return {z.id for z in result.zones if z.elements and set(z.elements) <= controlled}


def controllers(result: AuditResult) -> list[str]:
    """Organisations answerable for some processing (processors count for their controller), in name order."""
    parties = Parties(result.model)
    skip = subject_zones(result)
    return sorted({parties.controller_of(z.owner) for z in result.zones if z.id not in skip})


def resolve(result: AuditResult, wanted: str) -> str:
    """The controller `wanted` names (exact, else case-insensitive); ValueError listing the choices."""
    choices = controllers(result)
    if wanted in choices:
        return wanted
    folded = [c for c in choices if c.casefold() == wanted.strip().casefold()]
    if len(folded) == 1:
        return folded[0]
    raise ValueError(f"no controller '{wanted}' in {result.summary.file}; choose one of: {', '.join(choices)}")


def for_controller(result: AuditResult, controller: str) -> AuditResult:
    """`result` cut to the processing `controller` answers for: its zones and its processors', the flows in and
    out of them, the data those carry or hold, and the findings placed there."""
    parties = Parties(result.model)
    zones = {z.id for z in result.zones if parties.controller_of(z.owner) == controller}
    model = result.model
    elements = {e.id for e in model.elements if e.zone in zones}
    flows = [f for f in model.flows if f.source in elements or f.target in elements]
    flow_ids = {f.id for f in flows}
    carried = {d for f in flows for d in f.data} | {d for e in model.elements if e.id in elements for d in e.holds}
    data = [d for d in model.data if d.id in carried]
    places = elements | flow_ids
    findings = [f for f in result.findings if places & set(f.places)]
    summary = result.summary
    counts = summary.counts.model_copy(update={
        "zones": len(zones), "elements": len(elements), "flows": len(flows), "data": len(data),
        "biometric_data": len(biometric_ids(model) & {d.id for d in data})})
    return result.model_copy(update={
        "model": model.model_copy(update={"data": data}),
        "summary": summary.model_copy(update={"counts": counts,
                                              "max_subjects": max((d.subjects for d in data), default=0)}),
        # its own zones and those its flows reach, so the draft names the organisations it exchanges data with
        "zones": [z for z in result.zones if z.id in zones or z.id in {zone for c in result.crossings
                                                                          if c.flow in flow_ids
                                                                          for zone in (c.source_zone, c.target_zone)}],
        "crossings": [c for c in result.crossings if c.flow in flow_ids],
        "findings": findings,
    })
