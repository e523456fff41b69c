"""Helpers every command shares: loading with located errors, safe output, exit codes."""

from __future__ import annotations

import contextlib
import datetime as dt
import glob
import math
import os
import stat
import sys
import tempfile
from collections.abc import Callable, Collection, Iterable, Sequence
from pathlib import Path
from typing import BinaryIO

import click

from biotm.model import Limits, LoadedModel, ModelError, load_model
from biotm.model.limits import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_ELEMENTS,
    DEFAULT_MAX_JSON_BYTES,
    DEFAULT_MAX_JSON_VALUES,
    DEFAULT_MAX_VALUES,
    FLOWS_PER_ELEMENT,
)
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


def today_option(
    help_text: str = "Date acceptances are checked against (default: today).",
) -> Callable[[click.decorators.FC], click.decorators.FC]:
    """`--today`, for every command whose result depends on which acceptances have expired."""
    return click.option("--today", type=IsoDate(), default=None, help=help_text)


#: The largest --max-size-mb: a model this large already needs far more memory than a CI runner has.
MAX_SIZE_MB = 4096.0


class SizeMb(click.FloatRange):
    """A file-size limit in MB: finite and within (0.001, MAX_SIZE_MB]; NaN passes every range check, so it
    is refused by name."""

    def __init__(self) -> None:
        super().__init__(min=0.001, max=MAX_SIZE_MB)

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> float:
        number: float = super().convert(value, param, ctx)  # type: ignore[arg-type]  # click converts any input
        if number != number:  # NaN
            self.fail(f"{value!r} is not a number of megabytes", param, ctx)
        return number


class BudgetDays(click.ParamType):  # type: ignore[type-arg]
    """Person-days: a finite number, zero or more (click's FloatRange lets 'nan' and 'inf' through)."""

    name = "DAYS"

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> float:
        try:
            days = float(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            self.fail(f"{value!r} is not a number of person-days", param, ctx)
        if not math.isfinite(days) or days < 0:
            self.fail(f"{value!r}: a budget is a finite number of person-days, zero or more", param, ctx)
        return days


def budget_option(help_text: str) -> Callable[[click.decorators.FC], click.decorators.FC]:
    return click.option("--budget", type=BudgetDays(), default=None, help=help_text)


def max_size_option(function: click.decorators.FC) -> click.decorators.FC:
    """`--max-size-mb`, `--max-values` and `--max-elements`: the bounds every command that reads a model holds it to."""
    return click.option(
        "--max-elements", type=click.IntRange(min=1, max=MAX_VALUES), expose_value=False, callback=_remember,
        help=f"Refuse models of more elements than this, or of more than {FLOWS_PER_ELEMENT} flows per element "
        f"[default: {DEFAULT_MAX_ELEMENTS:,}].",
    )(file_size_option(function))


def file_size_option(function: click.decorators.FC) -> click.decorators.FC:
    """`--max-size-mb` and `--max-values`: the bounds of reading any file (generate's topology: not a model)."""
    function = click.option(
        "--max-values", type=click.IntRange(min=1000, max=MAX_VALUES), expose_value=False, callback=_remember,
        help=f"Refuse files of more values than this [default: {DEFAULT_MAX_VALUES:,} for YAML, "
        f"{DEFAULT_MAX_JSON_VALUES:,} for JSON].",
    )(function)
    return click.option(
        "--max-size-mb",
        type=SizeMb(),
        default=None,
        help=f"Refuse model files larger than this [default: {DEFAULT_MAX_BYTES >> 20} for YAML, "
        f"{DEFAULT_MAX_JSON_BYTES >> 20} for JSON].",
    )(function)


#: The largest --max-values: about 30 s of YAML parsing per million over what the defaults allow.
MAX_VALUES = 1_000_000_000


def _remember(ctx: click.Context, param: click.Parameter, value: int | None) -> None:
    # Kept on the context, not passed to each command: every command reading a file gets it through limits_for.
    ctx.meta[f"biotm.{param.name}"] = value


def limits_for(max_size_mb: float | None) -> Limits:
    """The limits of this command's --max-size-mb, --max-values and --max-elements (None: the defaults)."""
    context = click.get_current_context(silent=True)
    meta = context.meta if context is not None else {}
    max_bytes = None if max_size_mb is None else int(max_size_mb * 1024 * 1024)
    return Limits.chosen(max_bytes, meta.get("biotm.max_values"), meta.get("biotm.max_elements"))


def input_format_option(function: click.decorators.FC) -> click.decorators.FC:
    from biotm.interop import INPUT_FORMATS

    return click.option(
        "--input-format",
        type=click.Choice(INPUT_FORMATS),
        default="auto",
        show_default=True,
        help="Format of the model file: biotm, or another tool's (auto-detected when unambiguous).",
    )(function)


def model_options(function: click.decorators.FC) -> click.decorators.FC:
    """`--input-format` and `--max-size-mb`: every command that reads a model takes both, the same way."""
    return input_format_option(max_size_option(function))


def load_or_fail(path: str, max_size_mb: float | None = None, input_format: str = "auto") -> LoadedModel:
    """Load a model, turning every problem into one `path:line:col: message` line and exit 2."""
    try:
        if input_format != "biotm":
            from biotm.interop import load_any

            return load_any(path, input_format, limits_for(max_size_mb), notify=lambda line: click.echo(line, err=True))
        return load_model(path, limits_for(max_size_mb))
    except ModelError as exc:
        raise InputError(str(exc)) from None


#: Width of terminal text written to a file (or with --width, anywhere).
DEFAULT_TEXT_WIDTH = 100


def width_option(function: click.decorators.FC) -> click.decorators.FC:
    return click.option(
        "--width",
        type=click.IntRange(min=40, max=1000),
        default=None,
        help=f"Columns of terminal text (default: the terminal's width, or {DEFAULT_TEXT_WIDTH} in a file).",
    )(function)


def output_options(
    formats: Collection[str], default: str, what: str = "report"
) -> Callable[[click.decorators.FC], click.decorators.FC]:
    """`-f/--format` (one of `formats`) and `-o/--output`; resolve the two with `chosen_format`.

    `-f` defaults to None here so that `-o report.html` alone can choose the format by its extension.
    """
    from biotm.report import extensions

    def decorate(function: click.decorators.FC) -> click.decorators.FC:
        names = sorted(formats)
        function = click.option(
            "-o",
            "--output",
            type=click.Path(dir_okay=False),
            help=f"Write the {what} here (atomically); its extension picks the format when -f is not given "
            f"({', '.join(f'{ext} {name}' for name in names for ext in extensions(name)[:1])}).",
        )(function)
        return click.option(
            "-f",
            "--format",
            "fmt",
            type=click.Choice(names),
            default=None,
            help=f"{what.capitalize()} format [default: {default}, or the one -o's extension names].",
        )(function)

    return decorate


#: Extensions that name plain text in general: they pick the terminal format but never contradict -f.
_LOOSE_EXTENSIONS = (".txt",)


def chosen_format(fmt: str | None, output: str | None, formats: Collection[str], default: str) -> str:
    """The format to write: `-f` if given, else the one `-o`'s extension names, else `default`.

    An extension that names another format than `-f`, or a format this command cannot write, is a usage
    error (exit 2): a report.html full of terminal text is worse than no report.
    """
    from biotm.report import format_of_file

    implied = format_of_file(output) if output and output != "-" else None
    loose = output is not None and output.lower().endswith(_LOOSE_EXTENSIONS)
    if fmt is not None:
        if implied is not None and implied != fmt and not loose:
            raise click.UsageError(f"-f {fmt} contradicts -o {output}, whose extension means {implied}")
        return fmt
    if implied is None:
        return default
    if implied not in formats:
        if loose:
            return default
        raise click.UsageError(
            f"-o {output}: this command cannot write {implied}; give -f ({', '.join(sorted(formats))}) "
            "or another file name"
        )
    return implied


def text_width(width: int | None, output: str | None) -> int | None:
    """Columns for terminal text: --width, else the default for files, else None (the terminal's own)."""
    if width is not None:
        return width
    return None if output is None or output == "-" else DEFAULT_TEXT_WIDTH


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
    from biotm.model.loader import files_read  # every file read as input: an included file counts too

    for source in sorted({*inputs, *files_read()}):
        try:
            if target.exists() and target.resolve() == Path(source).resolve():
                what = "the input model" if source in inputs else f"'{source}', an input of the model"
                raise InputError(f"{output}: refusing to overwrite {what}")
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


#: Temporary reports are named `.REPORT.biotm-PID-XXXX.tmp`: a run killed by SIGKILL cannot clean up, so the
#: next run writing the same report removes those whose process is gone.
_TEMP_MARK = ".biotm-"


def _remove_stale_temps(target: Path, directory: Path) -> None:
    for stale in directory.glob(f".{glob.escape(target.name)}{_TEMP_MARK}*.tmp"):
        pid = stale.name[len(target.name) + 1 + len(_TEMP_MARK) :].split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            with contextlib.suppress(OSError):
                stale.unlink()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # someone else's live process
    return True


def _replace_atomically(target: Path, directory: Path, report: str | Pieces) -> None:
    _remove_stale_temps(target, directory)
    fd, temp = tempfile.mkstemp(prefix=f".{target.name}{_TEMP_MARK}{os.getpid()}-", suffix=".tmp", dir=directory)
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
