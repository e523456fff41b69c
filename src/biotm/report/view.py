"""Read-only views of an AuditResult shared by the report formats (counts, lookups, labels).

Nothing here scores or decides: it only selects, groups and orders what the result already says, so
that every format shows the same numbers.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from biotm.counting import people as people  # re-exported: the formats' head counts, as evidence writes them
from biotm.escaping import printable as printable  # re-exported: the formats' sink for model text
from biotm.model.portraits import biometric_ids
from biotm.model.schema import Element, Flow
from biotm.model.source import SourceLocation
from biotm.result import (
    OPEN_STATUSES,
    SEVERITIES,
    STATUSES,
    AuditResult,
    Finding,
    FindingStatus,
    ModelWarning,
    Severity,
)

#: Re-exported: the statuses and the formats' sink for model text.
__all__ = ["OPEN_STATUSES", "STATUSES", "SUPERSEDED_LEAD", "printable"]

#: How every format introduces the plan's superseded chain breakers.
SUPERSEDED_LEAD = (
    "Not planned because planned items already break every chain they break (each ranks by what else it lowers)"
)


def printable_tree(value: Any, sink: Callable[[str], str] = printable) -> Any:
    """Strings, lists and dicts with every string passed through `sink` (other values as they are)."""
    if isinstance(value, str):
        return sink(value)
    if isinstance(value, list):
        return [printable_tree(v, sink) for v in value]
    if isinstance(value, dict):
        return {k: printable_tree(v, sink) for k, v in value.items()}
    return value


def _any_changed(value: Any, sink: Callable[[str], str]) -> bool:
    if isinstance(value, str):
        return sink(value) != value
    if isinstance(value, list):
        return any(_any_changed(v, sink) for v in value)
    if isinstance(value, dict):
        return any(_any_changed(v, sink) for v in value.values())
    return False


def printable_result(result: AuditResult, sink: Callable[[str], str] = printable) -> AuditResult:
    """`result` with every string passed through `sink` (`printable`; `terminal` for one-line outputs),
    for outputs that cannot escape per field.

    Untrusted text only enters through the model, so a clean model (the usual case) returns `result`
    itself without the cost of copying a large result.
    """
    if not _any_changed(result.model.model_dump(), sink) and not _any_changed(result.summary.file, sink):
        return result
    return AuditResult.model_validate(printable_tree(result.model_dump(by_alias=True), sink))


#: Model warnings a report for people lists: a model of 100,000 tracking entries for the same few places
#: warns 100,000 times, and a table of them took 20 s to print; the JSON report keeps every one.
WARNINGS_SHOWN = 100


def shown_warnings(result: AuditResult) -> tuple[list[ModelWarning], str]:
    """The first WARNINGS_SHOWN warnings, and the line that says how many more the JSON report has ('' if none)."""
    left = len(result.warnings) - WARNINGS_SHOWN
    more = f"… and {left:,} more warnings: -f json lists every one." if left > 0 else ""
    return result.warnings[:WARNINGS_SHOWN], more


def sentence(text: str) -> str:
    """`text` as a sentence: first letter capitalised, ending in a full stop or its own punctuation."""
    text = text.strip()
    if not text:
        return ""
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?:;" else text + "."


def days(value: float) -> str:
    """A number of person-days as people-facing reports write it: to two decimals, trailing zeros dropped
    ('3', '3.15', '82.3'). A plan item of 3.0013 days (3 + 0.05 per thousand users x 0.025 thousand) is
    '3': its cost basis says the exact sum, the JSON report keeps the number (to 4 decimals, 3.0013)."""
    shown = f"{value:.2f}".rstrip("0").rstrip(".")
    return f"{value:.1g}" if shown in ("0", "-0") and value else shown  # a cost of 0.001 is not '0'


def person_days(value: float) -> str:
    """'1 person-day', '3.5 person-days' (rounded as `days`)."""
    shown = days(value)
    return "1 person-day" if shown == "1" else f"{shown} person-days"


def persons(count: int) -> str:
    """A head count with its noun: '1 person', '12 people', '1.4bn people'."""
    return "1 person" if count == 1 else f"{people(count)} people"


def is_open(finding: Finding) -> bool:
    return finding.status in OPEN_STATUSES


def tracking_note(finding: Finding) -> str:
    """What the model's tracking entry says about `finding`, in one line (empty when it has none)."""
    a = finding.acceptance
    if a is None:
        return "mitigated (set in the model)" if finding.status == "mitigated" else ""
    if a.status == "accepted":
        return f"accepted by {a.owner} until {a.expires.isoformat() if a.expires else '?'}: {a.justification}"
    if a.status == "false-positive":
        review = f", review by {a.expires.isoformat()}" if a.expires else ""
        return f"false positive per {a.owner}{review}: {a.justification}"
    if a.status == "in-progress":
        return f"fix in progress ({a.ticket}, {a.owner}), due {a.due.isoformat() if a.due else '?'}"
    verified = "verified in the model" if finding.status == "mitigated" else "NOT found in the model"
    return f"mitigated by control {a.control} ({a.owner}): {verified}"


def status_counts(result: AuditResult) -> dict[FindingStatus, int]:
    """Findings per status, every status present (zero when none), most open first."""
    counts: dict[FindingStatus, int] = {status: 0 for status in STATUSES}
    for finding in result.findings:
        counts[finding.status] += 1
    return counts


def severity_rank(severity: str) -> int:
    """0 for critical .. 4 for info; unknown values sort last."""
    names = [str(s) for s in SEVERITIES]
    return names.index(severity) if severity in names else len(names)


def worst(severities: Iterable[Severity]) -> Severity | None:
    ordered = sorted(severities, key=severity_rank)
    return ordered[0] if ordered else None


def open_counts(result: AuditResult) -> dict[Severity, int]:
    """Open findings per severity, every severity present (zero when none)."""
    counts: dict[Severity, int] = {sev: 0 for sev in SEVERITIES}
    for finding in result.findings:
        if is_open(finding):
            counts[finding.severity] += 1
    return counts


def by_severity(result: AuditResult) -> list[tuple[Severity, list[Finding]]]:
    """Findings grouped by severity, worst first, skipping empty groups; result order kept inside."""
    groups = [(sev, [f for f in result.findings if f.severity == sev]) for sev in SEVERITIES]
    return [(sev, group) for sev, group in groups if group]


def top_risks(result: AuditResult, limit: int = 3) -> list[Finding]:
    """The head of the report order (severity, then risk): the first `limit` open findings."""
    return [f for f in result.findings if is_open(f)][:limit]


class _Index:
    """Id lookups of one result, built once per result rather than once per call."""

    def __init__(self, result: AuditResult) -> None:
        self.result = result  # held so its id() cannot be reused while this index is cached
        self.elements = {e.id: e for e in result.model.elements}
        self.flows = {f.id: f for f in result.model.flows}
        #: Display names of elements and flows (`label`): the HTML report asks for several per finding.
        self.labels: dict[str, str] = {}


_last: list[_Index] = []


def _index(result: AuditResult) -> _Index:
    if not _last or _last[0].result is not result:
        _last[:] = [_Index(result)]
    return _last[0]


def elements(result: AuditResult) -> dict[str, Element]:
    return _index(result).elements


def flows(result: AuditResult) -> dict[str, Flow]:
    return _index(result).flows


def label(result: AuditResult, place: str) -> str:
    """The display name of an element or flow (its name, else its id); other places as given."""
    index = _index(result)
    name = index.labels.get(place)
    if name is None:
        found = index.elements.get(place) or index.flows.get(place)
        name = index.labels[place] = (found.name or found.id) if found else place
    return name


def flow_places(result: AuditResult, finding: Finding) -> list[str]:
    """Flow ids a finding sits on: its flow place, or the middle of a source>flow>target interaction."""
    return _flow_places(flows(result), finding)


def _flow_places(known: dict[str, Flow], finding: Finding) -> list[str]:
    if finding.place_kind == "interaction" and len(finding.places) == 3:
        return [finding.places[1]] if finding.places[1] in known else []
    if finding.place_kind == "flow":
        return [p for p in finding.places if p in known]
    return []


def worst_on_flows(result: AuditResult) -> dict[str, Severity]:
    """Flow id -> severity of the worst open finding placed on that flow."""
    seen: dict[str, list[Severity]] = defaultdict(list)
    known = flows(result)
    for finding in result.findings:
        if not is_open(finding):
            continue
        for flow_id in _flow_places(known, finding):
            seen[flow_id].append(finding.severity)
    out: dict[str, Severity] = {}
    for flow_id, severities in sorted(seen.items()):
        found = worst(severities)
        if found is not None:
            out[flow_id] = found
    return out


def worst_on_elements(result: AuditResult) -> dict[str, Severity]:
    """Element id -> severity of the worst open finding placed on that element."""
    seen: dict[str, list[Severity]] = defaultdict(list)
    known = elements(result)
    for finding in result.findings:
        if is_open(finding) and finding.place_kind == "element":
            for place in finding.places:
                if place in known:
                    seen[place].append(finding.severity)
    out: dict[str, Severity] = {}
    for element_id, severities in sorted(seen.items()):
        found = worst(severities)
        if found is not None:
            out[element_id] = found
    return out


def biometric_stores(result: AuditResult) -> list[str]:
    """Elements where biometric data rests, according to the lineage."""
    biometric = biometric_ids(result.model)
    return sorted({e for entry in result.lineage if entry.data in biometric for e in entry.stored_at})


def findings_by_regulation(result: AuditResult) -> dict[str, list[Finding]]:
    """Regulation id -> findings that touch it (in result order)."""
    out: dict[str, list[Finding]] = defaultdict(list)
    for finding in result.findings:
        for reg in finding.regulations:
            out[reg].append(finding)
    return dict(out)


def finding_location(result: AuditResult, finding: Finding) -> SourceLocation | None:
    """Where the offending element is written: the finding's own location, else its first known place."""
    if finding.location is not None:
        return finding.location
    kinds = ("flow", "element") if finding.place_kind == "flow" else ("element", "flow", "zone", "data")
    places = finding.places
    if finding.place_kind == "interaction" and len(places) == 3:
        places = [places[1], places[0], places[2]]
    for place in places:
        for kind in kinds:
            found = result.locations.get(f"{kind}:{place}")
            if found is not None:
                return found
    return None
