"""Who does what: each organisation's declared role, the agreements between pairs, and what a flow between
two organisations is in law (entrusting a processor, a processor's return, a disclosure, a statutory
disclosure to a state organ).

Organisations are named by zones' `owner` and elements' `operator`. A model that declares none keeps the old
reading: every flow between two organisations is a disclosure, judged by the flow's own controls.
"""

from __future__ import annotations

from enum import StrEnum

from biotm.model.schema import AgreementKind, Model, Organisation, OrgRole


class Relation(StrEnum):
    INTERNAL = "internal"  # one organisation
    ENTRUST = "entrust"  # to a processor acting for the sender (or a fellow processor of the same controller)
    RETURN = "return"  # a processor back to its own controller: neither a disclosure nor a new transfer
    JOINT = "joint"  # between joint controllers
    STATE = "state"  # to a state organ (a statutory disclosure)
    DISCLOSE = "disclose"  # to an independent controller
    UNDECLARED = "undeclared"  # the model declares no roles: judged as before, by the flow's controls


#: Agreements that give a processor its contract (the 2021 SCCs' processor modules contain the Art. 28 terms).
PROCESSOR_CONTRACTS = frozenset({AgreementKind.DATA_PROCESSING_AGREEMENT, AgreementKind.STANDARD_CONTRACTUAL_CLAUSES})


class Parties:
    """The organisations of one model, their roles and agreements."""

    def __init__(self, model: Model) -> None:
        self.declared: dict[str, Organisation] = {o.name: o for o in model.organisations}
        self._agreements: dict[frozenset[str], set[AgreementKind]] = {}
        for agreement in model.agreements:
            self._agreements.setdefault(frozenset(agreement.between), set()).update(agreement.kinds)

    def role(self, name: str) -> OrgRole | None:
        org = self.declared.get(name)
        return org.role if org else None

    def agreements(self, a: str, b: str) -> set[AgreementKind]:
        return self._agreements.get(frozenset((a, b)), set())

    def relation(self, source: str, target: str) -> Relation:
        if source == target:
            return Relation.INTERNAL
        src, dst = self.declared.get(source), self.declared.get(target)
        if src is not None and src.role is OrgRole.PROCESSOR and src.controller == target:
            return Relation.RETURN
        if dst is not None and dst.role is OrgRole.STATE_ORGAN:
            return Relation.STATE
        if not self.declared:
            return Relation.UNDECLARED
        if src is None or dst is None:
            # Once a model declares roles, an organisation (or person) left out is an independent party.
            return Relation.DISCLOSE
        if dst.role is OrgRole.PROCESSOR and (dst.controller == source or dst.controller == src.controller):
            return Relation.ENTRUST
        if src.role is OrgRole.JOINT_CONTROLLER and dst.role is OrgRole.JOINT_CONTROLLER:
            return Relation.JOINT
        return Relation.DISCLOSE

    def controller_of(self, name: str) -> str:
        """The organisation answerable for data at `name`: its controller if it is a processor, else itself."""
        org = self.declared.get(name)
        return org.controller if org is not None and org.controller else name
