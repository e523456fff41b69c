"""Data items and the flows that carry them from element to element."""

from __future__ import annotations

from pydantic import Field, model_validator

from biotm.model.fields import MAX_ITEMS, MAX_PEOPLE, MAX_RETENTION_DAYS, Id, Strict
from biotm.model.kinds import (
    BIOMETRIC_CATEGORIES,
    Authentication,
    ConsentKind,
    DataCategory,
    Modality,
    TemplateProtection,
)
from biotm.model.legal_records import LegalBasis


class DataItem(Strict):
    """A kind of data that flows and rests: a face image, an ID number, an OTP."""

    id: Id
    name: str | None = None
    description: str | None = None
    category: DataCategory
    modality: Modality | None = None
    subjects: int = Field(default=1, ge=0, le=MAX_PEOPLE, description="Number of data subjects this item covers.")
    possession: bool = Field(default=False, description="Read from a token the person presents: a passport chip.")
    revocable: bool | None = Field(
        default=None, description="Can it be reset after a leak? Defaults to false for biometrics."
    )
    protection: TemplateProtection = TemplateProtection.NONE
    purposes: list[str] = Field(
        default_factory=list, max_length=MAX_ITEMS, description="Purposes it was collected for."
    )
    retention_days: int | None = Field(default=None, ge=0, le=MAX_RETENTION_DAYS)
    consent: ConsentKind | None = None
    minors: bool = Field(default=False, description="Includes children under 14.")
    public: bool = Field(default=False, description="Anyone can obtain it (a face on social media, a published list).")
    basis: LegalBasis | None = Field(default=None, description="Legal basis of collecting it.")
    subject_jurisdictions: list[str] = Field(
        default_factory=list,
        max_length=MAX_ITEMS,
        description="Where its data subjects are (ISO 3166 codes); default: where it is collected.",
    )

    @model_validator(mode="after")
    def _biometric_facts(self) -> DataItem:
        if self.category in BIOMETRIC_CATEGORIES and self.modality is None:
            raise ValueError(f"biometric data item '{self.id}' needs a 'modality' (face, fingerprint, …)")
        return self

    @property
    def is_biometric(self) -> bool:
        return self.category in BIOMETRIC_CATEGORIES

    @property
    def is_revocable(self) -> bool:
        if self.revocable is not None:
            return self.revocable
        # A phone number, a passport or licence number can be reissued; a national ID number cannot.
        return not self.is_biometric and self.category not in (
            DataCategory.DOCUMENT_IMAGE,
            DataCategory.IDENTIFIER,
            DataCategory.NATIONAL_ID,
        )


class Flow(Strict):
    """Data moving from one element to another."""

    id: Id
    name: str | None = None
    description: str | None = None
    source: Id
    target: Id
    data: list[Id] = Field(default_factory=list, max_length=MAX_ITEMS)
    protocol: str | None = None
    encrypted: bool = False
    authentication: Authentication = Authentication.NONE
    controls: list[Id] = Field(default_factory=list, max_length=MAX_ITEMS)
