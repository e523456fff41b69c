"""One fuzz iteration: any bytes into the loader (as YAML and as JSON), and a valid result through the audit.

The only acceptable outcomes are a loaded model or a `ModelError` (a located, one-line problem);
anything else escaping is a crash. Shared by the atheris harness (fuzz_loader.py), the
hypothesis fallback and the regression test over kept crash inputs.
"""

from __future__ import annotations

import datetime as dt

from biotm.model import Limits, ModelError, load_bytes
from biotm.pipeline import AuditOptions, audit
from biotm.report import renderer
from biotm.result import AuditResult

#: Small limits keep each iteration fast; the same code paths run as with the defaults.
LIMITS = Limits(max_bytes=256 * 1024, max_depth=64, min_node_budget=2_000)
TODAY = dt.date(2026, 1, 1)
#: Words of Python and pydantic that must never reach a model author.
INTERNALS = ("Traceback", "Input should", "instance of", "pydantic", "function-after", "<class", "sys.")


def check_input(data: bytes) -> None:
    """Raise (crash) if `data` makes the loader or the audit fail in any way but a ModelError."""
    for name in ("fuzz.yaml", "fuzz.json"):
        try:
            loaded = load_bytes(data, name, LIMITS)
        except ModelError as error:
            for problem in error.problems:
                text = str(problem)
                assert text.startswith(f"{name}:") and "\n" not in text, text
                assert problem.line >= 1 and problem.column >= 1, text
                # A word the input itself holds may be quoted back ("unsupported YAML tag '...os.system'").
                leaked = [w for w in INTERNALS if w in problem.message and w.encode() not in data]
                assert not leaked, text
            continue
        result = audit(loaded, AuditOptions(today=TODAY))
        assert AuditResult.model_validate_json(renderer("json")(result)) == result
