"""Identity-theft chains: what each attacker can become with the data it can get.

For one attacker the solver starts from what it holds (its `holds`, public data, its capabilities)
and what its attack paths leak, then repeatedly asks every verifier whether the attacker can satisfy
one of its verifications; a satisfied verification adds what it grants (a SIM in the victim's name,
the victim's one-time codes) to what the attacker has. It stops at a fixed point: no likelihood
improves any more. Likelihoods only fall along a chain (every factor is at most 1), so the loop ends
after at most one pass per verification plus one.

Requirement terms: a data item id (the attacker must hold the victim's datum); `live:<modality>` (a
live presentation, faked from a held sample or, less likely, a template, unless presentation-attack and
injection-attack detection stop it at the capture point); any other string is a capability.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field, replace

from biotm.analysis.numbers import Numbers
from biotm.analysis.paths import Leak, controls_at, skill_scale
from biotm.graph import SystemGraph
from biotm.model.schema import (
    IRREVERSIBLE_PROTECTION,
    Attacker,
    Capture,
    DataCategory,
    Element,
    Requirement,
    Verification,
)
from biotm.result import ChainStep

LIVE = "live:"
#: How far upstream (in flows) the solver looks for the capture device that feeds a verifier.
CAPTURE_SEARCH_DEPTH = 3
LIVE_CONTROLS = ("presentation-attack-detection", "injection-attack-detection", "device-attestation")


@dataclass(frozen=True)
class Origin:
    """How the attacker came to have one term, and with what likelihood."""

    kind: str  # "hold", "public", "capability", "leak" or "verify"
    probability: float
    term: str
    leak: Leak | None = None
    element: str | None = None
    verification: Verification | None = None
    uses: tuple[str, ...] = ()
    depends: tuple[str, ...] = ()
    evidence: str = ""
    weak: tuple[str, ...] = ()


@dataclass(frozen=True)
class Satisfied:
    """A verification the attacker passes, with everything it relied on."""

    element: str
    verification: Verification
    origin: Origin


@dataclass(frozen=True)
class _Eval:
    probability: float
    uses: tuple[str, ...]
    depends: tuple[str, ...]
    evidence: tuple[str, ...]
    weak: tuple[str, ...]


_NONE = _Eval(0.0, (), (), (), ())


@dataclass
class ChainSolver:
    """Runs the fixed point for one attacker, optionally with extra controls assumed present."""

    graph: SystemGraph
    numbers: Numbers
    extra: dict[str, set[str]] = field(default_factory=dict)
    #: Capture points per verifier id; depends on the graph only, so solvers of one graph may share it.
    points: dict[str, list[Element]] = field(default_factory=dict)
    #: Best capture point per verifier id (factor, point id, notes, weak) with no extra controls; shareable.
    plain_capture: dict[str, list[tuple[float, str, list[str], str]]] = field(default_factory=dict)
    _capture: dict[str, tuple[float, str, str, list[str]]] = field(default_factory=dict)

    def sharing(self, extra: dict[str, set[str]]) -> ChainSolver:
        """A solver of the same graph with `extra` controls, reusing what does not depend on them."""
        return ChainSolver(self.graph, self.numbers, extra, self.points, self.plain_capture)

    def controls(self, place: str) -> set[str]:
        return controls_at(self.graph, place) | self.extra.get(place, set())

    def initial(self, attacker: Attacker, leaks: dict[str, Leak]) -> dict[str, Origin]:
        known: dict[str, Origin] = {}
        for data_id, leak in leaks.items():
            known[data_id] = Origin("leak", leak.probability, data_id, leak=leak)
        for item in self.graph.model.data:
            if item.public:
                known[item.id] = Origin("public", 1.0, item.id, evidence=f"'{item.id}' is public")
        for data_id in attacker.holds:
            known[data_id] = Origin("hold", 1.0, data_id, evidence=f"holds the victim's '{data_id}' from the start")
        for capability in attacker.capabilities:
            known[capability] = Origin("capability", 1.0, capability, evidence=f"starts with '{capability}'")
        return known

    def solve(self, attacker: Attacker, leaks: dict[str, Leak]) -> tuple[dict[str, Origin], list[Satisfied]]:
        """Everything the attacker ends up with, and every verification it passes (best way each)."""
        known = self.initial(attacker, leaks)
        # By id, not file order: on equal likelihood the first verification to grant a term keeps it.
        verifications = sorted(
            ((e, v) for e in self.graph.model.elements for v in e.verifies), key=lambda ev: (ev[0].id, ev[1].id)
        )
        best: dict[tuple[str, str], Satisfied] = {}
        floor = self.numbers.step["min-probability"]
        scale = skill_scale(attacker)
        for _ in range(len(verifications) + 1):
            changed = False
            for element, verification in verifications:
                result = self._requirement(element, verification.requires, known, scale)
                factor, present, missing = self._verifier_factor(element, verification)
                probability = result.probability * factor**scale
                if probability < floor:
                    continue
                key = (element.id, verification.id)
                if key in best and best[key].origin.probability >= probability:
                    continue
                evidence = list(result.evidence)
                if present:
                    evidence.append(f"{element.id} has {', '.join(present)}")
                origin = Origin(
                    "verify",
                    probability,
                    ",".join(sorted(verification.grants)),
                    element=element.id,
                    verification=verification,
                    uses=result.uses,
                    depends=result.depends,
                    evidence="; ".join(evidence),
                    weak=tuple(sorted(set(result.weak) | set(missing))),
                )
                best[key] = Satisfied(element.id, verification, origin)
                for grant in sorted(verification.grants):
                    if grant not in known or known[grant].probability < probability - 1e-12:
                        known[grant] = replace(origin, term=grant)
                        changed = True
            if not changed:
                break
        return known, [best[k] for k in sorted(best)]

    def _verifier_factor(self, element: Element, verification: Verification) -> tuple[float, list[str], list[str]]:
        factor = self.numbers.step["second-factor-step"] if verification.second_factor else 1.0
        here = self.controls(element.id)
        present, missing = [], []
        terms = _terms(verification.requires)
        relevant = ["second-factor"]
        if any(t.startswith(LIVE) for t in terms):
            relevant.append("human-review")
        if any(not t.startswith(LIVE) and t not in self.graph.data for t in terms):
            relevant.append("sim-change-notification")
        for control in relevant:
            if control in here:
                factor *= self.numbers.factor(control)
                present.append(control)
            else:
                missing.append(f"{element.id}:{control}")
        return factor, present, missing

    def _requirement(
        self, element: Element, requirement: Requirement | str, known: dict[str, Origin], scale: float
    ) -> _Eval:
        if isinstance(requirement, str):
            return self._term(element, requirement, known, scale)
        # Parts in a canonical order, so neither the file's order of terms nor float rounding of the
        # product depends on how the model was written; an OR tie goes to the canonically first option.
        parts = sorted(
            (self._requirement(element, t, known, scale) for t in (requirement.all or requirement.any or [])),
            key=_canonical,
        )
        if requirement.any is not None:
            return min(parts, key=lambda e: -e.probability)
        probability = 1.0
        for part in parts:
            probability *= part.probability
        if probability <= 0.0:
            return _NONE
        return _Eval(
            probability,
            tuple(sorted({u for p in parts for u in p.uses})),
            tuple(sorted({d for p in parts for d in p.depends})),
            tuple(dict.fromkeys(e for p in parts for e in p.evidence)),
            tuple(sorted({w for p in parts for w in p.weak})),
        )

    def _term(self, element: Element, term: str, known: dict[str, Origin], scale: float) -> _Eval:
        if term.startswith(LIVE):
            return self._live(element, term.removeprefix(LIVE), known, scale)
        origin = known.get(term)
        if origin is None:
            return _NONE
        return _Eval(origin.probability, (term,), (term,), (), ())

    def _live(self, element: Element, modality: str, known: dict[str, Origin], scale: float) -> _Eval:
        """Fake a live presentation of `modality` at the capture point that feeds `element`."""
        source: tuple[float, str, str] | None = None  # probability, data id, how
        for term, origin in known.items():
            item = self.graph.data.get(term)
            if item is None or item.modality is None or item.modality.value != modality:
                continue
            if item.category is DataCategory.BIOMETRIC_SAMPLE:
                candidate = (origin.probability, term, "from the sample")
            elif item.category is DataCategory.BIOMETRIC_TEMPLATE:
                protected = item.protection in IRREVERSIBLE_PROTECTION
                key = "template-inversion-protected" if protected else "template-inversion"
                candidate = (origin.probability * self.numbers.step[key], term, "rebuilt from the template")
            else:
                continue
            if source is None or (candidate[0], source[1]) > (source[0], candidate[1]):
                source = candidate
        if source is None or source[0] <= 0.0:
            return _NONE
        factor, point_id, text, weak = self.best_capture(element)
        probability = source[0] * factor**scale
        evidence = f"fakes a live {modality} {source[2]} '{source[1]}' at {point_id} ({text})"
        return _Eval(probability, (f"{LIVE}{modality}",), (source[1],), (evidence,), tuple(weak))

    def best_capture(self, element: Element) -> tuple[float, str, str, list[str]]:
        """The capture point feeding `element` where a fake passes most easily.

        Points are ranked once per graph with no extra controls; a solver with extra controls
        recomputes only the points they touch (extra controls only ever lower a point's factor).
        """
        cached = self._capture.get(element.id)
        if cached is not None:
            return cached
        ranked = self.plain_capture.get(element.id)
        if ranked is None:
            plain = ChainSolver(self.graph, self.numbers, {}, self.points)
            ranked = sorted(
                ((*plain._capture_factor(p, element), p.id) for p in self.capture_points(element)),
                key=lambda r: (-r[0], r[3]),
            )
            self.plain_capture[element.id] = ranked
        if self._live_extra(element.id):
            fresh = [(*self._capture_factor(p, element), p.id) for p in self.capture_points(element)]
        else:
            fresh = []
            for entry in ranked:
                if self._live_extra(entry[3]):
                    fresh.append((*self._capture_factor(self.graph.elements[entry[3]], element), entry[3]))
                else:
                    fresh.append(entry)
                    break
        factor, text, weak, point_id = min(fresh, key=lambda r: (-r[0], r[3]))
        self._capture[element.id] = best = (factor, point_id, text, weak)
        return best

    def _live_extra(self, place: str) -> bool:
        """Does an extra control at `place` change how a faked presentation or injection fares there?"""
        return any(c in LIVE_CONTROLS for c in self.extra.get(place, ()))

    def capture_points(self, element: Element) -> list[Element]:
        """The element itself if it captures, else capture devices up to a few flows upstream, else itself."""
        cached = self.points.get(element.id)
        if cached is None:
            cached = self.points[element.id] = self._capture_points(element)
        return cached

    def _capture_points(self, element: Element) -> list[Element]:
        if element.capture is not Capture.NONE:
            return [element]
        found: list[Element] = []
        seen = {element.id}
        queue = deque([(element.id, 0)])
        while queue:
            node, depth = queue.popleft()
            if depth >= CAPTURE_SEARCH_DEPTH:
                continue
            for flow in self.graph.inbound.get(node, []):
                if flow.source in seen:
                    continue
                seen.add(flow.source)
                upstream = self.graph.elements[flow.source]
                if upstream.capture is not Capture.NONE:
                    found.append(upstream)
                else:
                    queue.append((flow.source, depth + 1))
        return sorted(found, key=lambda e: e.id) or [element]

    def _capture_factor(self, point: Element, verifier: Element) -> tuple[float, str, list[str]]:
        """Probability that a faked presentation or an injected stream passes at this capture point."""
        here = self.controls(point.id) | self.controls(verifier.id)
        capture = point.capture if point.capture is not Capture.NONE else Capture.REMOTE
        remote = capture is Capture.REMOTE or point.subject_controlled
        present = self.numbers.step[f"present-{capture.value}"]
        inject = self.numbers.step["inject-remote" if remote else "inject-terminal"]
        notes = [f"{capture.value} capture"]
        weak = []
        for control in LIVE_CONTROLS:
            if control in here:
                notes.append(f"has {control}")
                if control == "presentation-attack-detection":
                    present *= self.numbers.factor(control)
                else:
                    inject *= self.numbers.factor(control)
            else:
                notes.append(f"no {control}")
                weak.append(f"{point.id}:{control}")
        return max(present, inject), ", ".join(notes), weak


def _canonical(evaluation: _Eval) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], tuple[str, ...], float]:
    """An order for evaluated requirement parts that depends on their content only, never on file order."""
    return (evaluation.depends, evaluation.uses, evaluation.evidence, evaluation.weak, -evaluation.probability)


def _terms(requirement: Requirement | str) -> list[str]:
    return [requirement] if isinstance(requirement, str) else requirement.terms()


def chain_steps(known: dict[str, Origin], final: Origin) -> list[ChainStep]:
    """The steps behind `final`, dependencies first, each once."""
    ordered: list[Origin] = []
    seen: set[tuple[str, str]] = set()

    def visit(origin: Origin) -> None:
        key = (origin.kind, f"{origin.element}/{origin.verification.id}" if origin.verification else origin.term)
        if key in seen:
            return
        seen.add(key)
        for term in origin.depends:
            if term in known:
                visit(known[term])
        ordered.append(origin)

    visit(final)
    return [_step(origin) for origin in ordered]


def _step(origin: Origin) -> ChainStep:
    if origin.kind == "verify":
        assert origin.verification is not None and origin.element is not None
        return ChainStep(
            verifier=origin.element,
            verification=origin.verification.id,
            action=origin.verification.action,
            uses=list(origin.uses),
            grants=sorted(origin.verification.grants),
            likelihood=origin.probability,
            evidence=origin.evidence,
            weak_controls=list(origin.weak),
        )
    if origin.kind == "leak":
        assert origin.leak is not None
        leak = origin.leak
        route = " -> ".join(["entry", *(e.target.removeprefix("flow:") for e in leak.edges)])
        weak = sorted({m for e in leak.edges for m in e.missing})
        return ChainStep(
            verifier="leak",
            verification=None,
            action=f"obtain '{origin.term}' at {leak.node.removeprefix('flow:')}",
            uses=[],
            grants=[origin.term],
            likelihood=origin.probability,
            evidence=f"attack path {route} (p={origin.probability:.3g})",
            weak_controls=weak,
        )
    action = {"hold": "start with", "public": "collect public", "capability": "start with"}[origin.kind]
    return ChainStep(
        verifier="leak",
        verification=None,
        action=f"{action} '{origin.term}'",
        uses=[],
        grants=[origin.term],
        likelihood=origin.probability,
        evidence=origin.evidence,
        weak_controls=[],
    )
