"""Which controls a rule's check tested at which place, so the planner re-checks a rule only when it must.

A rule that reads controls in its check (a store reachable over unauthenticated flows) must be
re-checked when a control is added where it looked. Re-checking it for *every* added control at such a
place is exact but quadratic on national models: the cleartext and tampering rules look at every
crossing flow, and every candidate there re-ran them whole. The context hands such a rule a `Watched`
view of each control set instead, which records the control names the check tested (`in`, `&`,
`isdisjoint`, `>=`) and records "any control" for every other use (iteration, length, equality,
hashing, union), so a re-check is skipped only when the check provably never asked about the added
control there.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

#: Per place: the control names a check tested there, or None when it may depend on any of them.
Reads = dict[str, set[str] | None]


def note(reads: Reads, place: str, names: Iterable[str] | None) -> None:
    """Record that `names` (None: any control) were tested at `place`."""
    if names is None:
        reads[place] = None
        return
    if place in reads:
        known = reads[place]
        if known is not None:
            known.update(names)
    else:
        reads[place] = set(names)


def copied(reads: Reads) -> Reads:
    """A copy whose name sets are its own (the recorder clears and refills the one it writes to)."""
    return {place: None if names is None else set(names) for place, names in reads.items()}


def merge(into: Reads, more: Reads) -> None:
    for place, names in more.items():
        note(into, place, names)


def affected(reads: Reads, changed: dict[str, frozenset[str]]) -> bool:
    """Whether a check with these reads may see the change (per place, the control names added)."""
    for place, names in changed.items():
        if place in reads:
            tested = reads[place]
            if tested is None or not tested.isdisjoint(names):
                return True
    return False


class Watched:
    """A read-only view of one place's controls that records which names are tested in it, into `reads`.

    It reads the place's current set at each test, so a view a derived fact kept answers for the controls of
    the moment, never for those it was made with."""

    __slots__ = ("_get", "_key", "_place", "_reads")

    def __init__(self, get: Callable[[Any], frozenset[str]], key: Any, place: str, reads: Reads) -> None:
        self._get = get
        self._key = key
        self._place = place
        self._reads = reads

    @property
    def _controls(self) -> frozenset[str]:
        return self._get(self._key)

    def _tested(self, names: Iterable[Any]) -> None:
        note(self._reads, self._place, (n for n in names if isinstance(n, str)))

    def _whole(self) -> frozenset[str]:
        note(self._reads, self._place, None)
        return self._controls

    def __contains__(self, name: object) -> bool:
        if isinstance(name, str):
            note(self._reads, self._place, (name,))
        return name in self._controls

    def __and__(self, other: Iterable[str]) -> frozenset[str]:
        names = frozenset(other)
        self._tested(names)
        return self._controls & names

    __rand__ = __and__

    def intersection(self, *others: Iterable[str]) -> frozenset[str]:
        out = self._controls
        for other in others:
            out = self.__and__(other) & out
        return out

    def isdisjoint(self, other: Iterable[str]) -> bool:
        names = frozenset(other)
        self._tested(names)
        return self._controls.isdisjoint(names)

    def issuperset(self, other: Iterable[str]) -> bool:
        names = frozenset(other)
        self._tested(names)
        return self._controls.issuperset(names)

    def __ge__(self, other: Iterable[str]) -> bool:
        return self.issuperset(other)

    # Every other use may depend on any control: record that, then answer as the frozenset would.
    def __iter__(self) -> Iterator[str]:
        return iter(self._whole())

    def __len__(self) -> int:
        return len(self._whole())

    def __bool__(self) -> bool:
        return bool(self._whole())

    def __eq__(self, other: object) -> bool:
        return self._whole() == (other._whole() if isinstance(other, Watched) else other)

    def __hash__(self) -> int:
        return hash(self._whole())

    def __or__(self, other: Iterable[str]) -> frozenset[str]:
        return self._whole() | frozenset(other)

    __ror__ = __or__

    def __sub__(self, other: Iterable[str]) -> frozenset[str]:
        return self._whole() - frozenset(other)

    def __rsub__(self, other: Iterable[str]) -> frozenset[str]:
        return frozenset(other) - self._whole()

    def __le__(self, other: Iterable[str]) -> bool:
        return self._whole() <= frozenset(other)

    def issubset(self, other: Iterable[str]) -> bool:
        return self.__le__(other)

    def union(self, *others: Iterable[str]) -> frozenset[str]:
        return self._whole().union(*others)

    def difference(self, *others: Iterable[str]) -> frozenset[str]:
        return self._whole().difference(*others)

    def __repr__(self) -> str:
        return repr(self._whole())
