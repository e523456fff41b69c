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

import heapq
from dataclasses import replace

from biotm.analysis.capture import LIVE_CONTROLS, CapturePricing
from biotm.analysis.chain_checks import Check, Shared
from biotm.analysis.chain_origins import Origin, Satisfied
from biotm.analysis.chain_ways import ways_of
from biotm.analysis.numbers import Numbers
from biotm.analysis.paths import Leak, PlaceControls, skill_scale
from biotm.analysis.requirement_parts import NONE, Evaluation, canonical, joined, merged
from biotm.analysis.verifier_controls import LIVE, VICTIM_FACTOR, terms_of
from biotm.graph import SystemGraph
from biotm.model.controls import SECOND_FACTOR
from biotm.model.schema import Attacker, Element, Requirement


class ChainSolver(CapturePricing):
    """Runs the fixed point for one attacker, optionally with extra controls assumed present."""

    shared: Shared

    def __init__(
        self,
        graph: SystemGraph,
        numbers: Numbers,
        extra: dict[str, set[str]] | None = None,
        shared: Shared | None = None,
        controls: PlaceControls | None = None,
    ) -> None:
        self.graph = graph
        self.numbers = numbers
        self.extra = extra or {}
        self.shared = shared or Shared(graph, numbers, controls if controls is not None else PlaceControls(graph))
        self._capture: dict[str, tuple[float, str, str, list[str]]] = {}
        #: Per data or capability term, the origin last read and its evaluation: `known` changes far less
        #: often than its terms are read.
        self._terms: dict[str, tuple[Origin, Evaluation]] = {}

    def sharing(self, extra: dict[str, set[str]]) -> ChainSolver:
        """A solver of the same graph with `extra` controls, reusing what does not depend on them."""
        return ChainSolver(self.graph, self.numbers, extra, self.shared)

    def controls(self, place: str) -> frozenset[str]:
        here = self.shared.controls(place)
        more = self.extra.get(place)
        if not more:
            return here
        more = set(more)
        if more & SECOND_FACTOR:
            more |= SECOND_FACTOR
        return here | more

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

    def solve(
        self, attacker: Attacker, leaks: dict[str, Leak], target: tuple[str, str] | None = None
    ) -> tuple[dict[str, Origin], list[Satisfied]]:
        """Everything the attacker ends up with, and every verification it passes (best way each).

        Each pass evaluates, in id order, only the verifications whose terms changed since they were last
        evaluated: the others would give what they gave before, which changes nothing. With `target`
        (verifier id, verification id), only the verifications that can reach that one are solved; its
        outcome is the same as in the full solve, the other results are partial.
        """
        shared = self.shared
        checks = shared.checks
        order = shared.cone(shared.index[target]) if target is not None else range(len(checks))
        self.hold(attacker)
        known = self.initial(attacker, leaks)
        best: dict[tuple[str, str], Satisfied] = {}
        floor = self.numbers.step["min-probability"]
        scale = skill_scale(attacker)
        members = set(order)
        readers = shared.readers
        # A worklist in id order: a verification is evaluated again only once a term it reads improved,
        # in this pass if it comes later in id order, else in the next (as passes over all of them would).
        due = list(order)
        for _ in range(len(checks) + 1):
            if not due:
                break
            heapq.heapify(due)
            queued = set(due)
            later: set[int] = set()
            while due:
                i = heapq.heappop(due)
                check = checks[i]
                shared.work += check.weight
                element, verification = check.element, check.verification
                result, factor, present, missing = self.evaluate(i, known, scale)
                probability = result.probability * factor**scale
                if probability < floor:
                    continue
                key = (element.id, verification.id)
                if key in best and best[key].origin.probability >= probability:
                    continue
                origin = verified(check, result, probability, present, missing)
                best[key] = Satisfied(element.id, verification, origin)
                for grant in sorted(verification.grants):
                    if grant not in known or known[grant].probability < probability - 1e-12:
                        known[grant] = replace(origin, term=grant)
                        for reader in readers.get(grant, ()):
                            if reader not in members:
                                continue
                            if reader > i and reader not in queued:
                                heapq.heappush(due, reader)
                                queued.add(reader)
                            elif reader <= i:
                                later.add(reader)
            due = sorted(later)
        return known, [best[k] for k in sorted(best)]

    def evaluate(
        self, index: int, known: dict[str, Origin], scale: float
    ) -> tuple[Evaluation, float, list[str], list[str]]:
        """Verification `index` against what is `known`: its requirement, the verifier's factor, the
        controls present and missing there. A second factor there also needs the victim's own device."""
        check = self.shared.checks[index]
        result = self._requirement(check.element, check.verification.requires, known, scale)
        factor, present, missing = self._verifier_factor(index)
        if "second-factor" in present:
            result = _with_victim_factor(result, known)
        return result, factor, present, missing

    def ways(self, index: int, known: dict[str, Origin], scale: float) -> list[tuple[tuple[str, ...], Origin]]:
        """Each way to pass verification `index` (one branch per `any`): its terms and origin, likeliest first.

        The solve keeps only the likeliest way, which is what later verifications rely on; a chain is reported
        per way, so a control that cuts the likeliest way (enrolling one's own face through a stolen admin
        login) leaves the other (a photo held to the door reader) as it was, visible before and after, rather
        than appearing as a new chain. Ways of the same terms are one; a way is named by its terms, which
        controls do not change (a second factor adds what passes it to the origin's `uses`).
        """
        check = self.shared.checks[index]
        factor, present, missing = self._verifier_factor(index)
        floor = self.numbers.step["min-probability"]
        found: dict[tuple[str, ...], Origin] = {}
        for way in ways_of(check.verification.requires):
            terms = tuple(sorted(set(terms_of(way))))
            result = self._requirement(check.element, way, known, scale)
            if "second-factor" in present:
                result = _with_victim_factor(result, known)
            probability = result.probability * factor**scale
            if probability < floor:
                continue
            origin = verified(check, result, probability, present, missing)
            if terms not in found or found[terms].probability < probability:
                found[terms] = origin
        return sorted(found.items(), key=lambda way: (-way[1].probability, way[0]))

    def way_probability(self, index: int, way: tuple[str, ...], known: dict[str, Origin], scale: float) -> float:
        """The likelihood of passing verification `index` the way of terms `way` (0 if it no longer can)."""
        return max((o.probability for terms, o in self.ways(index, known, scale) if terms == way), default=0.0)

    def _verifier_factor(self, index: int) -> tuple[float, list[str], list[str]]:
        check = self.shared.checks[index]
        plain = not self.extra.get(check.element.id)
        if plain and index in self.shared.plain_factor:
            return self.shared.plain_factor[index]
        factor = self.numbers.step["second-factor-step"] if check.verification.second_factor else 1.0
        if check.knowledge:
            factor *= self.numbers.step["knowledge-check"]
        here = self.controls(check.element.id)
        present, missing = [], []
        for control in check.relevant:
            if control in here:
                factor *= self.numbers.factor(control)
                present.append(control)
            else:
                missing.append(f"{check.element.id}:{control}")
        if plain:
            self.shared.plain_factor[index] = (factor, present, missing)
        return factor, present, missing

    def _requirement(
        self, element: Element, requirement: Requirement | str, known: dict[str, Origin], scale: float
    ) -> Evaluation:
        if isinstance(requirement, str):
            return self._term(element, requirement, known, scale)
        # Neither the file's order of terms nor float rounding of the product depends on how the model was
        # written: an OR tie goes to the canonically first option, an AND multiplies in canonical order.
        if requirement.any is not None:
            best: Evaluation | None = None
            for option in requirement.any:
                found = self._requirement(element, option, known, scale)
                if best is None or found.probability > best.probability or (
                    found.probability == best.probability and canonical(found) < canonical(best)
                ):
                    best = found
            return best if best is not None else NONE
        parts = []
        for term in requirement.all or []:
            part = self._requirement(element, term, known, scale)
            if part.probability <= 0.0:
                return NONE  # what the product would give; most ANDs of a branching model stop here
            parts.append(part)
        if len(parts) == 1:
            return parts[0]  # one act cannot be counted twice, and its tuples are already sorted
        parts.sort(key=canonical)
        probability = 1.0
        for part in parts:
            probability *= part.probability
        probability = min(1.0, probability * _one_misuse(parts, known, scale))
        if probability <= 0.0:
            return NONE
        return Evaluation(
            probability,
            merged([p.uses for p in parts]),
            merged([p.depends for p in parts]),
            joined([p.evidence for p in parts if p.evidence]),
            merged([p.weak for p in parts if p.weak]),
        )

    def _term(self, element: Element, term: str, known: dict[str, Origin], scale: float) -> Evaluation:
        if term.startswith(LIVE):
            return self._live(element, term.removeprefix(LIVE), known, scale)
        origin = known.get(term)
        if origin is None:
            return NONE
        cached = self._terms.get(term)
        if cached is not None and cached[0] is origin:
            return cached[1]
        found = Evaluation(origin.probability, (term,), (term,), (), ())
        self._terms[term] = (origin, found)
        return found

    def _live(self, element: Element, modality: str, known: dict[str, Origin], scale: float) -> Evaluation:
        """Fake a live presentation of `modality` at the capture point that feeds `element`."""
        source: tuple[float, str, str] | None = None  # probability, data id, how
        for term, key in self.shared.live_sources.get(modality, ()):
            origin = known.get(term)
            if origin is None:
                continue
            if key is None:
                candidate = (origin.probability, term, "from the sample")
            else:
                candidate = (origin.probability * self.numbers.step[key], term, "rebuilt from the template")
            # Likeliest first, then the smallest id: the same source whatever order the terms were learnt in.
            if source is None or (candidate[0], source[1]) > (source[0], candidate[1]):
                source = candidate
        if source is None or source[0] <= 0.0:
            return NONE
        factor, point_id, text, weak = self.best_capture(element)
        probability = source[0] * factor**scale
        evidence = f"fakes a live {modality} {source[2]} '{source[1]}' at {point_id} ({text})"
        return Evaluation(probability, (f"{LIVE}{modality}",), (source[1],), (evidence,), tuple(sorted(set(weak))))

def _with_victim_factor(result: Evaluation, known: dict[str, Origin]) -> Evaluation:
    """`result` also needing the victim's own second factor: nothing (the step breaks) unless it is held."""
    origin = known.get(VICTIM_FACTOR)
    if origin is None or origin.probability <= 0.0 or result.probability <= 0.0:
        return NONE
    return Evaluation(
        result.probability * origin.probability,
        tuple(sorted({*result.uses, VICTIM_FACTOR})),
        tuple(sorted({*result.depends, VICTIM_FACTOR})),
        (*result.evidence, f"passes the second factor with '{VICTIM_FACTOR}'"),
        result.weak,
    )


def _one_misuse(parts: list[Evaluation], known: dict[str, Origin], scale: float) -> float:
    """The factor that counts an insider's one act of misuse once, however many parts it yields.

    A clerk who copies what one terminal holds gets the face and the ID number in one act; multiplying
    the two leaks would count that act twice.
    """
    counts: dict[tuple[str, str], tuple[int, float]] = {}
    for part in parts:
        acts: dict[tuple[str, str], float] = {}
        for term in part.depends:
            origin = known.get(term)
            if origin is None or origin.leak is None or len(origin.leak.edges) < 2:
                continue
            first, act = origin.leak.edges[0], origin.leak.edges[1]
            if first.kind != "stand" or act.kind not in ("misuse", "insider-abuse"):
                continue
            # (person, system) for both: misuse reads the system's display, abuse queries it.
            key = (act.target, act.source) if act.kind == "misuse" else (act.source, act.target)
            acts[key] = act.probability**scale
        for key, p in acts.items():
            count, _ = counts.get(key, (0, p))
            counts[key] = (count + 1, p)
    factor = 1.0
    for count, p in counts.values():
        if count > 1 and p > 0.0:
            factor /= p ** (count - 1)
    return factor


def verified(check: Check, result: Evaluation, probability: float, present: list[str], missing: list[str]) -> Origin:
    """The origin of passing `check` with its requirement evaluated as `result`."""
    element, verification = check.element, check.verification
    evidence = list(result.evidence)
    if check.knowledge:
        evidence.append("a person accepts identity data anyone with the record knows; some attempts fail")
    if present:
        evidence.append(f"{element.id} has {', '.join(present)}")
    return Origin(
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


__all__ = ["LIVE", "LIVE_CONTROLS", "VICTIM_FACTOR", "ChainSolver", "Origin", "Satisfied", "verified"]
