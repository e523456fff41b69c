"""What the system itself shows the public: data a flow carries to a `public` actor (a street screen, a web page).

A flow that feeds such a display with what it then shows is no confidentiality risk of its own: the data are
public at the screen a step later (`bio-public-disclosure` reports the publication). Flows decide it, so no
control changes it.
"""

from __future__ import annotations

from biotm.model.schema import ActorRole, ElementType
from biotm.rules.base import RuleContext


def _shown(ctx: RuleContext) -> dict[str, frozenset[str]]:
    model = ctx.graph.model
    public = {e.id for e in model.elements if e.type is ElementType.ACTOR and e.role is ActorRole.PUBLIC}
    out: dict[str, set[str]] = {}
    for flow in model.flows:
        if flow.target in public:
            out.setdefault(flow.source, set()).update(flow.data)
    return {element: frozenset(data) for element, data in out.items()}


def shown_by(ctx: RuleContext, element_id: str) -> frozenset[str]:
    """The data items `element_id` shows the public."""
    return ctx.derived(_shown).get(element_id, frozenset())
