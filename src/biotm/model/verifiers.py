"""What a verifier accepts and grants: requirements over evidence terms, and verifications."""

from __future__ import annotations

from pydantic import Field, model_validator

from biotm.model.fields import MAX_ITEMS, Id, Strict, Term


class Requirement(Strict):
    """An AND/OR tree over evidence terms a verifier accepts.

    A term is a data item id, `live:<modality>` (a live presentation of the victim's biometric), or a
    capability that another verifier grants or an attacker starts with.
    """

    all: list[Requirement | Term] | None = Field(default=None, max_length=MAX_ITEMS)
    any: list[Requirement | Term] | None = Field(default=None, max_length=MAX_ITEMS)

    @model_validator(mode="after")
    def _one_operator(self) -> Requirement:
        if (self.all is None) == (self.any is None):
            raise ValueError("a requirement needs exactly one of 'all' or 'any'")
        terms = self.all if self.all is not None else self.any
        if not terms:
            raise ValueError("a requirement needs at least one term")
        return self

    def terms(self) -> list[str]:
        """Every leaf term in this tree, in file order."""
        out: list[str] = []
        for term in (self.all or []) + (self.any or []):
            out.extend([term] if isinstance(term, str) else term.terms())
        return out


class Verification(Strict):
    """An identity or credential this element grants on evidence (a SIM, an account, an OTP)."""

    id: Id
    action: str = Field(description="What is granted, in words: 'register a SIM in the applicant\\'s name'.")
    requires: Requirement | Term
    grants: list[Term] = Field(
        min_length=1, max_length=MAX_ITEMS, description="Capabilities or data item ids obtained on success."
    )
    high_assurance: bool = Field(default=True, description="Grants money, identity or account control.")
    second_factor: bool = Field(default=False, description="A non-biometric factor is also checked.")


Requirement.model_rebuild()
