"""The attack stage's part of an incremental evaluation: re-run the attack stage only when added controls can
change it (`biotm.analysis.incremental` explains the whole scheme)."""

from __future__ import annotations

import copy
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from biotm.analysis.chains import LIVE_CONTROLS
from biotm.analysis.numbers import AUTHENTICATING, CONTROL_EFFECT, ELEMENT_CONTROLS, FLOW_CONTROLS
from biotm.analysis.paths import FLOW_PREFIX, Edge
from biotm.analysis.risk import CHAIN_RULE, OPEN, chain_risk, chain_weight, findings_risk
from biotm.analysis.stage import EXPOSURE_RULE, AttackAnalysis, analyze_attacks, authorized, reported_by_default
from biotm.graph import SystemGraph
from biotm.model.controls import SECOND_FACTOR
from biotm.options import AuditOptions
from biotm.result import Finding, TheftChain

Placed = tuple[str, str]

#: Every control the attack analysis tests for (edge lowering, liveness at capture, verifier factors).
ATTACK_CONTROLS = frozenset(
    {
        *CONTROL_EFFECT,
        *LIVE_CONTROLS,
        *(c for controls in ELEMENT_CONTROLS.values() for c in controls),
        *(c for controls in FLOW_CONTROLS.values() for c in controls),
        "second-factor",
        "human-review",
        "sim-change-notification",
    }
)


@dataclass
class AttackOutcome:
    """The attack stage's part of the risk for one set of added controls."""

    analysis: AttackAnalysis
    findings: dict[str, Finding]
    chains: list[TheftChain]
    risk: float
    read: frozenset[str] = field(default_factory=frozenset)


def _selected_findings(analysis: AttackAnalysis, options: AuditOptions) -> dict[str, Finding]:
    from biotm.analysis.selection import selected as _selected  # the attack stage's own --rules filter

    return {f.id: f for f in analysis.findings if _selected(f, options)}


def outcome(analysis: AttackAnalysis, options: AuditOptions) -> AttackOutcome:
    findings = _selected_findings(analysis, options)
    chain_findings = {i: f for i, f in findings.items() if f.rule == CHAIN_RULE}
    risk = findings_risk(findings.values()) + chain_risk(analysis.chains, chain_findings)
    return AttackOutcome(analysis, findings, analysis.chains, risk, frozenset(analysis.attack_graph.controls))


def with_extra_controls(graph: SystemGraph, extra: dict[str, set[str]]) -> SystemGraph:
    """A shallow copy of the system graph whose elements and flows carry the extra controls.

    Lineage, zones and data do not depend on controls, so they are shared, not recomputed.
    """
    patched = copy.copy(graph)
    patched.elements = dict(graph.elements)
    patched.flows = dict(graph.flows)
    for place, controls in extra.items():
        if place in patched.flows:
            flow = patched.flows[place]
            patched.flows[place] = flow.model_copy(update={"controls": [*flow.controls, *sorted(controls)]})
        elif place in patched.elements:
            element = patched.elements[place]
            patched.elements[place] = element.model_copy(update={"controls": [*element.controls, *sorted(controls)]})
    return patched


class AttackState:
    """The attack stage's outcome for the controls committed so far, and its re-runs for candidates."""

    def __init__(self, graph: SystemGraph, options: AuditOptions, analysis: AttackAnalysis) -> None:
        self.graph = graph
        self.options = options
        self.extra: dict[str, set[str]] = {}
        self.current = outcome(analysis, options)
        self.runs = 0

    def can_change(self, placed: list[Placed]) -> bool:
        """False when the attack stage provably ignores every added control (never asked about the place,
        or never tests the control)."""
        read = self.current.read
        return any(control in ATTACK_CONTROLS and place in read for place, control in placed)

    def may_raise(self, placed: list[Placed]) -> bool:
        """True when `placed` may close an open place a rule reports (`AttackAnalysis.reported`): its items,
        left to that rule while the place is open, then get findings of their own routes, so the attack risk
        can rise (the rule's finding, not the stage's, is what falls). No bound of 0 is exact there."""
        reported = self.current.analysis.reported
        return any(place in reported for place, control in placed if control in ATTACK_CONTROLS)

    def evaluate(self, placed: list[Placed]) -> AttackOutcome:
        """The attack stage re-run with `placed` added to what is committed."""
        if not self.can_change(placed):
            return self.current
        extra = {p: set(c) for p, c in self.extra.items()}
        for place, control in placed:
            extra.setdefault(place, set()).add(control)
        return self._run(extra)

    def _run(self, extra: dict[str, set[str]]) -> AttackOutcome:
        self.runs += 1
        patched = with_extra_controls(self.graph, extra)
        # The open places the rules report with these controls (flow authentication can end the rule's finding
        # while the place stays open: the exposure reports it then, as the full audit does); broken_by (a re-solve
        # per candidate control) is the larger part of the stage and changes no risk.
        added = tuple(f"{p}:{c}" for p, cs in sorted(extra.items()) for c in sorted(cs))
        reported = reported_by_default(self.graph, self.options.rules, self.options.skip_rules, added)
        analysis = analyze_attacks(patched, self.options.attackers, reported, explain=False)
        return outcome(analysis, self.options)

    pending = False

    def defer(self, placed: list[Placed]) -> None:
        """Commit controls whose attack bound is 0 without re-running the stage: they lower no best route, so
        (adding controls only lowers steps) the outcome stays; `flush` checks it before anything relies on it."""
        for place, control in placed:
            self.extra.setdefault(place, set()).add(control)
        self.pending = True

    def flush(self) -> bool:
        """Re-run the stage for deferred controls; False when they changed a finding or chain after all."""
        if not self.pending:
            return True
        self.pending = False
        after = self._run(self.extra)
        before = self.current
        same = abs(after.risk - before.risk) <= 1e-12 and [c.id for c in after.chains] == [
            c.id for c in before.chains
        ] and {i: f.risk for i, f in after.findings.items()} == {i: f.risk for i, f in before.findings.items()}
        self.current = after
        self._touching = None
        return same

    def commit(self, placed: list[Placed], result: AttackOutcome) -> None:
        for place, control in placed:
            self.extra.setdefault(place, set()).add(control)
        self.current = result
        self._touching = None

    _touching: tuple[dict[str, dict[str, float]], dict[Placed, dict[str, float]]] | None = None

    def _routes(self) -> tuple[dict[str, dict[str, float]], dict[Placed, dict[str, float]]]:
        if self._touching is None:
            self._touching = _touching(self.current)
        return self._touching

    def touching(self) -> dict[str, dict[str, float]]:
        """Per place, the exposures and chains (id -> risk) whose best route passes it now."""
        return self._routes()[0]

    def reached(self) -> dict[tuple[str, str], float]:
        """Every attacker's likeliest route probability to every data item it obtains, now."""
        leaks = self.current.analysis.leaks
        return {(a, d): leak.probability for a, by_data in leaks.items() for d, leak in by_data.items()}

    def raised(
        self, places: set[str], routes: dict[str, dict[str, float]], reached: dict[tuple[str, str], float]
    ) -> set[str]:
        """`places` (those sharing a finding with the last commit: the other half of a pair) and the places whose
        candidates' gain may have grown with it, so their stale keys are no upper bound: where an attack route
        now passes that did not before (the attacker's next-best route), and on the routes of an exposure or
        chain whose competing routes the commit lowered (lowering the best route now removes more, since the
        runner-up it falls back to is lower). `routes` and `reached` are `touching()` and `reached()` before."""
        places = set(places)
        now = self.touching()
        for place, parts in now.items():
            before = routes.get(place, {})
            if any(risk > before.get(key, 0.0) + 1e-9 for key, risk in parts.items()):
                places.add(place)
        after = self.reached()
        if after != reached:
            changed = {key[1] for key, p in reached.items() if abs(after.get(key, 0.0) - p) > 1e-12}
            findings = self.current.findings
            ids = {i for i, f in findings.items() if f.rule == EXPOSURE_RULE and not changed.isdisjoint(f.data)}
            ids |= {c.id for c in self.current.chains}  # a chain's runner-up ways run through any lowered route
            places.update(place for place, parts in now.items() if not ids.isdisjoint(parts))
        return places

    def bound(self, placed: list[Placed]) -> float:
        """At least the attack risk `placed` can remove: the exposures and chains whose best route lacks one of
        its controls at its place (a route it does not lower keeps its likelihood, and the others can only
        fall). Keyed by control, not only by place: a rate limit on a verifier's host lowers no chain step, and
        a bound by place alone sent every control on a national chain's route to an attack-stage re-run."""
        if not self.can_change(placed):
            return 0.0
        lowering = self._routes()[1]
        parts: dict[str, float] = {}
        for place, control in placed:
            for alias in SECOND_FACTOR if control in SECOND_FACTOR else (control,):
                parts.update(lowering.get((place, alias), {}))
        return sum(parts.values())


def _route_places(edges: Iterable[Edge]) -> set[str]:
    places: set[str] = set()
    for edge in edges:
        places.add(edge.target.removeprefix(FLOW_PREFIX))
        if edge.kind == "misuse":
            places.add(edge.source)  # priced by the controls of the system the insider reads (`Edge.missing`)
        if edge.via:
            places.add(edge.via)
    return places


def _route_lowering(edges: Iterable[Edge], graph: SystemGraph) -> set[Placed]:
    """Every (place, control) whose addition lowers one of the edges (`Edge.missing`), and mutual authentication
    on each flow into a place an edge reaches from the internet that asks for no authentication: with it on
    every such flow the place checks its callers and is no longer open (`AttackGraph._callers_checked`), a
    lowering no edge lists as missing (it takes every flow, not one)."""
    out: set[Placed] = set()
    for edge in edges:
        for missing in edge.missing:
            place, control = missing.split(":", 1)
            out.add((place, control))
        if edge.kind == "internet-reach" and not any(c in AUTHENTICATING for c in edge.present):
            out.update((flow.id, "mutual-authentication") for flow in graph.inbound.get(edge.target, ()))
    return out


def _touching(current: AttackOutcome) -> tuple[dict[str, dict[str, float]], dict[Placed, dict[str, float]]]:
    """Per place, and per (place, control) that would lower a step: the exposure findings and chains
    (id -> risk) whose best route passes it."""
    analysis = current.analysis
    graph = analysis.attack_graph.graph
    out: dict[str, dict[str, float]] = defaultdict(dict)
    lowering: dict[Placed, dict[str, float]] = defaultdict(dict)
    # The exposure finding takes its likelihood from the likeliest attacker the data is not already shown to
    # (`stage.exposure_findings`); a likelier entitled insider's route must not hide that attacker's route.
    allowed = {a.id: authorized(analysis.attack_graph, a) for a in analysis.attackers}
    for finding in current.findings.values():
        if finding.rule != EXPOSURE_RULE or finding.status not in OPEN:
            continue
        reached = [  # an open place's finding lists several items (`data`): the routes to each count
            (leaks[data_id].probability, leaks[data_id].edges)
            for data_id in finding.data
            for attacker, leaks in analysis.leaks.items()
            if data_id in leaks and data_id not in allowed.get(attacker, set())
        ]
        if finding.place_kind == "element":
            node = finding.places[0]
            out[node][finding.id] = finding.risk  # the open place itself
            # its likelihood is the way in from outside (`exposure.open_places`), not the items' best leak
            # routes: whatever that way in lacks (authentication, mfa, ...) lowers it
            for attacker in analysis.attackers:
                edge = analysis.attack_graph.start_edges(attacker).get(node)
                if edge is not None and edge.open:
                    for key in _route_lowering([edge], graph):
                        lowering[key][finding.id] = finding.risk
        best = max((p for p, _ in reached), default=0.0)
        for probability, edges in reached:
            if probability >= best - 1e-12:
                for place in _route_places(edges):
                    out[place][finding.id] = finding.risk
                for key in _route_lowering(edges, graph):
                    lowering[key][finding.id] = finding.risk
    for chain in current.chains:
        summary = current.findings.get(chain.finding)
        if summary is None or summary.status not in OPEN:
            continue
        weight = chain_weight(chain, summary)
        places = set()
        lowers: set[Placed] = set()
        leaks = analysis.leaks.get(chain.attacker, {})
        for step in chain.steps:
            places.add(step.verifier)
            for weak in step.weak_controls:
                place, control = weak.split(":", 1)
                places.add(place)
                lowers.add((place, control))
            for data_id in step.grants if step.verifier == "leak" else ():
                if data_id in leaks:
                    places |= _route_places(leaks[data_id].edges)
                    lowers |= _route_lowering(leaks[data_id].edges, graph)
        for place in places:
            out[place][chain.id] = weight
        for key in lowers:
            lowering[key][chain.id] = weight
    return out, lowering


def lowered(before: dict[str, Finding], after: dict[str, Finding]) -> list[str]:
    """Ids of open findings in `before` that `after` removes or lowers."""
    return sorted(
        i for i, f in before.items() if f.status in OPEN and (i not in after or after[i].risk < f.risk)
    )
