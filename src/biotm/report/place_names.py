"""Place ids as people read them: the display names of the model's elements and flows in the text of findings.

The result keeps ids in a finding's title and evidence: the title is part of a group's cause (biotm/groups.py),
so of its id and SARIF fingerprint, and a model's display names change more often than its ids; the JSON
reader derives a grouped member's evidence by its place ids (biotm/compact.py). The human-facing formats
(terminal, Markdown, HTML, PDF, spreadsheet) show names instead, rendered here from the ids they key on:
"realname_system:second-factor" reads "second-factor at Carrier real-name registration system", and a chain
title's "(via realname_system -> sms_gateway)" the two systems' names.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from biotm.report import view
from biotm.result import AuditResult, Finding

_ID = r"[A-Za-z0-9][A-Za-z0-9_.\-]*"
#: One control at one place, as the analyses write it ("bank_online:second-factor").
_AT = rf"{_ID}:[a-z][a-z0-9\-]*"
#: A chain finding's "broken by" list in its evidence: ways joined by " or ", a way's parts by "+".
_BROKEN = re.compile(rf"broken by ({_AT}(?:(?:\+| or ){_AT})*)")
#: The route note a chain title ends with when two routes reach one outcome (analysis/chain_steps.route_note).
_VIA = re.compile(rf" \(via ({_ID}(?: -> {_ID})*)\)$")
CHAIN_RULE = "idt-chain"


def way_text(result: AuditResult, way: str) -> str:
    """One set of controls that does it, 'place:control' parts joined by '+', as a phrase: 'second-factor at
    Online banking', 'both human-review and sim-change-notification at Carrier real-name registration system'."""
    by_place: dict[str, list[str]] = {}
    for part in way.split("+"):
        place, _, control = part.rpartition(":")
        by_place.setdefault(place, []).append(control)
    phrases = [f"{_joined(controls)} at {view.label(result, place)}" if place else _joined(controls)
               for place, controls in by_place.items()]
    text = " and ".join(phrases)
    return f"both {text}" if len(way.split("+")) == 2 else (f"all of {text}" if "+" in way else text)


def ways_text(result: AuditResult, ways: Iterable[str], joiner: str = " or ") -> str:
    """Sets of controls, each of which does it (a chain's `broken_by`), as one phrase."""
    return joiner.join(way_text(result, way) for way in ways)


def controls_text(result: AuditResult, parts: Iterable[str]) -> str:
    """'place:control' entries (a chain step's weak controls) by place: 'human-review and second-factor at
    Carrier real-name registration system; presentation-attack-detection at Shop real-name terminal'."""
    by_place: dict[str, list[str]] = {}
    for part in parts:
        place, _, control = part.rpartition(":")
        by_place.setdefault(place, []).append(control)
    return "; ".join(f"{_joined(controls)} at {view.label(result, place)}" if place else _joined(controls)
                     for place, controls in by_place.items())


def title_text(result: AuditResult, finding: Finding) -> str:
    """The finding's title, a chain title's route note with the places' display names."""
    if finding.rule != CHAIN_RULE:
        return finding.title
    return _VIA.sub(lambda m: f" (via {' -> '.join(view.label(result, p) for p in m.group(1).split(' -> '))})",
                    finding.title)


def evidence_text(result: AuditResult, finding: Finding) -> str:
    """The finding's evidence, a chain's "broken by" list with the places' display names."""
    if finding.rule != CHAIN_RULE:
        return finding.evidence
    return _BROKEN.sub(lambda m: "broken by " + ways_text(result, m.group(1).split(" or ")), finding.evidence)


def place_joiner(finding: Finding, arrow: str = " → ") -> str:
    """What joins a finding's places when people read them: `arrow` where they are a route (an interaction's
    source, flow and target; a chain's verifiers in step order), ", " where they are a set (the capture flows
    of every shop one rule found, the elements of one controller's processing, several data items)."""
    return arrow if finding.place_kind == "interaction" or finding.rule == CHAIN_RULE else ", "


def _joined(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


__all__ = ["controls_text", "evidence_text", "place_joiner", "title_text", "way_text", "ways_text"]
