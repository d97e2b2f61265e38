"""The root command: global options, the sub-apps, and the one place errors become exits."""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer

# Typer bundles its own Click and exports no public alias for these two
from typer._click.exceptions import NoArgsIsHelpError, UsageError
from typer.core import TyperGroup

from reftrack.cli import common
from reftrack.errors import ExitCode, ReftrackError


class ReftrackGroup(TyperGroup):
    """Converts every ReftrackError and usage error, anywhere below, to one line on stderr
    and its exit code: scripts get a stable shape, people get the fix."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
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
            raise typer.Exit(130) from None


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


def _register() -> None:
    from reftrack.cli import (
        advocate,
        ask,
        followup,
        insight,
        referral,
        reports,
        system,
        transfer,
    )

    app.add_typer(advocate.app, name="advocate")
    app.add_typer(ask.app, name="ask")
    app.add_typer(referral.app, name="referral")
    app.add_typer(followup.app, name="followup")
    reports.register(app)  # due
    insight.register(app)  # next, metrics, tree, today
    transfer.register(app)  # import, export
    system.register(app)  # demo, backup, doctor, config


_register()


def run() -> None:
    app()
