"""`biotm mitigate` on each original proposes first what its hardened variant applies.

The hardened variants are the scenario library's worked answer to "what should we fix first": the plan's
top-ranked controls must be among the controls the variant adds, at the same places.
"""

from __future__ import annotations

import pytest
from scenario_support import SCENARIOS, cli_json, controls_by_place, original_of

# The attack-path stage (theft chains, `biotm mitigate`) lands on main separately; until it does, these
# pins have nothing to check. Once biotm.analysis exists they run and can fail.
pytest.importorskip("biotm.analysis.chains")

TOP = 5
HARDENED = sorted(p.name for p in SCENARIOS.glob("*-hardened.yaml"))


@pytest.mark.parametrize("hardened", HARDENED)
def test_the_plans_top_controls_are_applied_by_the_hardened_variant(hardened: str) -> None:
    original = original_of(hardened)
    plan = cli_json("mitigate", str(SCENARIOS / original))
    top = [(item["control"], item["place"]) for item in plan["items"] if item["rank"] <= TOP]
    assert len(top) == TOP
    added = controls_by_place(hardened) - controls_by_place(original)
    assert [pick for pick in top if pick not in added] == []
