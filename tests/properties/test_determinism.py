"""Same model, same bytes: across processes with different hash seeds, for every scenario and format.

Two runs in one process share the string-hash seed, so a report that leaks set or dict order can
still look deterministic there; two processes with different PYTHONHASHSEED values cannot hide it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
MODELS = [*sorted((ROOT / "scenarios").glob("*.yaml")), ROOT / "tests" / "fixtures" / "minimal.yaml"]

DIGESTS = """
import datetime as dt, hashlib, json, sys
from biotm.model import load_model
from biotm.pipeline import AuditOptions, audit
from biotm.report import FORMATS, renderer
out = {}
for path in sys.argv[1:]:
    result = audit(load_model(path), AuditOptions(today=dt.date(2026, 1, 1)))
    for fmt in sorted(FORMATS):
        rendered = renderer(fmt)(result)
        data = rendered if isinstance(rendered, bytes) else rendered.encode("utf-8")
        out[f"{path} {fmt}"] = hashlib.sha256(data).hexdigest()
print(json.dumps(out, sort_keys=True))
"""


def _digests(seed: str) -> dict[str, str]:
    run = subprocess.run(
        [sys.executable, "-c", DIGESTS, *map(str, MODELS)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={**os.environ, "PYTHONHASHSEED": seed},
    )
    assert run.returncode == 0, run.stderr
    digests: dict[str, str] = json.loads(run.stdout)
    return digests


@pytest.mark.skipif(len(MODELS) < 2, reason="needs the shipped scenarios")
def test_every_report_is_byte_identical_across_hash_seeds() -> None:
    first, second = _digests("1"), _digests("2")
    assert len(first) >= len(MODELS) * 2
    differing = sorted(key for key in first if first[key] != second.get(key))
    assert differing == []
