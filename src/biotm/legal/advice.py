"""Warnings that suggest the legal declarations a model lacks: roles of the organisations data pass between,
agreements written on single flows that belong to the pair of organisations, and legal bases."""

from __future__ import annotations

from biotm.graph.system import SystemGraph
from biotm.legal.roles import Parties
from biotm.model.schema import ElementType
from biotm.result import ModelWarning

#: Per-flow controls that stand for an agreement between the flow's two organisations.
_AGREEMENT_CONTROLS = {
    "data-processing-agreement": "data-processing-agreement",
    "transfer-mechanism": "standard-contractual-clauses / cac-standard-contract",
}


def legal_warnings(graph: SystemGraph) -> list[ModelWarning]:
    """One warning per pair of organisations whose agreement is written on flows, and one if data pass between
    organisations none of which has a declared role."""
    model = graph.model
    parties = Parties(model)
    warnings: list[ModelWarning] = []
    pairs: dict[tuple[str, str, str], str] = {}
    crossing: set[str] = set()
    for flow in model.flows:
        source, target = graph.owner_of(flow.source), graph.owner_of(flow.target)
        if source == target:
            continue
        if flow.data:
            crossing.update((source, target))
        for control in flow.controls:
            if control in _AGREEMENT_CONTROLS and not parties.agreements(source, target):
                first, second = sorted((source, target))
                pairs.setdefault((first, second, control), flow.id)
    for (first, second, control), flow_id in sorted(pairs.items(), key=lambda kv: kv[1]):
        warnings.append(
            ModelWarning(
                code="legal-agreement-on-flow",
                message=f"flow '{flow_id}' declares '{control}' itself; declare it once for the pair under "
                f"agreements: - {{between: [{first}, {second}], kinds: [{_AGREEMENT_CONTROLS[control]}]}} so it "
                "holds for every flow between them",
                location=graph.location("flow", flow_id),
            )
        )
    undeclared = sorted(crossing - parties.declared.keys())
    if undeclared and not parties.declared:
        shown = ", ".join(undeclared[:4]) + (f" and {len(undeclared) - 4} more" if len(undeclared) > 4 else "")
        warnings.append(
            ModelWarning(
                code="legal-no-roles",
                message=f"data pass between organisations ({shown}) whose roles are not declared; every such flow "
                "is read as a disclosure. Declare them under organisations: with role controller, processor "
                "(with its controller), joint-controller, recipient or state-organ",
                location=None,
            )
        )
    if not any(item.basis is not None for item in model.data):
        collected = sorted(
            {
                data_id
                for flow in model.flows
                if graph.elements[flow.source].type is ElementType.ACTOR
                for data_id in flow.data
                if data_id in graph.data and graph.data_as_used[data_id].is_biometric
            }
        )
        if collected:
            warnings.append(
                ModelWarning(
                    code="legal-no-basis",
                    message=f"no data item declares a legal basis, so collecting {', '.join(collected[:4])} is "
                    "judged as resting on consent; where a law requires the collection, declare "
                    "basis: {basis: legal-obligation, law: ...} on the item",
                    location=graph.location("data", collected[0]),
                )
            )
    return warnings
