"""The `biotm` command line: a thin layer that parses arguments and calls the pipeline."""

from __future__ import annotations

import gc
import importlib
import signal
import sys

import click

from biotm import __version__

#: command name -> "module:function" under biotm.cli. A command's module (and what it imports: the
#: pipeline, networkx, rich, Jinja2) is imported only when that command runs, or for its help line.
COMMANDS: dict[str, str] = {
    "analyze": "analyze:analyze",
    "diagram": "diagram_cmd:diagram",
    "diff": "diff_cmd:diff",
    "dpia": "dpia_cmd:dpia",
    "export": "export_cmd:export",
    "generate": "generate_cmd:generate",
    "import": "import_cmd:import_",
    "mitigate": "mitigate_cmd:mitigate",
    "paths": "paths_cmd:paths",
    "rules": "rules_cmd:rules",
    "schema": "schema_cmd:schema",
    "validate": "validate:validate",
}


class LazyGroup(click.Group):
    """A group whose commands are imported on first use: start-up pays only for the command that runs."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*COMMANDS, *self.commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            module, _, attribute = COMMANDS[cmd_name].partition(":")
            command: click.Command = getattr(importlib.import_module(f"biotm.cli.{module}"), attribute)
            self.add_command(command, cmd_name)
        return self.commands.get(cmd_name)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="biotm")
@click.option("--debug", is_flag=True, help="Show a traceback on internal errors.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """biotm: audit identity-system data-flow models for biometric leak and identity-theft risk."""
    ctx.obj = {"debug": debug}
    from biotm.model.loader import forget_files_read

    forget_files_read()


EXIT_INTERNAL = 3


class Stopped(BaseException):
    """SIGINT, SIGTERM or SIGHUP arrived. Not an Exception (nothing catches it by accident) and not a
    KeyboardInterrupt (click turns that into exit 1): it unwinds through every `finally` and
    `except BaseException`, so a report being written removes its temporary file, then exits 128 + signal."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _stop(signum: int, _frame: object) -> None:
    raise Stopped(signum)


def main() -> None:
    """Entry point: run the CLI, turning unexpected errors into one line instead of a traceback."""
    debug = "--debug" in sys.argv[1:]
    # One short run builds millions of acyclic objects (model, graph, findings); the cyclic collector
    # re-scanned them all and took ~40% of a national-scale audit. The process ends soon after, freeing all.
    gc.disable()
    if hasattr(signal, "SIGPIPE"):
        # `biotm analyze m.yaml | head` closes the pipe early: end quietly as cat or grep do (killed by SIGPIPE,
        # status 141), instead of rich's exit 1, which a CI gate would read as "findings at or above --fail-on".
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    for name in ("SIGINT", "SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), _stop)
    try:
        cli.main(prog_name="biotm", standalone_mode=True)
    except SystemExit:
        raise
    except Stopped as stop:
        click.echo("biotm: interrupted" if stop.signum == signal.SIGINT else "biotm: terminated", err=True)
        sys.exit(128 + stop.signum)
    except KeyboardInterrupt:
        click.echo("biotm: interrupted", err=True)
        sys.exit(130)
    except Exception as exc:
        if debug:
            raise
        click.echo(f"biotm: internal error: {type(exc).__name__}: {exc} (rerun with --debug)", err=True)
        sys.exit(EXIT_INTERNAL)
