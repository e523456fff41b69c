"""Problems in model files, each pinned to a file, line and column."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass

from biotm.escaping import terminal

#: Problems listed by one error; the rest are counted in one closing line. A file of a million bad zones
#: said so in 2 GB of messages; nobody reads past the first screenful anyway.
MAX_LISTED = 100
#: Characters of one problem's message; longer ones (quoting a huge key) are cut.
MAX_MESSAGE = 400

def one_line(text: str) -> str:
    """`text` with control and bidi characters shown as escapes, so a problem is one harmless line."""
    return terminal(text)


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

    def __post_init__(self) -> None:
        # Any message quoting model text (a key, an id written in settings) stays readable: a 200 KB key
        # once became a 200 KB line.
        if len(self.message) > MAX_MESSAGE:
            object.__setattr__(self, "message", self.message[: MAX_MESSAGE - 1] + "…")

    def __str__(self) -> str:
        return one_line(f"{self.path}:{self.line}:{self.column}: {self.message}")


class ModelError(Exception):
    """A model file could not be loaded; carries the problems found, in file order.

    At most MAX_LISTED are kept; a last problem, at the first one left out, says how many more there
    are (`unlisted` counts those a check stopped building once it had enough); `stopped`, last, says
    where a check ended early.
    """

    def __init__(self, problems: Iterable[Problem], unlisted: int = 0, stopped: Problem | None = None) -> None:
        ordered = sorted(set(problems))
        more = len(ordered) - MAX_LISTED + unlisted
        if more > 0:
            first_left_out = ordered[MAX_LISTED] if len(ordered) > MAX_LISTED else ordered[-1]
            ordered = ordered[:MAX_LISTED]
            ordered.append(
                Problem(
                    first_left_out.path,
                    first_left_out.line,
                    first_left_out.column,
                    f"and {more:,} more problem{'s' if more != 1 else ''} (only the first {MAX_LISTED} are listed)",
                )
            )
        if stopped is not None:  # checking ended early: say where, and that what follows was not checked
            ordered.append(stopped)
        self.problems = ordered
        super().__init__("\n".join(str(p) for p in self.problems))


class Suggester:
    """'Did you mean' answers from one pool of names, prepared once and bounded per question.

    A model with 10^5 ids and 10^4 misspelt references asked difflib to compare every pair (20 minutes);
    here each question compares at most MAX_COMPARED candidates of about its length, and answers are kept.
    """

    MAX_COMPARED = 500

    def __init__(self, candidates: Iterable[str]) -> None:
        pool = sorted(set(candidates))
        self.pool = pool
        self.by_length: dict[int, list[str]] = {}
        for candidate in pool:
            self.by_length.setdefault(len(candidate), []).append(candidate)
        self.lowered = {c.lower(): c for c in pool}
        self.folded: dict[str, str] = {}
        for candidate in pool:
            self.folded.setdefault(_fold(candidate), candidate)
        self.answers: dict[str, str] = {}

    def __call__(self, word: str) -> str:
        """A ' (did you mean 'x'?)' suffix naming the closest candidate other than `word`, or ''."""
        answer = self.answers.get(word)
        if answer is None:
            close = self._closest(word)
            answer = f" (did you mean '{close}'?)" if close is not None else ""
            self.answers[word] = answer
        return answer

    def _closest(self, word: str) -> str | None:
        if len(word) > 200:  # nothing legitimate is this long; spare difflib the quadratic work
            return None
        nearby = self._nearby(word)
        close = difflib.get_close_matches(word, nearby, n=1, cutoff=0.6)
        if close:
            return close[0]
        for found in (self.lowered.get(word.lower()), self.folded.get(_fold(word))):
            if found is not None and found != word:  # never "did you mean" the very word that is wrong
                return found
        return None

    def _nearby(self, word: str) -> list[str]:
        """Every candidate of a small pool; of a large one, those of about `word`'s length, same first letter
        first, at most MAX_COMPARED."""
        if len(self.pool) <= self.MAX_COMPARED:
            return [c for c in self.pool if c != word]
        size = len(word)
        spread = max(2, size // 3)
        lengths = sorted(range(max(0, size - spread), size + spread + 1), key=lambda n: (abs(n - size), n))
        near = [c for n in lengths for c in self.by_length.get(n, ()) if c != word]
        if len(near) > self.MAX_COMPARED:
            near = sorted(near, key=lambda c: c[:1] != word[:1])[: self.MAX_COMPARED]
        return near


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """A ' (did you mean 'x'?)' suffix naming the closest candidate other than `word`, or ''."""
    return Suggester(candidates)(word)


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
