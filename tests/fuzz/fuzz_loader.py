"""Coverage-guided fuzzing of the biotm loader with atheris (libFuzzer).

    python tests/fuzz/fuzz_loader.py WORK_DIR tests/bad_models tests/fixtures scenarios -max_total_time=60

New interesting inputs go to WORK_DIR (the first directory); a crash is written as
`crash-<sha1>` under -artifact_prefix and must be kept in tests/fuzz/crashes/ once fixed, where
tests/fuzz/test_fuzz_loader.py replays it on every run. The same test runs this harness for a
bounded time (BIOTM_FUZZ_SECONDS, default 20) when atheris is installed.
"""

from __future__ import annotations

import sys
from pathlib import Path

import atheris

sys.path.insert(0, str(Path(__file__).resolve().parent))

with atheris.instrument_imports(include=["biotm", "fuzz_harness"]):
    from fuzz_harness import check_input


def main() -> None:
    atheris.Setup(sys.argv, check_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
