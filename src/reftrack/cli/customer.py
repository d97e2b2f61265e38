"""`reftrack advocate value` and `advocate churn`: what a customer is worth a year and
when they stopped being one (for `metrics --compare source` and `forecast`)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from reftrack.cli import common, completion
from reftrack.cli.common import OnOption

AdvocateArg = Annotated[
    str, typer.Argument(help="Name (or part of it) or id.", autocompletion=completion.advocates)
]


class Per(StrEnum):
    month = "month"
    year = "year"


def value(
    advocate: AdvocateArg,
    amount: Annotated[str, typer.Argument(help="What they are worth (at most two decimals).")],
    per: Annotated[Per, typer.Option("--per", help="The amount is per month or per year.")] = (
        Per.year
    ),
) -> None:
    """Record what a customer is worth (stored per year; --per month multiplies by 12).
    `metrics --compare source` compares referred customers' value with the rest's.

    Example: reftrack advocate value anna 450 --per month
    """
    from reftrack import render
    from reftrack.money import display_money, parse_money
    from reftrack.services import customers, lookup

    cents = parse_money(amount, what="MONEY")
    with common.write_session() as session:
        found = lookup.advocate(session, advocate)
        yearly = customers.set_value(session, advocate=found, cents=cents, per=per.value)
    render.message(
        f"{found.name}: worth {display_money(yearly, common.settings().currency)} a year"
    )


def churn(
    advocate: AdvocateArg,
    on: OnOption = None,
    undo: Annotated[
        bool, typer.Option("--undo", help="They are a customer again (or it was a mistake).")
    ] = False,
) -> None:
    """Record that a customer stopped being one (not archived: they may still refer you;
    `advocate archive` is a choice of its own). From that day they no longer count as an
    active customer in `forecast` and `metrics --compare source`.

    Example: reftrack advocate churn "Jan Smit" --on 2026-01-31
    """
    from reftrack import render
    from reftrack.services import customers, lookup

    with common.write_session() as session:
        found = lookup.advocate(session, advocate)
        if undo:
            was = customers.unchurn(session, advocate=found)
        else:
            customers.churn(session, advocate=found, on=common.when(on))
    if undo:
        render.message(f"{found.name}: a customer again (churn of {was} removed)")
    else:
        render.message(f"{found.name}: churned on {found.churned_on}")


def register(app: typer.Typer) -> None:
    """Add `value` and `churn` to the advocate app."""
    app.command("value")(value)
    app.command("churn")(churn)
