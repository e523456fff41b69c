"""Data categories guessed from the names and tags other tools give their data items."""

from __future__ import annotations

import re
from collections.abc import Iterable

from biotm.model.schema import DataCategory, Modality
from biotm.model.vocabulary import IDENTIFIER_WORDS, normalise


def _words(*patterns: str) -> re.Pattern[str]:
    """One pattern matching any of `patterns` as whole words ("face" never matches "Surface")."""
    return re.compile(r"\b(?:" + "|".join(patterns) + r")\b")


_MODALITY_WORDS: tuple[tuple[re.Pattern[str], Modality], ...] = (
    (_words(r"finger\s*prints?", r"fingers?", r"dactyl\w*", r"minutiae"), Modality.FINGERPRINT),
    (_words(r"iris(?:es)?", r"retinas?", r"retinal"), Modality.IRIS),
    (_words(r"voices?", r"voiceprints?", r"speech", r"speaker\s*(?:recognition|verification)"), Modality.VOICE),
    (_words(r"palms?", r"palm\s*prints?"), Modality.PALM),
    (_words(r"veins?"), Modality.VEIN),
    (_words(r"gait"), Modality.GAIT),
    (_words(r"signatures?"), Modality.SIGNATURE),
    (_words(r"dna"), Modality.DNA),
    (_words(r"faces?", r"facial", r"selfies?", r"portraits?", r"liveness", r"faceprints?"), Modality.FACE),
)
_TEMPLATE = _words(
    r"templates?",
    r"embeddings?",
    r"feature\s*vectors?",
    r"faceprints?",
    r"voiceprints?",
    r"minutiae",
    r"biometric\s*hash(?:es)?",
)
_BIOMETRIC = _words(r"biometrics?")
_DOCUMENT = _words(
    r"id\s*cards?",
    r"identity\s*cards?",
    r"identity\s*documents?",
    r"passports?",
    r"driv\w*(?:'s)?\s*licen[cs]es?",
    r"kyc",
)
#: Whole-word versions of the shared vocabulary's identifier words, most specific category first.
_IDENTIFIER_HINTS: tuple[tuple[DataCategory, re.Pattern[str]], ...] = tuple(
    (category, _words(*(w.replace(r"\b", "") for w in patterns))) for category, patterns in IDENTIFIER_WORDS
)
_IDENTIFIER = _words(r"identifiers?", r"account\s*(?:number|id)s?", r"customer\s*(?:number|id)s?", r"user\s*ids?")
_CONTACT = _words(r"e?\s*mail(?:s|\s*address(?:es)?)?", r"postal", r"address(?:es)?", r"contacts?")
_CREDENTIAL = _words(
    r"otps?",
    r"one\s*time\s*(?:password|code)s?",
    r"passwords?",
    r"passcodes?",
    r"pins?",
    r"credentials?",
    r"secrets?",
    r"tokens?",
    r"api\s*keys?",
    r"sessions?",
    r"private\s*keys?",
)
_BEHAVIOURAL = _words(
    r"locations?", r"gps", r"geo\s*locations?", r"geolocation", r"movements?", r"travel", r"trajector(?:y|ies)"
)
_IMAGE = _words(r"scans?", r"photos?", r"images?", r"pictures?", r"copy", r"copies", r"front", r"back")
_GENERIC: tuple[tuple[re.Pattern[str], DataCategory], ...] = (
    (_IDENTIFIER, DataCategory.IDENTIFIER),
    (_CREDENTIAL, DataCategory.CREDENTIAL),
    (_CONTACT, DataCategory.CONTACT),
    (_BEHAVIOURAL, DataCategory.BEHAVIOURAL),
)


def _modality(words: str) -> Modality | None:
    return next((m for pattern, m in _MODALITY_WORDS if pattern.search(words)), None)


def guess_category(
    name: str, tags: Iterable[str] = (), description: str = ""
) -> tuple[DataCategory, Modality | None, bool] | None:
    """(category, modality, modality_guessed) for a data item named `name`, or None when unclear.

    Only whole words of the name and tags decide; the description is used only to find the modality
    of something the name already calls biometric. A bare 'biometric' item gets modality face, flagged
    as a guess. Identity numbers map to the specific categories of the shared vocabulary.
    """
    words = normalise(" ".join([name, *(str(t) for t in tags)]))
    modality = _modality(words)
    biometric = _BIOMETRIC.search(words) is not None
    if modality is Modality.SIGNATURE and not biometric:
        modality = None  # a 'signature' is usually a cryptographic one
    if biometric or modality is not None:
        guessed = False
        if modality is None:
            modality = _modality(normalise(description))
            if modality is None:
                modality, guessed = Modality.FACE, True
        category = DataCategory.BIOMETRIC_TEMPLATE if _TEMPLATE.search(words) else DataCategory.BIOMETRIC_SAMPLE
        return category, modality, guessed
    hint = next((category for category, pattern in _IDENTIFIER_HINTS if pattern.search(words)), None)
    if _DOCUMENT.search(words) and _IMAGE.search(words):
        return DataCategory.DOCUMENT_IMAGE, None, False
    if hint is not None and hint is not DataCategory.PHONE_NUMBER:
        return hint, None, False
    if _DOCUMENT.search(words):
        return DataCategory.DOCUMENT_IMAGE, None, False
    if hint is not None:
        return hint, None, False
    for pattern, category in _GENERIC:
        if pattern.search(words):
            return category, None, False
    return None
