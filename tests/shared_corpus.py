"""The real files other tools' authors wrote, in ``../shared`` beside the clone (CI and developers only).

A user's clone has no ``../shared``: tests that read it skip with a reason naming the missing path.
CI sets ``BIOTM_REQUIRE_SHARED=1`` so that such a skip fails instead, proving the real-file tests ran.
Never copy these files into the project; write small fixtures of your own for the bare-clone path.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
REQUIRE_ENV = "BIOTM_REQUIRE_SHARED"


def shared(*parts: str) -> Path:
    """``../shared/<parts>``; skips the calling test (or module) when it is absent, fails under CI."""
    path = SHARED.joinpath(*parts)
    if path.exists():
        return path
    reason = f"shared corpus missing: {path} is not beside this clone"
    if os.environ.get(REQUIRE_ENV) == "1":
        pytest.fail(f"{reason}, and {REQUIRE_ENV}=1 requires it", pytrace=False)
    pytest.skip(reason, allow_module_level=True)
