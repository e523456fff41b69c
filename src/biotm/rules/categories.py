"""How the rules read data items: personal, biometric, part of an identity kit, held for many people."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from biotm.model.schema import (
    BIOMETRIC_CATEGORIES,
    IDENTIFIER_CATEGORIES,
    IRREVERSIBLE_PROTECTION,
    ActorRole,
    DataCategory,
    DataItem,
    Modality,
    TemplateProtection,
)
from biotm.model.vocabulary import identifier_category_hint

#: "Many subjects": a store or flow that covers at least this many people is a bulk target.
MANY_SUBJECTS = 1000
#: National scale: a complete identity kit of this many people at rest unencrypted is critical.
NATIONAL_SCALE = 10_000_000

#: Data that identify a person directly (a face, an ID photo, an ID number).
IDENTITY_CATEGORIES = frozenset({*BIOMETRIC_CATEGORIES, DataCategory.DOCUMENT_IMAGE, *IDENTIFIER_CATEGORIES})


def _text(item: DataItem) -> str:
    return f"{item.id} {item.name or ''}".lower()


_KIT_ROLE_OF_CATEGORY = {
    DataCategory.NATIONAL_ID: "national-id",
    DataCategory.DOCUMENT_NUMBER: "national-id",
    DataCategory.DRIVER_LICENCE: "national-id",
    DataCategory.PHONE_NUMBER: "phone",
}


HINT_NAMES = {
    DataCategory.NATIONAL_ID: "national ID number",
    DataCategory.DOCUMENT_NUMBER: "document number",
    DataCategory.DRIVER_LICENCE: "driver-licence number",
    DataCategory.PHONE_NUMBER: "phone number",
}


def category_hint(item: DataItem) -> DataCategory | None:
    """The specific identifier category a generic item's words name (the kit_role fallback), or None."""
    if item.category not in (DataCategory.IDENTIFIER, DataCategory.CONTACT, DataCategory.QUASI_IDENTIFIER):
        return None
    hint = identifier_category_hint(_text(item))
    if hint is DataCategory.PHONE_NUMBER or (hint is not None and item.category is DataCategory.IDENTIFIER):
        return hint
    return None


def kit_role(item: DataItem) -> str | None:
    """Which part of an identity-theft kit an item is: 'face', 'national-id', 'phone' or None.

    The category decides. A generic `identifier`, `contact` or `quasi_identifier` whose words name a
    specific kind (model/vocabulary.py) still counts, with an `identifier-category-hint` warning: models
    written before the specific categories existed keep their kit (dropping it silently would lower their
    risk without any change to the system), and the warning tells the author what to declare.
    """
    if item.category is DataCategory.DOCUMENT_IMAGE:
        return "face"
    if item.category in BIOMETRIC_CATEGORIES and item.modality is Modality.FACE:
        return "face"
    role = _KIT_ROLE_OF_CATEGORY.get(item.category)
    if role is not None:
        return role
    hint = category_hint(item)
    if hint is not None:
        return _KIT_ROLE_OF_CATEGORY[hint]
    return None


KIT_PARTS = ("face", "national-id", "phone")


def is_personal(item: DataItem) -> bool:
    return item.category is not DataCategory.OTHER


def is_protected_biometric(item: DataItem) -> bool:
    """A template under irreversible protection: it neither inverts nor links."""
    return item.protection in IRREVERSIBLE_PROTECTION


def is_exposed_biometric(item: DataItem) -> bool:
    """Biometric data readable by whoever holds the bytes (no encryption or irreversible protection)."""
    return item.is_biometric and item.protection is TemplateProtection.NONE


INSIDER_ROLES = frozenset({ActorRole.STAFF, ActorRole.OPERATOR, ActorRole.OFFICIAL, ActorRole.VENDOR})


def max_subjects(items: Iterable[DataItem]) -> int:
    return max((item.subjects for item in items), default=0)


def kit_parts(items: Iterable[DataItem], role_of: Callable[[DataItem], str | None] = kit_role) -> dict[str, list[str]]:
    """Kit role -> ids of the items that fill it (`role_of`: `kit_role`, or a memo of it)."""
    parts: dict[str, list[str]] = {}
    for item in items:
        role = role_of(item)
        if role is not None:
            parts.setdefault(role, []).append(item.id)
    return parts
