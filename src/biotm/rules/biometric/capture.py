"""Capture and comparison: spoofing at the sensor, injected media, surveillance in public (consent: consent.py)."""

from __future__ import annotations

from collections.abc import Iterator

from biotm.model.schema import (
    IDENTIFIER_CATEGORIES,
    ActorRole,
    Capture,
    DataCategory,
    Element,
    ElementType,
    Flow,
    Matching,
    Modality,
)
from biotm.result import Factor
from biotm.rules.base import ControlPlace, Hit, RuleContext, names, people
from biotm.rules.evidence import listed as listed  # re-exported for linddun (one import line there)
from biotm.rules.registry import rule

FAMILY = "biometric"

#: Traits a camera or microphone picks up at a distance, without the person taking part (a fingerprint
#: reader on a wall identifies only those who touch it).
REMOTE_MODALITIES = frozenset({Modality.FACE, Modality.GAIT, Modality.VOICE})

CAPTURE_LIKELIHOOD = {
    Capture.ATTENDED: Factor(reason="attended capture: an operator watches the sensor", effect=-0.15),
    Capture.UNATTENDED: Factor(reason="unattended capture (kiosk, gate, camera)", effect=0.1),
    Capture.REMOTE: Factor(reason="remote capture on the subject's own device", effect=0.2),
}


#: How far upstream (in flows) a live verification's capture point is looked for; the chain solver's
#: CAPTURE_SEARCH_DEPTH, so the finding sits where the chains say the presentation is faked.
CAPTURE_SEARCH_DEPTH = 3


def _live_modalities(element: Element) -> set[str]:
    """Modalities of the live presentations the element's verifications accept (they grant the presenter)."""
    found: set[str] = set()
    for verification in element.verifies:
        requires = verification.requires
        for term in [requires] if isinstance(requires, str) else requires.terms():
            if term.startswith("live:"):
                found.add(term.removeprefix("live:"))
    return found


def _capture_points(ctx: RuleContext, element: Element) -> list[Element]:
    """The element itself if it captures, else the capture devices up to a few flows upstream.

    The search does not pass through another verifier of live presentations: the captures behind it are
    its own (a national comparison service answering every province's real-name system does not make every
    terminal in the country a capture point of every province's verifier).
    """
    if element.capture is not Capture.NONE:
        return [element]
    graph = ctx.graph
    found: list[Element] = []
    seen = {element.id}
    frontier = [element.id]
    for _ in range(CAPTURE_SEARCH_DEPTH):
        step: list[str] = []
        for node in frontier:
            for flow in graph.inbound.get(node, []):
                if flow.source in seen:
                    continue
                seen.add(flow.source)
                upstream = graph.elements[flow.source]
                if upstream.capture is not Capture.NONE:
                    found.append(upstream)
                elif upstream.type is not ElementType.ACTOR and not _live_modalities(upstream):
                    step.append(flow.source)
        frontier = step
    return sorted(found, key=lambda e: e.id)


def live_captures(ctx: RuleContext) -> dict[str, list[str]]:
    """Capture point -> the verifiers it feeds that grant something on a live presentation.

    Presentation and injection attacks matter only there: a 1:N street camera, a background check or a
    sign-in kiosk that grants the person in front of it nothing has no presenter to fool. A verifier with no
    modelled capture point is its own capture point.
    """
    out: dict[str, list[str]] = {}
    for element in ctx.graph.model.elements:
        if element.type is ElementType.ACTOR or not _live_modalities(element):
            continue
        for point in _capture_points(ctx, element) or [element]:
            out.setdefault(point.id, []).append(element.id)
    return {point: sorted(set(verifiers)) for point, verifiers in sorted(out.items())}


@rule(
    id="bio-no-pad",
    title="Live verification without presentation-attack detection",
    description="A capture point feeds a verification that grants something (a SIM, an account, a door) on a "
    "live biometric, and neither it nor the verifier detects presentation attacks tested to ISO/IEC 30107-3, "
    "so a printed photo, a screen replay or a mask passes (Kneron masks, Quzhou 3D heads). Reported at the "
    "capture point, where the check belongs.",
    family=FAMILY,
    categories=("BIO:Presentation attack", "STRIDE:Spoofing"),
    cwe=("CWE-290",),
    regulations=("ISO-30107-3", "NIST-800-63A", "NIST-800-63B", "CN-FRT-security"),
    suppressed_by=(("presentation-attack-detection",),),
    lowered_by=("human-review",),
    default_severity="high",
    base_likelihood=0.5,
)
def no_pad(ctx: RuleContext) -> Iterator[Hit]:
    graph = ctx.graph
    for point_id, verifiers in ctx.derived(live_captures).items():
        point = graph.elements[point_id]
        samples = sorted({d.id for d in ctx.available(point_id) if d.category is DataCategory.BIOMETRIC_SAMPLE})
        if not samples and point_id not in verifiers:
            continue
        factors = (CAPTURE_LIKELIHOOD[point.capture],) if point.capture in CAPTURE_LIKELIHOOD else ()
        others = [v for v in verifiers if v != point_id]
        places: tuple[ControlPlace, ...] = (("element", point_id), *(("element", v) for v in others))
        grants = sorted({g for v in verifiers for ver in graph.elements[v].verifies for g in ver.grants})
        where = f" for {names(others)}" if others else ""
        yield Hit(
            place_kind="element",
            places=(point_id,),
            data=tuple(samples),
            evidence=f"'{point_id}' captures {names(samples) or 'the live biometric'}{where}, which grants "
            f"{names(grants)} on it, and neither detects presentation attacks.",
            control_places=places,
            location=("element", point_id),
            likelihood_factors=factors,
        )


@rule(
    id="bio-no-injection-detection",
    title="Capture on an attacker-controlled device without injection-attack detection",
    description="Biometrics are captured on a device the subject (or a thief) controls, with no injection-"
    "attack detection or device attestation: virtual cameras, emulators and deepfake streams replace the "
    "camera (Shanghai tax-invoice case, ProKYC; CEN/TS 18099).",
    family=FAMILY,
    categories=("BIO:Injection attack", "STRIDE:Spoofing", "STRIDE:Tampering"),
    cwe=("CWE-290", "CWE-345"),
    regulations=("CEN-TS-18099", "NIST-800-63A", "NIST-800-63B"),
    suppressed_by=(("injection-attack-detection",), ("device-attestation",)),
    default_severity="high",
    base_likelihood=0.55,
)
def no_injection_detection(ctx: RuleContext) -> Iterator[Hit]:
    graph = ctx.graph
    feeds = ctx.derived(live_captures)
    for element in graph.model.elements:
        if element.type is ElementType.ACTOR or element.id not in feeds:
            continue
        untrusted = element.capture is Capture.REMOTE or (
            element.subject_controlled and element.capture is not Capture.NONE
        )
        if not untrusted:
            continue
        samples = [d.id for d in ctx.available(element.id) if d.category is DataCategory.BIOMETRIC_SAMPLE]
        if not samples:
            continue
        receivers = sorted(
            {f.target for f in graph.outbound.get(element.id, []) if set(samples) & set(f.data)} - {element.id}
        )
        places: tuple[ControlPlace, ...] = (("element", element.id), *(("element", r) for r in receivers))
        yield Hit(
            place_kind="element",
            places=(element.id,),
            data=tuple(samples),
            evidence=f"'{element.id}' captures {names(samples)} ({element.capture.value} capture"
            f"{', subject-controlled' if element.subject_controlled else ''}); nothing there or at "
            f"{', '.join(receivers) or 'the receiver'} detects injected video or attests the device.",
            control_places=places,
            location=("element", element.id),
        )


@rule(
    id="bio-public-surveillance",
    title="Remote biometric identification in a public place",
    description="A camera in a public place captures people who are not enrolled and feeds a 1:N "
    "identification (street cameras, station gates): prohibited in real time for law enforcement under the "
    "EU AI Act save narrow exceptions, high-risk otherwise; PIPL Art. 26 limits it to public security.",
    family=FAMILY,
    categories=("BIO:Surveillance", "LINDDUN:Identifying", "LINDDUN:Detecting"),
    threat_tree=("I.1", "D.1"),
    regulations=("AIACT-5", "AIACT-AnnexIII-1", "PIPL-26", "CN-FRT-13", "GDPR-9", "GDPR-35"),
    suppressed_by=(("signage", "dpia", "human-review"),),
    lowered_by=("signage", "dpia", "human-review"),
    default_severity="critical",
    base_likelihood=0.8,
)
def public_surveillance(ctx: RuleContext) -> Iterator[Hit]:
    graph = ctx.graph
    identifiers = ctx.identifying_matchers
    if not identifiers:
        return
    # Per data item, the 1:N matchers it reaches, computed once (not once per camera).
    reaching: dict[str, list[str]] = {}
    for element in graph.model.elements:
        if element.capture is not Capture.UNATTENDED or not graph.public_place(element.id):
            continue
        biometric = [d for d in ctx.available(element.id) if d.is_biometric and d.modality in REMOTE_MODALITIES]
        for d in biometric:
            if d.id not in reaching:
                reaching[d.id] = sorted(graph.lineage[d.id].reaches & identifiers)
        matched = sorted({m for d in biometric for m in reaching[d.id][:8]})
        if not matched:
            continue
        ids = [d.id for d in biometric]
        places: tuple[ControlPlace, ...] = (("element", element.id), *(("element", m) for m in matched[:8]))
        yield Hit(
            place_kind="element",
            places=(element.id,),
            data=tuple(ids),
            evidence=f"Unattended sensor '{element.id}' in public zone '{element.zone}' captures {names(ids)} of "
            f"whoever is in front of it ({people(max((d.subjects for d in biometric), default=0))} people) for 1:N "
            f"identification at {names(matched)}.",
            control_places=places,
            location=("element", element.id),
        )


def takes_part(ctx: RuleContext, element: Element) -> bool:
    """Does the person present on purpose: the sensor verifies a claim (1:1, a grant) or reads what only a
    participant gives (a fingerprint on the glass, a passport chip)? A street camera does none of these."""
    if element.verifies or element.matching is Matching.VERIFY:
        return True
    return any(
        d.possession or (d.is_biometric and d.modality is not None and d.modality not in REMOTE_MODALITIES)
        for d in ctx.available(element.id)
    )


def presents_own(ctx: RuleContext, flow: Flow) -> bool:
    """A data subject handing over their own data in person (a face and an ID card shown at a door)."""
    source = ctx.elements[flow.source]
    return ctx.is_actor(source.id) and source.role is ActorRole.DATA_SUBJECT



def gallery_labels(ctx: RuleContext, flow: Flow) -> set[str]:
    """Identifiers that come with biometric references to an element that matches: they label its gallery, and
    the match names the person by them (a door reader's templates with employee ids), so the matcher uses them."""
    if ctx.elements[flow.target].matching is Matching.NONE:
        return set()
    items = ctx.flow_items(flow)
    if not any(d.is_biometric for d in items):
        return set()
    return {d.id for d in items if d.category in IDENTIFIER_CATEGORIES}
