"""The biotm model schema: zones, elements, data items, flows, attackers, verifiers and accepted risks.

Every class forbids unknown keys, so a typo in a model file is an error with a location, never a
silently ignored field. Cross-references (a flow's endpoints, a data item's id) are checked by
`biotm.model.references`, which knows where each reference stands in the file.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, StringConstraints, Tag, model_validator

#: Ids are short machine names: letters, digits, `_`, `-`, `.`, starting with a letter or digit.
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,127}$"
Id = Annotated[str, StringConstraints(pattern=ID_PATTERN)]

#: An evidence term or a granted capability: never empty (an empty term matched nothing and read as "no evidence").
Term = Annotated[str, StringConstraints(min_length=1)]

FORMAT_VERSION = 1

#: Upper bounds of counts, far above any real system and far below what breaks arithmetic: a count of
#: 4,000 digits overflowed every float it met. 10^10 is more people than live on Earth.
MAX_PEOPLE = 10_000_000_000
#: Items of a list inside one record (a flow's data; not the model's record lists, which the loader's caps bound:
#: a national model has more flows): far above any real record, low enough that a million wrong values is one problem.
MAX_ITEMS = 10_000
#: A century: "kept forever" in practice; longer is a typo or a hostile file.
MAX_RETENTION_DAYS = 36_525


class Strict(BaseModel):
    """Base for every schema class: unknown keys are errors, values are not coerced across kinds."""

    model_config = ConfigDict(extra="forbid", frozen=False, validate_default=True)


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


class Organisation(Strict):
    """An organisation named as a zone owner or element operator, with its role for the data."""

    name: str = Field(min_length=1, description="As written in zones' `owner` or elements' `operator`.")
    role: OrgRole
    controller: str | None = Field(default=None, description="For a processor: the controller it acts for.")
    authority: str | None = Field(
        default=None,
        description="For a state organ: the statute it receives data under (a regulation id like CSL-28, or a name).",
    )

    @model_validator(mode="after")
    def _controller_for_processors(self) -> Organisation:
        if self.role is OrgRole.PROCESSOR and self.controller is None:
            raise ValueError(f"processor '{self.name}' needs a 'controller' (the organisation it acts for)")
        if self.role is not OrgRole.PROCESSOR and self.controller is not None:
            raise ValueError(f"only a processor names a 'controller'; '{self.name}' is a {self.role.value}")
        return self


class Agreement(Strict):
    """Agreements in force between two organisations, valid for every flow between them."""

    between: list[str] = Field(min_length=2, max_length=2)
    kinds: list[AgreementKind] = Field(min_length=1)


class LegalBasis(Strict):
    """The legal basis of a processing: consent, a contract, a law that obliges it, ..."""

    basis: BasisKind
    law: str | None = Field(
        default=None, description="The law the basis rests on: a regulation id (ATFL-9, MIIT-2019) or its name."
    )
    purposes: list[str] = Field(
        default_factory=list,
        max_length=MAX_ITEMS,
        description="Purposes it covers; empty: the data item's own purposes.",
    )
    retention_days: int | None = Field(
        default=None, ge=0, le=MAX_RETENTION_DAYS, description="How long the law asks data to be kept."
    )


class PurposeBasis(LegalBasis):
    """A purpose's own basis (police queries under the Cybersecurity Law), for data collected for another."""

    purpose: str = Field(min_length=1)


class Zone(Strict):
    """A trust boundary owned by one organisation in one jurisdiction."""

    id: Id
    name: str | None = None
    description: str | None = None
    owner: str = Field(min_length=1, description="Organisation responsible for the zone.")
    jurisdiction: str = Field(
        pattern=r"^[A-Z]{2}(-[A-Z0-9]{1,3})?$",
        description="ISO 3166 country code, optionally with a subdivision (CN, US-IL).",
    )
    parent: Id | None = Field(default=None, description="Enclosing zone, if nested.")
    internet_facing: bool = Field(default=False, description="Reachable from the public internet.")
    public_place: bool = Field(default=False, description="Physically public: a shop floor, a street.")


class Derivation(Strict):
    """A process turns input data items into a new one (face image -> face template)."""

    inputs: list[Id] = Field(min_length=1, max_length=MAX_ITEMS, alias="from")
    output: Id = Field(alias="to")

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Requirement(Strict):
    """An AND/OR tree over evidence terms a verifier accepts.

    A term is a data item id, `live:<modality>` (a live presentation of the victim's biometric), or a
    capability that another verifier grants or an attacker starts with.
    """

    all: list[Requirement | Term] | None = Field(default=None, max_length=MAX_ITEMS)
    any: list[Requirement | Term] | None = Field(default=None, max_length=MAX_ITEMS)

    @model_validator(mode="after")
    def _one_operator(self) -> Requirement:
        if (self.all is None) == (self.any is None):
            raise ValueError("a requirement needs exactly one of 'all' or 'any'")
        terms = self.all if self.all is not None else self.any
        if not terms:
            raise ValueError("a requirement needs at least one term")
        return self

    def terms(self) -> list[str]:
        """Every leaf term in this tree, in file order."""
        out: list[str] = []
        for term in (self.all or []) + (self.any or []):
            out.extend([term] if isinstance(term, str) else term.terms())
        return out


class Verification(Strict):
    """An identity or credential this element grants on evidence (a SIM, an account, an OTP)."""

    id: Id
    action: str = Field(description="What is granted, in words: 'register a SIM in the applicant\\'s name'.")
    requires: Requirement | Term
    grants: list[Term] = Field(
        min_length=1, max_length=MAX_ITEMS, description="Capabilities or data item ids obtained on success."
    )
    high_assurance: bool = Field(default=True, description="Grants money, identity or account control.")
    second_factor: bool = Field(default=False, description="A non-biometric factor is also checked.")


class Element(Strict):
    """An actor, process, store, device or external system inside one zone."""

    id: Id
    type: ElementType
    name: str | None = None
    description: str | None = None
    zone: Id
    purpose: str | None = Field(default=None, description="What it is for: identity-verification, …")
    controls: list[Id] = Field(default_factory=list, max_length=MAX_ITEMS)
    holds: list[Id] = Field(
        default_factory=list,
        max_length=MAX_ITEMS,
        description="Data items present here from the start: a person's own face, a preloaded register.",
    )
    derives: list[Derivation] = Field(default_factory=list, max_length=MAX_ITEMS)
    discards: list[Id] = Field(
        default_factory=list,
        max_length=MAX_ITEMS,
        description="Inputs deleted right after processing (not kept at rest).",
    )
    # Actors
    role: ActorRole | None = None
    people: int | None = Field(
        default=None, ge=0, le=MAX_PEOPLE, description="How many people hold this role."
    )
    # Biometric processing
    matching: Matching = Matching.NONE
    capture: Capture = Capture.NONE
    subject_controlled: bool = Field(
        default=False, description="The data subject (or a thief) controls this device or software."
    )
    operator: str | None = Field(
        default=None,
        description="Organisation whose software this is when it is not the zone's owner: a bank's app on a "
        "customer's phone. Its flows count as that organisation's for disclosures.",
    )
    returns: Literal["decision", "score", "record"] | None = Field(
        default=None, description="What a verification service answers: decision only, score, or a record."
    )
    verifies: list[Verification] = Field(default_factory=list, max_length=MAX_ITEMS)
    console: bool = Field(
        default=False,
        description="Serves an administrative console or dashboard over its data (a web admin page, Kibana).",
    )
    # Credentials and replicas (docs/model-format.md, "Credentials" and "Many instances of one element")
    logins: list[Id] = Field(
        default_factory=list,
        max_length=MAX_ITEMS,
        description="Credential data items whose holder can log in here: a staff portal login, a VPN account.",
    )
    instances: int | None = Field(
        default=None,
        ge=1,
        le=10**10,
        description="How many copies this element stands for (150,000 shop terminals); one by default.",
    )
    per_subject: bool | None = Field(
        default=None,
        description="One instance per data subject (each subject's own phone); default: subject_controlled.",
    )


class DataItem(Strict):
    """A kind of data that flows and rests: a face image, an ID number, an OTP."""

    id: Id
    name: str | None = None
    description: str | None = None
    category: DataCategory
    modality: Modality | None = None
    subjects: int = Field(default=1, ge=0, le=MAX_PEOPLE, description="Number of data subjects this item covers.")
    possession: bool = Field(default=False, description="Read from a token the person presents: a passport chip.")
    revocable: bool | None = Field(
        default=None, description="Can it be reset after a leak? Defaults to false for biometrics."
    )
    protection: TemplateProtection = TemplateProtection.NONE
    purposes: list[str] = Field(
        default_factory=list, max_length=MAX_ITEMS, description="Purposes it was collected for."
    )
    retention_days: int | None = Field(default=None, ge=0, le=MAX_RETENTION_DAYS)
    consent: ConsentKind | None = None
    minors: bool = Field(default=False, description="Includes children under 14.")
    public: bool = Field(default=False, description="Anyone can obtain it (a face on social media, a published list).")
    basis: LegalBasis | None = Field(default=None, description="Legal basis of collecting it.")
    subject_jurisdictions: list[str] = Field(
        default_factory=list,
        max_length=MAX_ITEMS,
        description="Where its data subjects are (ISO 3166 codes); default: where it is collected.",
    )

    @model_validator(mode="after")
    def _biometric_facts(self) -> DataItem:
        if self.category in BIOMETRIC_CATEGORIES and self.modality is None:
            raise ValueError(f"biometric data item '{self.id}' needs a 'modality' (face, fingerprint, …)")
        return self

    @property
    def is_biometric(self) -> bool:
        return self.category in BIOMETRIC_CATEGORIES

    @property
    def is_revocable(self) -> bool:
        if self.revocable is not None:
            return self.revocable
        # A phone number, a passport or licence number can be reissued; a national ID number cannot.
        return not self.is_biometric and self.category not in (
            DataCategory.DOCUMENT_IMAGE,
            DataCategory.IDENTIFIER,
            DataCategory.NATIONAL_ID,
        )


class Flow(Strict):
    """Data moving from one element to another."""

    id: Id
    name: str | None = None
    description: str | None = None
    source: Id
    target: Id
    data: list[Id] = Field(default_factory=list, max_length=MAX_ITEMS)
    protocol: str | None = None
    encrypted: bool = False
    authentication: Authentication = Authentication.NONE
    controls: list[Id] = Field(default_factory=list, max_length=MAX_ITEMS)


class Attacker(Strict):
    """Someone who wants the data: where they start, what they can do, what they already hold."""

    id: Id
    name: str | None = None
    description: str | None = None
    kind: Literal["outsider", "insider", "vendor", "thief", "fraudster", "other"] = "other"
    entry: list[str] = Field(
        default_factory=list,
        max_length=MAX_ITEMS,
        description="Element or zone ids, or 'internet' / 'public-place' for every such zone.",
    )
    capabilities: list[str] = Field(default_factory=list, max_length=MAX_ITEMS)
    holds: list[Id] = Field(
        default_factory=list, max_length=MAX_ITEMS, description="Data items they start with (a bought leak)."
    )
    skill: float = Field(default=0.5, ge=0.0, le=1.0, description="0 casual .. 1 nation-state.")


TrackingStatus = Literal["accepted", "false-positive", "in-progress", "mitigated"]


class Accepted(Strict):
    """How the owner tracks a finding: accepted until a date, a false positive, a fix in progress, or mitigated.

    Each status needs its own evidence: an acceptance a justification and an expiry date, a false positive a
    justification, a fix in progress a ticket and a due date, a mitigation the control now in place.
    """

    rule: str
    place: str = Field(description="Element or flow id, 'source>flow>target', or a finding group's id.")
    status: TrackingStatus = "accepted"
    justification: str | None = Field(default=None, min_length=1)
    owner: str = Field(min_length=1)
    expires: dt.date | None = Field(default=None, description="An acceptance ends here; a false positive is reviewed.")
    ticket: str | None = Field(default=None, min_length=1, description="Tracker reference of a fix in progress.")
    due: dt.date | None = Field(default=None, description="When a fix in progress is due; overdue counts as open.")
    control: Id | None = Field(default=None, description="Control a mitigation put in place, checked in the model.")

    @model_validator(mode="after")
    def _evidence_for_status(self) -> Accepted:
        needs = {
            "accepted": ("justification", "expires"),
            "false-positive": ("justification",),
            "in-progress": ("ticket", "due"),
            "mitigated": ("control",),
        }[self.status]
        missing = [name for name in needs if getattr(self, name) is None]
        if missing:
            raise ValueError(f"status '{self.status}' needs {' and '.join(repr(m) for m in missing)}")
        return self


class Threat(Strict):
    """A threat written by hand or imported from another tool, carried into the report as a finding."""

    id: Id
    title: str
    description: str | None = None
    place: str
    severity: Literal["critical", "high", "medium", "low", "info"] = "medium"
    status: Literal["open", "mitigated", "accepted"] = "open"
    categories: list[str] = Field(default_factory=list, max_length=MAX_ITEMS)
    mitigation: str | None = None
    source: str | None = Field(default=None, description="Tool the threat came from.")


#: The largest cost in person-days a setting may give one control at one place (about 40 working years).
MAX_COST_DAYS = 10_000.0
#: A cost: positive and finite (a free or negative control would buy unbounded risk reduction).
CostDays = Annotated[float, Field(gt=0, le=MAX_COST_DAYS, allow_inf_nan=False, strict=True)]
#: A cost's scaling part: zero or more, finite.
CostRate = Annotated[float, Field(ge=0, le=MAX_COST_DAYS, allow_inf_nan=False, strict=True)]
#: The attack steps and thresholds `settings.step_probability` may set (defaults in biotm.analysis.numbers,
#: which a test keeps equal to this list; named here so validating a model imports no analysis).
ATTACK_STEPS = frozenset(
    {
        "eavesdrop", "inject-operated", "inject-remote", "inject-terminal", "insider-abuse", "internet-reach",
        "internet-reach-open", "knowledge-check", "lateral", "login", "login-mfa", "min-chain-likelihood",
        "min-probability", "physical-reach", "present-attended", "present-remote", "present-unattended", "response",
        "second-factor-step", "template-inversion", "template-inversion-protected", "zone-reach",
    }
)
#: A probability or a fraction removed, in [0, 1].
Unit = Annotated[float, Field(ge=0, le=1, allow_inf_nan=False, strict=True)]


class CostModel(Strict):
    """What adding one control at one place costs: a fixed part plus parts that scale with the place."""

    fixed: CostDays
    per_million_records: CostRate = Field(default=0.0, description="Per million data subjects' records at rest.")
    per_instance: CostRate = Field(default=0.0, description="Per instance of a replicated element beyond the first.")
    per_flow: CostRate = Field(default=0.0, description="Per flow touching the place (integrations to change).")
    per_thousand_users: CostRate = Field(default=0.0, description="Per thousand staff accounts reading or writing it.")


def _cost_kind(value: object) -> str:
    return "model" if isinstance(value, (dict, CostModel)) else "flat"


#: A flat cost or a cost model; the discriminator keeps a mistake in one reported once, not once per kind.
CostSetting = Annotated[
    Annotated[CostDays, Tag("flat")]
    | Annotated[CostModel, Tag("model")],
    Discriminator(_cost_kind),
]


class Settings(Strict):
    """Overrides for the analysis numbers; every default is documented in docs/."""

    control_cost_days: dict[str, CostSetting] = Field(
        default_factory=dict,
        description="Per control: a flat cost in person-days per place, or a cost model (fixed + scaling parts).",
    )
    step_probability: dict[str, Unit] = Field(default_factory=dict)
    control_effect: dict[str, Unit] = Field(default_factory=dict)


class Meta(Strict):
    name: str = Field(min_length=1)
    description: str | None = None
    version: str | None = None
    authors: list[str] = Field(default_factory=list, max_length=MAX_ITEMS)
    assumptions: list[str] = Field(default_factory=list, max_length=MAX_ITEMS)


class Model(Strict):
    """A whole biotm model file."""

    biotm: Literal[1] = Field(default=1, description="Model format version.")
    meta: Meta
    zones: list[Zone] = Field(min_length=1)
    elements: list[Element] = Field(min_length=1)
    data: list[DataItem] = Field(default_factory=list)
    flows: list[Flow] = Field(default_factory=list)
    attackers: list[Attacker] = Field(default_factory=list)
    accepted: list[Accepted] = Field(default_factory=list)
    threats: list[Threat] = Field(default_factory=list)
    settings: Settings = Field(default_factory=Settings)
    organisations: list[Organisation] = Field(default_factory=list)
    agreements: list[Agreement] = Field(default_factory=list)
    bases: list[PurposeBasis] = Field(default_factory=list)


Requirement.model_rebuild()
