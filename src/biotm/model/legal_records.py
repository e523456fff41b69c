"""The legal parts of a model: organisations and their roles, agreements between them, legal bases."""

from __future__ import annotations

from pydantic import Field, model_validator

from biotm.model.fields import MAX_ITEMS, MAX_RETENTION_DAYS, Strict
from biotm.model.kinds import AgreementKind, BasisKind, OrgRole


class Organisation(Strict):
    """An organisation named as a zone owner or element operator, with its role for the data."""

    name: str = Field(min_length=1, description="As written in zones' `owner` or elements' `operator`.")
    role: OrgRole
    controller: str | None = Field(default=None, description="For a processor: the controller it acts for.")
    authority: str | None = Field(
        default=None,
        description="For a state organ: the statute it receives data under (a regulation id like CSL-28, or a name).",
    )

    @model_validator(mode="after")
    def _controller_for_processors(self) -> Organisation:
        if self.role is OrgRole.PROCESSOR and self.controller is None:
            raise ValueError(f"processor '{self.name}' needs a 'controller' (the organisation it acts for)")
        if self.role is not OrgRole.PROCESSOR and self.controller is not None:
            raise ValueError(f"only a processor names a 'controller'; '{self.name}' is a {self.role.value}")
        return self


class Agreement(Strict):
    """Agreements in force between two organisations, valid for every flow between them."""

    between: list[str] = Field(min_length=2, max_length=2)
    kinds: list[AgreementKind] = Field(min_length=1)


class LegalBasis(Strict):
    """The legal basis of a processing: consent, a contract, a law that obliges it, ..."""

    basis: BasisKind
    law: str | None = Field(
        default=None, description="The law the basis rests on: a regulation id (ATFL-9, MIIT-2019) or its name."
    )
    purposes: list[str] = Field(
        default_factory=list,
        max_length=MAX_ITEMS,
        description="Purposes it covers; empty: the data item's own purposes.",
    )
    retention_days: int | None = Field(
        default=None, ge=0, le=MAX_RETENTION_DAYS, description="How long the law asks data to be kept."
    )
    biometric: bool = Field(
        default=False,
        description="The law itself provides for processing these data as biometrics (the EES Regulation's "
        "facial images and fingerprints: a GDPR Art. 9(2)(g) condition). A duty that leaves the method open "
        "(AML customer due diligence) does not, and explicit consent is then owed under GDPR Art. 9.",
    )


class PurposeBasis(LegalBasis):
    """A purpose's own basis (police queries under the Cybersecurity Law), for data collected for another."""

    purpose: str = Field(min_length=1)
