"""The verifications a chain solver evaluates, indexed once per graph: what each reads, who grants what."""

from __future__ import annotations

from dataclasses import dataclass, replace

from biotm.analysis.capture import CaptureIndex
from biotm.analysis.numbers import Numbers
from biotm.analysis.paths import PlaceControls
from biotm.analysis.verifier_controls import (
    LIVE,
    VICTIM_FACTOR,
    checks_a_person,
    knowledge_only,
    sim_borne,
    terms_of,
    verifier_controls,
)
from biotm.graph import SystemGraph
from biotm.model.limits import requirement_nodes
from biotm.model.schema import IRREVERSIBLE_PROTECTION, DataCategory, Element, Verification

_LIVE_SOURCES = (DataCategory.BIOMETRIC_SAMPLE, DataCategory.BIOMETRIC_TEMPLATE)


@dataclass(frozen=True)
class Check:
    """One verification in solving order, with the terms its evaluation reads."""

    element: Element
    verification: Verification
    reads: frozenset[str]
    relevant: tuple[str, ...]  # controls at the verifier that lower it
    knowledge: bool = False  # passed on identity data alone (`knowledge_only`)
    weight: int = 1  # the requirement's nodes (operators and terms): what one evaluation of it costs


class Shared(CaptureIndex):
    """What every solver of one graph reuses: the verifications, who grants what, capture points."""

    def __init__(self, graph: SystemGraph, numbers: Numbers, controls: PlaceControls) -> None:
        super().__init__(graph, controls)
        self.numbers = numbers
        #: Per modality, the samples and templates a live presentation of it can be faked from (what a
        #: verification asking for it reads, and where `_live` looks).
        self.live_sources: dict[str, list[tuple[str, str | None]]] = {}
        for item in graph.model.data:
            if item.modality is None or item.category not in _LIVE_SOURCES:
                continue
            if item.category is DataCategory.BIOMETRIC_SAMPLE:
                key = None
            else:
                protected = item.protection in IRREVERSIBLE_PROTECTION
                key = "template-inversion-protected" if protected else "template-inversion"
            self.live_sources.setdefault(item.modality.value, []).append((item.id, key))
        # By id, not file order: on equal likelihood the first verification to grant a term keeps it.
        pairs = sorted(((e, v) for e in graph.model.elements for v in e.verifies), key=lambda ev: (ev[0].id, ev[1].id))
        self.checks = [self._check(e, v) for e, v in pairs]
        borne = sim_borne(graph, [(c.verification, c.reads) for c in self.checks])
        self.checks = [replace(c, relevant=verifier_controls(graph, c.verification, borne)) for c in self.checks]
        self.index = {(c.element.id, c.verification.id): i for i, c in enumerate(self.checks)}
        self.granters: dict[str, list[int]] = {}
        for i, check in enumerate(self.checks):
            for grant in check.verification.grants:
                self.granters.setdefault(grant, []).append(i)
        self.cones: dict[int, list[int]] = {}
        self.plain_factor: dict[int, tuple[float, list[str], list[str]]] = {}
        #: Per term, the verifications that read it (in solving order).
        self.readers: dict[str, list[int]] = {}
        for i, check in enumerate(self.checks):
            for term in sorted(check.reads):
                self.readers.setdefault(term, []).append(i)
        #: Requirement nodes evaluated so far by every solver of this graph (broken_by stops at a budget): a
        #: verification of twelve alternatives costs what twelve verifications of one term do.
        self.work = 0

    def _check(self, element: Element, verification: Verification) -> Check:
        terms = terms_of(verification.requires)
        reads: set[str] = set()
        for term in terms:
            if term.startswith(LIVE):
                reads.update(data_id for data_id, _ in self.live_sources.get(term.removeprefix(LIVE), ()))
            else:
                reads.add(term)
        if checks_a_person(self.graph, verification):
            reads.add(VICTIM_FACTOR)  # a second factor there asks for it
        return Check(element, verification, frozenset(reads), (), knowledge_only(self.graph, verification),
                      requirement_nodes(verification.requires))

    def cone(self, index: int) -> list[int]:
        """The verifications whose outcome can reach verification `index` (itself included), in solving order."""
        found = self.cones.get(index)
        if found is None:
            members = {index}
            stack = [index]
            while stack:
                for term in self.checks[stack.pop()].reads:
                    for granter in self.granters.get(term, ()):
                        if granter not in members:
                            members.add(granter)
                            stack.append(granter)
            found = self.cones[index] = sorted(members)
        return found
