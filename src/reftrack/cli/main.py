"""The root command: global options, the sub-apps, and the one place errors become exits."""

from __future__ import annotations

import errno
import importlib
import io
import os
import sys
from collections.abc import Iterable
from difflib import get_close_matches
from typing import Annotated, Any

import typer
import typer.main

# Typer bundles its own Click and exports no public alias for these two
from typer._click.exceptions import NoArgsIsHelpError, UsageError
from typer.core import TyperGroup

from reftrack.cli import common, params
from reftrack.errors import ExitCode, ReftrackError

# Where each command lives, in the order `--help` lists them. A command imports and builds
# only its own module: `reftrack due` does not pay for the other fourteen (nor do
# `--version` and completion). NOUNS are sub-apps (module.app); the others have register().
COMMAND_MODULES = {
    "advocate": "advocate",
    "ask": "ask",
    "referral": "referral",
    "followup": "followup",
    "intro": "intro",
    "gift": "gift",
    "target": "target",
    "note": "note",
    "proof": "proof",
    "due": "reports",
    "next": "insight",
    "forecast": "forecast",
    "metrics": "insight",
    "tree": "tree",
    "log": "journal",
    "undo": "journal",
    "search": "search",
    "today": "insight",
    "import": "transfer",
    "export": "transfer",
    "demo": "system",
    "backup": "system",
    "doctor": "system",
    "config": "system",
}
NOUNS = ("advocate", "ask", "referral", "followup", "intro", "gift", "target", "note", "proof")


class ReftrackGroup(TyperGroup):
    """Converts every ReftrackError and usage error, anywhere below, to one line on stderr
    and its exit code: scripts get a stable shape, people get the fix.

    Its sub-commands load lazily, as Click documents lazy groups: ``list_commands`` names
    them for nothing (completion and `--help` start there), ``get_command`` imports and
    builds only the module that holds the one asked for.
    """

    def __init__(self, **settings: Any) -> None:
        super().__init__(**settings)
        self._loaded: set[str] = set()  # the modules whose commands are built

    def list_commands(self, ctx: Any) -> list[str]:
        return list(COMMAND_MODULES)

    def make_context(
        self, info_name: Any, args: list[str], parent: Any = None, **extra: Any
    ) -> Any:
        common.state.argv = list(args)  # the journal records the command as typed
        return super().make_context(info_name, args, parent, **extra)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        module_name = COMMAND_MODULES.get(cmd_name)
        if module_name is None:
            return None
        if cmd_name not in self.commands:
            self._load([module_name])
        command = self.commands.get(cmd_name)
        params.lighten(command, ctx)  # no pydantic for plain values (cli/params.py)
        return command

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)
        params.lighten(self)  # --db and the completion flags (cli/params.py)
        params.lighten_one(option)
        return option

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        """`--help` lists every command: build the modules in one go (~15% faster than
        one by one, each through its own holder app)."""
        self._load(COMMAND_MODULES.values())
        super().format_commands(ctx, formatter)

    def _load(self, module_names: Iterable[str]) -> None:
        missing = [m for m in dict.fromkeys(module_names) if m not in self._loaded]
        if missing:
            self.commands.update(_build(missing))
            self._loaded.update(missing)

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        """Typer's, with "did you mean" drawn from every name, not just the ones built."""
        try:
            return super().resolve_command(ctx, args)
        except UsageError as error:
            close = get_close_matches(args[0], self.list_commands(ctx)) if args else []
            if close and "Did you mean" not in error.message:
                suggestions = ", ".join(repr(name) for name in close)
                error.message = f"{error.message.rstrip('.')}. Did you mean {suggestions}?"
            raise

    def invoke(self, ctx: Any) -> Any:
        try:
            try:
                result = super().invoke(ctx)
                common.say_created()
                return result
            finally:
                sys.stdout.flush()  # a full disk or closed pipe shows here, not at exit
        except OSError as error:
            if not _output_failed(error):
                raise
            _silence_stdout()
            if isinstance(error, BrokenPipeError):  # the reader stopped (`| head`): fine
                raise typer.Exit(ExitCode.OK) from None
            from reftrack import render

            render.message(f"error: cannot write output ({error.strerror})")
            raise typer.Exit(ExitCode.ERROR) from None
        except ReftrackError as error:
            from reftrack import render

            render.message(f"error: {error.message}")
            raise typer.Exit(error.exit_code) from None
        except NoArgsIsHelpError:
            raise  # `reftrack advocate` alone shows its help, as usual
        except UsageError as error:
            from reftrack import render

            where = error.ctx.command_path if error.ctx else "reftrack"
            text = " ".join(error.format_message().replace("Value error, ", "").split())
            render.message(f"error: {text} (see '{where} --help')")
            raise typer.Exit(ExitCode.USAGE) from None
        except KeyboardInterrupt:
            from reftrack import render

            render.message("interrupted: the transaction was rolled back; nothing was written")
            raise typer.Exit(ExitCode.INTERRUPTED) from None


# What a write to a full, broken or closed output says; files a command writes itself
# (an export, a backup) translate their own errors and name the file.
_OUTPUT_ERRNOS = {errno.EPIPE, errno.ENOSPC, errno.EIO, errno.EFBIG, errno.EDQUOT}


def _output_failed(error: OSError) -> bool:
    """Whether ``error`` is a failed write to stdout (a write names no file)."""
    return error.errno in _OUTPUT_ERRNOS and error.filename is None


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so what it still holds does not fail again at exit
    (Python's "Exception ignored ... BrokenPipeError")."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, io.UnsupportedOperation):  # a test's stdout has no file
        pass


EPILOG = """Examples:

  reftrack advocate add "Anna de Vries" --company Beta --nps 9

  reftrack ask add Anna --channel phone --target "one or two peers in logistics"

  reftrack referral add Anna "Piet Bakker" --phone 0612345678

  reftrack due

Database: --db PATH_OR_URL, else $REFTRACK_DB, else the user data folder.
"""

app = typer.Typer(
    cls=ReftrackGroup,
    name="reftrack",
    help="Track referrals: advocates, asks, referrals and the follow-ups they need.",
    epilog=EPILOG,
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        from reftrack import __version__

        sys.stdout.write(f"reftrack {__version__}\n")
        raise typer.Exit()


@app.callback()
def main(
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            help="Database file or SQLAlchemy URL (default: $REFTRACK_DB, else the user data dir).",
            show_default=False,
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    common.reset(db)


def _nothing() -> None:
    """The callback of the holder app below (a callback makes Typer build a group)."""


def _install(holder: typer.Typer, module_name: str) -> None:
    module = importlib.import_module(f"reftrack.cli.{module_name}")
    if module_name in NOUNS:
        holder.add_typer(module.app, name=module_name)
    else:
        module.register(holder)  # e.g. reports.register: due


def _build(module_names: Iterable[str]) -> dict[str, Any]:
    """The Click commands of these modules, built by Typer with the root's settings."""
    holder = typer.Typer(
        rich_markup_mode=None, pretty_exceptions_enable=False, add_completion=False
    )
    holder.callback()(_nothing)
    for module_name in dict.fromkeys(module_names):
        _install(holder, module_name)
    group: Any = typer.main.get_command(holder)  # a TyperGroup: the holder has a callback
    return dict(group.commands)


def run() -> None:
    """The console script (and ``python -m reftrack``)."""
    common.start_up()
    app()
