"""Fixtures for the scenario-library tests."""

from __future__ import annotations

import pytest
from scenario_support import scenario_paths


@pytest.fixture(params=[p.name for p in scenario_paths()])
def scenario_name(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    return name
