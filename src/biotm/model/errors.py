"""Problems in model files, each pinned to a file, line and column."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass

#: Control characters (terminal escapes, line breaks) never reach the terminal from a model file.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def one_line(text: str) -> str:
    """`text` with control characters shown as escapes, so a problem is one harmless line."""
    return _CONTROL.sub(lambda m: repr(m.group())[1:-1], text)


def number_text(value: int | float) -> str:
    """A number as a message shows it: whole when short, its size when longer than a reader can use
    (str() of a 5,000-digit integer raises, and a 4,000-digit one is no help in a message)."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 64:
        digits = int(value.bit_length() * 0.30103) + 1
        return f"{'a negative' if value < 0 else 'a'} number of about {digits:,} digits"
    return str(value)


def shorten(value: object, limit: int = 60) -> str:
    """A quoted, one-line, length-bounded rendering of untrusted text for messages."""
    text = value if isinstance(value, str) else number_text(value) if isinstance(value, int | float) else str(value)
    if len(text) > limit:
        text = f"{text[: limit - 1]}…"
    return f"'{one_line(text)}'"


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with an input file; renders as `path:line:col: message`."""

    path: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return one_line(f"{self.path}:{self.line}:{self.column}: {self.message}")


class ModelError(Exception):
    """A model file could not be loaded; carries every problem found, in file order."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = sorted(set(problems))
        super().__init__("\n".join(str(p) for p in self.problems))


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """A ' (did you mean 'x'?)' suffix naming the closest candidate, or ''."""
    pool = sorted(set(candidates))
    if len(word) > 200:  # nothing legitimate is this long; spare difflib the quadratic work
        return ""
    close = difflib.get_close_matches(word, pool, n=1, cutoff=0.6)
    if not close:
        lowered = {c.lower(): c for c in pool}
        if word.lower() in lowered:
            close = [lowered[word.lower()]]
    if not close:
        close = _confusable_match(word, pool)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _confusable_match(word: str, pool: list[str]) -> list[str]:
    """A candidate that `word` equals once look-alike letters (Cyrillic 'а', Greek 'ο', …) are folded."""
    folded = _fold(word)
    if folded == word:
        return []
    return [c for c in pool if _fold(c) == folded][:1]


_CONFUSABLES = str.maketrans(
    {
        "а": "a",
        "в": "B",
        "е": "e",
        "к": "k",
        "м": "M",
        "н": "H",
        "о": "o",
        "р": "p",
        "с": "c",
        "т": "T",
        "у": "y",
        "х": "x",
        "А": "A",
        "В": "B",
        "Е": "E",
        "К": "K",
        "М": "M",
        "Н": "H",
        "О": "O",
        "Р": "P",
        "С": "C",
        "Т": "T",
        "Х": "X",
        "і": "i",
        "ј": "j",
        "ѕ": "s",
        "ο": "o",
        "α": "a",
        "ν": "v",
        "Ο": "O",
        "Α": "A",
        "Β": "B",
        "Ε": "E",
        "Ι": "I",
        "Κ": "K",
        "Μ": "M",
        "Ν": "N",
        "Ρ": "P",
        "Τ": "T",
        "Χ": "X",
    }
)


def _fold(text: str) -> str:
    return text.translate(_CONFUSABLES).lower()
