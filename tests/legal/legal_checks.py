"""Independent checks of a result against the legal context: the properties issue 15 promises, written from
the catalogue's scope table and the model, not from biotm.legal.scope, so a bug there cannot hide itself."""

from __future__ import annotations

from biotm.graph import build_graph
from biotm.legal.bases import STATUTORY_BASES
from biotm.legal.jurisdictions import EEA
from biotm.model.loader import LoadedModel
from biotm.model.schema import OrgRole
from biotm.regulations import CATALOG, SCOPES, law_of
from biotm.result import AuditResult


def _inside(code: str, area: str) -> bool:
    country = code.split("-")[0]
    if area == "EEA":
        return country in EEA
    if area == "EU":
        return country in EEA - {"IS", "LI", "NO"}
    if "-" in area:
        return code == area or code.startswith(area + "-")
    return country == area


def violations(loaded: LoadedModel, result: AuditResult) -> list[str]:
    """Every broken promise: out-of-scope citations, subdivision or intra-EEA transfers, DPA findings on a
    processor's return or a state organ, consent findings on statutory bases."""
    graph = build_graph(loaded)
    model = loaded.model
    roles = {o.name: o for o in model.organisations}
    out: list[str] = []
    for finding in result.findings:
        where: set[str] = set()
        for place in finding.places:
            if place in graph.elements:
                where.add(graph.zone_of(place).jurisdiction)
            elif place in graph.flows:
                flow = graph.flows[place]
                where |= {graph.zone_of(flow.source).jurisdiction, graph.zone_of(flow.target).jurisdiction}
            elif place in graph.zones:
                where.add(graph.zones[place].jurisdiction)
            elif place in graph.data:
                lineage = graph.lineage[place]
                where |= {graph.zone_of(e).jurisdiction for e in lineage.reaches}
        # Data subjects can be anywhere the data are collected or declared: the widest honest reading.
        # A derived item (a template) is about the people its inputs are about, so their places count too.
        subjects: set[str] = set()
        about = list(finding.data)
        seen: set[str] = set()
        while about:
            data_id = about.pop()
            if data_id in seen:
                continue
            seen.add(data_id)
            item = graph.data[data_id]
            subjects |= set(item.subject_jurisdictions)
            subjects |= {graph.zone_of(e).jurisdiction for e in graph.lineage[data_id].reaches}
            about.extend(graph.lineage[data_id].derived_from)
        for ref in finding.regulations:
            if ref not in CATALOG:
                out.append(f"{finding.id} cites unknown {ref}")
                continue
            scope = SCOPES[law_of(ref)]
            if scope.kind == "standard" or not (where or subjects) or any(p.startswith("XX") for p in where | subjects):
                continue
            reach = where | (subjects if scope.subjects else set())
            if not any(_inside(p, area) for p in reach for area in scope.places):
                out.append(f"{finding.id} cites {ref} outside its scope ({sorted(reach)})")
        if finding.rule == "bio-cross-border-transfer":
            flow = graph.flows[finding.places[0]]
            src, dst = graph.zone_of(flow.source).jurisdiction, graph.zone_of(flow.target).jurisdiction
            if src.split("-")[0] == dst.split("-")[0]:
                out.append(f"{finding.id}: transfer within one country {src} -> {dst}")
            if src.split("-")[0] in EEA and dst.split("-")[0] in EEA:
                out.append(f"{finding.id}: transfer between EEA members {src} -> {dst}")
        if finding.rule in ("bio-third-party-disclosure", "bio-cross-border-transfer"):
            flow = graph.flows[finding.places[0]]
            source, target = graph.owner_of(flow.source), graph.owner_of(flow.target)
            org = roles.get(source)
            if org is not None and org.role is OrgRole.PROCESSOR and org.controller == target:
                out.append(f"{finding.id}: a processor's return to its controller")
            state = target in roles and roles[target].role is OrgRole.STATE_ORGAN
            if finding.rule == "bio-third-party-disclosure" and state:
                out.append(f"{finding.id}: a DPA asked of a state organ")
        if finding.rule in ("bio-no-separate-consent", "linddun-unawareness"):
            for data_id in finding.data:
                basis = graph.data[data_id].basis
                if basis is not None and basis.basis in STATUTORY_BASES:
                    out.append(f"{finding.id}: consent asked of {data_id}, whose basis is {basis.basis.value}")
    return out
