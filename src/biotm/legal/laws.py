"""The law and standard data behind the regulation catalogue: ids, articles, titles, scopes.

Plain data with no imports from the rest of biotm, so the model's reference checks can use it;
`biotm.regulations` builds the catalogue's records from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

#: law key (the id prefix) -> full name of the law or standard.
LAWS: dict[str, str] = {
    "PIPL": "China Personal Information Protection Law (2021)",
    "CN-FRT": "China Security Management Measures for Facial Recognition Technology (2025)",
    "CSL": "China Cybersecurity Law (2017)",
    "ATFL": "China Anti-Telecom and Online Fraud Law (2022)",
    "CNCL": "China Criminal Law",
    "MIIT": "MIIT notice on telephone-user real-name registration (2019)",
    "GDPR": "EU General Data Protection Regulation (2016/679)",
    "BIPA": "Illinois Biometric Information Privacy Act (740 ILCS 14)",
    "AIACT": "EU Artificial Intelligence Act (2024/1689)",
    "AMLD": "EU Anti-Money-Laundering Directive (2015/849)",
    "NIST-800-63": "NIST SP 800-63-4 Digital Identity Guidelines",
    "ISO-24745": "ISO/IEC 24745:2022 Biometric information protection",
    "ISO-30107-3": "ISO/IEC 30107-3 Presentation attack detection: testing and reporting",
    "CEN-TS-18099": "CEN/TS 18099:2024 Biometric data injection attack detection",
}

ENTRIES: tuple[tuple[str, str, str, str], ...] = (
    # (id, law key, article, short title)
    ("PIPL-6", "PIPL", "6", "A clear, reasonable purpose; collect only the minimum the purpose needs"),
    ("PIPL-10", "PIPL", "10", "No illegal collection, use, trading, provision or disclosure of personal information"),
    ("PIPL-13", "PIPL", "13", "A legal basis is needed: consent, a contract, a legal duty (13(1)(3)) or another"),
    ("PIPL-14", "PIPL", "14", "Consent is informed and specific; a changed purpose needs new consent"),
    ("PIPL-17", "PIPL", "17", "Before processing, tell people who processes what, why, how, how long; their rights"),
    ("PIPL-19", "PIPL", "19", "Keep personal information only as long as the purpose needs, unless a law sets a term"),
    ("PIPL-20", "PIPL", "20", "Joint handlers agree on their rights and duties and answer jointly"),
    ("PIPL-21", "PIPL", "21", "Entrusted processing needs a contract and supervision of the processor"),
    ("PIPL-23", "PIPL", "23", "Providing data to another handler needs notice of the recipient and separate consent"),
    ("PIPL-25", "PIPL", "25", "Publishing personal information needs separate consent"),
    ("PIPL-26", "PIPL", "26", "Image and identity recognition in public places only for public security, with signs"),
    ("PIPL-28", "PIPL", "28", "Biometrics and data of children under 14 are sensitive: specific purpose, necessity"),
    ("PIPL-29", "PIPL", "29", "Sensitive personal information needs separate consent"),
    ("PIPL-30", "PIPL", "30", "Tell the person why sensitive personal information is necessary and its impact"),
    ("PIPL-34", "PIPL", "34", "State organs process personal information only within their statutory powers"),
    ("PIPL-35", "PIPL", "35", "State organs give notice unless it would impede their statutory duties"),
    ("PIPL-38", "PIPL", "38", "Cross-border provision needs an assessment, certification or standard contract"),
    ("PIPL-39", "PIPL", "39", "Cross-border provision needs notice and separate consent"),
    ("PIPL-40", "PIPL", "40", "Critical operators and large handlers keep data in China unless assessed"),
    ("PIPL-51", "PIPL", "51", "Security measures: classification, encryption, access limits, training"),
    ("PIPL-55", "PIPL", "55", "A personal-information impact assessment before high-risk processing"),
    ("PIPL-56", "PIPL", "56", "What the impact assessment covers; keep it at least three years"),
    ("PIPL-57", "PIPL", "57", "On a leak: remedy at once and notify the regulator and the people affected"),
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
    ("CSL-24", "CSL", "24", "Real-name: network access and phone lines only for users giving their real identity"),
    ("CSL-28", "CSL", "28", "Network operators give technical support to public security and state security organs"),
    ("CSL-41", "CSL", "41", "Collect personal information lawfully, for a stated purpose, with consent and rules"),
    ("CSL-42", "CSL", "42", "No disclosure or provision to others without consent; protect against leaks"),
    ("CSL-43", "CSL", "43", "People may have unlawfully collected or wrong personal information deleted or fixed"),
    ("CSL-44", "CSL", "44", "No stealing, illegal obtaining, selling or providing of personal information"),
    ("ATFL-9", "ATFL", "9", "Telecom operators register phone users under their real names, agents included"),
    ("ATFL-10", "ATFL", "10", "A cap on phone cards per identity, a nationwide card-count check and query"),
    ("ATFL-11", "ATFL", "11", "Abnormal cards are re-verified before use continues"),
    ("CNCL-253-1", "CNCL", "253-1", "Selling or illegally providing citizens' personal information is a crime"),
    ("MIIT-2019", "MIIT", "notice", "Portrait comparison before a phone line is opened in physical channels"),
    ("GDPR-5", "GDPR", "5", "Purpose limitation, data minimisation and storage limitation"),
    ("GDPR-6", "GDPR", "6(1)", "A lawful basis: consent, contract, legal obligation, public task, legitimate interest"),
    ("GDPR-6-4", "GDPR", "6(4)", "A new purpose must be compatible with the one the data were collected for"),
    ("GDPR-9", "GDPR", "9", "Biometric data for unique identification are special-category data"),
    ("GDPR-13", "GDPR", "13", "Tell people at collection who processes their data, why, on what basis, for how long"),
    ("GDPR-25", "GDPR", "25", "Data protection by design and by default"),
    ("GDPR-26", "GDPR", "26", "Joint controllers set out their responsibilities in an arrangement"),
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
    ("AMLD-13", "AMLD", "13", "Customer due diligence: identify customers and verify their identity from documents"),
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


@dataclass(frozen=True)
class Scope:
    """Where a law applies: places (ISO 3166 codes or the groups EU / EEA) whose zones bring it in, and
    whether data subjects located there bring it in too. A standard applies everywhere as good practice."""

    kind: Literal["law", "standard"]
    places: tuple[str, ...] = ()
    subjects: bool = False
    basis: str = ""


#: law key -> territorial scope (docs/rules.md lists it).
SCOPES: dict[str, Scope] = {
    "PIPL": Scope("law", ("CN",), True, "processing in China, or of people in China (Art. 3)"),
    "CN-FRT": Scope("law", ("CN",), False, "face recognition used in China"),
    "CSL": Scope("law", ("CN",), False, "networks built, run or used in China (Art. 2)"),
    "ATFL": Scope("law", ("CN",), False, "telecom and online fraud in China"),
    "CNCL": Scope("law", ("CN",), False, "crimes committed in China (Art. 6)"),
    "MIIT": Scope("law", ("CN",), False, "phone lines sold by carriers in China"),
    "GDPR": Scope("law", ("EEA",), True, "an establishment in the EEA, or data subjects in the EU (Art. 3)"),
    "BIPA": Scope("law", ("US-IL",), True, "biometrics collected in Illinois or of people in Illinois"),
    "AIACT": Scope("law", ("EU",), True, "AI systems placed on the EU market or used in the EU (Art. 2)"),
    "AMLD": Scope("law", ("EEA",), False, "obliged entities (banks) in the EEA, through national law"),
    "NIST-800-63": Scope("standard", basis="good practice everywhere"),
    "ISO-24745": Scope("standard", basis="good practice everywhere"),
    "ISO-30107-3": Scope("standard", basis="good practice everywhere"),
    "CEN-TS-18099": Scope("standard", basis="good practice everywhere"),
}

#: Transfer rules: on a flow they apply by the exporting side's place alone (the importer's law is not asked).
TRANSFER_IDS = frozenset({"PIPL-38", "PIPL-39", "PIPL-40", "GDPR-44", "GDPR-45", "GDPR-46", "GDPR-49"})

#: Articles that yield where a law requires the processing: the CN face-recognition measures' duty to offer a
#: non-face alternative does not apply where laws or administrative regulations require face recognition.
YIELDS_TO_LAW = frozenset({"CN-FRT-alternative"})

#: What data an article or a whole law is about (an id entry wins over its law's): "biometric", "face",
#: "sensitive" (sensitive under that law: `biotm.legal.scope.sensitive`), "identifier" (biometric data other
#: than photographs: BIPA's "biometric identifiers do not include ... photographs", 740 ILCS 14/10, so a
#: store of ID portraits is not one; the face scan derived from them is). Others cover any personal data.
MATTER: dict[str, str] = {
    "BIPA": "identifier",
    "CN-FRT": "face",
    "AIACT": "biometric",
    "ISO-24745": "biometric",
    "ISO-30107-3": "biometric",
    "CEN-TS-18099": "biometric",
    "GDPR-9": "sensitive",
    "PIPL-28": "sensitive",
    "PIPL-29": "sensitive",
    "PIPL-30": "sensitive",
}


_LAW_OF: dict[str, str] = {ref_id: law for ref_id, law, _, _ in ENTRIES}
#: Every regulation id in the catalogue.
IDS = frozenset(_LAW_OF)


def law_of(ref_id: str) -> str:
    """The law key of a regulation id (`PIPL-28` -> `PIPL`)."""
    return _LAW_OF[ref_id]
