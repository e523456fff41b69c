"""Words that name kinds of personal data: one vocabulary for the importers' guesses and the rules' hints.

Matching is on whole words (``\\bface\\b`` does not match "Surface" or "Interface"), after ``_`` and ``-``
are read as spaces. A model should say what an item is by its category; these words only guess a category
for an imported item, or hint that a generic ``identifier`` is probably a more specific one.
"""

from __future__ import annotations

import re

from biotm.model.schema import DataCategory

#: Specific identifier categories and the words that name them, most specific first.
IDENTIFIER_WORDS: tuple[tuple[DataCategory, tuple[str, ...]], ...] = (
    (
        DataCategory.DRIVER_LICENCE,
        (r"driv\w*(?:'s)?\s*licen[cs]e", r"driving\s*permit", r"\bdl\s*(?:number|no)"),
    ),
    (
        DataCategory.DOCUMENT_NUMBER,
        (r"passport\s*(?:number|no|nr)", r"document\s*(?:number|no|nr)", r"id\s*card\s*(?:number|no|nr)"),
    ),
    (
        DataCategory.NATIONAL_ID,
        (
            r"national\s*id",
            r"national\s*identi\w*",
            r"id\s*number",
            r"idnumber",
            r"identity\s*number",
            r"resident\s*id",
            r"citizen\s*id",
            r"\bssn\b",
            r"social\s*security",
            r"\baadhaar\b",
            r"\bnik\b",
            r"\bdni\b",
            r"\bcpf\b",
            r"\bnric\b",
            r"\bpesel\b",
            r"\bhkid\b",
            r"tax\s*id",
            r"\btin\b",
            r"personal\s*number",
            r"hukou",
        ),
    ),
    (
        DataCategory.PHONE_NUMBER,
        (r"\bphone\b", r"\bmobile\s*(?:number|no)", r"\bmsisdn\b", r"\bcell\s*(?:phone|number)", r"telephone"),
    ),
)

_COMPILED = tuple((category, tuple(re.compile(w) for w in words)) for category, words in IDENTIFIER_WORDS)


def normalise(text: str) -> str:
    """Lower case, with ``_`` and ``-`` read as word breaks."""
    return re.sub(r"[_\-]+", " ", text.lower())


def identifier_category_hint(text: str) -> DataCategory | None:
    """The specific identifier category that words in `text` name, or None."""
    words = normalise(text)
    for category, patterns in _COMPILED:
        if any(p.search(words) for p in patterns):
            return category
    return None
