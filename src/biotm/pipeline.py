"""The audit pipeline: loaded model -> system graph -> analyses -> one AuditResult."""

from __future__ import annotations

from biotm import __version__
from biotm.graph import SystemGraph, build_graph
from biotm.model.loader import LoadedModel
from biotm.model.schema import ElementType
from biotm.options import AuditOptions
from biotm.result import AuditResult, Count, ModelSummary, ZoneInfo


def summarize(graph: SystemGraph) -> ModelSummary:
    model = graph.model
    meta = model.meta
    return ModelSummary(
        name=meta.name,
        description=meta.description,
        version=meta.version,
        file=graph.loaded.file,
        counts=Count(
            zones=len(model.zones),
            elements=len(model.elements),
            flows=len(model.flows),
            data=len(model.data),
            biometric_data=sum(1 for d in graph.data_as_used.values() if d.is_biometric),
            attackers=len(model.attackers),
        ),
        max_subjects=max((d.subjects for d in model.data), default=0),
        irrevocable_data=sorted(d.id for d in model.data if not d.is_revocable),
    )


def zone_infos(graph: SystemGraph) -> list[ZoneInfo]:
    members: dict[str, list[str]] = {z: [] for z in graph.zones}
    for element in graph.model.elements:
        members[element.zone].append(element.id)
    return [
        ZoneInfo(
            id=zone.id,
            name=zone.name or zone.id,
            owner=zone.owner,
            jurisdiction=zone.jurisdiction,
            parent=zone.parent,
            internet_facing=zone.internet_facing,
            public_place=zone.public_place,
            elements=sorted(members[zone.id]),
        )
        for zone in sorted(graph.model.zones, key=lambda z: z.id)
    ]


def base_result(graph: SystemGraph) -> AuditResult:
    """The part of the result that needs only the graph: summary, zones, lineage, warnings."""
    return AuditResult(
        tool_version=__version__,
        summary=summarize(graph),
        model=graph.model,
        locations=dict(sorted(graph.loaded.locations.items())),
        zones=zone_infos(graph),
        lineage=graph.lineage_entries(),
        crossings=graph.crossings(),
        warnings=list(graph.warnings),
    )


def audit(loaded: LoadedModel, options: AuditOptions | None = None) -> AuditResult:
    """Run the whole audit of one loaded model."""
    # The analyses and rules (and networkx with them) are imported when an audit runs, not by every importer
    # of this module (the CLI's start-up).
    from biotm.analysis import attack_stage, plan_checks, plan_stage, what_if_audit
    from biotm.groups import group_findings
    from biotm.rules import run_rules

    options = options or AuditOptions()
    if options.with_controls:
        return what_if_audit(loaded, options, audit)
    step = options.progress or (lambda stage: None)
    step("building the graph")
    graph = build_graph(loaded)
    result = base_result(graph)
    step("running the rules")
    checks = plan_checks(graph, options)  # a plan starts from the rule stage's checks, not a second pass
    rules_out = run_rules(graph, options, checks)
    result.findings, result.rules, result.regulations = rules_out.findings, rules_out.rules, rules_out.regulations
    result.warnings.extend(rules_out.warnings)
    step("analysing")
    analysis = attack_stage(graph, result, options)
    # the built-in profiles act too: count every attacker that can obtain some data, not the model's list
    result.summary.counts.attackers = sum(1 for a in analysis.attackers if analysis.leaks[a.id])
    plan_stage(loaded, analysis, result, options, checks)
    # grouped once, after every stage that sets a finding's status, so every format shows the same groups
    result.groups = group_findings(result) if options.groups else []
    return result


__all__ = ["AuditOptions", "ElementType", "audit", "base_result"]
