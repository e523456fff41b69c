"""The JSON report grows linearly with the model, and a 2,000-element generated model's stays small.

At 100,000 elements the report is about 190 MB (benchmarks/README.md): the audited model, lineage, source
locations and crossings are one entry per place each, and findings are grouped. A change that wrote
something per pair of places, or undid the grouping, would show here first.
"""

from __future__ import annotations

import datetime as dt

from strategies import load_dict

from biotm.generate import national_model
from biotm.pipeline import AuditOptions, audit
from biotm.report import json_report

#: Bytes of the 2k report now: 4.4 MB (19.7 MB at 10k).
CEILING_2K = 6_000_000


def _report_bytes(elements: int) -> int:
    result = audit(load_dict(national_model(elements, seed=1)), AuditOptions(today=dt.date(2026, 1, 1)))
    return len(json_report.render(result).encode("utf-8"))


def test_the_json_report_grows_linearly_and_stays_small() -> None:
    small, large = _report_bytes(1000), _report_bytes(2000)
    assert large < CEILING_2K
    assert large / 2000 < 1.1 * small / 1000  # bytes per element do not grow with the model
