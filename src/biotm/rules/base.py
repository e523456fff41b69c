"""What a rule is: metadata beside a check function, the hits it yields, and the facts it reads.

A rule's `check(ctx)` walks the precomputed `RuleContext` and yields a `Hit` for every place where the
threat is present. It never looks at controls itself: the hit names the places whose controls matter
(`control_places`) and the engine applies the rule's declared `suppressed_by` / `lowered_by` controls.
Every check must be linear (or n log n) in the size of the graph.

The hit (`hits`), the context (`context`), the reading of data items (`categories`) and the evidence
wording (`evidence`) have modules of their own; their names are re-exported here for rule authors.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property

from biotm.result import Severity
from biotm.rules.categories import (
    IDENTITY_CATEGORIES,
    INSIDER_ROLES,
    KIT_PARTS,
    MANY_SUBJECTS,
    NATIONAL_SCALE,
    is_exposed_biometric,
    is_personal,
    is_protected_biometric,
    kit_parts,
    kit_role,
    max_subjects,
)
from biotm.rules.context import RuleContext, legal_parties
from biotm.rules.evidence import names, people
from biotm.rules.hits import ControlPlace, Hit, interaction

__all__ = [
    "IDENTITY_CATEGORIES",
    "INSIDER_ROLES",
    "KIT_PARTS",
    "MANY_SUBJECTS",
    "NATIONAL_SCALE",
    "CheckFn",
    "ControlPlace",
    "Hit",
    "Rule",
    "RuleContext",
    "interaction",
    "is_exposed_biometric",
    "is_personal",
    "is_protected_biometric",
    "kit_parts",
    "kit_role",
    "legal_parties",
    "max_subjects",
    "names",
    "people",
]

CheckFn = Callable[["RuleContext"], Iterable[Hit]]


@dataclass(frozen=True)
class Rule:
    """A rule: stable id and metadata, the controls that mitigate it, and its check function."""

    id: str
    title: str
    description: str
    family: str
    categories: tuple[str, ...]
    check: CheckFn
    default_severity: Severity = "medium"
    threat_tree: tuple[str, ...] = ()
    cwe: tuple[str, ...] = ()
    regulations: tuple[str, ...] = ()
    #: Alternative control sets; when every control of one set is present the finding is suppressed.
    suppressed_by: tuple[tuple[str, ...], ...] = ()
    #: Controls that each lower the likelihood when present.
    lowered_by: tuple[str, ...] = ()
    base_likelihood: float = 0.5
    #: Multiplies the data-driven impact (availability threats hurt less than disclosure).
    impact_scale: float = 1.0
    #: Whether exposure (internet, public place, crossings, head count) raises the likelihood. Off for
    #: compliance gaps, which are as likely on a closed network as on an open one.
    exposure: bool = True
    #: May reach critical: the finding is itself a route to mass data loss or account takeover (an open
    #: store, a ready identity kit, bulk insider access). Others stop at high (docs/scoring.md).
    may_be_critical: bool = False

    @cached_property
    def mitigations(self) -> tuple[str, ...]:
        """Every control that suppresses or lowers this rule, in declaration order."""
        seen: dict[str, None] = {}
        for group in self.suppressed_by:
            for control in group:
                seen.setdefault(control, None)
        for control in self.lowered_by:
            seen.setdefault(control, None)
        return tuple(seen)
