"""Risk tracking: the model's `accepted` entries set each finding's status, checked against the model.

An entry names a rule and a place (or a finding group's id, for every alike place at once) and says the risk
is accepted (until a date), a false positive (with a justification; it never expires, a past review date only
warns), in progress (a ticket and a due date; overdue counts as open) or mitigated (a control that must now
be at the place and must address the rule).
Several entries for one finding are a conflict: the most open one wins, whatever their order in the file,
and each later one is a warning. An entry for a rule biotm does not know is a warning with a suggestion.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from biotm.groups import cause_id
from biotm.model.errors import did_you_mean
from biotm.model.schema import Accepted
from biotm.result import STATUSES, Acceptance, Finding, FindingStatus, ModelWarning
from biotm.rules.base import RuleContext

_RANK = {status: rank for rank, status in enumerate(STATUSES)}


def place_key(places: Iterable[str]) -> str:
    """How an `accepted` entry names a place: the ids joined with '>'."""
    return ">".join(places)


def _controls_at(ctx: RuleContext, places: list[str]) -> frozenset[str]:
    present: set[str] = set()
    for place in places:
        present |= ctx.element_controls(place) | ctx.flow_controls(place)
    return frozenset(present)


class _Tracker:
    def __init__(self, ctx: RuleContext, rule_controls: dict[str, tuple[str, ...]], today: dt.date | None) -> None:
        self.ctx = ctx
        self.source = ctx.graph.loaded.source
        self.rule_controls = rule_controls
        self.today = today
        self.warnings: list[ModelWarning] = []

    def warn(self, code: str, index: int, message: str) -> None:
        self.warnings.append(
            ModelWarning(code=code, message=message, location=self.source.location(("accepted", index)))
        )

    def status(self, finding: Finding, entry: Accepted) -> tuple[FindingStatus, str | None]:
        """The status `entry` gives `finding` today, and why it is not the one the entry claims (or None)."""
        if entry.status == "accepted":
            if self.today is not None and entry.expires is not None and entry.expires < self.today:
                return "expired-acceptance", f"the acceptance by {entry.owner} expired on {entry.expires.isoformat()}"
            return "accepted", None
        if entry.status == "in-progress":
            if self.today is not None and entry.due is not None and entry.due < self.today:
                return "overdue", f"the fix tracked in {entry.ticket} was due on {entry.due.isoformat()}"
            return "in-progress", None
        if entry.status == "mitigated":
            control = entry.control or ""
            addressing = self.rule_controls.get(finding.rule, ())
            if addressing and control not in addressing:
                return "open", f"control '{control}' does not address {finding.rule} (controls that do: " + (
                    f"{', '.join(addressing)})"
                )
            if control not in _controls_at(self.ctx, finding.places):
                return "open", f"control '{control}' is claimed as the mitigation but is not in the model at " + (
                    place_key(finding.places)
                )
            return "mitigated", None
        return "false-positive", None


def apply_tracking(
    ctx: RuleContext,
    findings: list[Finding],
    ran: set[str],
    rule_controls: dict[str, tuple[str, ...]],
    today: dt.date | None,
) -> list[ModelWarning]:
    """Set the status of `findings` (in place) from the model's tracking entries; the warnings they raise.

    `ran` are the rules that ran (an entry for a rule that was skipped is not "unused"); `rule_controls` maps
    every rule biotm knows to the controls that suppress or lower it (empty: any control counts), so an entry
    for a misspelt rule is reported instead of silently ignored and a mitigation must name a control that helps.
    """
    known_rules = set(rule_controls)
    tracker = _Tracker(ctx, rule_controls, today)
    entries: dict[tuple[str, str], list[tuple[int, Accepted]]] = defaultdict(list)
    for index, entry in enumerate(ctx.graph.model.accepted):
        if entry.rule not in known_rules:
            tracker.warn(
                "acceptance-unknown-rule",
                index,
                f"accepted entry names unknown rule '{entry.rule}'{did_you_mean(entry.rule, known_rules)}; it has "
                "no effect",
            )
            continue
        entries[(entry.rule, entry.place)].append((index, entry))
    if not entries:
        return tracker.warnings
    for group in entries.values():
        first = group[0][0]
        line = tracker.source.location(("accepted", first))
        where = f" (line {line.line})" if line is not None else ""
        for index, entry in group[1:]:
            tracker.warn(
                "acceptance-conflict",
                index,
                f"a second entry tracks '{entry.rule}' at '{entry.place}' (first at accepted[{first}]{where}); "
                "the most open of them counts, whatever their order",
            )
    used: set[tuple[str, str]] = set()
    # an entry may name a finding group's id instead of one place (biotm/groups.py); one place's own entry wins
    by_group = any("-g" in place for _, place in entries)
    cause = cause_id(ctx.graph.model) if by_group else None
    for position, finding in enumerate(findings):
        key = (finding.rule, place_key(finding.places))
        tracked = entries.get(key)
        if tracked is None and cause is not None:
            key = (finding.rule, cause(finding))
            tracked = entries.get(key)
        if tracked is None or finding.status == "mitigated":
            continue
        used.add(key)
        findings[position] = _tracked(tracker, finding, tracked)
    for key, group in sorted(entries.items(), key=lambda kv: kv[1][0][0]):
        index, entry = group[0]
        if key in used or entry.rule not in ran:
            continue
        hint = " (the control may be in place now: remove the entry)" if entry.status == "mitigated" else ""
        tracker.warn(
            "acceptance-unused", index, f"accepted risk '{entry.rule}' at '{entry.place}' matches no finding{hint}"
        )
    return tracker.warnings


def _tracked(tracker: _Tracker, finding: Finding, group: list[tuple[int, Accepted]]) -> Finding:
    # The most open status wins; among equals the entry's own content decides, never its position.
    options = []
    for index, entry in group:
        status, why = tracker.status(finding, entry)
        options.append((_RANK[status], entry.model_dump_json(), index, entry, status, why))
    _, _, index, entry, status, why = min(options, key=lambda o: (o[0], o[1]))
    if why is not None and entry.status == "mitigated":
        tracker.warn("mitigation-not-verified", index, f"'{entry.rule}' at '{entry.place}' stays open: {why}")
    if (
        entry.status == "false-positive"
        and entry.expires is not None
        and tracker.today is not None
        and entry.expires < tracker.today
    ):
        tracker.warn(
            "false-positive-review-due",
            index,
            f"the false positive '{entry.rule}' at '{entry.place}' was due for review on {entry.expires.isoformat()}",
        )
    acceptance = Acceptance(
        status=entry.status,
        justification=entry.justification,
        owner=entry.owner,
        expires=entry.expires,
        ticket=entry.ticket,
        due=entry.due,
        control=entry.control,
    )
    update: dict[str, object] = {"status": status, "acceptance": acceptance}
    if why is not None:
        update["evidence"] = f"{finding.evidence} {why[0].upper()}{why[1:]}, so the finding is open again." if (
            status != "open"
        ) else f"{finding.evidence} Claimed mitigated, but {why}."
    return finding.model_copy(update=update)
