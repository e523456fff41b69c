"""Findings of one rule and one root cause at many alike places, shown as one group in human-facing reports.

A national model repeats one shop terminal 1,200 times, and each copy carries the same finding: a report of
1,200 identical cards hides the dozen different problems. Findings group when they share the rule, severity,
status, data items, the controls that would fix them and the shape of their places (the element types, or
flow, at each position), and at least GROUP_MIN of them do. JSON, SARIF and CSV keep every finding; the
human-facing formats show the group with every place listed.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from biotm.report import view
from biotm.result import AuditResult, Finding

GROUP_MIN = 3

_DIGITS = re.compile(r"[\d_]+")
_NOUNS = {
    "actor": "people or actors",
    "device": "devices",
    "store": "stores",
    "process": "processes",
    "external": "external systems",
    "flow": "flows",
}


@dataclass(frozen=True)
class FindingGroup:
    """Findings that differ only in where they are; `findings` worst first."""

    findings: list[Finding]
    noun: str

    @property
    def lead(self) -> Finding:
        return self.findings[0]

    @property
    def size(self) -> int:
        return len(self.findings)

    @property
    def grouped(self) -> bool:
        return self.size > 1

    @property
    def headline(self) -> str:
        if not self.grouped:
            return self.lead.title
        return f"{self.lead.title}: at {self.size:,} {self.noun}"


def _shape(result: AuditResult, finding: Finding) -> tuple[str, ...]:
    elements = view.elements(result)
    out = []
    for place in finding.places:
        element = elements.get(place)
        out.append(element.type.value if element is not None else "flow" if place in view.flows(result) else place)
    return tuple(out)


def _key(result: AuditResult, finding: Finding) -> tuple[object, ...]:
    return (
        finding.rule,
        finding.severity,
        finding.status,
        tuple(finding.data),
        tuple(finding.mitigations),
        _shape(result, finding),
    )


def _plural(words: list[str]) -> str:
    last = words[-1]
    if not last.endswith("s"):
        last = last[:-1] + "ies" if last.endswith("y") and last[-2:-1] not in "aeiou" else last + "s"
    return " ".join([*words[:-1], last])


def _noun(result: AuditResult, members: list[Finding]) -> str:
    """What the places are: the words their display names end in ('shop terminals'), else their element type."""
    varying = [i for i in range(len(members[0].places)) if len({m.places[i] for m in members}) > 1] or [0]
    position = varying[-1]
    worded = [_DIGITS.sub(" ", view.label(result, m.places[position])).split() for m in members]
    common: list[str] = []
    for depth in range(1, min(len(w) for w in worded) + 1):
        tails = {w[-depth].lower() for w in worded}
        if len(tails) != 1:
            break
        common.insert(0, tails.pop())
    if common and len(" ".join(common)) <= 40 and any(c.isalpha() for c in "".join(common)):
        return _plural(common)
    kind = _shape(result, members[0])[position]
    return _NOUNS.get(kind, "places")


def groups(result: AuditResult, findings: list[Finding] | None = None) -> list[FindingGroup]:
    """`findings` (default: all of the result) as groups, in result order of their worst member."""
    chosen = result.findings if findings is None else findings
    buckets: dict[tuple[object, ...], list[Finding]] = defaultdict(list)
    order: list[tuple[object, ...]] = []
    for finding in chosen:
        key = _key(result, finding)
        if key not in buckets:
            order.append(key)
        buckets[key].append(finding)
    out: list[FindingGroup] = []
    for key in order:
        members = buckets[key]
        if len(members) < GROUP_MIN:
            out.extend(FindingGroup([m], "") for m in members)
            continue
        ranked = sorted(members, key=lambda f: (-f.risk, f.id))
        out.append(FindingGroup(ranked, _noun(result, ranked)))
    return out


def group_of(result: AuditResult) -> dict[str, FindingGroup]:
    """Finding id -> its group (for "and N alike places" next to a top risk)."""
    return {f.id: g for g in groups(result) for f in g.findings}


def top_groups(found: list[FindingGroup], limit: int | None) -> list[FindingGroup]:
    """The `limit` riskiest groups (all when None), in their given order."""
    if limit is None:
        return found
    keep = {id(g) for g in sorted(found, key=lambda g: (-g.lead.risk, view.severity_rank(g.lead.severity),
                                                         g.lead.id))[:limit]}
    return [g for g in found if id(g) in keep]
