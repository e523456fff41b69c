"""Reading a Threagile model's `includes:`: each file resolved inside the model's folder and merged once, bounded."""

from __future__ import annotations

import os
import re
from pathlib import Path as FsPath
from typing import Any

from biotm.interop.common import (
    as_list,
    as_mapping,
    located,
)
from biotm.model.loader import read_bounded
from biotm.model.parse import Limits, decode, parse_text
from biotm.model.source import Path, SourceMap
from biotm.report.view import printable

MAX_INCLUDED_FILES = 256
MAX_INCLUDE_NAME = 1024
_BAD_PATH = re.compile("[\x00-\x1f\x7f]")

_MAP_SECTIONS = (
    "data_assets",
    "technical_assets",
    "trust_boundaries",
    "shared_runtimes",
    "risk_tracking",
    "individual_risk_categories",
    "abuse_cases",
    "security_requirements",
    "questions",
)


Origin = tuple[SourceMap, Path]


def _size_of(name: str) -> int:
    """The size of the main model file (bounded when it was read); 0 for a pipe or a device."""
    try:
        return os.stat(name).st_size if FsPath(name).is_file() else 0
    except (OSError, ValueError):
        return 0


class Merger:
    """Merges a model and its includes; remembers which file each map entry came from."""

    def __init__(self, main: SourceMap, limits: Limits) -> None:
        self.limits = limits
        self.root = FsPath(main.file).resolve().parent
        self.merged: dict[str, Any] = {}
        self.origins: dict[tuple[str, str], Origin] = {}
        self.read: set[FsPath] = set()
        self.total = _size_of(main.file)  # bytes of the model and its includes read so far

    def add(self, data: Any, source: SourceMap, stack: tuple[FsPath, ...]) -> None:
        if data is None:
            return
        if not isinstance(data, dict):
            raise located(source, (), "a Threagile model must be a mapping of sections")
        for key, value in data.items():
            if key == "includes":
                continue
            if key in _MAP_SECTIONS or (key == "custom_risk_categories" and isinstance(value, dict)):
                section = as_mapping(value, source, (key,), f"'{key}'")
                target = self.merged.setdefault(key, {})
                for name, entry in section.items():
                    if name not in target:
                        target[name] = entry
                        self.origins[(key, name)] = (source, (key, name))
            elif isinstance(value, list):
                target_list = self.merged.setdefault(key, [])
                for index, item in enumerate(value):
                    if item not in target_list:
                        target_list.append(item)
                        self.origins[(key, str(len(target_list) - 1))] = (source, (key, index))
            else:
                self.merged.setdefault(key, value)
        includes = data.get("includes")
        if includes is not None and not isinstance(includes, list):
            raise located(source, ("includes",), "'includes' must be a list of file names")
        here = FsPath(source.file).resolve().parent
        for index, name in enumerate(as_list(includes)):
            self._include(name, source, ("includes", index), here, stack)

    def _include(self, name: Any, source: SourceMap, path: Path, here: FsPath, stack: tuple[FsPath, ...]) -> None:
        if not isinstance(name, str) or not name.strip():
            raise located(source, path, "an include must be a file name")
        shown = printable(name[:80]) + ("..." if len(name) > 80 else "")
        if _BAD_PATH.search(name):
            raise located(source, path, f"include '{shown}' contains a control character; refusing it")
        if len(name) > MAX_INCLUDE_NAME or any(len(part) > 255 for part in re.split(r"[\\/]", name)):
            raise located(source, path, f"include '{shown}' is longer than a file name can be ({len(name)} characters)")
        if FsPath(name).is_absolute() or re.match(r"^[A-Za-z]:[\\/]", name):
            raise located(source, path, f"include '{shown}' is an absolute path; only paths inside the model's folder")
        try:
            target = (here / name).resolve()
            exists = target.is_file()
        except (OSError, ValueError, RuntimeError) as exc:  # symlink loops, odd file systems
            raise located(source, path, f"cannot resolve include '{shown}': {exc}") from None
        if not target.is_relative_to(self.root):
            raise located(source, path, f"include '{shown}' points outside the model's folder; refusing to read it")
        if target in stack:
            chain = " -> ".join(p.name for p in (*stack, target))
            raise located(source, path, f"include cycle: {printable(chain)}")
        if target in self.read:
            return  # each file is merged once: including it again adds nothing (and no include bomb)
        if not exists:
            raise located(source, path, f"cannot read include '{shown}': no such file")
        self.read.add(target)
        if len(self.read) > MAX_INCLUDED_FILES:
            raise located(source, path, f"more than {MAX_INCLUDED_FILES} included files; refusing to go on")
        display = str(FsPath(source.file).parent / name)
        raw = read_bounded(str(target), self.limits)
        self.total += len(raw)
        if self.total > self.limits.max_bytes:
            raise located(
                source,
                path,
                f"the model and its includes exceed {self.limits.max_bytes // 1_000_000} MB together "
                "(raise it with --max-size-mb if the model is really this large)",
            )
        text = decode(raw, display)
        if not [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]:
            return  # a file of comments only contributes nothing
        data, child = parse_text(text, display, self.limits)
        self.add(data, child, (*stack, target))
