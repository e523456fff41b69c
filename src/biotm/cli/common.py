"""Helpers every command shares: loading with located errors, safe output, exit codes."""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import click

from biotm.model import Limits, LoadedModel, ModelError, load_model
from biotm.result import SEVERITIES, AuditResult

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_INPUT = 2

_WRITE_SLICE = 1 << 24

FAIL_ON_CHOICES = (*SEVERITIES, "none")


class InputError(click.ClickException):
    """A problem with the user's input: printed as-is (already `path:line:col: …`), exit 2."""

    exit_code = EXIT_INPUT

    def show(self, file: object = None) -> None:
        click.echo(self.message, err=True)


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


def write_output(text: str, output: str | None, inputs: Sequence[str] = ()) -> None:
    """Write to `output` atomically (a crash never leaves half a report), or to stdout.

    Refuses to overwrite any of the input model files.
    """
    if output is None or output == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    target = Path(output)
    for source in inputs:
        try:
            if target.exists() and target.resolve() == Path(source).resolve():
                raise InputError(f"{output}: refusing to overwrite the input model")
        except OSError:
            continue
    directory = target.parent if str(target.parent) else Path(".")
    if not directory.is_dir():
        raise InputError(f"{output}: directory '{directory}' does not exist")
    fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            # In slices: writing a national-scale report (~800 MB) at once encodes a second full copy.
            for start in range(0, len(text), _WRITE_SLICE):
                handle.write(text[start : start + _WRITE_SLICE])
            handle.flush()
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
    """Exit code for a result: 1 when an open finding is at or above `fail_on`, else 0."""
    if fail_on == "none":
        return EXIT_OK
    threshold = [str(s) for s in SEVERITIES].index(fail_on)
    for finding in result.findings:
        if finding.status in ("open", "expired-acceptance") and SEVERITIES.index(finding.severity) <= threshold:
            return EXIT_FINDINGS
    return EXIT_OK
