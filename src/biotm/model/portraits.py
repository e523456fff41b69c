"""Which document images the audit reads as biometric data: the portraits compared with faces."""

from __future__ import annotations

from biotm.model.schema import DataCategory, Matching, Modality, Model


def compared_portraits(model: Model) -> dict[str, Modality]:
    """Document images read as biometric samples, with their modality (sorted by id).

    An ID-card portrait or a register's reference photo that is an input of a derivation at a matching
    element is processed to identify a face (GDPR Recital 51, CN-FRT), and one that declares a `modality`
    says so itself: the rules, the legal scope and every count of biometric data treat it as biometric.
    """
    data = {d.id: d for d in model.data}
    compared: dict[str, Modality] = {}
    for element in model.elements:
        if element.matching is Matching.NONE:
            continue
        for derivation in element.derives:
            inputs = [data[i] for i in derivation.inputs if i in data]
            modality = next((d.modality for d in inputs if d.is_biometric and d.modality), Modality.FACE)
            for item in inputs:
                if item.category is DataCategory.DOCUMENT_IMAGE:
                    compared.setdefault(item.id, modality)
    for item in model.data:
        if item.category is DataCategory.DOCUMENT_IMAGE and item.modality is not None:
            compared.setdefault(item.id, item.modality)  # declared: its portrait is face data
    return dict(sorted(compared.items()))


def biometric_ids(model: Model) -> set[str]:
    """Ids of the data items the audit reads as biometric: biometric categories and compared portraits."""
    return {d.id for d in model.data if d.is_biometric} | set(compared_portraits(model))
