"""Findings of one rule and one cause at many alike places, grouped once per audit (`AuditResult.groups`).

A national model repeats one shop terminal 1,200 times, and each copy carries the same finding. Findings
group when they share the rule, title, severity, status, place kind, the data items, the regulations, the controls
that would fix them, the shape of their places (the element type, or flow, at each position) and the reasons
of their numbers (every likelihood and impact factor, its quantity aside), and at least GROUP_MIN of them do.

The numbers themselves are not keyed: two shops with 9 and 12 clerks differ in likelihood by 0.003 for the
same reasons, and splitting on that would list one cause a dozen times. A different reason (reachable from
the internet, or not) is a different cause and splits the group. Each member keeps its own numbers and the
group records their range, so grouping never changes a number. Theft-chain findings (idt-…) group like
the others: a national model has one chain per regional verifier, alike in every step, and 93 copies of one
story are a duplicate an auditor strikes; the title is part of the cause, so two chains to different goals
never share a group. Every member finding stays in `AuditResult.findings`, every chain in `chains`.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections import defaultdict
from collections.abc import Callable

from biotm.model.schema import Model
from biotm.result import AuditResult, Finding, FindingGroup

GROUP_MIN = 3

_DIGITS = re.compile(r"[\d_]+")
#: `_DIGITS.sub(" ", text).split()` is `text.translate(_ASCII_DIGITS).split()` for ASCII text, in C.
_ASCII_DIGITS = str.maketrans(dict.fromkeys("0123456789_", " "))
#: A quantity in a factor's reason ("12 people with access", "capped at 1.00"): the reason without it is the cause.
_QUANTITY = re.compile(r"\d[\d,.]*")
_NOUNS = {
    "actor": "people or actors",
    "device": "devices",
    "store": "stores",
    "process": "processes",
    "external": "external systems",
    "flow": "flows",
}


class _Places:
    """Types and display names of a model's places, built once per grouping."""

    def __init__(self, model: Model) -> None:
        self.types = {e.id: e.type.value for e in model.elements}
        self.names = {e.id: e.name for e in model.elements if e.name}
        for flow in model.flows:
            self.types[flow.id] = "flow"
            if flow.name:
                self.names[flow.id] = flow.name

    def stripped(self, place: str) -> tuple[bool, str]:
        """Whether the place has a display name, and the name (else the id) with digits and underscores blanked:
        alike places' names ('shop 17 terminal', 'shop 18 terminal') are one text then."""
        name = self.names.get(place)
        text = name or place
        return name is not None, text.translate(_ASCII_DIGITS) if text.isascii() else _DIGITS.sub(" ", text)

    def shape(self, finding: Finding) -> tuple[str, ...]:
        return tuple(map(self.types.get, finding.places, finding.places))  # a place of no known type: its id


def _words(named: bool, text: str) -> list[str]:
    """The words of a place's blanked display name; of an unnamed place's id, those of three letters or more
    (the 'zj' and 'c' of 'zj_c1_liveness' name no kind of place)."""
    words = text.split()
    return words if named else [w for w in words if len(w) >= 3]


def _cause(places: _Places, finding: Finding) -> tuple[object, ...]:
    """What alike findings share, status aside (the group id is a hash of it)."""
    return _assembled(_cause_head(finding), places.shape(finding))


def _cause_head(finding: Finding) -> tuple[object, ...]:
    """The cause without the shape of the places: what the finding's scoring template fixes."""
    return (
        finding.rule,
        finding.title,
        finding.severity,
        finding.place_kind,
        tuple(finding.data),
        tuple(finding.regulations),
        tuple(finding.mitigations),
        _reasons(finding),
    )


#: Where the places' shape stands in a cause (after the controls, before the reasons): the group id hashes the
#: cause in this order, so it cannot move.
_SHAPE_AT = 7


def _assembled(head: tuple[object, ...], shape: tuple[str, ...]) -> tuple[object, ...]:
    """The cause from its head and the places' shape, in the order the group id hashes."""
    return (*head[:_SHAPE_AT], shape, *head[_SHAPE_AT:])


def _reasons(finding: Finding) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Why the numbers are what they are, quantities masked: alike places share these, not the numbers."""
    return (
        tuple(_masked(factor.reason) for factor in finding.likelihood_factors),
        tuple(_masked(factor.reason) for factor in finding.impact_factors),
    )


@functools.lru_cache(maxsize=8192)
def _masked(reason: str) -> str:
    # cached: a national model repeats a few hundred reasons across hundreds of thousands of factors
    return _QUANTITY.sub("#", reason)


def group_id(cause: tuple[object, ...], status: str = "open") -> str:
    """Stable group id: a hash of the rule and the shared cause, never of member places or line numbers, so
    adding or removing one alike place keeps it. The members of another status than open (an acceptance
    by group, or of some places) form their own group, named by the open group's id and the status."""
    digest = hashlib.sha256(repr(cause).encode("utf-8")).hexdigest()
    base = f"{cause[0]}-g{digest[:10]}"
    return base if status == "open" else f"{base}-{status}"


def cause_id(model: Model) -> Callable[[Finding], str]:
    """Finding -> the id of the open group its cause gives (what an `accepted` entry may name as its place)."""
    places = _Places(model)
    return lambda finding: group_id(_cause(places, finding))


def _plural(words: list[str]) -> str:
    last = words[-1]
    if not last.endswith("s"):
        last = last[:-1] + "ies" if last.endswith("y") and last[-2:-1] not in "aeiou" else last + "s"
    return " ".join([*words[:-1], last])


def _noun(places: _Places, members: list[Finding]) -> str:
    """What the places are: the words their display names end in ('shop terminals'), else their element type."""
    # the position that enumerates the members: most distinct places, an element before a flow, the later on a
    # tie ('shop terminal > submit > regional system' at 565 terminals names the terminals, not the 93 systems)
    shape = places.shape(members[0])
    position = max(range(len(shape)),
                   key=lambda i: (len({m.places[i] for m in members}), shape[i] != "flow", i))
    # One list of words per distinct blanked name, the first member's first (it gives the words' spelling).
    worded = [_words(*text) for text in dict.fromkeys(places.stripped(m.places[position]) for m in members)]
    common: list[str] = []
    for depth in range(1, min(len(w) for w in worded) + 1):
        if len({w[-depth].lower() for w in worded}) != 1:
            break
        common.insert(0, worded[0][-depth])  # as the first place writes it: 'SMS gateways', 'CRMs'

    fallback = _NOUNS.get(shape[position], "places")
    if not (common and len(" ".join(common)) <= 40 and any(c.isalpha() for c in "".join(common))):
        return fallback
    if shape[position] == "flow" and any(m.places[position] not in places.names for m in members):
        return " ".join([*common, fallback])  # words of flow ids ('submit') say what the flows do: 'submit flows'
    return _plural(common)


def group_findings(result: AuditResult) -> list[FindingGroup]:
    """The groups of `result.findings` (linear in the findings), in result order of their first member."""
    places = _Places(result.model)
    buckets: dict[tuple[int, tuple[str, ...], str], list[Finding]] = defaultdict(list)
    # The findings one scoring template built share its lists (data, factors, regulations, controls): their
    # cause, but for the places' shape, is worked out once per distinct set of lists, by identity. The lists
    # live in the findings until the end of this call, so no identity is reused meanwhile.
    numbered: dict[tuple[object, ...], int] = {}
    by_lists: dict[tuple[object, ...], int] = {}
    causes: list[tuple[object, ...]] = []
    for finding in result.findings:
        if not finding.places:
            continue
        lists = (finding.rule, finding.title, finding.severity, finding.place_kind, id(finding.data),
                 id(finding.regulations), id(finding.mitigations), id(finding.likelihood_factors),
                 id(finding.impact_factors))
        number = by_lists.get(lists)
        if number is None:
            head = _cause_head(finding)
            number = numbered.get(head)
            if number is None:
                number = numbered[head] = len(causes)
                causes.append(head)
            by_lists[lists] = number
        buckets[number, places.shape(finding), finding.status].append(finding)
    out: list[FindingGroup] = []
    for (number, shape, status), members in buckets.items():
        if len(members) < GROUP_MIN:
            continue
        out.append(
            FindingGroup(
                id=group_id(_assembled(causes[number], shape), status),
                rule=members[0].rule,
                noun=_noun(places, members),
                members=[m.id for m in members],
                places=len(members),
                risk_min=min(m.risk for m in members),
                risk_max=max(m.risk for m in members),
            )
        )
    return out
