"""A hit: one place where a rule's threat is present, with the places whose controls matter."""

from __future__ import annotations

from dataclasses import dataclass

from biotm.model.schema import Flow
from biotm.result import Factor, PlaceKind

ControlPlace = tuple[str, str]  # ("element" | "flow", id)


@dataclass(frozen=True)
class Hit:
    """One place where a rule's threat is present, before controls and scoring."""

    place_kind: PlaceKind
    places: tuple[str, ...]
    evidence: str
    data: tuple[str, ...] = ()
    control_places: tuple[ControlPlace, ...] = ()
    #: (kind, id) of the model part the finding points at in the file.
    location: ControlPlace | None = None
    likelihood_factors: tuple[Factor, ...] = ()
    impact_factors: tuple[Factor, ...] = ()
    regulations: tuple[str, ...] = ()
    #: When set, the finding cites these instead of the rule's list: the articles depend on the case (a
    #: processor's contract, a recipient's consent). Still filtered by scope, and `regulations` still added.
    cites_only: tuple[str, ...] = ()
    #: A critical trigger (docs/scoring.md, "Severity"): the hit is critical whatever its risk, unless one of
    #: `critical_unless` is present at its control places. Only for rules that may be critical.
    critical: bool = False
    critical_unless: tuple[str, ...] = ()
    #: People the finding is about, when not the largest item's count (a kit covers only the people who
    #: have all its parts); impact and the finding's `subjects` use it, so evidence and numbers agree.
    subjects: int | None = None

    @classmethod
    def at_element(
        cls,
        element_id: str,
        *,
        evidence: str,
        data: tuple[str, ...] = (),
        likelihood_factors: tuple[Factor, ...] = (),
        impact_factors: tuple[Factor, ...] = (),
        regulations: tuple[str, ...] = (),
        critical: bool = False,
        critical_unless: tuple[str, ...] = (),
        subjects: int | None = None,
    ) -> Hit:
        """A hit on one element: its own controls mitigate it and the finding points at it in the file."""
        return cls(
            place_kind="element",
            places=(element_id,),
            evidence=evidence,
            data=data,
            control_places=(("element", element_id),),
            location=("element", element_id),
            likelihood_factors=likelihood_factors,
            impact_factors=impact_factors,
            regulations=regulations,
            critical=critical,
            critical_unless=critical_unless,
            subjects=subjects,
        )


    @classmethod
    def at_flow(
        cls,
        flow_id: str,
        *,
        evidence: str,
        data: tuple[str, ...] = (),
        control_places: tuple[ControlPlace, ...] = (),
        impact_factors: tuple[Factor, ...] = (),
        regulations: tuple[str, ...] = (),
        cites_only: tuple[str, ...] = (),
    ) -> Hit:
        """A hit on one flow; `control_places` are where the controls that mitigate it count."""
        return cls(
            place_kind="flow",
            places=(flow_id,),
            evidence=evidence,
            data=data,
            control_places=control_places,
            location=("flow", flow_id),
            impact_factors=impact_factors,
            regulations=regulations,
            cites_only=cites_only,
        )


def interaction(flow: Flow) -> tuple[str, str, str]:
    return (flow.source, flow.id, flow.target)
