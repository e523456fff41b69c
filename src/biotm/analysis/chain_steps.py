"""A solved chain as steps: the origins behind an outcome in order, their factors, and the report's steps."""

from __future__ import annotations

from biotm.analysis.chains import Origin
from biotm.result import ChainStep, TheftChain

#: The action of a step that gives the attacker a term it holds from the start (a bought datum, a capability).
START = "start with"


def _key(origin: Origin) -> tuple[str, str]:
    return (origin.kind, f"{origin.element}/{origin.verification.id}" if origin.verification else origin.term)


def chain_origins(known: dict[str, Origin], final: Origin) -> list[Origin]:
    """The origins behind `final`, dependencies first, each once (iterative: chains can be thousands long)."""
    ordered: list[Origin] = []
    seen: set[tuple[str, str]] = set()
    stack: list[tuple[Origin, bool]] = [(final, False)]
    while stack:
        origin, expanded = stack.pop()
        key = _key(origin)
        if expanded:
            ordered.append(origin)
            continue
        if key in seen:
            continue
        seen.add(key)
        stack.append((origin, True))
        for term in reversed(origin.depends):
            if term in known and _key(known[term]) not in seen:
                stack.append((known[term], False))
    return ordered


def chain_steps(known: dict[str, Origin], final: Origin) -> list[ChainStep]:
    """The steps behind `final`, dependencies first, each once."""
    return steps_of(chain_origins(known, final))


def _held(origin: Origin) -> bool:
    return origin.kind in ("hold", "capability")


def steps_of(origins: list[Origin]) -> list[ChainStep]:
    """The report's steps of ordered origins: what the attacker holds from the start is one first step naming
    every datum and capability held (as the chain's evidence and factors show it), then each step in order."""
    held = sorted((o for o in origins if _held(o)), key=lambda o: o.term)
    rest = [step_of(o) for o in origins if not _held(o)]
    if not held:
        return rest
    data = [o.term for o in held if o.kind == "hold"]
    capabilities = [o.term for o in held if o.kind == "capability"]
    said = []
    if data:
        said.append(f"holds the victim's {_quoted(data)} from the start")
    if capabilities:
        said.append(f"starts with {_quoted(capabilities)}")
    first = ChainStep(
        verifier="leak",
        verification=None,
        action=f"{START} {_quoted([o.term for o in held])}",
        uses=[],
        grants=[o.term for o in held],
        likelihood=min(o.probability for o in held),
        evidence="; ".join(said),
        weak_controls=[],
    )
    return [first, *rest]


def _quoted(terms: list[str]) -> str:
    return ", ".join(f"'{t}'" for t in terms)


def chain_factors(known: dict[str, Origin], origins: list[Origin]) -> list[tuple[str, float]]:
    """(reason, multiplier) per step whose product is the chain's likelihood.

    A step's own multiplier is its likelihood over the product of the likelihoods it relied on; a step
    relied on by several later ones counts once per use, as the solver multiplied it.
    """
    uses: dict[tuple[str, str], int] = {_key(origins[-1]): 1} if origins else {}
    for origin in reversed(origins):
        count = uses.get(_key(origin), 0)
        for term in origin.depends:
            if term in known:
                dep = _key(known[term])
                uses[dep] = uses.get(dep, 0) + count
    out = []
    # What the attacker holds from the start is one factor (x1), as the evidence shows it: one step, not one per datum.
    held = sorted((o for o in origins if _held(o)), key=lambda o: o.term)
    if held:
        out.append((f"{START} {_quoted([o.term for o in held])}: held from the start", 1.0))
    for origin in origins:
        if _held(origin):
            continue
        relied = 1.0
        for term in origin.depends:
            if term in known:
                relied *= known[term].probability
        own = origin.probability / relied if relied > 0.0 else 0.0
        count = uses.get(_key(origin), 1)
        step = step_of(origin)
        reason = f"{step.action}: {step.evidence}" if step.evidence else step.action
        if count > 1:
            reason += f"; relied on {count} times"
        out.append((reason, own**count))
    return out


def step_of(origin: Origin) -> ChainStep:
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
        action = f"obtain '{origin.term}' at {leak.node.removeprefix('flow:')}"
        return _obtained(origin, action, f"attack path {route} (p={origin.probability:.3g})", weak)
    how = {"hold": START, "public": "collect public", "capability": START}[origin.kind]
    return _obtained(origin, f"{how} '{origin.term}'", origin.evidence, [])


def _obtained(origin: Origin, action: str, evidence: str, weak: list[str]) -> ChainStep:
    """A step that gives the attacker one term (a leak, a hold, public data) rather than passing a verifier."""
    return ChainStep(
        verifier="leak",
        verification=None,
        action=action,
        uses=[],
        grants=[origin.term],
        likelihood=origin.probability,
        evidence=evidence,
        weak_controls=weak,
    )


def chain_title(group: list[TheftChain]) -> str:
    """The title of the finding of chains that end in one verification."""
    return f"Identity theft: {group[0].steps[-1].action}"


def route_note(passed: tuple[str, ...], one_victim: bool, group: list[TheftChain]) -> str:
    """What sets this route to a shared outcome apart: the verifiers passed before it, or a victim's own device."""
    before = list(dict.fromkeys(p.split("/", 1)[0] for p in passed[:-1]))
    if before:
        return "via " + " -> ".join(before)
    if one_victim:
        return "with one victim's own device"
    used = sorted({g for s in group[0].steps if s.verifier == "leak" for g in s.grants})  # held or obtained
    return "with " + ", ".join(f"'{g}'" for g in used) if used else "directly"
