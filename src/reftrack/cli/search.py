"""`reftrack search TEXT`: find a person by any part of what you know of them."""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING, Annotated, Any

import typer

from reftrack.cli import common
from reftrack.cli.common import FormatOption, OutputFormat

if TYPE_CHECKING:
    from reftrack.db_file import Reader

SEARCH_COLUMNS = ["kind", "id", "name", "company", "email", "phone", "matched", "detail"]
SEARCH_TABLE = [
    ("kind", "kind"),
    ("id", "id"),
    ("name", "name"),
    ("company", "company"),
    ("email", "email"),
    ("phone", "phone"),
    ("matched", "matched"),
    ("detail", ""),
]


def search(
    words: Annotated[
        list[str], typer.Argument(help="A name, company, e-mail, phone or words of the notes.")
    ],
    limit: Annotated[
        int, typer.Option("--limit", "-n", min=1, help="At most this many of each kind.")
    ] = 50,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Search advocates and prospects by name, company, e-mail, phone or notes, targets by
    name, company or notes, and the notes of `note add` by their text (case and accents
    ignored; a phone number matches however it is spaced).

    Examples: reftrack search 0612345678 ; reftrack search "bakkerij" --format json
    """
    from reftrack import render
    from reftrack.services import search as searching

    text = " ".join(words)  # `search 06 1234 5678` needs no quotes

    def read(reader: Reader) -> list[dict[str, Any]]:
        return [asdict(hit) for hit in searching.search(reader, text, limit=limit)]

    rows = common.read(read)  # everyone's records, as before: no owner scope
    render.emit(
        rows,
        SEARCH_COLUMNS,
        fmt.value,
        table_columns=SEARCH_TABLE,
        empty=f"nothing matches {text!r}",
    )


def register(app: typer.Typer) -> None:
    app.command("search")(search)
