"""The regulation catalog: laws and standards at article level, with biotm's own short titles.

Ids are `LAW-ARTICLE` (`PIPL-28`, `GDPR-9`, `BIPA-15b`); a rule lists the ids it touches and a finding
carries them. The titles paraphrase what each article asks of a biometric system; they are summaries
for auditors, not the legal text. Where an article number is not settled (China's 2025 facial
recognition measures beyond Art. 4, 5 and 13) the id names the topic instead (`CN-FRT-consent`).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from biotm.result import RegulationRef

#: law key (the id prefix) -> full name of the law or standard.
LAWS: dict[str, str] = {
    "PIPL": "China Personal Information Protection Law (2021)",
    "CN-FRT": "China Security Management Measures for Facial Recognition Technology (2025)",
    "GDPR": "EU General Data Protection Regulation (2016/679)",
    "BIPA": "Illinois Biometric Information Privacy Act (740 ILCS 14)",
    "AIACT": "EU Artificial Intelligence Act (2024/1689)",
    "NIST-800-63": "NIST SP 800-63-4 Digital Identity Guidelines",
    "ISO-24745": "ISO/IEC 24745:2022 Biometric information protection",
    "ISO-30107-3": "ISO/IEC 30107-3 Presentation attack detection: testing and reporting",
    "CEN-TS-18099": "CEN/TS 18099:2024 Biometric data injection attack detection",
}

_ENTRIES: tuple[tuple[str, str, str, str], ...] = (
    # (id, law key, article, short title)
    ("PIPL-13", "PIPL", "13", "A legal basis, usually consent, is needed to process personal information"),
    ("PIPL-21", "PIPL", "21", "Entrusted processing needs a contract and supervision of the processor"),
    ("PIPL-23", "PIPL", "23", "Providing data to another handler needs notice of the recipient and separate consent"),
    ("PIPL-25", "PIPL", "25", "Publishing personal information needs separate consent"),
    ("PIPL-26", "PIPL", "26", "Image and identity recognition in public places only for public security, with signs"),
    ("PIPL-28", "PIPL", "28", "Biometrics and data of children under 14 are sensitive: specific purpose, necessity"),
    ("PIPL-29", "PIPL", "29", "Sensitive personal information needs separate consent"),
    ("PIPL-38", "PIPL", "38", "Cross-border provision needs an assessment, certification or standard contract"),
    ("PIPL-39", "PIPL", "39", "Cross-border provision needs notice and separate consent"),
    ("PIPL-40", "PIPL", "40", "Critical operators and large handlers keep data in China unless assessed"),
    ("PIPL-51", "PIPL", "51", "Security measures: classification, encryption, access limits, training"),
    ("PIPL-55", "PIPL", "55", "A personal-information impact assessment before high-risk processing"),
    ("PIPL-56", "PIPL", "56", "What the impact assessment covers; keep it at least three years"),
    ("CN-FRT-4", "CN-FRT", "4", "Facial recognition only for a specific purpose with sufficient necessity"),
    ("CN-FRT-5", "CN-FRT", "5", "Full notice of handler, purpose, method, retention and rights"),
    ("CN-FRT-13", "CN-FRT", "13", "Public-place face recognition only for public security, with prominent signs"),
    ("CN-FRT-consent", "CN-FRT", "consent", "Separate, withdrawable consent; guardian consent under 14"),
    (
        "CN-FRT-device-storage",
        "CN-FRT",
        "device-storage",
        "Face data stay on the device, not sent over the internet without consent",
    ),
    ("CN-FRT-retention", "CN-FRT", "retention", "Keep face data for the shortest time needed"),
    ("CN-FRT-alternative", "CN-FRT", "alternative", "Face recognition must not be the only way when other means serve"),
    ("CN-FRT-assessment", "CN-FRT", "assessment", "An impact assessment before processing face data"),
    (
        "CN-FRT-security",
        "CN-FRT",
        "security",
        "Encryption, audit, access control and intrusion prevention for face data",
    ),
    ("CN-FRT-filing", "CN-FRT", "filing", "File with the provincial CAC on reaching 100,000 people's face data"),
    ("GDPR-5", "GDPR", "5", "Purpose limitation, data minimisation and storage limitation"),
    ("GDPR-9", "GDPR", "9", "Biometric data for unique identification are special-category data"),
    ("GDPR-25", "GDPR", "25", "Data protection by design and by default"),
    ("GDPR-28", "GDPR", "28", "Processors only under a contract with sufficient guarantees"),
    ("GDPR-32", "GDPR", "32", "Security of processing: encryption, pseudonymisation, access control"),
    ("GDPR-35", "GDPR", "35", "A DPIA before large-scale processing of special-category data"),
    ("GDPR-44", "GDPR", "44", "Transfers outside the EU only under Chapter V"),
    ("GDPR-45", "GDPR", "45", "Transfers on the basis of an adequacy decision"),
    ("GDPR-46", "GDPR", "46", "Transfers subject to appropriate safeguards (standard clauses)"),
    ("GDPR-49", "GDPR", "49", "Derogations for specific transfer situations"),
    ("BIPA-15a", "BIPA", "15(a)", "A public retention schedule; destroy within three years of the last interaction"),
    ("BIPA-15b", "BIPA", "15(b)", "Written notice of purpose and term, and a written release, before collection"),
    ("BIPA-15c", "BIPA", "15(c)", "No selling, leasing, trading or otherwise profiting from biometrics"),
    ("BIPA-15d", "BIPA", "15(d)", "No disclosure of biometrics without consent or a legal requirement"),
    ("BIPA-15e", "BIPA", "15(e)", "Store and transmit biometrics with a reasonable standard of care"),
    ("AIACT-5", "AIACT", "5", "Prohibited: untargeted face scraping, real-time remote identification in public"),
    ("AIACT-AnnexIII-1", "AIACT", "Annex III(1)", "High-risk: remote biometric identification (1:N), categorisation"),
    ("NIST-800-63A", "NIST-800-63", "63A", "Identity proofing: consent, retention, PAD for remote capture"),
    (
        "NIST-800-63B",
        "NIST-800-63",
        "63B",
        "Authentication: biometrics only with a possession factor, local comparison",
    ),
    ("ISO-24745", "ISO-24745", "24745", "Biometric information protection: irreversible, unlinkable, renewable"),
    ("ISO-30107-3", "ISO-30107-3", "30107-3", "Presentation-attack detection tested and reported (APCER, BPCER)"),
    ("CEN-TS-18099", "CEN-TS-18099", "18099", "Injection-attack detection for virtual cameras and injected media"),
)


def _build() -> dict[str, RegulationRef]:
    out: dict[str, RegulationRef] = {}
    for ref_id, law, article, title in _ENTRIES:
        out[ref_id] = RegulationRef(id=ref_id, law=LAWS[law], article=article, title=title)
    return out


#: regulation id -> reference.
CATALOG: dict[str, RegulationRef] = _build()
_LAW_OF: dict[str, str] = {ref_id: law for ref_id, law, _, _ in _ENTRIES}


def law_of(ref_id: str) -> str:
    """The law key of a regulation id (`PIPL-28` -> `PIPL`)."""
    return _LAW_OF[ref_id]


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
