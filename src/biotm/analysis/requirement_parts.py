"""A requirement of a verification evaluated against what an attacker has: the record, and how the
evaluations of an `all`'s parts combine (the solver in `chains` makes hundreds of thousands of them)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(slots=True)
class Evaluation:
    """A requirement evaluated: never changed once made (not frozen only because frozen construction costs
    four times as much, and the solver makes hundreds of thousands). Its tuples are sorted and distinct
    (evidence: distinct, in first-use order), so a single part passes through an `all` unchanged."""

    probability: float
    uses: tuple[str, ...]
    depends: tuple[str, ...]
    evidence: tuple[str, ...]
    weak: tuple[str, ...]


NONE = Evaluation(0.0, (), (), (), ())


def joined(evidence: list[tuple[str, ...]]) -> tuple[str, ...]:
    """The parts' evidence in order, each sentence once (most parts have none)."""
    if len(evidence) == 1:
        return evidence[0]
    return tuple(dict.fromkeys(e for part in evidence for e in part))


def merged(sorted_sets: list[tuple[str, ...]]) -> tuple[str, ...]:
    """The union of sorted, distinct tuples, sorted (most parts have none)."""
    if len(sorted_sets) == 1:
        return sorted_sets[0]
    return tuple(sorted(set().union(*sorted_sets)))


Names = tuple[str, ...]


def canonical(evaluation: Evaluation) -> tuple[Names, Names, Names, Names, float]:
    """An order for evaluated requirement parts that depends on their content only, never on file order."""
    return (evaluation.depends, evaluation.uses, evaluation.evidence, evaluation.weak, -evaluation.probability)


__all__ = ["NONE", "Evaluation", "canonical", "joined", "merged"]
