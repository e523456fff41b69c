"""The result's finding groups (`AuditResult.groups`, computed once in the pipeline by biotm/groups.py) as the
human-facing formats show them: one card per group with every place listed, worst member first."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from biotm.groups import GROUP_MIN
from biotm.report.place_names import title_text
from biotm.result import AuditResult, Finding


@dataclass(frozen=True)
class FindingGroup:
    """Findings that differ only in where they are; `findings` worst first, equal risks by place."""

    findings: list[Finding]
    noun: str
    id: str = ""
    #: The lead's title as people read it (report/place_names.py); empty: the title as the result has it.
    title: str = ""

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
    def risks(self) -> str:
        """The members' risk, or its range: 'risk 0.85', 'risk 0.48 to 0.51'."""
        low, high = min(f.risk for f in self.findings), max(f.risk for f in self.findings)
        return f"risk {low:.2f}" if f"{low:.2f}" == f"{high:.2f}" else f"risk {low:.2f} to {high:.2f}"

    @property
    def headline(self) -> str:
        title = self.title or self.lead.title
        if not self.grouped:
            return title
        return f"{title}: at {self.size:,} {self.noun}"


def groups(result: AuditResult, findings: list[Finding] | None = None) -> list[FindingGroup]:
    """`findings` (default: all of the result) as the result's groups, in the order of their first member
    among `findings`. A group cut below GROUP_MIN members by the choice shows its members one by one."""
    chosen = result.findings if findings is None else findings
    owner = {member: record for record in result.groups for member in record.members}
    picked: dict[str, list[Finding]] = defaultdict(list)
    for finding in chosen:
        record = owner.get(finding.id)
        if record is not None:
            picked[record.id].append(finding)
    out: list[FindingGroup] = []
    shown: set[str] = set()
    for finding in chosen:
        record = owner.get(finding.id)
        members = picked[record.id] if record is not None else []
        if record is None or len(members) < GROUP_MIN:
            out.append(FindingGroup([finding], "", title=title_text(result, finding)))
        elif record.id not in shown:
            shown.add(record.id)
            ordered = sorted(members, key=lambda f: (-f.risk, f.places, f.id))
            out.append(FindingGroup(ordered, record.noun, record.id, title_text(result, ordered[0])))
    return out


def by_regulation(found: list[FindingGroup]) -> dict[str, list[FindingGroup]]:
    """Regulation id -> the groups of `found` that touch it, in order: what `groups(result, fs)` gives for the
    findings `fs` touching it, since alike findings share their regulations (biotm/groups.py, `_cause`)."""
    out: dict[str, list[FindingGroup]] = defaultdict(list)
    for group in found:
        for regulation in dict.fromkeys(group.lead.regulations):
            out[regulation].append(group)
    return dict(out)


def group_of(found: list[FindingGroup]) -> dict[str, FindingGroup]:
    """Finding id -> its group among `found` (for "and N alike places" next to a top risk)."""
    return {f.id: g for g in found for f in g.findings}


#: Finding groups the human-facing formats (terminal, Markdown, HTML, PDF) show when --top does not say: they
#: are read from the top, and a model whose findings do not group (its places each carry other data) printed
#: 300,000 lines in a minute, laid out a 1,000-page PDF in 16 s and wrote a 15 MB page of 5,566 articles.
#: Every scenario and the generated national models have fewer; JSON, SARIF, CSV and XLSX keep every finding.
SHOWN_GROUPS = 300


def top_groups(found: list[FindingGroup], top: int | None) -> list[FindingGroup]:
    """The groups a human-facing format shows: the first `top` (--top; 0 for all), else the first SHOWN_GROUPS, in
    report order (worst severity first, then risk, so a critical finding is never cut for a riskier high one)."""
    if top == 0:
        return found
    return found[: SHOWN_GROUPS if top is None else top]
