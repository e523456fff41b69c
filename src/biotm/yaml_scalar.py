"""One scalar rule for all the YAML biotm writes (generated models, imported drafts): a string is written
plain when YAML reads it back as that same string, else as a JSON string, which is a valid YAML
double-quoted scalar. Safe inside flow lists (`[a, b]`) and as mapping keys."""

from __future__ import annotations

import json
import math
import re
from typing import Any

import yaml

#: Plain candidates: a letter or digit first (no YAML indicator), then nothing that ends a plain scalar in
#: a flow list (`,[]{}`) or starts a comment or an anchor, alias or tag.
_PLAIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9 _.\-/()+@:']*")
#: Characters YAML may not hold raw, or reads as a line break, escaped even inside quotes.
_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]")
#: What YAML 1.1 makes of a plain scalar by its first character (PyYAML's safe schema, which biotm's
#: loader follows): booleans, null, numbers (base 60 too), dates, `<<` and `=`.
_RESOLVERS = yaml.SafeLoader.yaml_implicit_resolvers
_STR = "tag:yaml.org,2002:str"
#: Booleans in YAML 1.1 that PyYAML leaves as text; another reader may not.
_ONE_LETTER_BOOLEANS = frozenset({"y", "Y", "n", "N"})


def _plain(text: str) -> bool:
    if not _PLAIN.fullmatch(text) or ": " in text or text.endswith((" ", ":")) or text in _ONE_LETTER_BOOLEANS:
        return False
    resolvers = [*_RESOLVERS.get(text[0], ()), *_RESOLVERS.get(None, ())]  # None: resolvers for any first character
    return not any(tag != _STR and regexp.match(text) for tag, regexp in resolvers)


def scalar(value: Any) -> str:
    """`value` (None, a bool, a number or text; anything else as its text) as one YAML scalar."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and not math.isfinite(value):
        return ".nan" if math.isnan(value) else (".inf" if value > 0 else "-.inf")
    if isinstance(value, float):
        # YAML 1.1 reads `1e-09` as text: its floats need a dot (and a signed exponent, which repr gives)
        mantissa, e, exponent = repr(value).partition("e")
        return f"{mantissa}.0e{exponent}" if e and "." not in mantissa else mantissa + e + exponent
    if isinstance(value, int):
        return str(value)
    text = value if isinstance(value, str) else str(value)
    if _plain(text):
        return text
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(text, ensure_ascii=False))
