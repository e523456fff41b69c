"""Elements that stand for many copies: each subject's own phone, 150,000 shop terminals.

Reaching one copy by hand (standing on it, tampering with it in a public place, listening to its own
link) yields that copy's share of the data; a remote step exploits what every copy shares (the same
app, the same firmware) and yields all of it. See docs/model-format.md, "Many instances of one element".
"""

from __future__ import annotations

from biotm.model.schema import Element

#: Steps that reach one copy of a replicated element, not all of them.
PER_INSTANCE_STEPS = frozenset({"stand", "physical-reach", "eavesdrop"})


def per_subject(element: Element) -> bool:
    """One copy per data subject: said so, or by default a device the subject controls."""
    return element.per_subject if element.per_subject is not None else element.subject_controlled


def replicated(element: Element) -> bool:
    """Does this element stand for more than one copy?"""
    return per_subject(element) or (element.instances or 1) > 1


def share(element: Element, subjects: int) -> int:
    """The data subjects one copy covers, of `subjects` across all copies (at least one, at most all)."""
    if per_subject(element):
        return min(1, subjects)
    copies = element.instances or 1
    return min(subjects, max(1, -(-subjects // copies)))
