"""An obligation of one controller over thousands of places (a DPIA, a separate consent) names the first few in its
evidence and says how many more; every place stays in the finding's `places`."""

from __future__ import annotations

import datetime as dt
import re

from biotm.generate import dump_json, national_model
from biotm.model.loader import load_bytes
from biotm.pipeline import AuditOptions, audit
from biotm.rules.evidence import EVIDENCE_PLACES, listed


def test_listed_names_the_first_places_and_counts_the_rest() -> None:
    parts = [f"p{i}" for i in range(1_234 + EVIDENCE_PLACES)]
    assert listed(parts) == "; ".join(parts[:EVIDENCE_PLACES]) + "; and 1,234 more"
    assert listed(parts[:3]) == "p0; p1; p2"


def test_national_obligations_have_bounded_evidence_and_every_place() -> None:
    loaded = load_bytes(dump_json(national_model(1_500, seed=1)).encode(), "national.json")
    result = audit(loaded, AuditOptions(rules=("linddun-no-dpia", "bio-no-separate-consent"), today=dt.date(2026, 1, 1),
                                        groups=False))
    wide = [f for f in result.findings if len(f.places) > EVIDENCE_PLACES]
    assert {f.rule for f in wide} == {"linddun-no-dpia", "bio-no-separate-consent"}
    for finding in wide:
        more = re.search(r"; and ([\d,]+) more", finding.evidence)
        assert more is not None and int(more.group(1).replace(",", "")) == len(finding.places) - EVIDENCE_PLACES
        assert len(finding.evidence) < 3_000
        named = [p for p in finding.places if f"'{p}'" in finding.evidence]
        assert 0 < len(named) <= 2 * EVIDENCE_PLACES  # a consent entry names its flow and both its ends
