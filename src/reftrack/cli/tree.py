"""`reftrack tree`: who referred whom. Thin: parse → call a service → render."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from reftrack.cli import common
from reftrack.cli.common import FormatOption, OutputFormat

TREE_COLUMNS = [
    "id",
    "name",
    "company",
    "parent_id",
    "parent",
    "depth",
    "referral_id",
    "joined_on",
    "descendants",
    "won_value",
    "branch_won_value",
]


def tree(
    advocate: Annotated[
        str | None,
        typer.Argument(help="Start from this advocate (name or id); default: every root."),
    ] = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Who referred whom: chains of won referrals that became advocates, with each branch's
    size and won value.

    Example: reftrack tree "Anna de Vries"
    """
    from reftrack import render
    from reftrack.render import charts
    from reftrack.services import lookup
    from reftrack.services.tree import chains

    with common.read_session() as session:
        start = lookup.advocate(session, advocate) if advocate is not None else None
        forest = chains(session, advocate=start)
    if fmt is OutputFormat.json:
        roots = [{**root.as_dict(), "ancestors": forest.ancestors} for root in forest.roots]
        render.write_object(roots)
        return
    if fmt is OutputFormat.csv:
        render.emit(
            [_tree_row(d, n, p) for root in forest.roots for d, n, p in root.walk()],
            TREE_COLUMNS,
            "csv",
        )
        return
    if not forest.roots:
        render.message(
            "no referral chains yet: a won referral becomes an advocate with "
            "reftrack referral move R won --make-advocate"
        )
        return
    title = None
    if forest.ancestors:
        title = f"{forest.roots[0].name}, referred by " + " ← ".join(forest.ancestors)
    currency = common.settings().currency
    charts.tree(forest.roots, lambda node: charts.chain_label(node, currency), title=title)


def _tree_row(depth: int, node: Any, parent: Any) -> dict[str, Any]:
    row = node.as_dict()
    row.pop("children")
    row.pop("archived")
    return {
        **row,
        "parent_id": parent.advocate_id if parent else None,
        "parent": parent.name if parent else None,
        "depth": depth,
    }


def register(app: typer.Typer) -> None:
    """Add the tree command to the root app."""
    app.command("tree")(tree)
