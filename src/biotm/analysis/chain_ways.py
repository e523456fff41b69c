"""The ways to pass a verification: its requirement with one branch chosen at every `any`."""

from __future__ import annotations

from biotm.model.schema import Requirement

#: A requirement expands into at most this many ways; one with more is reported by its likeliest way only.
MAX_WAYS = 16


def ways_of(requirement: Requirement | str) -> list[Requirement | str]:
    """The requirement as alternatives without `any`: one per choice of a branch at every `any`."""
    if isinstance(requirement, str):
        return [requirement]
    if requirement.any is not None:
        out = [way for part in requirement.any for way in ways_of(part)]
        return out if len(out) <= MAX_WAYS else [requirement]
    combos: list[list[Requirement | str]] = [[]]
    for part in requirement.all or []:
        combos = [[*combo, way] for combo in combos for way in ways_of(part)]
        if len(combos) > MAX_WAYS:
            return [requirement]
    if len(combos) == 1:
        return [requirement]
    return [Requirement.model_construct(all=combo, any=None) for combo in combos]


__all__ = ["MAX_WAYS", "ways_of"]
