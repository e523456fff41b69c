"""What a chain is made of: how the attacker came to have each term, and the verifications it passes."""

from __future__ import annotations

from dataclasses import dataclass

from biotm.analysis.paths import Leak
from biotm.model.schema import Verification


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
    #: The terms of the way it is passed (`ChainSolver.ways`); empty for the solve's likeliest way.
    way: tuple[str, ...] = ()
