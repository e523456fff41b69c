"""What YAML 1.1's safe schema makes of a plain scalar, and the scalars a model author would not expect.

The tags biotm builds, the resolver's table by first character, and the messages for numbers YAML 1.1
reads surprisingly (base 60, octal) and for tags a model file may not use.
"""

from __future__ import annotations

import re
from typing import Any

import yaml
from yaml.constructor import SafeConstructor

from biotm.model.errors import one_line, shorten

_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_STR = "tag:yaml.org,2002:str"
_NULL = "tag:yaml.org,2002:null"
_BOOL = "tag:yaml.org,2002:bool"
_SCALAR_TAGS = {
    _NULL,
    _BOOL,
    _STR,
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:binary",
}

_resolver = yaml.resolver.Resolver()
CONSTRUCTOR = SafeConstructor()


def _reason(message: str) -> str:
    """A constructor's complaint without Python advice (`sys.set_int_max_str_digits`) a model author cannot use."""
    if "integer string conversion" in message:
        return "a number with more than 4300 digits"
    return one_line(message)[:100]


#: YAML 1.1 numbers a reader takes for something else: 190:20:30 is the base-60 integer 685230, 0755 is octal 493.
_SEXAGESIMAL = re.compile(r"[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?")
_OCTAL = re.compile(r"[-+]?0[0-7_]+")


def _surprising_number(tag: str, text: str, value: Any) -> str | None:
    """Why a plain scalar YAML 1.1 reads as a number would surprise its author, or None."""
    if tag not in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float"):
        return None
    if _SEXAGESIMAL.fullmatch(text):
        return f"YAML 1.1 reads {text} as the base-60 number {value}: put it in quotes if it is a time or text"
    if _OCTAL.fullmatch(text) and text.strip("+-0_"):
        return f"YAML 1.1 reads {text} as the octal number {value}: put it in quotes if it is text, or write {value}"
    return None


def _unsupported(tag: str | None) -> str:
    return f"unsupported YAML tag {shorten(tag or '')} (a model file holds plain data only; tags are never run)"


#: Plain scalars resolved to a tag, by first character (the resolver's own table, wildcards appended).
_IMPLICIT: dict[str, list[tuple[str, re.Pattern[str]]]] = {
    first: [*resolvers, *_resolver.yaml_implicit_resolvers.get(None, [])]
    for first, resolvers in _resolver.yaml_implicit_resolvers.items()
    if first is not None
}
_WILDCARDS: list[tuple[str, re.Pattern[str]]] = _resolver.yaml_implicit_resolvers.get(None, [])
#: Values of the non-string scalars seen so far (all immutable: None, bools, numbers, dates, bytes).
_CONSTRUCTED_LIMIT = 4096
