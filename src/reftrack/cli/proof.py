"""`reftrack proof list`: what advocates gave instead of a name, collected."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

import typer

from reftrack.cli import common
from reftrack.cli.common import FormatOption, OutputFormat

app = typer.Typer(
    help="Proof: testimonials, reviews, case studies and posts advocates gave.",
    no_args_is_help=True,
)
PROOF_TABLE = [
    ("collected_on", "collected"),
    ("advocate", "advocate"),
    ("kind", "kind"),
    ("link", "published at"),
    ("state", "state"),
    ("ask_id", "ask"),
]


@app.command("list")
def list_(
    all_: Annotated[
        bool, typer.Option("--all", help="Also the ones promised and still to collect.")
    ] = False,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """List the testimonials, reviews, case studies and posts collected (an ask answered
    `alternative`, its collect follow-up done; `followup done ID --link URL` says where it
    was published), newest first.

    Example: reftrack proof list --all --format csv
    """
    from reftrack import render
    from reftrack.records import json_value
    from reftrack.services.proof import PROOF_COLUMNS, proofs

    with common.read_session(common.scope()) as session:
        found = proofs(session, include_pending=all_)
    rows = [{k: json_value(v) for k, v in asdict(p).items()} for p in found]
    for row in rows:
        row["kind"] = render.label(row["kind"]) if fmt is OutputFormat.table else row["kind"]
    render.emit(
        rows,
        PROOF_COLUMNS,
        fmt.value,
        table_columns=PROOF_TABLE,
        empty="nothing collected yet; an ask answered `alternative` schedules collecting it",
    )
