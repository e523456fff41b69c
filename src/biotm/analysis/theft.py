"""Identity-theft chains as the report shows them: one entry per outcome and data held, with its finding.

The solver (`biotm.analysis.chains`) says what each attacker can pass. Here every high-assurance
verification an attacker passes becomes a chain; chains of attackers who hold the same data and pass the
same verifications to the same outcome are one entry naming every attacker (likeliest first); chains
through the same verifiers make one `idt-chain` finding; `broken_by` names the controls (each where it
makes sense, `candidates.fits`) whose addition drops the chain below the floor for every attacker named.
"""

from __future__ import annotations

from collections import Counter

from biotm.analysis.breaking import broken_by
from biotm.analysis.candidates import fits
from biotm.analysis.chain_steps import START, chain_factors, chain_origins, chain_title, route_note, steps_of
from biotm.analysis.chains import ChainSolver, Origin, Satisfied
from biotm.analysis.factors import CHAIN_RULE, attack_finding, product_factors
from biotm.analysis.instances import per_subject
from biotm.analysis.numbers import Numbers
from biotm.analysis.paths import Leak, PlaceControls, skill_scale
from biotm.graph import SystemGraph
from biotm.model.schema import Attacker
from biotm.result import SEVERITIES, ChainStep, Factor, Finding, TheftChain, finding_id
from biotm.scoring import summed

#: Chains (likeliest first, as reported: every attacker's draft of each) for which broken_by is computed.
MAX_BROKEN_BY_CHAINS = 40
#: The requirement nodes (operators and terms) all broken_by searches of one audit may evaluate: a
#: thousand-step chain costs a re-solve of a thousand verifications per candidate, and 5,000 verifications
#: of three alternatives each took 10 s to search for one chain. A search the bound stops is dropped whole.
BROKEN_BY_WORK = 200_000
#: Chains reported (likeliest first); a model of a thousand verifications each enabling the next
#: would otherwise report a thousand chains of up to a thousand steps (hundreds of megabytes).
MAX_CHAINS = 500
#: Steps kept per chain: the first ones and the last ones, with one step saying how many were left out.
MAX_CHAIN_STEPS = 40
#: A chain that needs one subject's own device (a stolen phone) harms that subject, not everyone.
ONE_VICTIM_IMPACT = -0.3


def theft_chains(
    graph: SystemGraph,
    numbers: Numbers,
    attackers: list[Attacker],
    leaks: dict[str, dict[str, Leak]],
    controls: PlaceControls | None = None,
    notes: list[str] | None = None,
    explain: bool = True,
) -> tuple[list[TheftChain], list[Finding]]:
    """Chains ending in a high-assurance verification, each with the controls that would break it (none
    searched when not `explain`: the planner's re-runs need the chains' risk, not what would break them)."""
    solver = ChainSolver(graph, numbers, controls=controls)
    floor = numbers.step["min-chain-likelihood"]
    drafts: list[tuple[Attacker, Satisfied, dict[str, Origin], list[Satisfied]]] = []
    for attacker in attackers:
        known, satisfied = solver.solve(attacker, leaks[attacker.id])
        for item in satisfied:
            if item.verification.high_assurance and item.origin.probability >= floor:
                # One chain per way to pass it: cutting the likeliest way must not make another one appear.
                index = solver.shared.index[(item.element, item.verification.id)]
                for way, origin in solver.ways(index, known, skill_scale(attacker)):
                    if origin.probability >= floor:
                        way_passed = Satisfied(item.element, item.verification, origin, way)
                        drafts.append((attacker, way_passed, known, satisfied))
    ranked = sorted(drafts, key=lambda d: (-d[1].origin.probability, _draft_key(d[0], d[1])))
    if len(ranked) > MAX_CHAINS and notes is not None:
        notes.append(
            f"identity-theft chains: the {MAX_CHAINS:,} likeliest of {len(ranked):,} are reported "
            f"(bound MAX_CHAINS, docs/attack-paths.md)"
        )
    ranked = ranked[:MAX_CHAINS]
    kept = {_draft_key(d[0], d[1]) for d in ranked}
    drafts = [d for d in drafts if _draft_key(d[0], d[1]) in kept]
    origins_of = {_draft_key(a, item): chain_origins(known, item.origin) for a, item, known, _ in ranked}
    merge_keys_of = {_draft_key(a, item): _merge_key(item, origins_of[_draft_key(a, item)]) for a, item, _, _ in ranked}
    # broken_by re-solves a chain once per candidate control: only the likeliest chains get it, so the stage
    # stays near-linear on national-scale models (the rest report their weak controls). Counted in chains as
    # reported, each with every attacker's draft of it: a set breaks a chain only if it does for each (`merged`).
    chain_order = list(dict.fromkeys(merge_keys_of.values()))[:MAX_BROKEN_BY_CHAINS] if explain else []
    broken_of = _searched(solver, leaks, floor, ranked, merge_keys_of, chain_order)
    groups: dict[tuple[tuple[str, ...], tuple[str, ...]], list[TheftChain]] = {}
    explained_by: dict[str, tuple[list[tuple[str, float]], bool]] = {}
    merge_keys: dict[str, tuple[str, ...]] = {}
    unsearched: set[tuple[str, ...]] = set()  # chains (merge keys) with a draft whose search did not finish
    for attacker, item, known, _ in drafts:
        draft = _draft_key(attacker, item)
        origins = origins_of[draft]
        steps = steps_of(origins)
        places = tuple(dict.fromkeys(s.verifier for s in steps if s.verifier != "leak"))
        subjects, one_victim = chain_subjects(graph, attacker, origins)
        chain_id = finding_id("chain", list(draft))
        explained_by[chain_id] = (chain_factors(known, origins), one_victim)
        broken = broken_of.get(draft, [])
        if draft not in broken_of:
            unsearched.add(merge_keys_of[draft])
        merge_keys[chain_id] = merge_keys_of[draft]
        chain = TheftChain(
            id=chain_id,
            attacker=attacker.id,
            attackers=[attacker.id],
            goal=", ".join(sorted(item.verification.grants)),
            likelihood=round(item.origin.probability, 6),
            subjects=subjects,
            severity="info",
            steps=shortened(steps),
            finding="",
            broken_by=broken,
        )
        passed = tuple(f"{s.verifier}/{s.verification}" for s in steps if s.verification is not None)
        groups.setdefault((places, passed), []).append(chain)
    # Counted in reported chains (several attackers' drafts merge into one), or the numbers would not add up.
    entries = merged([c for group in groups.values() for c in group], merge_keys, unsearched)
    if explain and unsearched and notes is not None:
        notes.append(
            f"identity-theft chains: the controls that break them were searched for {len(entries) - len(unsearched):,}"
            f" of {len(entries):,} chains (bounds MAX_BROKEN_BY_CHAINS and BROKEN_BY_WORK, docs/attack-paths.md); "
            "the others list their weak controls instead"
        )
    breaking = {c.id: entries[merge_keys[c.id]].broken_by for group in groups.values() for c in group}
    chains: list[TheftChain] = []
    findings: list[Finding] = []
    # One finding per sequence of verifications: a SIM swap and a new-SIM registration at one real-name system
    # are two findings, and the id says which (it stays when the other sequence is cut).
    titles = Counter(chain_title(group) for group in groups.values())
    for (places, passed), group in sorted(groups.items()):
        finding = _chain_finding(graph, list(places), group, explained_by, breaking)
        update: dict[str, object] = {"id": finding_id(CHAIN_RULE, [*places, "|", *passed])}
        if titles[finding.title] > 1:  # two routes to one outcome: the title says which route this one is
            update["title"] = f"{finding.title} ({route_note(passed, explained_by[group[0].id][1], group)})"
        finding = finding.model_copy(update=update)
        findings.append(finding)
        keys = dict.fromkeys(merge_keys[c.id] for c in group)
        chains.extend(entries[key].model_copy(update={"severity": finding.severity, "finding": finding.id})
                      for key in keys)
    chains.sort(key=lambda c: (SEVERITIES.index(c.severity), -c.likelihood, c.id))
    return chains, findings


def _searched(
    solver: ChainSolver,
    leaks: dict[str, dict[str, Leak]],
    floor: float,
    ranked: list[tuple[Attacker, Satisfied, dict[str, Origin], list[Satisfied]]],
    merge_keys_of: dict[tuple[str, ...], tuple[str, ...]],
    chain_order: list[tuple[str, ...]],
) -> dict[tuple[str, ...], list[str]]:
    """Draft -> the controls that break it, for every draft of the chains `chain_order` names, chain by chain
    and likeliest first, until BROKEN_BY_WORK is spent: the budget completes chains rather than spreading over
    every attacker of many. A draft the bound stopped, or never reached, has no entry (its chain lists its weak
    controls)."""
    out: dict[tuple[str, ...], list[str]] = {}
    stop_at = solver.shared.work + BROKEN_BY_WORK
    drafts_of: dict[tuple[str, ...], list[tuple[Attacker, Satisfied, dict[str, Origin], list[Satisfied]]]] = {}
    for entry in ranked:
        drafts_of.setdefault(merge_keys_of[_draft_key(entry[0], entry[1])], []).append(entry)
    for key in chain_order:
        for attacker, item, known, satisfied in drafts_of[key]:
            found = broken_by(solver, attacker, leaks[attacker.id], item, floor, (known, satisfied), stop_at=stop_at)
            if found is None:
                return out  # the budget is spent: every later search would stop at once
            out[_draft_key(attacker, item)] = found
    return out


def _draft_key(attacker: Attacker, item: Satisfied) -> tuple[str, ...]:
    """One attacker's chain: the verification it ends in and the way it passes it (the way's terms)."""
    return (attacker.id, item.element, item.verification.id, "|", *item.way)


def _breaking_all(options: list[list[str]]) -> list[str]:
    """The entries ('P:C' or 'P:C+P:D') that break the chain for every attacker, fewest controls first.

    An entry breaks it for one attacker if it contains one of that attacker's own entries (a thief who
    holds the victim's phone passes a second factor, so it needs the second factor and a SIM-change notice;
    the others need only the second factor: the pair breaks it for all). Entries containing a shorter kept
    entry are left out.
    """
    if not options:
        return []
    sets = {entry: frozenset(entry.split("+")) for entries in options for entry in entries}
    found: list[str] = []
    for entry in sorted(sets, key=lambda e: (len(sets[e]), options[0].index(e) if e in options[0] else 99, e)):
        if any(sets[kept] <= sets[entry] for kept in found):
            continue
        if all(any(sets[own] <= sets[entry] for own in entries) for entries in options):
            found.append(entry)
    if not found and all(options):
        # No one option serves all: each attacker's first (fewest controls) together break it for every one of
        # them, since adding controls never makes a step likelier.
        union = sorted({part for entries in options for part in sets[min(entries, key=lambda e: (len(sets[e]), e))]})
        found.append("+".join(union))
        sets[found[0]] = frozenset(union)
    return sorted(found, key=lambda e: (len(sets[e]), e))


def _merge_key(item: Satisfied, origins: list[Origin]) -> tuple[str, ...]:
    """What makes two attackers' chains one: the outcome, the verifications passed in order, what they hold.

    The route by which a datum was obtained (bought, leaked at one store or another) is not part of it, nor
    a capability one of them starts with (the thief's hold on the victim's phone, which passes a second
    factor): holding the same data, they take the same steps to the same outcome, and the entry keeps its
    id when a control leaves only some of them able to.
    """
    passed = [f"{o.element}/{o.verification.id}" for o in origins if o.kind == "verify" and o.verification]
    held = sorted({o.term for o in origins if o.kind in ("hold", "public", "leak")})
    return (item.element, item.verification.id, *passed, "|", *held)


def merged(
    chains: list[TheftChain], keys: dict[str, tuple[str, ...]], unsearched: set[tuple[str, ...]]
) -> dict[tuple[str, ...], TheftChain]:
    """One entry per merge key, naming every attacker (likeliest first, ties by id) with the lead's steps.

    Its id comes from the key alone, so it stays when one of its attackers drops out. It is broken by a
    set of controls that breaks it for each of its attackers, and by none when the controls were not searched
    for one of them (its key in `unsearched`): each attacker re-plans around a control with what it holds, so
    a set found for the others was never tried against that one.
    """
    groups: dict[tuple[str, ...], list[TheftChain]] = {}
    for chain in chains:
        groups.setdefault(keys[chain.id], []).append(chain)
    out = {}
    for key, members in sorted(groups.items()):
        members.sort(key=lambda c: (-c.likelihood, c.attacker, c.id))
        lead = members[0]
        broken = [] if key in unsearched else _breaking_all([c.broken_by for c in members])
        out[key] = lead.model_copy(
            update={
                "id": finding_id("chain", list(key)),
                "attackers": list(dict.fromkeys(c.attacker for c in members)),
                "broken_by": broken,
            }
        )
    return out


def _chain_finding(
    graph: SystemGraph,
    places: list[str],
    group: list[TheftChain],
    explained_by: dict[str, tuple[list[tuple[str, float]], bool]],
    breaking: dict[str, list[str]],
) -> Finding:
    group = sorted(group, key=lambda c: (-c.likelihood, c.attacker, c.id))
    lead = group[0]
    lead_factors, one_victim = explained_by[lead.id]
    data_used = sorted({g for s in lead.steps if s.verifier == "leak" for g in s.grants if g in graph.data})
    impact_factors = [Factor(reason=f"grants '{lead.goal}' (identity, money or account control)", effect=0.8)]
    if any(not graph.data[d].is_revocable for d in data_used):
        impact_factors.append(Factor(reason="relies on data the victim cannot reset", effect=0.1))
    if lead.subjects >= 1_000_000:
        impact_factors.append(Factor(reason=f"{lead.subjects:,} people exposed", effect=0.1))
    if one_victim:
        impact_factors.append(
            Factor(reason="needs one victim's own device: one person per attempt", effect=ONE_VICTIM_IMPACT)
        )
    impact, impact_factors = summed(impact_factors)
    evidence = f"{lead.attacker}: {route_text(lead.steps)}"
    broken = breaking[lead.id]  # what breaks the chain for every attacker who holds what the lead holds
    if broken:
        evidence += f"; broken by {' or '.join(broken)}"
    # Attackers who hold the same data and reach the same verifiers share this one finding, each named once.
    others = list(dict.fromkeys(c.attacker for c in group[1:] if c.attacker != lead.attacker))
    if others:
        best = {a: max(c.likelihood for c in group if c.attacker == a) for a in others}
        evidence += "; also: " + ", ".join(f"{a} ({best[a]:.3g})" for a in others)
    mitigations = sorted({part.split(":", 1)[1] for b in broken for part in b.split("+")})
    if not mitigations:
        mitigations = sorted(
            {
                w.split(":", 1)[1]
                for s in lead.steps
                if s.verifier != "leak"
                for w in s.weak_controls
                if fits(graph, *w.split(":", 1))
            }
        )
    final = lead.steps[-1]
    return attack_finding(
        CHAIN_RULE,
        f"Identity theft: {final.action}",
        lead.likelihood,
        product_factors(lead_factors),
        impact,
        impact_factors,
        "element",
        places,
        data_used,
        lead.subjects,
        ["STRIDE:Spoofing", "LINDDUN:Identifying", "BIO:identity-theft"],
        mitigations,
        evidence,
        graph,
    )


def route_text(steps: list[ChainStep]) -> str:
    """The chain as one line: what the attacker starts with folded into one step, then each step in order."""
    first = [i for i, s in enumerate(steps) if s.verifier == "leak" and s.action.startswith(START)]
    if len(first) < 2:
        return " -> ".join(f"{s.action} ({s.likelihood:.3g})" for s in steps)
    held = ", ".join(f"'{g}'" for i in first for g in steps[i].grants)
    folded = f"{START} {held} ({min(steps[i].likelihood for i in first):.3g})"
    skip = set(first)
    return " -> ".join([folded, *(f"{s.action} ({s.likelihood:.3g})" for i, s in enumerate(steps) if i not in skip)])


def chain_subjects(graph: SystemGraph, attacker: Attacker, origins: list[Origin]) -> tuple[int, bool]:
    """People one run of the chain can harm, and whether that is one victim (one subject's own device).

    The fewest of: the people each leaked or held datum covers (one copy's share when taken from one
    copy of a replicated element), and one person for what a thief holds from one subject's device.
    """
    scopes: list[int] = []
    for origin in origins:
        if origin.kind == "leak" and origin.leak is not None:
            item = graph.data.get(origin.term)
            full = item.subjects if item is not None else 1
            scopes.append(full if origin.leak.subjects is None else origin.leak.subjects)
        elif origin.kind in ("hold", "public") and origin.term in graph.data:
            scopes.append(graph.data[origin.term].subjects)
        elif origin.kind == "capability" and _on_own_devices(graph, attacker):
            scopes.append(1)
    subjects = min(scopes, default=1)
    return subjects, subjects <= 1 and _on_own_devices(graph, attacker)


def _on_own_devices(graph: SystemGraph, attacker: Attacker) -> bool:
    """Does the attacker stand only on subjects' own devices (a thief with one victim's phone)?"""
    found = [graph.elements[e] for e in attacker.entry if e in graph.elements]
    return attacker.kind == "thief" and bool(found) and len(found) == len(attacker.entry) and all(
        per_subject(e) for e in found
    )


def shortened(steps: list[ChainStep]) -> list[ChainStep]:
    """At most MAX_CHAIN_STEPS steps: the first and last ones, and one saying how many are left out."""
    if len(steps) <= MAX_CHAIN_STEPS:
        return steps
    head, tail = steps[: MAX_CHAIN_STEPS // 2], steps[1 - MAX_CHAIN_STEPS // 2 :]
    left_out = len(steps) - len(head) - len(tail)
    gap = ChainStep(
        verifier="leak",
        verification=None,
        action=f"{left_out:,} more steps left out",
        uses=[],
        grants=[],
        likelihood=tail[0].likelihood,
        evidence=f"chains are shown with at most {MAX_CHAIN_STEPS} steps (docs/attack-paths.md)",
        weak_controls=[],
    )
    return [*head, gap, *tail]
