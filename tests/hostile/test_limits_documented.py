"""Every limit the loader and the path search enforce is stated in docs/security.md with its default."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from biotm.analysis.paths import MAX_SPUR_SEARCHES
from biotm.model.limits import Limits

SECURITY = Path(__file__).parent.parent.parent / "docs" / "security.md"
_MEBIBYTE = 1024 * 1024


def _stated(value: int) -> str:
    """A number as docs/security.md writes it: MB for sizes, else thousands grouped by spaces."""
    if value >= _MEBIBYTE and value % _MEBIBYTE == 0:
        return f"{value // _MEBIBYTE} MB"
    return f"{value:,}".replace(",", " ")


_DEFAULTS = {field.name: field.default for field in dataclasses.fields(Limits)}


@pytest.mark.parametrize("name", sorted(_DEFAULTS))
def test_each_loader_limit_is_documented_with_its_default(name: str) -> None:
    default = _DEFAULTS[name]
    assert isinstance(default, int)
    assert _stated(default) in SECURITY.read_text(encoding="utf-8"), f"Limits.{name} = {default} not in security.md"


def test_the_path_search_bound_is_documented() -> None:
    text = SECURITY.read_text(encoding="utf-8")
    assert _stated(MAX_SPUR_SEARCHES) in text and "MAX_SPUR_SEARCHES" in text
