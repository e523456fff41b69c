"""Helpers every command shares: loading with located errors, safe output, exit codes."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import stat
import sys
import tempfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import BinaryIO

import click

from biotm.model import Limits, LoadedModel, ModelError, load_model
from biotm.result import OPEN_STATUSES, SEVERITIES, AuditResult

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_INPUT = 2

_WRITE_SLICE = 1 << 24

FAIL_ON_CHOICES = (*SEVERITIES, "none")

#: A report given as UTF-8 pieces (the JSON report is serialised while it is written).
Pieces = Iterable[bytes | memoryview]


class InputError(click.ClickException):
    """A problem with the user's input: printed as-is (already `path:line:col: …`), exit 2."""

    exit_code = EXIT_INPUT

    def show(self, file: object = None) -> None:
        click.echo(self.message, err=True)


class IsoDate(click.ParamType):  # type: ignore[type-arg]  # generic only since click 8.2; we allow 8.1
    """A calendar date written YYYY-MM-DD; a wrong one says what is wrong (month 13, 30 February)."""

    name = "date"

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        return "YYYY-MM-DD"

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> dt.date:
        if isinstance(value, dt.date):
            return value
        text = str(value)
        if len(text) != 10 or text[4] != "-" or text[7] != "-":
            self.fail(f"{text!r} is not a date written YYYY-MM-DD", param, ctx)
        try:
            return dt.date.fromisoformat(text)
        except ValueError as exc:
            self.fail(f"{text!r} is not a date: {exc}", param, ctx)


def today_option(help_text: str) -> Callable[[click.decorators.FC], click.decorators.FC]:
    return click.option("--today", type=IsoDate(), default=None, help=help_text)


def max_size_option(function: click.decorators.FC) -> click.decorators.FC:
    return click.option(
        "--max-size-mb",
        type=click.FloatRange(min=0.001),
        default=20.0,
        show_default=True,
        help="Refuse model files larger than this.",
    )(function)


def limits_for(max_size_mb: float) -> Limits:
    return Limits(max_bytes=int(max_size_mb * 1024 * 1024))


def input_format_option(function: click.decorators.FC) -> click.decorators.FC:
    from biotm.interop import INPUT_FORMATS

    return click.option(
        "--input-format",
        type=click.Choice(INPUT_FORMATS),
        default="auto",
        show_default=True,
        help="Format of the model file: biotm, or another tool's (auto-detected when unambiguous).",
    )(function)


def load_or_fail(path: str, max_size_mb: float = 20.0, input_format: str = "biotm") -> LoadedModel:
    """Load a model, turning every problem into one `path:line:col: message` line and exit 2."""
    try:
        if input_format != "biotm":
            from biotm.interop import load_any

            return load_any(path, input_format, limits_for(max_size_mb), notify=lambda line: click.echo(line, err=True))
        return load_model(path, limits_for(max_size_mb))
    except ModelError as exc:
        raise InputError(str(exc)) from None


def write_output(report: str | Pieces, output: str | None, inputs: Sequence[str] = ()) -> None:
    """Write `report` (text, or UTF-8 pieces) to `output` atomically (a crash never leaves half a report), or to stdout.

    Refuses to overwrite any of the input model files. A device, pipe or `/dev/stdout` is written
    through, not replaced. Any I/O problem is one line and exit 2.
    """
    if output is None or output == "-":
        _write_stdout(report)
        return
    if not output or output.endswith(("/", os.sep)):
        # Path() drops a trailing slash: 'reports/' silently became a file named 'reports'
        raise InputError(f"{output or repr(output)}: give a file name to write to, not a directory")
    target = Path(output)
    for source in inputs:
        try:
            if target.exists() and target.resolve() == Path(source).resolve():
                raise InputError(f"{output}: refusing to overwrite the input model")
        except OSError:
            continue
    try:
        if _is_stream(target):
            with open(target, "wb") as handle:
                _write_pieces(handle, report)
            return
        directory = target.parent if str(target.parent) else Path(".")
        if not directory.is_dir():
            raise InputError(f"{output}: directory '{directory}' does not exist")
        _replace_atomically(target, directory, report)
    except OSError as exc:
        raise InputError(f"{output}: cannot write: {exc.strerror or exc}") from None


def _write_stdout(report: str | Pieces) -> None:
    binary: BinaryIO | None = getattr(sys.stdout, "buffer", None)
    if isinstance(report, str) or binary is None:
        for piece in _pieces(report):
            sys.stdout.write(piece if isinstance(piece, str) else bytes(piece).decode("utf-8"))
        sys.stdout.flush()
        return
    sys.stdout.flush()  # whatever was printed as text comes first
    _write_pieces(binary, report)


def _pieces(report: str | Pieces) -> Iterable[str | bytes | memoryview]:
    # Text goes out in slices: encoding a national-scale report (~800 MB) at once made a second full copy.
    if isinstance(report, str):
        return (report[start : start + _WRITE_SLICE] for start in range(0, len(report), _WRITE_SLICE))
    return report


def _is_stream(target: Path) -> bool:
    """True for a device, FIFO or socket, or anything under /dev (`/dev/stdout`, `>(…)` as `/dev/fd/63`).

    Replacing these with a new file would swap, as root, /dev/null for a regular file, or leave a pipe's
    reader waiting forever; /dev/stdout links to whatever stdout is, even a regular file.
    """
    if target.absolute().parts[:2] == ("/", "dev"):
        return True
    try:
        return not stat.S_ISREG(target.stat().st_mode)
    except OSError:
        return False  # missing (or a dangling link): a new report file


def _write_pieces(handle: BinaryIO, report: str | Pieces) -> None:
    for piece in _pieces(report):
        handle.write(piece.encode("utf-8") if isinstance(piece, str) else piece)
    handle.flush()


def _replace_atomically(target: Path, directory: Path, report: str | Pieces) -> None:
    fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as handle:
            _write_pieces(handle, report)
            os.fsync(handle.fileno())  # the bytes are on disk before the name points at them
        os.chmod(temp, _report_mode(target))
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
        raise


def _report_mode(target: Path) -> int:
    """Keep an existing report's permissions; a new one gets the usual 0666 minus umask (mkstemp gives 0600)."""
    try:
        return target.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def gate(result: AuditResult, fail_on: str) -> int:
    """Exit code for a result: 1 when an open finding is at or above `fail_on`, else 0.

    Open is `open`, an expired acceptance and an overdue fix; accepted, false-positive, in-progress (before its
    due date) and verified mitigations do not fail the gate.
    """
    if fail_on == "none":
        return EXIT_OK
    threshold = [str(s) for s in SEVERITIES].index(fail_on)
    for finding in result.findings:
        if finding.status in OPEN_STATUSES and SEVERITIES.index(finding.severity) <= threshold:
            return EXIT_FINDINGS
    return EXIT_OK
