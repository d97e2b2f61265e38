"""`reftrack forecast`: is it compounding? k from the book and the book projected."""

from __future__ import annotations

from typing import Annotated

import typer

from reftrack.cli import common
from reftrack.cli.common import EveryoneOption, FormatOption, OutputFormat, OwnerOption


def forecast(
    years: Annotated[
        int, typer.Option("--years", min=1, max=50, help="How many years to project.")
    ] = 5,
    what_if_asks: Annotated[
        str | None,
        typer.Option(
            "--what-if-asks",
            help="More asks a month (+4/month), at your measured ask yield and win rate.",
        ),
    ] = None,
    owner: OwnerOption = None,
    everyone: EveryoneOption = False,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Is it compounding? The referral coefficient k measured from your own book (new
    customers by referral per customer per year, asked and organic apart, with the
    generations of `tree`) and the book projected at that rate, net of churn, beside the
    texts' ideal of one referral per customer a year (1 → 16,384 in 15 steps).
    Definitions and a worked example: docs/metrics.md.

    Example: reftrack forecast --years 10 --what-if-asks +4/month
    """
    from reftrack import render
    from reftrack.services import forecast as service

    extra = service.parse_asks(what_if_asks) if what_if_asks is not None else None
    with common.read_session(common.scope(owner, everyone)) as session:
        measured = service.measure(session, as_of=common.today())
    rows = service.project(measured, years=years, asks_per_month=extra)
    data = service.as_dict(measured, rows, asks_per_month=extra)
    if fmt is OutputFormat.json:
        render.write_object(data)
    elif fmt is OutputFormat.csv:
        render.emit(data["projection"], service.PROJECTION_COLUMNS, "csv")
    else:
        from reftrack.render import forecast as view

        view.show(data)


def register(app: typer.Typer) -> None:
    """Add `forecast` to the root app."""
    app.command("forecast")(forecast)
