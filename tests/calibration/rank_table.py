"""Rewrite the calibration table in docs/scoring.md from the calibration models.

    python tests/calibration/rank_table.py

tests/calibration/test_calibration.py fails while the table is stale.
"""

from __future__ import annotations

from calibration_support import SCORING_DOC, doc_table, table_lines

if __name__ == "__main__":
    text = SCORING_DOC.read_text(encoding="utf-8")
    start, end = doc_table(text)
    lines = text.splitlines()
    SCORING_DOC.write_text("\n".join([*lines[:start], *table_lines(), *lines[end:]]) + "\n", encoding="utf-8")
