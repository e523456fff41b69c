"""One escaping function per place model text is shown: every byte of a model that reaches a terminal,
a message line, a comment or Markdown goes through the function of its sink, and nowhere else.

Model files come from pull requests, so every name and description is hostile until escaped:
- `printable`: outputs that keep line breaks themselves (HTML, CSV, DOT, SVG, SARIF): C0/C1 controls
  but tab and newline, bidirectional controls (U+061C, U+200E/F, U+202A-E, U+2066-9), line and
  paragraph separators and lone surrogates become visible escapes (`\\x1b`, `\\u202e`).
- `terminal`: a terminal line, a problem message, a `#` comment: the same, and tab, newline and
  carriage return too, so a name cannot start a new line of a report box, a message or a comment.
- `markdown`: Markdown prose and table cells: `terminal`, then Markdown and HTML made inert, and
  GitHub's autolinks (`https://`, `www.`, e-mail), @mentions and #references defused with a
  zero-width space, so a report pasted into an issue links nowhere and pings no one.

No dependencies: the model layer (error messages) and every report format use it.
"""

from __future__ import annotations

import functools
import re

_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_UNPRINTABLE = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI}\u2028\u2029\ud800-\udfff]")
_UNPRINTABLE_LINE = re.compile(f"[\x00-\x1f\x7f-\x9f{_BIDI}\u2028\u2029\ud800-\udfff]")


_SHORT = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _escape_char(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    return _SHORT.get(char) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def printable(text: str) -> str:
    """`text` with control, bidi, separator and surrogate characters shown as escapes; tab and newline kept."""
    return _UNPRINTABLE.sub(_escape_char, text)


def has_unprintable(text: str) -> bool:
    """True when `printable` would change `text`."""
    return _UNPRINTABLE.search(text) is not None


def terminal(text: str) -> str:
    """`text` as one harmless line: every control character (tab and newline too) shown as an escape."""
    return _UNPRINTABLE_LINE.sub(_escape_char, text)


_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")
#: What makes a line a heading, list item, setext underline or thematic break: a marker followed by a space or
#: the end (so "2019.12" or "0.1.0" stays as written), or a line of only '=' or '-' (and spaces).
_MD_BLOCK_START = re.compile(r"^([#+-]|\d+[.)])(?=\s|$)|^([=-])(?=[=\- ]*$)")
#: Where GitHub would make a link or a notification of plain text: a URL scheme before '//', 'www.', '@name'
#: (a mention, or an e-mail address), '#123' (an issue reference). A zero-width space breaks each match.
_AUTOLINK = re.compile(r"(?i)(\b[a-z][a-z0-9+.\-]*)(?=://)|\b(www)(?=\.)|(@)(?=[a-z0-9])|(#)(?=\d)")
_ZERO_WIDTH_SPACE = "&#8203;"


@functools.lru_cache(maxsize=1 << 16)  # a national model repeats the same names across 10^4 findings
def markdown(text: str) -> str:
    """Untrusted text made inert for a Markdown paragraph or table cell (one line)."""
    escaped = " ".join(printable(text).split())
    escaped = _MD_SPECIAL.sub(r"\\\1", escaped)
    escaped = escaped.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    escaped = _AUTOLINK.sub(lambda m: m.group() + _ZERO_WIDTH_SPACE, escaped)
    # at the start of a line these would make a heading, list or setext underline
    return _MD_BLOCK_START.sub(lambda m: m.group()[:-1] + "\\" + m.group()[-1], escaped)
