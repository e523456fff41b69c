"""The shared vocabulary names identifier kinds by whole words only."""

from __future__ import annotations

import pytest

from biotm.model.schema import DataCategory
from biotm.model.vocabulary import identifier_category_hint


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Aadhaar number", DataCategory.NATIONAL_ID),
        ("id_number", DataCategory.NATIONAL_ID),
        ("Resident ID", DataCategory.NATIONAL_ID),
        ("CPF", DataCategory.NATIONAL_ID),
        ("Driver's licence number", DataCategory.DRIVER_LICENCE),
        ("driver_license", DataCategory.DRIVER_LICENCE),
        ("Passport number", DataCategory.DOCUMENT_NUMBER),
        ("mobile_number", DataCategory.PHONE_NUMBER),
        ("MSISDN", DataCategory.PHONE_NUMBER),
        ("Nikon camera settings", None),
        ("Cellar inventory", None),
        ("Customer invoices", None),
        ("Tinder profile", None),
    ],
)
def test_hint_matches_whole_words(text: str, expected: DataCategory | None) -> None:
    assert identifier_category_hint(text) is expected
