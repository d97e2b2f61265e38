"""The only package that knows Rich: tables, panels and the JSON/CSV output of lists.

Data goes to stdout, messages to stderr. When stdout is not a terminal (a pipe, cron's
mail) tables print as plain aligned text: no colour, no box drawing, nothing cut short.
Consoles are made on first use, not at import: Rich fixes the width when one is built.
Text for people goes through ``render.safe`` (stored control characters shown, never
sent raw) and reaches Rich as ``Text``, so a stored ``[bold]`` is shown, not obeyed.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import sys
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from typing import TYPE_CHECKING, Any, TextIO

from reftrack.records import cell, json_value
from reftrack.render.labels import ENUM_KEYS
from reftrack.render.labels import label as _label
from reftrack.render.safe import terminal_line, terminal_text

if TYPE_CHECKING:
    from rich.console import Console, RenderableType
    from rich.text import Text

Row = Mapping[str, Any]


def stdout_is_terminal() -> bool:
    return sys.stdout.isatty()


def colour_allowed(stream: TextIO) -> bool:
    return stream.isatty() and "NO_COLOR" not in os.environ


@cache
def _console(stderr: bool) -> Console:
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    plain = not colour_allowed(stream)
    return Console(
        file=stream,
        no_color=plain,
        color_system=None if plain else "auto",  # NO_COLOR: no bold or italic either
        highlight=False,
        soft_wrap=not stream.isatty(),
    )


def out() -> Console:
    return _console(False)


def err() -> Console:
    return _console(True)


def reset_consoles() -> None:
    """Forget the consoles (tests swap sys.stdout between invocations)."""
    _console.cache_clear()


def message(text: str) -> None:
    """One line for people, on stderr (what it quotes from the data cannot act or break it).
    Data written to stdout so far goes first: a cron mail keeps the order they happened in."""
    with contextlib.suppress(OSError, ValueError):  # a closed stdout: still say it
        sys.stdout.flush()
    sys.stderr.write(terminal_line(text.rstrip("\n")) + "\n")
    sys.stderr.flush()


def write(text: str) -> None:
    """Text for people on stdout, as it is but for control characters (``render.safe``)."""
    sys.stdout.write(terminal_text(text))


def write_line(text: str) -> None:
    """One line for people on stdout; a newline or tab in it is shown as an escape too."""
    sys.stdout.write(terminal_line(text) + "\n")


def rich_text(value: str, style: str | None = None) -> Text:
    """Stored text for Rich: controls escaped, and a ``Text``, so markup in it is shown."""
    from rich.text import Text

    return Text(terminal_text(value), style=style or "")


def details(pairs: Sequence[tuple[str, Any]], *, skip_empty: bool = True) -> None:
    """One record as aligned ``label  value`` lines, one column for every record of a kind
    (its width is the longest label, shown or not); a value's later lines stay indented
    under it, so stored text cannot pass for a label line of its own."""
    width = max((len(label) for label, _ in pairs), default=0)
    indent = "\n" + " " * (width + 2)
    for label, value in pairs:
        if skip_empty and _empty(value):
            continue
        text = terminal_text(str(value)).replace("\n", indent)
        sys.stdout.write(f"{label.ljust(width)}  {text}\n")


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str | list) and not value)


def write_csv(rows: Iterable[Row], columns: Sequence[str], stream: TextIO) -> None:
    """The one CSV writer (``files.writing``): formula-safe cells, CRs kept, as export."""
    from reftrack.files.writing import write_csv as write_rows

    write_rows(stream, columns, ({column: row.get(column) for column in columns} for row in rows))


def write_json(rows: Iterable[Row], columns: Sequence[str], stream: TextIO) -> None:
    data = [{column: json_value(row.get(column)) for column in columns} for row in rows]
    stream.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def write_object(data: Any, stream: TextIO | None = None) -> None:
    stream = sys.stdout if stream is None else stream
    stream.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def plain_table(rows: Sequence[Sequence[str]], headers: Sequence[str]) -> str:
    """Aligned columns of plain text, nothing truncated; reads well in a mail.

    Every cell stays on its line: its control characters (newline and tab too) are shown
    as escapes (``render.safe``), so stored text can neither act nor forge a row."""
    rows = [[terminal_line(text) for text in row] for row in rows]
    widths = [len(h) for h in headers]
    for row in rows:
        for index, text in enumerate(row):
            widths[index] = max(widths[index], len(text))
    lines = []
    for row in [list(headers), ["-" * w for w in widths], *map(list, rows)]:
        padded = [text.ljust(widths[i]) for i, text in enumerate(row)]
        lines.append("  ".join(padded).rstrip())
    return "\n".join(lines) + "\n"


def print_table(
    rows: Sequence[Row],
    columns: Sequence[tuple[str, str]],
    *,
    title: str | None = None,
    empty: str = "nothing to show",
    highlight: str | None = None,
) -> None:
    """``columns`` is (key, header) pairs; rows whose ``highlight`` key is truthy stand out."""
    if not rows:
        message(empty)
        return
    # a column with nothing in it is noise for a person (csv/json keep every column)
    columns = [(key, header) for key, header in columns if any(cell(r.get(key)) for r in rows)]
    texts = [[_shown(key, row.get(key)) for key, _ in columns] for row in rows]
    if stdout_is_terminal():
        keep = fitting_columns([key for key, _ in columns], texts, out().width)
        columns = [columns[i] for i in keep]
        texts = [[text[i] for i in keep] for text in texts]
    headers = [header for _, header in columns]
    if not stdout_is_terminal():
        if title:
            sys.stdout.write(f"{terminal_line(title)}\n\n")
        sys.stdout.write(plain_table(texts, headers))
        return
    from rich.table import Table

    table = Table(
        title=rich_text(terminal_line(title)) if title else None,
        title_justify="left",
        header_style="bold",
    )
    for key, header in columns:
        table.add_column(header, overflow="fold", no_wrap=_unbreakable(key))
    for row, text in zip(rows, texts, strict=True):
        style = "bold red" if highlight and row.get(highlight) else None
        table.add_row(*map(rich_text, text), style=style)
    out().print(table)


def label(value: Any) -> str:
    """An enumeration's value in plain words (``no_response`` → "no response")."""
    return _label(value)


def _shown(key: str, value: Any) -> str:
    return _label(value) if key in ENUM_KEYS else cell(value)


def _unbreakable(key: str) -> bool:
    """Dates, ids and amounts read wrong when wrapped; they keep their width."""
    return key == "id" or key.endswith(("_on", "_id")) or key in ("value", "days_late")


def fitting_columns(keys: Sequence[str], texts: Sequence[Sequence[str]], width: int) -> list[int]:
    """The columns that fit ``width`` (by index): the table's columns are in order of
    importance, so the last ones go first until the unbreakable ones keep their width and
    every other column has at least 8 characters (3 more per column for Rich's borders)."""

    def need(index: int) -> int:
        longest = max([len(t[index]) for t in texts] + [1])
        return (longest if _unbreakable(keys[index]) else min(longest, 8)) + 3

    keep = list(range(len(keys)))
    while len(keep) > 2 and sum(need(i) for i in keep) + 1 > width:
        keep.pop()
    return keep


def print_renderable(renderable: RenderableType) -> None:
    out().print(renderable)


def emit(
    rows: Sequence[Row],
    columns: Sequence[str],
    fmt: str,
    *,
    table_columns: Sequence[tuple[str, str]] | None = None,
    title: str | None = None,
    empty: str = "nothing to show",
    highlight: str | None = None,
) -> None:
    """Write rows in the chosen format: the one output path for every list command."""
    if fmt == "json":
        write_json(rows, columns, sys.stdout)
    elif fmt == "csv":
        write_csv(rows, columns, sys.stdout)
    else:
        shown = table_columns or [(c, c) for c in columns]
        print_table(rows, shown, title=title, empty=empty, highlight=highlight)


def csv_text(rows: Iterable[Row], columns: Sequence[str]) -> str:
    buffer = io.StringIO()
    write_csv(rows, columns, buffer)
    return buffer.getvalue()
