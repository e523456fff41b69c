"""Where a faked live presentation or an injected stream meets the system, and how likely it passes there.

A verifier that does not capture is fed by capture points up to `CAPTURE_SEARCH_DEPTH` flows upstream.
Points of one class (capture kind, who controls the device, liveness controls) fare alike, so a verifier
keeps only the first few ids of each class (`CaptureIndex`); `CapturePricing` picks the point where a fake
passes most easily, pricing points with extra (what-if) controls, and points the attacker holds, on their own.

Who controls the device decides injection: the subject's own phone is the attacker's to re-flash
(`inject-remote`); an unwatched kiosk can be opened (`inject-terminal`); a device an operator runs and
watches (attended capture, or captures shown to staff, an operator or an official: a supervised e-gate)
cannot be tapped in front of them (`inject-operated`), unless the attacker is that operator or stands on
the device (a complicit clerk), who injects as at a kiosk.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable

from biotm.analysis.attackers import entries
from biotm.analysis.numbers import Numbers
from biotm.analysis.paths import PlaceControls
from biotm.graph import SystemGraph
from biotm.model.schema import ActorRole, Attacker, Capture, Element, ElementType

#: How far upstream (in flows) the solver looks for the capture device that feeds a verifier.
CAPTURE_SEARCH_DEPTH = 3
LIVE_CONTROLS = ("presentation-attack-detection", "injection-attack-detection", "device-attestation")

#: People who run and watch a capture device when its captures reach them (a supervision screen).
WATCHING_ROLES = (ActorRole.STAFF, ActorRole.OPERATOR, ActorRole.OFFICIAL)

#: A capture point's class: its effective capture kind, the step an injected stream takes there (for an
#: attacker who does not hold the device) and the liveness controls it has. Two points of one class fare the
#: same at any verifier.
_PointClass = tuple[Capture, str, frozenset[str]]
#: Per class, the smallest point ids (at most _KEPT, sorted); a full class shows that more may exist.
_Summary = dict[_PointClass, tuple[str, ...]]
_KEPT = 3


class CaptureIndex:
    """Per graph: the classes of capture points feeding each verifier, and the points themselves."""

    def __init__(self, graph: SystemGraph, controls: PlaceControls) -> None:
        self.graph = graph
        self.controls = controls
        self.summaries: dict[tuple[str, int], _Summary] = {}
        self.points: dict[str, list[Element]] = {}
        self.plain_capture: dict[str, tuple[float, str, str, list[str]]] = {}
        self._sources: dict[str, dict[_PointClass, tuple[str, ...]]] = {}
        self._expanded: dict[str, frozenset[str]] = {}
        self._split: dict[tuple[frozenset[str], str], dict[_PointClass, tuple[tuple[str, ...], tuple[str, ...]]]] = {}
        self._held: dict[str, frozenset[str]] = {}

    def point_class(self, point: Element) -> _PointClass:
        capture = point.capture if point.capture is not Capture.NONE else Capture.REMOTE
        live = frozenset(c for c in LIVE_CONTROLS if c in self.controls(point.id))
        return capture, self.injection(point, held=False), live

    def injection(self, point: Element, held: bool) -> str:
        """The step an injected stream takes at `point`, for an attacker who holds the device or not."""
        if point.capture in (Capture.REMOTE, Capture.NONE) or point.subject_controlled:
            return "inject-remote"
        if not held and self.operated(point):
            return "inject-operated"
        return "inject-terminal"

    def operated(self, point: Element) -> bool:
        """Does someone run and watch the device: attended capture, or captures shown to staff or officials?"""
        if point.capture is Capture.ATTENDED:
            return True
        return any(self._watcher(flow.target) for flow in self.graph.outbound.get(point.id, ()))

    def _watcher(self, element_id: str) -> bool:
        element = self.graph.elements.get(element_id)
        return element is not None and element.type is ElementType.ACTOR and element.role in WATCHING_ROLES

    def held_by(self, attacker: Attacker) -> frozenset[str]:
        """Operated capture points the attacker holds: it stands on the device or on a person who runs it."""
        # Once per attacker: every chain solve asked again, and a clerk profile stands at each of 333k shops.
        held = self._held.get(attacker.id)
        if held is None:
            held = self._held[attacker.id] = self._held_by(attacker)
        return held

    def _held_by(self, attacker: Attacker) -> frozenset[str]:
        stood = {e.element for e in entries(self.graph, attacker) if e.step == "stand"}
        if not stood:
            return frozenset()
        held = set()
        for point_id in stood:
            point = self.graph.elements[point_id]
            if point.capture is not Capture.NONE:
                held.add(point_id)
            if self._watcher(point_id):
                for flow in (*self.graph.outbound.get(point_id, ()), *self.graph.inbound.get(point_id, ())):
                    other = flow.target if flow.source == point_id else flow.source
                    if self.graph.elements[other].capture is not Capture.NONE:
                        held.add(other)
        return frozenset(p for p in held if self.operated(self.graph.elements[p]))

    def summary(self, verifier: Element) -> _Summary:
        """The classes of the capture points feeding `verifier` (see `ChainSolver.capture_points`)."""
        if verifier.capture is Capture.NONE:
            found = self._upstream(verifier.id, CAPTURE_SEARCH_DEPTH)
            if found:
                return found
        return {self.point_class(verifier): (verifier.id,)}

    def _upstream(self, node: str, depth: int) -> _Summary:
        """Capture points at most `depth` flows upstream of `node` through elements that do not capture.

        The same set as a breadth-first search from `node` finds: a point is in it if some path of at most
        `depth` flows leads from it to `node`, and the shortest such path passes no other capture point.
        """
        key = (node, depth)
        found = self.summaries.get(key)
        if found is not None:
            return found
        out: _Summary = {}
        for flow in self.graph.inbound.get(node, ()):
            source = self.graph.elements[flow.source]
            if source.capture is not Capture.NONE:
                _merge(out, {self.point_class(source): (source.id,)})
            elif depth > 1:
                _merge(out, self._upstream(source.id, depth - 1))
        self.summaries[key] = out
        return out


    def expanded(self, verifier: Element) -> frozenset[str]:
        """The non-capturing elements whose capture sources feed `verifier` (see `_capture_points`).

        The breadth-first search of `_capture_points` expands exactly the non-capturing elements at most
        `CAPTURE_SEARCH_DEPTH - 1` flows upstream through non-capturing elements; the points it finds are
        their direct capture sources. Empty when `verifier` captures itself.
        """
        found = self._expanded.get(verifier.id)
        if found is not None:
            return found
        seen = {verifier.id}
        frontier = [verifier.id] if verifier.capture is Capture.NONE else []
        expanded = list(frontier)
        for _ in range(CAPTURE_SEARCH_DEPTH - 1):
            step = []
            for node in frontier:
                for flow in self.graph.inbound.get(node, ()):
                    if flow.source not in seen:
                        seen.add(flow.source)
                        if self.graph.elements[flow.source].capture is Capture.NONE:
                            step.append(flow.source)
            expanded.extend(step)
            frontier = step
        found = self._expanded[verifier.id] = frozenset(expanded)
        return found

    def split(self, node: str, held: frozenset[str]) -> dict[_PointClass, tuple[tuple[str, ...], tuple[str, ...]]]:
        """Per class, the capture sources of `node` the attacker does not hold and those it holds, sorted."""
        key = (held, node)
        found = self._split.get(key)
        if found is None:
            found = self._split[key] = {
                point_class: (tuple(i for i in ids if i not in held), tuple(i for i in ids if i in held))
                for point_class, ids in self._sources_of(node).items()
            }
        return found

    def _sources_of(self, node: str) -> dict[_PointClass, tuple[str, ...]]:
        found = self._sources.get(node)
        if found is None:
            by_class: dict[_PointClass, set[str]] = {}
            for flow in self.graph.inbound.get(node, ()):
                source = self.graph.elements[flow.source]
                if source.capture is not Capture.NONE:
                    by_class.setdefault(self.point_class(source), set()).add(source.id)
            found = self._sources[node] = {c: tuple(sorted(ids)) for c, ids in by_class.items()}
        return found


def _merge(into: _Summary, part: _Summary) -> None:
    for point_class, ids in part.items():
        have = into.get(point_class)
        into[point_class] = ids if have is None else tuple(sorted(set(have) | set(ids))[:_KEPT])


class CapturePricing:
    """The capture-point half of the chain solver (mixed into `ChainSolver`)."""

    graph: SystemGraph
    numbers: Numbers
    extra: dict[str, set[str]]
    shared: CaptureIndex
    _capture: dict[str, tuple[float, str, str, list[str]]]
    #: Operated capture points the attacker being solved holds (`CaptureIndex.held_by`).
    held: frozenset[str] = frozenset()

    def hold(self, attacker: Attacker) -> None:
        """Price capture points for `attacker`: the ones it holds take a kiosk's injection step."""
        held = self.shared.held_by(attacker)
        if held != self.held:
            self.held = held
            self._capture = {}

    def controls(self, place: str) -> frozenset[str]:
        raise NotImplementedError

    def best_capture(self, element: Element) -> tuple[float, str, str, list[str]]:
        """The capture point feeding `element` where a fake passes most easily (ties: the smallest id).

        Points of one class fare alike, so only the first few ids of each class are looked at; a point
        with extra liveness controls is priced on its own (extra controls only ever lower its factor).
        """
        cached = self._capture.get(element.id)
        if cached is not None:
            return cached
        touched = {place for place in self.extra if self._live_extra(place)} | self.held
        plain = not touched
        if plain and element.id in self.shared.plain_capture:
            return self.shared.plain_capture[element.id]
        # The class summary serves extra controls at a few points; held points need every point's class.
        ranked = None if self.held else self._rank(element, touched)
        if ranked is None:
            ranked = self._rank_all(element)
        point = self.graph.elements[ranked[1]]
        factor, text, weak = self._capture_factor(point, element)
        best = (factor, point.id, text, weak)
        if plain:
            self.shared.plain_capture[element.id] = best
        self._capture[element.id] = best
        return best

    def _rank(self, element: Element, touched: set[str]) -> tuple[float, str] | None:
        """(-factor, id) of the best capture point feeding `element`, or None if the summary cannot tell."""
        at_verifier = self.controls(element.id)
        best: tuple[float, str] | None = None
        for (capture, inject, live), ids in self.shared.summary(element).items():
            best, stood = self._cheapest(element, ids, touched, (capture, inject, live | at_verifier), best)
            if not stood and len(ids) == _KEPT:
                return None
        return best

    def _cheapest(
        self,
        element: Element,
        ids: Iterable[str],
        alone: set[str],
        priced: tuple[Capture, str, frozenset[str]],
        best: tuple[float, str] | None,
    ) -> tuple[tuple[float, str] | None, bool]:
        """`best` lowered by one class's points (sorted ids): those in `alone` priced on their own, the first
        other one priced once for the class (`_factor(*priced)`) standing for the rest; and whether such a
        point stood for them."""
        for point_id in ids:
            if point_id in alone:
                candidate = (-self._capture_factor(self.graph.elements[point_id], element)[0], point_id)
            else:
                candidate = (-self._factor(*priced), point_id)
            if best is None or candidate < best:
                best = candidate
            if point_id not in alone:
                return best, True
        return best, False

    def _rank_all(self, element: Element) -> tuple[float, str]:
        """(-factor, id) of the best capture point feeding `element`, every point counted.

        Per expanded element and class (`CaptureIndex.split`), unheld points fare alike and so do held
        ones, so the smallest id of each stands for the rest; points with extra liveness controls are
        priced on their own. Linear in expanded elements and classes, not in points (a verifier behind a
        national service is fed by every shop terminal of the country).
        """
        expanded = self.shared.expanded(element)
        if not expanded:  # it captures: it is its own point
            return -self._capture_factor(element, element)[0], element.id
        at_verifier = self.controls(element.id)
        extra = {place for place in self.extra if self._live_extra(place)}
        best: tuple[float, str] | None = None
        for node in expanded:  # any order: (-factor, id) is a total order
            for (capture, inject, live), (unheld, held) in self.shared.split(node, self.held).items():
                held_inject = "inject-remote" if inject == "inject-remote" else "inject-terminal"
                for ids, step in ((unheld, inject), (held, held_inject)):
                    best, _ = self._cheapest(element, ids, extra, (capture, step, live | at_verifier), best)
        if best is None:  # no capture point upstream: the verifier stands for one
            return -self._capture_factor(element, element)[0], element.id
        return best

    def _live_extra(self, place: str) -> bool:
        """Does an extra control at `place` change how a faked presentation or injection fares there?"""
        return any(c in LIVE_CONTROLS for c in self.extra.get(place, ()))

    def capture_points(self, element: Element) -> list[Element]:
        """The element itself if it captures, else capture devices up to a few flows upstream, else itself."""
        cached = self.shared.points.get(element.id)
        if cached is None:
            cached = self.shared.points[element.id] = self._capture_points(element)
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

    def _factor(self, capture: Capture, injection: str, here: frozenset[str]) -> float:
        """Probability that a faked presentation or an injected stream passes, given the controls `here`."""
        present = self.numbers.step[f"present-{capture.value}"]
        inject = self.numbers.step[injection]
        for control in LIVE_CONTROLS:
            if control in here:
                if control == "presentation-attack-detection":
                    present *= self.numbers.factor(control)
                else:
                    inject *= self.numbers.factor(control)
        return max(present, inject)

    def _capture_factor(self, point: Element, verifier: Element) -> tuple[float, str, list[str]]:
        """Probability that a faked presentation or an injected stream passes at this capture point."""
        here = self.controls(point.id) | self.controls(verifier.id)
        capture = point.capture if point.capture is not Capture.NONE else Capture.REMOTE
        injection = self.shared.injection(point, held=point.id in self.held)
        notes = [f"{capture.value} capture"]
        if injection == "inject-operated":
            notes.append("run and watched by its operator")
        elif point.id in self.held:
            notes.append("the attacker runs the device")
        weak = []
        for control in LIVE_CONTROLS:
            if control in here:
                notes.append(f"has {control}")
            else:
                notes.append(f"no {control}")
                weak.append(f"{point.id}:{control}")
        return self._factor(capture, injection, here), ", ".join(notes), weak
