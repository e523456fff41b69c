"""SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.

One reporting descriptor per biotm rule (help text, CWE tags, `security-severity`), one result per finding
at the line and column of the offending element in the model file, related locations for the ends of a
flow, and the stable finding id as partial fingerprint so alerts survive edits, reformatting and
reordering of the model.

A finding group (alike places, one cause) is one result: its worst place is the result's one location
(where GitHub annotates the alert), every place a related location linked from the message, and the
stable group id its fingerprint, so adding or removing an alike place keeps the alert. Why not every place
in `locations`: SARIF 2.1.0 (3.27.12) forbids it for occurrences that can be fixed one by one, GitHub uses
only the first location of a result, and it rejects an upload with more than 1,000 locations or related
locations in a result or more than 25,000 results in a run (the 10k model had 23k findings). Past
MAX_RELATED places the rest are listed in the result's properties, which keep every member finding.
"""

from __future__ import annotations

import functools
import os
from dataclasses import replace
from pathlib import Path, PurePosixPath
from typing import Any

import pydantic_core

from biotm.report import view
from biotm.report.grouping import FindingGroup, groups
from biotm.result import OPEN_STATUSES, AuditResult, Finding, RuleInfo, Severity

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
SRCROOT = "%SRCROOT%"
INFORMATION_URI = "https://github.com/biotm/biotm"
FINGERPRINT = "biotmFindingId/v1"

#: GitHub maps security-severity > 9.0 to critical, 7.0-8.9 high, 4.0-6.9 medium, 0.1-3.9 low.
SECURITY_SEVERITY: dict[str, str] = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0", "info": "0.0"}
PROBLEM_SEVERITY: dict[str, str] = {
    "critical": "error", "high": "error", "medium": "warning", "low": "recommendation", "info": "recommendation"
}
LEVEL: dict[str, str] = {"critical": "error", "high": "error", "medium": "warning", "low": "note", "info": "note"}
#: GitHub rejects a result with more related locations than this.
MAX_RELATED = 1000
#: Places of a group linked from its message (GitHub shows the message whole on the alert page).
LINKED_IN_MESSAGE = 10


def artifact(file: str) -> dict[str, str]:
    """The file relative to the working directory under %SRCROOT%, or an absolute file URI if outside it."""
    return dict(_artifact(file, os.getcwd()))


@functools.lru_cache(maxsize=256)
def _artifact(file: str, cwd: str) -> dict[str, str]:
    # Cached: every result and related location names the same few files, and path arithmetic per
    # location was a third of the time of a national-scale SARIF log.
    path = Path(file)
    absolute = path if path.is_absolute() else Path(cwd) / path
    try:
        relative = os.path.relpath(os.path.normpath(absolute), cwd)
    except ValueError:  # another drive on Windows
        relative = ""
    if relative and not relative.startswith(".."):
        return {"uri": PurePosixPath(*Path(relative).parts).as_posix(), "uriBaseId": SRCROOT}
    return {"uri": Path(os.path.normpath(absolute)).as_uri()}


def _words(text: str) -> str:
    return "".join(part.capitalize() for part in text.replace("-", " ").replace("_", " ").split() if part.isalnum())


def _rule(info: RuleInfo, severity: Severity) -> dict[str, Any]:
    tags = ["security", "biometric", *info.categories, *(f"external/cwe/{c.lower()}" for c in info.cwe)]
    help_lines = [info.description]
    if info.mitigations:
        help_lines.append("Mitigations: " + ", ".join(info.mitigations) + ".")
    if info.regulations:
        help_lines.append("Regulations: " + ", ".join(info.regulations) + ".")
    markdown = [info.description, ""]
    markdown += [f"- Mitigation: `{m}`" for m in info.mitigations]
    markdown += [f"- Regulation: `{r}`" for r in info.regulations]
    markdown += [f"- {c}" for c in info.cwe]
    return {
        "id": info.id,
        "name": _words(info.title) or _words(info.id) or "BiotmRule",
        "shortDescription": {"text": info.title},
        "fullDescription": {"text": info.description},
        "help": {"text": "\n".join(help_lines), "markdown": "\n".join(markdown).rstrip() + "\n"},
        "defaultConfiguration": {"level": LEVEL[severity]},
        "properties": {
            "tags": tags,
            "security-severity": SECURITY_SEVERITY[severity],
            "precision": "high",
            "problem.severity": PROBLEM_SEVERITY[severity],
            "family": info.family,
        },
    }


def rule_catalog(result: AuditResult) -> list[RuleInfo]:
    """The result's rules, plus a minimal entry for any finding whose rule the catalog lacks (imported threats)."""
    rules = {info.id: info for info in result.rules}
    for finding in result.findings:
        if finding.rule not in rules:
            rules[finding.rule] = RuleInfo(
                id=finding.rule, title=finding.title, description=finding.title, family="imported",
                categories=finding.categories, threat_tree=finding.threat_tree, cwe=finding.cwe,
                regulations=finding.regulations, mitigations=finding.mitigations, default_severity=finding.severity,
            )
    return [rules[k] for k in sorted(rules)]


def _location(file: str, line: int, column: int, message: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "physicalLocation": {
            "artifactLocation": artifact(file),
            "region": {"startLine": max(line, 1), "startColumn": max(column, 1)},
        }
    }
    if message:
        out["message"] = {"text": message}
    return out


def _related(result: AuditResult, finding: Finding) -> list[dict[str, Any]]:
    """The source and target elements of the flows a finding sits on, at most MAX_RELATED (a finding on 1,078
    flows of the 10k model had 2,156; its every place stays in the logical location)."""
    out: list[dict[str, Any]] = []
    flows = view.flows(result)
    for flow_id in view.flow_places(result, finding):
        flow = flows[flow_id]
        for role, element_id in (("source", flow.source), ("target", flow.target)):
            where = result.locations.get(f"element:{element_id}")
            if where is not None and len(out) < MAX_RELATED:
                location = _location(where.file, where.line, where.column, f"flow {role}: {element_id}")
                location["id"] = len(out)
                out.append(location)
    return out


def _plain(text: str) -> str:
    """Model text as SARIF plain text: a bracket that is no embedded link is escaped (SARIF 3.11.6)."""
    return text.replace("[", "\\[").replace("]", "\\]")


def _primary(result: AuditResult, finding: Finding) -> dict[str, Any]:
    where = view.finding_location(result, finding)
    file, line, column = (where.file, where.line, where.column) if where else (result.summary.file, 1, 1)
    location = _location(file, line, column)
    location["logicalLocations"] = [
        {"name": place, "kind": finding.place_kind, "fullyQualifiedName": " > ".join(finding.places)}
        for place in finding.places[:1]
    ]
    return location


def _properties(finding: Finding) -> dict[str, Any]:
    return {
        "findingId": finding.id,
        "severity": finding.severity,
        "security-severity": SECURITY_SEVERITY[finding.severity],
        "likelihood": finding.likelihood,
        "impact": finding.impact,
        "risk": finding.risk,
        "subjects": finding.subjects,
        "data": finding.data,
        "categories": finding.categories,
        "regulations": finding.regulations,
        "mitigations": finding.mitigations,
        "status": finding.status,
    }


def _suppressed(out: dict[str, Any], finding: Finding) -> dict[str, Any]:
    if finding.status not in OPEN_STATUSES:
        # a fix in progress is a suppression under review; accepted, false-positive and verified mitigations are
        # accepted suppressions, so code scanning does not re-open the alert
        status = "underReview" if finding.status == "in-progress" else "accepted"
        out["suppressions"] = [{"kind": "external", "status": status, "justification": view.tracking_note(finding)}]
    return out


def _result(result: AuditResult, finding: Finding, index: int) -> dict[str, Any]:
    out: dict[str, Any] = {
        "ruleId": finding.rule,
        "ruleIndex": index,
        "level": LEVEL[finding.severity],
        "message": {"text": _plain(f"{finding.title}: {finding.evidence}")},
        "locations": [_primary(result, finding)],
        "partialFingerprints": {FINGERPRINT: finding.id},
        "properties": _properties(finding),
    }
    related = _related(result, finding)
    if related:
        out["relatedLocations"] = related
    return _suppressed(out, finding)


def _fingerprint(result: AuditResult, group: FindingGroup) -> str:
    """The group id; for a group tracked whole (every member accepted, say) the open group's id it had, so the
    alert is suppressed rather than closed and opened anew. A group split by status keeps the suffixed id."""
    base = group.id.removesuffix(f"-{group.lead.status}")
    return base if base != group.id and base not in {g.id for g in result.groups} else group.id


def _group_result(result: AuditResult, group: FindingGroup, index: int) -> dict[str, Any]:
    """One result for a group: the worst place located, every place (up to MAX_RELATED) related and linked."""
    lead, members = group.lead, group.findings
    related: list[dict[str, Any]] = []
    for member in members[:MAX_RELATED]:
        where = view.finding_location(result, member)
        file, line, column = (where.file, where.line, where.column) if where else (result.summary.file, 1, 1)
        note = f"{' > '.join(member.places)}: risk {member.risk:.2f} ({member.id})"
        location = _location(file, line, column, note)
        location["id"] = len(related)
        related.append(location)
    risks = sorted({m.risk for m in members})
    links = ", ".join(f"[{_plain(' > '.join(m.places))}]({i})" for i, m in enumerate(members[:LINKED_IN_MESSAGE]))
    more = len(members) - LINKED_IN_MESSAGE
    # ids as the result has them, as in each finding's own message (title: evidence), not display names
    headline = replace(group, title="").headline
    text = (f"{_plain(headline)} ({group.risks}). Worst: {_plain(lead.evidence)} Places: {links}"
            + (f" and {more:,} more (every place is a related location)." if more > 0 else "."))
    properties = _properties(lead) | {
        "groupId": group.id,
        "places": len(members),
        "risk": risks[-1],
        "riskMin": risks[0],
        "members": [{"findingId": m.id, "places": m.places, "risk": m.risk} for m in members],
    }
    out: dict[str, Any] = {
        "ruleId": lead.rule,
        "ruleIndex": index,
        "level": LEVEL[lead.severity],
        "message": {"text": text},
        "locations": [_primary(result, lead)],
        "relatedLocations": related,
        "partialFingerprints": {FINGERPRINT: _fingerprint(result, group)},
        "properties": properties,
    }
    return _suppressed(out, lead)


def _results(result: AuditResult, index: dict[str, int]) -> list[dict[str, Any]]:
    """A result per finding group and per finding outside a group, in report order."""
    return [
        _group_result(result, group, index[group.lead.rule]) if group.grouped
        else _result(result, group.lead, index[group.lead.rule])
        for group in groups(result)
    ]


def document(result: AuditResult) -> dict[str, Any]:
    """The SARIF log as a JSON-ready dict."""
    catalog = rule_catalog(result)
    index = {info.id: i for i, info in enumerate(catalog)}
    # GitHub reads severity from the rule only, so a rule shows its worst finding in this run
    seen: dict[str, set[Severity]] = {info.id: {info.default_severity} for info in catalog}
    for finding in result.findings:
        seen[finding.rule].add(finding.severity)
    severity = {rule: view.worst(found) or "info" for rule, found in seen.items()}
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": result.tool,
                        "version": result.tool_version,
                        "semanticVersion": result.tool_version,
                        "informationUri": INFORMATION_URI,
                        "rules": [_rule(info, severity[info.id]) for info in catalog],
                    }
                },
                "artifacts": [{"location": artifact(result.summary.file), "roles": ["analysisTarget"]}],
                # keyed by the model file so renaming the model's title keeps GitHub's alert history
                "automationDetails": {"id": f"biotm/{artifact(result.summary.file)['uri']}/"},
                "columnKind": "unicodeCodePoints",
                "results": _results(result, index),
            }
        ],
    }


def render(result: AuditResult) -> str:
    """SARIF JSON; messages shown by code-scanning UIs carry no control or bidi-override characters."""
    # pydantic-core's encoder: the standard library's falls back to pure Python when indenting, which
    # took two thirds of the time of a national-scale log. Numbers are written as in the JSON report.
    return pydantic_core.to_json(document(view.printable_result(result)), indent=2).decode() + "\n"
