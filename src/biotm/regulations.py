"""The regulation catalog: laws and standards at article level, with biotm's own short titles.

Ids are `LAW-ARTICLE` (`PIPL-28`, `GDPR-9`, `BIPA-15b`); a rule lists the ids it touches and a finding
carries them. The titles paraphrase what each article asks of a biometric system; they are summaries
for auditors, not the legal text. Where an article number is not settled (China's 2025 facial
recognition measures beyond Art. 4, 5 and 13) the id names the topic instead (`CN-FRT-consent`).

Each law declares where it applies (`SCOPES`): the places (zones' jurisdictions) that bring it in, and whether
data subjects located there do too (PIPL Art. 3(2), GDPR Art. 3(2)). Standards apply everywhere as good
practice. `biotm.legal.scope` filters a finding's citations with this table.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from biotm.legal.laws import ENTRIES, LAWS, MATTER, SCOPES, TRANSFER_IDS, Scope, law_of
from biotm.result import RegulationRef

__all__ = ["CATALOG", "LAWS", "MATTER", "SCOPES", "TRANSFER_IDS", "Scope", "law_of", "ordered", "refs", "resolve_law"]


def _build() -> dict[str, RegulationRef]:
    out: dict[str, RegulationRef] = {}
    for ref_id, law, article, title in ENTRIES:
        kind = SCOPES[law].kind
        out[ref_id] = RegulationRef(id=ref_id, law=LAWS[law], article=article, title=title, kind=kind)
    return out


#: regulation id -> reference.
CATALOG: dict[str, RegulationRef] = _build()


def ordered(ids: Iterable[str]) -> list[str]:
    """Regulation ids in catalog order (law, then article), unknown ids last in id order."""
    wanted = set(ids)
    known = [ref_id for ref_id in CATALOG if ref_id in wanted]
    return known + sorted(wanted - CATALOG.keys())


def refs(ids: Iterable[str]) -> list[RegulationRef]:
    """The catalog entries for `ids` in catalog order (law, then article); unknown ids raise KeyError."""
    wanted = set(ids)
    unknown = sorted(wanted - CATALOG.keys())
    if unknown:
        raise KeyError(unknown[0])
    return [ref for ref_id, ref in CATALOG.items() if ref_id in wanted]


#: Other names users type for a law.
_ALIASES = {
    "FRT": "CN-FRT",
    "NIST": "NIST-800-63",
    "AI-ACT": "AIACT",
    "EU-AI-ACT": "AIACT",
    "24745": "ISO-24745",
    "30107": "ISO-30107-3",
    "18099": "CEN-TS-18099",
    "CYBERSECURITY": "CSL",
    "ANTI-FRAUD": "ATFL",
    "CRIMINAL": "CNCL",
}


def resolve_law(name: str) -> str:
    """The law key for a user-typed name (`pipl`, `GDPR`, `frt`); ValueError with a suggestion."""
    wanted = name.strip().upper().replace(" ", "-").replace("/", "-").replace("_", "-")
    squeezed = wanted.replace("-", "")
    for law in LAWS:
        if squeezed == law.replace("-", ""):
            return law
    for alias, law in _ALIASES.items():
        if squeezed == alias.replace("-", ""):
            return law
    close = difflib.get_close_matches(wanted, [*LAWS, *_ALIASES], n=1)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    raise ValueError(f"unknown regulation '{name}' (known: {', '.join(LAWS)}){hint}")
