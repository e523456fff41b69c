"""Text checks shared by the YAML and JSON readers: decoding, printable characters, marks, surrogates."""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from typing import Any

from biotm.model.errors import ModelError, Problem
from biotm.model.source import Path, SourceMap, dotted

#: A position in the text: yaml.error.Mark, or libyaml's own Mark class (or None on some events).
_Mark = Any

#: Characters a YAML stream may not contain (YAML 1.1 "printable" set), and those it reads as line breaks.
_NON_PRINTABLE = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_YAML_ONLY_BREAKS = re.compile("[\x85\u2028\u2029]")


#: Byte-order marks and NUL patterns of the encodings a model is most often saved in by mistake.
_WIDE_ENCODINGS = (
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe", "UTF-16"),
    (b"\xfe\xff", "UTF-16"),
)


def _wide_encoding(raw: bytes) -> str | None:
    """'UTF-16' or 'UTF-32' when `raw` starts with their byte-order mark, or looks like them without one."""
    for bom, encoding in _WIDE_ENCODINGS:
        if raw.startswith(bom):
            return encoding
    head = raw[:64]
    if len(head) >= 8 and head.count(0) * 2 >= len(head):  # ASCII text in UTF-16 is half NULs, in UTF-32 three quarters
        return "UTF-32" if head.count(0) * 4 >= len(head) * 3 else "UTF-16"
    return None


def decode(raw: bytes, name: str) -> str:
    """UTF-8 text of `raw` (a UTF-8 BOM is dropped), or a located error for the first bad byte."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    wide = _wide_encoding(raw)
    if wide is not None:
        raise ModelError([Problem(name, 1, 1, f"file is {wide}; save it as UTF-8")])
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        column = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", errors="replace")) + 1
        raise ModelError(
            [Problem(name, line, column, f"file is not valid UTF-8 (byte 0x{raw[exc.start]:02x})")]
        ) from None


def _position(text: str, index: int) -> tuple[int, int]:
    """1-based line and column of character `index` (lines end at '\\n')."""
    line_start = text.rfind("\n", 0, index) + 1
    return text.count("\n", 0, index) + 1, index - line_start + 1


def _check_printable(text: str, name: str) -> None:
    bad = _NON_PRINTABLE.search(text)
    if bad:
        line, column = _position(text, bad.start())
        code = f"U+{ord(bad.group()):04X}"
        raise ModelError(
            [
                Problem(
                    name,
                    line,
                    column,
                    f"control character {code} is not allowed in YAML (write it as \\u{code[2:]} inside double quotes)",
                )
            ]
        )


def _at(mark: _Mark) -> tuple[int, int]:
    """1-based line and column of a parser mark."""
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)


_LINE_END = re.compile("\r\n|\r|\n")


class _EditorLines:
    """Marks as an editor counts lines, for a text holding raw U+0085, U+2028 or U+2029.

    YAML reads those as line breaks, so the parser's line numbers run ahead of every editor's (and of
    SARIF annotations) after the first one; the mark's character index is right, so it is mapped again.
    """

    def __init__(self, text: str) -> None:
        self.starts = [0, *(match.end() for match in _LINE_END.finditer(text))]

    def __call__(self, mark: _Mark) -> tuple[int, int]:
        if mark is None:
            return (1, 1)
        line = bisect.bisect_right(self.starts, mark.index)
        return line, mark.index - self.starts[line - 1] + 1


def _marker(text: str) -> Callable[[_Mark], tuple[int, int]]:
    return _EditorLines(text) if _YAML_ONLY_BREAKS.search(text) else _at


def _empty(text: str, name: str) -> None:
    if not text:
        raise ModelError([Problem(name, 1, 1, "file is empty")])
    if not text.strip():
        raise ModelError([Problem(name, 1, 1, "file is empty (only whitespace)")])


#: An escape that can write half of a UTF-16 surrogate pair (JSON's \\udfff; YAML's \\U0000dfff for the
#: pure-Python parser, which accepts it where libyaml refuses).
_SURROGATE_ESCAPE = re.compile(r"\\(?:u|U0000)[dD][89a-fA-F][0-9a-fA-F]{2}")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _refuse_surrogates(text: str, data: Any, source: SourceMap) -> None:
    """Refuse a string holding a lone surrogate (`"\\udfff"` in JSON): it is not a character, so no
    report could be written as UTF-8. A pair that makes one character was combined by the parser."""
    if _SURROGATE_ESCAPE.search(text) is None:  # the usual case: one regex pass, no walk over the data
        return
    pending: list[tuple[Path, Any]] = [((), data)]
    while pending:
        path, node = pending.pop()
        items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
        for key, value in items:
            for text_here, is_key in ((key, True), (value, False)):
                if isinstance(text_here, str) and (bad := _SURROGATE.search(text_here)):
                    line, column = source.mark((*path, key), key=is_key)
                    code = f"\\u{ord(bad.group()):04x}"
                    raise ModelError(
                        [
                            Problem(
                                source.file,
                                line,
                                column,
                                f"{dotted((*path, key))}: {code} is half of a UTF-16 surrogate pair, not a character "
                                "(a broken emoji escape?); remove it or write the whole character",
                            )
                        ]
                    )
            if isinstance(value, dict | list):
                pending.append(((*path, key), value))

