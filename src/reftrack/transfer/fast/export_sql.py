"""Export to CSV on SQLite: every cell made in SQL, every row written in C.

A canonical row (``records.*_row``) is the stored value as text, with flags as true/false,
money as 12500.00 and the spreadsheet formula guard of ``writing.neutralise``. SQLite can
compute all of that itself: the query below returns rows that ``csv.writer.writerows``
takes straight from the cursor, with no Python step per row or per cell. The output is
byte for byte what ``writing.write_csv_rows`` writes (tests/test_export_sql.py compares the
two), except for one case the csv module cannot do alone: a carriage return in a cell
needs the row fully quoted. A first query asks whether any cell holds one; if so, the rows
go through ``writing.write_csv_rows``, which quotes them.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import IO, Any

from sqlalchemy import Boolean
from sqlalchemy.engine import Connection

from reftrack import records
from reftrack.files import writing
from reftrack.files.fields import FIELDS, parse_line, parse_tags, parse_text
from reftrack.money import format_money
from reftrack.records import CHUNK
from reftrack.transfer.common import table_of

_MONEY = {
    "value": "value_cents",
    "cost": "cost_cents",
    "value_per_year": "value_cents_per_year",
}
_FORMULA = ", ".join(str(ord(c)) for c in writing.FORMULA_START)  # code points


def _guarded(expression: str) -> str:
    """``writing.neutralise`` in SQL: a cell that a spreadsheet would run gets an apostrophe."""
    first = f"unicode({expression})"  # the first character's code point, without a copy
    return f"CASE WHEN {first} IN ({_FORMULA}) THEN '''' || {expression} ELSE {expression} END"


def _money(column: str) -> str:
    """``money.format_money`` in SQL: cents → 12500.00, -5 → -0.05."""
    return (
        f"CASE WHEN {column} IS NULL THEN NULL ELSE "
        f"(CASE WHEN {column} < 0 THEN '-' ELSE '' END) || (abs({column}) / 100) || '.' "
        f"|| printf('%02d', abs({column}) % 100) END"
    )


def _flag(column: str) -> str:
    return f"CASE WHEN {column} IS NULL THEN NULL WHEN {column} THEN 'true' ELSE 'false' END"


def _source(kind: str) -> tuple[str, dict[str, tuple[str, Any]]]:
    """The FROM clause, and each canonical column's stored column with its type."""
    table = table_of(kind)
    name = table.name
    columns: dict[str, tuple[str, Any]] = {c.name: (f"{name}.{c.name}", c.type) for c in table.c}
    source = name
    if "advocate_id" in table.c and kind != "advocates":
        source += f" LEFT JOIN advocate AS a ON a.id = {name}.advocate_id"
        columns["advocate"] = ("a.name", None)
    if kind == "target_links":
        source += f" LEFT JOIN target AS t ON t.id = {name}.target_id"
        columns["target"] = ("t.name", None)
    if kind == "followups":
        source += f" LEFT JOIN referral AS r ON r.id = {name}.referral_id"
        columns["prospect"] = ("r.prospect", None)
    for shown, stored in _MONEY.items():
        if stored in columns:
            columns[shown] = columns[stored]
    return source, columns


def free_text(kind: str) -> set[str]:
    """The columns that hold what people typed; the others are checked on the way in
    (ISO dates, enum values under CHECK constraints, numbers)."""
    return {f.name for f in FIELDS[kind] if f.parse in (parse_line, parse_text, parse_tags)}


def export_sql(kind: str) -> tuple[str, str]:
    """(the query of canonical rows, the query: does any cell hold a carriage return?)"""
    source, stored = _source(kind)
    cells, texts = [], []
    free = free_text(kind)
    for column in records.COLUMNS[kind]:
        expression, kind_of = stored[column]
        if column in _MONEY:
            cells.append(_guarded(_money(expression)))
        elif isinstance(kind_of, Boolean):
            cells.append(_flag(expression))
        elif column in free:
            cells.append(_guarded(expression))
            texts.append(f"instr({expression}, char(13))")
        else:  # ids, scores, dates and enum values: never a formula, never a CR
            cells.append(expression)
    order = f"{table_of(kind).name}.id"
    query = f"SELECT {', '.join(cells)} FROM {source} ORDER BY {order}"
    carriage = f"SELECT EXISTS (SELECT 1 FROM {source} WHERE {' OR '.join(texts)})"
    return query, carriage


def write_csv(connection: Connection, kind: str, stream: IO[str]) -> int:
    """Every record of ``kind`` as canonical CSV rows; returns how many."""
    query, carriage = export_sql(kind)
    cursor = connection.connection.cursor()
    try:
        if cursor.execute(carriage).fetchone()[0]:
            return writing.write_csv_rows(stream, records.COLUMNS[kind], _rows(connection, kind))
        table = table_of(kind).name
        (count,) = cursor.execute(f"SELECT count(*) FROM {table}").fetchone()
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(records.COLUMNS[kind])
        writer.writerows(cursor.execute(query))
        return int(count)
    finally:
        cursor.close()


def _rows(connection: Connection, kind: str) -> Iterator[list[Any]]:
    """The canonical rows for ``writing.write_csv_rows`` (which guards and quotes them)."""
    source, stored = _source(kind)
    columns = records.COLUMNS[kind]
    selected = [stored[column][0] for column in columns]
    cursor = connection.connection.cursor()
    cursor.execute(f"SELECT {', '.join(selected)} FROM {source} ORDER BY {table_of(kind).name}.id")
    flags = [i for i, c in enumerate(columns) if isinstance(stored[c][1], Boolean)]
    money = [i for i, c in enumerate(columns) if c in _MONEY]
    try:
        while batch := cursor.fetchmany(CHUNK):
            for raw in batch:
                values = list(raw)
                for i in flags:
                    values[i] = None if values[i] is None else bool(values[i])
                for i in money:
                    values[i] = format_money(values[i])
                yield values
    finally:
        cursor.close()
