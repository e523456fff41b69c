"""Zones and the elements inside them: actors, processes, stores, devices and external systems."""

from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, Field

from biotm.model.fields import MAX_ITEMS, MAX_PEOPLE, Id, Strict
from biotm.model.kinds import ActorRole, Capture, ElementType, Matching
from biotm.model.verifiers import Verification


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
