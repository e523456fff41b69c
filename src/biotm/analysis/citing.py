"""The laws an attack finding touches: its rule's articles, filtered by where its places and data subjects are.

The attack stage runs after the rules engine and builds its findings without citations (the planner re-runs
it many times and compares risks only); the audit cites them once, with the same scope filter as every rule.
"""

from __future__ import annotations

from collections.abc import Iterable

from biotm.graph import SystemGraph
from biotm.legal.scope import Citations
from biotm.regulations import CATALOG
from biotm.result import Finding
from biotm.rules import registry


def cited(graph: SystemGraph, findings: Iterable[Finding]) -> list[Finding]:
    """The findings with their rule's articles that apply at their places, for their data's subjects."""
    articles = {r.id: r.regulations for r in registry.all_rules()}
    citations = Citations(graph)
    out = []
    for finding in findings:
        wanted = articles.get(finding.rule, ())
        if not wanted or finding.regulations:
            out.append(finding)
            continue
        scope = citations.places(tuple(finding.places))
        ids = [i for i in citations.cite(wanted, scope, finding.data) if i in CATALOG]
        out.append(finding.model_copy(update={"regulations": ids}) if ids else finding)
    return out


__all__ = ["cited"]
