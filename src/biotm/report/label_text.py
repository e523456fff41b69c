"""Label text for the diagrams and charts: rough widths of 12px sans-serif text, wrapping, fitting."""

from __future__ import annotations

import re

from biotm.report.diagram_model import CHAR_W


def text_width(text: str) -> float:
    """Rough width of 12px text: wide (CJK) characters count double."""
    return sum(2.0 if ord(ch) >= 0x2E80 else 1.0 for ch in text) * CHAR_W


def _tokens(label: str, width: float) -> list[str]:
    """Words, spaces and single CJK characters; a word wider than `width` split after `_`, `-`, `.` or anywhere."""
    out: list[str] = []
    for word in re.findall(r"[\u2e80-\U0002ffff]|[^\s\u2e80-\U0002ffff]+|\s+", label):
        while text_width(word) > width and len(word) > 1:
            room = max(int(width / CHAR_W), 1)
            cut = max((word.rfind(sep, 0, room) for sep in "_-./"), default=-1)
            cut = cut + 1 if cut > 0 else room
            out.append(word[:cut])
            out.append("\u200b")  # a break that adds no space
            word = word[cut:]
        out.append(word)
    return out


def wrap(label: str, width: float, lines: int = 3) -> list[str]:
    """`label` broken at spaces (CJK anywhere) into lines of `width` user units; only past `lines` lines is
    the last one cut with an ellipsis (names of over ~70 characters)."""
    out: list[str] = []
    current = ""
    for word in _tokens(label, width):
        if word.isspace():
            word = " "
        if word == "\u200b":
            word = ""
            if text_width(current) >= width - 4 * CHAR_W:
                out.append(current.strip())
                current = ""
            continue
        candidate = current + word
        if text_width(candidate.strip()) <= width or not current.strip():
            current = candidate
            continue
        out.append(current.strip())
        current = word.lstrip()
    if current.strip():
        out.append(current.strip())
    out = [fit(line, width) for line in out] or [""]
    if len(out) > lines:
        out = [*out[: lines - 1], fit(" ".join(out[lines - 1 :]), width)]
    return out


def fit(label: str, width: float) -> str:
    """`label` cut with an ellipsis to fit `width` user units of 12px text."""
    if text_width(label) <= width:
        return label
    out = ""
    for ch in label:
        if text_width(out + ch + "…") > width:
            break
        out += ch
    return out.rstrip() + "…"
