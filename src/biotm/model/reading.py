"""Bounded reading of input files, and the record of every file read (so `-o` overwrites none)."""

from __future__ import annotations

import os

from biotm.model.errors import ModelError, Problem
from biotm.model.limits import Limits

#: Every file this process read as input (a model, a Threagile include, a topology): `-o` may overwrite none.
_FILES_READ: set[str] = set()


def files_read() -> frozenset[str]:
    """Paths of every input file read so far by `read_bounded`."""
    return frozenset(_FILES_READ)


def forget_files_read() -> None:
    """Start a new command: what an earlier one read is not this one's input (tests run many in one process)."""
    _FILES_READ.clear()


def read_bounded(path: str, limits: Limits) -> bytes:
    """The bytes of `path`, refusing files over the size limit without reading them whole."""
    _FILES_READ.add(path)
    limits = limits.for_file(path)
    try:
        size = os.stat(path).st_size
        if size > limits.max_bytes:
            raise ModelError([Problem(path, 1, 1, _too_large(size, limits))])
        with open(path, "rb") as handle:
            raw = handle.read(limits.max_bytes + 1)
    except FileNotFoundError:
        raise ModelError([Problem(path, 1, 1, "no such file")]) from None
    except IsADirectoryError:
        raise ModelError([Problem(path, 1, 1, "is a directory, not a model file")]) from None
    except OSError as exc:
        raise ModelError([Problem(path, 1, 1, f"cannot read: {exc.strerror}")]) from None
    if len(raw) > limits.max_bytes:  # grew while we looked, or a pipe or device: the true size is unknown
        message = f"file is larger than the {_size(limits.max_bytes)} limit (raise it with --max-size-mb if needed)"
        raise ModelError([Problem(path, 1, 1, message)])
    return raw


def _too_large(size: int, limits: Limits) -> str:
    return (
        f"file is {_size(size)}, over the {_size(limits.max_bytes)} limit "
        "(raise it with --max-size-mb if the model is really this large)"
    )


def _size(count: int) -> str:
    """Bytes in the unit of --max-size-mb (MiB), or plain bytes below one."""
    mebibyte = 1024 * 1024
    if count < mebibyte:
        return f"{count} bytes"
    return f"{count / mebibyte:.1f}".removesuffix(".0") + " MB"

