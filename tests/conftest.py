from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

# `.ci/run` sets BIOTM_HYPOTHESIS_PROFILE=reproducible: the same examples on every run, so a red CI can be
# reproduced; elsewhere hypothesis draws new examples each run (how the order bug of bio-sole-factor was found).
# Loaded before any test module, so the profiles those register inherit it.
settings.register_profile("reproducible", derandomize=True, print_blob=True)
if os.environ.get("BIOTM_HYPOTHESIS_PROFILE"):
    settings.load_profile(os.environ["BIOTM_HYPOTHESIS_PROFILE"])

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).parent.parent


@pytest.fixture
def minimal_path() -> Path:
    return FIXTURES / "minimal.yaml"
