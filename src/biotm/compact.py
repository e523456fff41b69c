"""The JSON report's grouped findings (schema 1.2): what a group's findings share, written once, and the way
back to one whole finding per place.

A national model repeats one shop terminal thousands of times, and its findings repeat the same rule, title,
cause, regulations, mitigations and numbers at each. In the report a group carries its first member's fields
(`finding`, without id and places), and each member's entry in `findings` says only where it differs:
`{"group": ID, "places": [...], FIELD: VALUE, ...}`. The id is left out when it is the usual hash of rule and
places. A factor list as long as the group's is written position by position, `null` where the factor is the
group's (alike places share the reasons; a per-place quantity such as a head count may differ). `expand`
undoes all of it, so a report loads back to the very result it was written from.

Plain dicts and duck-typed findings only: biotm.result imports this module, not the other way round.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any

#: Key of a member entry naming its group, and of a group record holding the shared fields.
GROUP_KEY = "group"
TEMPLATE_KEY = "finding"
#: Lists written position by position against the group's (null: the group's entry at that position).
MERGED_LISTS = frozenset({"likelihood_factors", "impact_factors"})
#: Fields every member entry carries itself (a place is what a member is).
OWN_FIELDS = ("id", "places")


def member_entry(
    finding: Any, lead: Any, group_id: str, fields: Sequence[str], derived_id: str
) -> dict[str, Any]:
    """`finding` as its group's member entry: the group, its id if not `derived_id`, its places, and each of
    `fields` whose value differs from `lead`'s (the values as they are, for the caller's serializer)."""
    entry: dict[str, Any] = {GROUP_KEY: group_id}
    if finding.id != derived_id:
        entry["id"] = finding.id
    entry["places"] = finding.places
    for name in fields:
        value, shared = getattr(finding, name), getattr(lead, name)
        if value == shared:
            continue
        if name in MERGED_LISTS and len(value) == len(shared):
            value = [None if mine == theirs else mine for mine, theirs in zip(value, shared, strict=True)]
        entry[name] = value
    return entry


def expand(data: dict[str, Any], finding_id: Callable[[str, Sequence[str]], str]) -> dict[str, Any]:
    """`data` (a parsed report) with every member entry expanded to its whole finding and every group given
    its `members` back; `data` itself if it has no grouped findings (schema 1.1, or an in-memory dump)."""
    groups = data.get("groups")
    if not isinstance(groups, list) or not any(isinstance(g, dict) and TEMPLATE_KEY in g for g in groups):
        return data
    templates: dict[str, dict[str, Any]] = {}
    records: list[Any] = []
    for group in groups:
        if isinstance(group, dict) and TEMPLATE_KEY in group:
            group = dict(group)
            templates[str(group.get("id"))] = group.pop(TEMPLATE_KEY)
        records.append(group)
    members: dict[str, list[Any]] = defaultdict(list)
    findings: list[Any] = []
    for entry in data.get("findings") or []:
        if not (isinstance(entry, dict) and GROUP_KEY in entry):
            findings.append(entry)
            continue
        group_id = str(entry[GROUP_KEY])
        template = templates.get(group_id)
        if not isinstance(template, dict):
            raise ValueError(f"a finding names group {group_id!r}, which the report does not define")
        finding = _merged(template, entry)
        if "id" not in finding and isinstance(finding.get("rule"), str) and isinstance(finding.get("places"), list):
            finding["id"] = finding_id(finding["rule"], finding["places"])
        findings.append(finding)
        members[group_id].append(finding.get("id"))
    for group in records:
        if isinstance(group, dict) and str(group.get("id")) in templates:
            group.setdefault("members", members[str(group.get("id"))])
    return {**data, "findings": findings, "groups": records}


def _merged(template: dict[str, Any], entry: dict[str, Any]) -> dict[str, Any]:
    finding = dict(template)
    for name, value in entry.items():
        if name == GROUP_KEY:
            continue
        shared = template.get(name)
        if name in MERGED_LISTS and isinstance(value, list) and isinstance(shared, list) and len(value) == len(shared):
            value = [theirs if mine is None else mine for mine, theirs in zip(value, shared, strict=True)]
        finding[name] = value
    return finding
