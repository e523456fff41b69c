"""Legal bases of processing: which data rest on consent, and which purposes a declared basis covers."""

from __future__ import annotations

from biotm.model.schema import BasisKind, ConsentKind, DataItem, LegalBasis, Model

#: Bases that are a form of consent: the consent rules judge these (and undeclared ones).
CONSENT_BASES = frozenset({BasisKind.CONSENT, BasisKind.SEPARATE_CONSENT})
#: Bases that rest on a law rather than on the person's choice (PIPL Art. 13(1)(3), GDPR Art. 6(1)(c)/(e)).
STATUTORY_BASES = frozenset({BasisKind.LEGAL_OBLIGATION, BasisKind.PUBLIC_TASK})


def rests_on_consent(item: DataItem) -> bool:
    """Consent is the item's declared basis, or no basis is declared (the old reading: consent is needed)."""
    return item.basis is None or item.basis.basis in CONSENT_BASES


def separately_consented(item: DataItem) -> bool:
    """The person gave separate (or written) consent: stated on the item, or declared as its basis."""
    if item.consent in (ConsentKind.SEPARATE, ConsentKind.WRITTEN):
        return True
    return item.consent is None and item.basis is not None and item.basis.basis is BasisKind.SEPARATE_CONSENT


def purpose_bases(model: Model) -> dict[str, LegalBasis]:
    """Purpose -> its own declared basis (the model's `bases` section)."""
    return {entry.purpose: entry for entry in model.bases}


def basis_for(item: DataItem, purpose: str, declared: dict[str, LegalBasis]) -> LegalBasis | None:
    """The basis that covers using `item` for `purpose`: the purpose's own, or the item's if it names that
    purpose. An item's basis for its collection purposes does not cover a new one (PIPL Art. 14, GDPR 6(4))."""
    own = declared.get(purpose)
    if own is not None:
        return own
    if item.basis is not None and purpose in item.basis.purposes:
        return item.basis
    return None
