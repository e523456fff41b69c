"""The schema's enumerations: element types, data categories, modalities, protections, roles and bases."""

from __future__ import annotations

from enum import StrEnum


class ElementType(StrEnum):
    ACTOR = "actor"
    PROCESS = "process"
    STORE = "store"
    DEVICE = "device"
    EXTERNAL = "external"


class DataCategory(StrEnum):
    BIOMETRIC_SAMPLE = "biometric_sample"
    BIOMETRIC_TEMPLATE = "biometric_template"
    DOCUMENT_IMAGE = "document_image"
    IDENTIFIER = "identifier"
    NATIONAL_ID = "national_id"
    DOCUMENT_NUMBER = "document_number"
    DRIVER_LICENCE = "driver_licence"
    PHONE_NUMBER = "phone_number"
    QUASI_IDENTIFIER = "quasi_identifier"
    CREDENTIAL = "credential"
    CONTACT = "contact"
    BEHAVIOURAL = "behavioural"
    OTHER = "other"


BIOMETRIC_CATEGORIES = frozenset({DataCategory.BIOMETRIC_SAMPLE, DataCategory.BIOMETRIC_TEMPLATE})
#: Identifiers of a person: the generic one and its specific kinds (which an identity-theft kit is made of).
IDENTIFIER_CATEGORIES = frozenset(
    {
        DataCategory.IDENTIFIER,
        DataCategory.NATIONAL_ID,
        DataCategory.DOCUMENT_NUMBER,
        DataCategory.DRIVER_LICENCE,
        DataCategory.PHONE_NUMBER,
    }
)


class Modality(StrEnum):
    FACE = "face"
    FINGERPRINT = "fingerprint"
    IRIS = "iris"
    VOICE = "voice"
    PALM = "palm"
    VEIN = "vein"
    GAIT = "gait"
    SIGNATURE = "signature"
    DNA = "dna"


class TemplateProtection(StrEnum):
    """How a stored template resists inversion and cross-database linkage (ISO/IEC 24745)."""

    NONE = "none"
    ENCRYPTED = "encrypted"  # reversible with the key: confidentiality only
    CANCELABLE = "cancelable"  # irreversible transform, renewable
    HOMOMORPHIC = "homomorphic"
    FUZZY_COMMITMENT = "fuzzy-commitment"
    SECURE_ELEMENT = "secure-element"


IRREVERSIBLE_PROTECTION = frozenset(
    {
        TemplateProtection.CANCELABLE,
        TemplateProtection.HOMOMORPHIC,
        TemplateProtection.FUZZY_COMMITMENT,
        TemplateProtection.SECURE_ELEMENT,
    }
)


class Authentication(StrEnum):
    NONE = "none"
    ONE_WAY = "one-way"
    MUTUAL = "mutual"


class ActorRole(StrEnum):
    """What kind of person an actor is; insiders and vendors are who can sell data in bulk."""

    DATA_SUBJECT = "data-subject"
    STAFF = "staff"
    OPERATOR = "operator"
    OFFICIAL = "official"
    VENDOR = "vendor"
    PUBLIC = "public"
    OTHER = "other"


class Matching(StrEnum):
    """Biometric comparison a process performs: 1:1 verification or 1:N identification."""

    NONE = "none"
    VERIFY = "one-to-one"
    IDENTIFY = "one-to-many"


class Capture(StrEnum):
    """How a biometric is captured at this element, which decides presentation and injection risk."""

    NONE = "none"
    ATTENDED = "attended"  # an operator watches the subject at the sensor
    UNATTENDED = "unattended"  # a kiosk, gate or street camera
    REMOTE = "remote"  # on the subject's own device (app, web page)


class ConsentKind(StrEnum):
    NONE = "none"
    BUNDLED = "bundled"
    SEPARATE = "separate"
    WRITTEN = "written"


class OrgRole(StrEnum):
    """What an organisation is for the personal data it touches (GDPR terms; PIPL terms in brackets)."""

    CONTROLLER = "controller"  # personal information handler
    PROCESSOR = "processor"  # entrusted party, acting for a named controller
    JOINT_CONTROLLER = "joint-controller"  # joint handlers deciding purposes together
    RECIPIENT = "recipient"  # an independent controller the data are disclosed to
    STATE_ORGAN = "state-organ"  # a public authority receiving data under a statute


class AgreementKind(StrEnum):
    DATA_PROCESSING_AGREEMENT = "data-processing-agreement"  # GDPR Art. 28, PIPL Art. 21
    STANDARD_CONTRACTUAL_CLAUSES = "standard-contractual-clauses"  # GDPR Art. 46(2)(c)
    CAC_STANDARD_CONTRACT = "cac-standard-contract"  # PIPL Art. 38(1)(3)
    CAC_SECURITY_ASSESSMENT = "cac-security-assessment"  # PIPL Art. 38(1)(1), 40
    JOINT_CONTROLLER_ARRANGEMENT = "joint-controller-arrangement"  # GDPR Art. 26, PIPL Art. 20


class BasisKind(StrEnum):
    CONSENT = "consent"
    SEPARATE_CONSENT = "separate-consent"
    CONTRACT = "contract"
    LEGAL_OBLIGATION = "legal-obligation"
    PUBLIC_TASK = "public-task"
    VITAL_INTEREST = "vital-interest"
    LEGITIMATE_INTEREST = "legitimate-interest"  # GDPR Art. 6(1)(f) only; PIPL has no such basis
