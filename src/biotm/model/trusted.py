"""Pydantic models built from values that already have their field types, without validating them again.

For records made by the hundred thousand from parts biotm itself checked (source marks, zone crossings):
validation was most of their cost. It sets pydantic's slots itself (public `model_construct` is 4-6x
slower per record on pydantic 2.14, slower even than validating: benchmarks/README.md), so
tests/model/test_trusted.py compares trusted records with validated ones to catch a pydantic change.
"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel

M = TypeVar("M", bound=BaseModel)

#: pydantic keeps these in slots of BaseModel; setting them through the slot descriptors skips __setattr__.
_SET_FIELDS_SET = BaseModel.__dict__["__pydantic_fields_set__"].__set__
_SET_EXTRA = BaseModel.__dict__["__pydantic_extra__"].__set__
_SET_PRIVATE = BaseModel.__dict__["__pydantic_private__"].__set__


def trusted(cls: type[M], values: dict[str, Any], fields: set[str]) -> M:
    """`cls(**values)` without validation, for a model without extra or private attributes.

    `values` must name every field, with values of the field types; it becomes the instance's own dict.
    `fields` is `set(cls.model_fields)`, shared by every instance built here (a set each costs ~200 bytes):
    pydantic only ever adds a field name to it on assignment, which is already there, and copies it in model_copy.
    """
    made = object.__new__(cls)
    object.__setattr__(made, "__dict__", values)
    _SET_FIELDS_SET(made, fields)
    _SET_EXTRA(made, None)
    _SET_PRIVATE(made, None)
    return made
