"""Writing tables of records: CSV that a spreadsheet opens safely, and JSON. Pure
functions over file objects.

A cell that a spreadsheet would run as a formula (``=1+1``, ``+31 6``, ``@SUM``) gets a
leading apostrophe; ``restore`` takes it off again when reftrack reads its own export.
"""

from __future__ import annotations

import csv
import json
import operator
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from typing import IO, Any

from reftrack.records import cell, json_value

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "'")
_FORMULA = frozenset(FORMULA_START)


def neutralise(text: str) -> str:
    """``=1+1`` → ``'=1+1``: a spreadsheet shows it as text instead of running it."""
    return "'" + text if text[:1] in FORMULA_START and text else text


def restore(text: str) -> str:
    """Undo ``neutralise``; an apostrophe before anything else stays ("'t Hart")."""
    if len(text) > 1 and text[0] == "'" and text[1] in FORMULA_START:
        return text[1:]
    return text


def write_csv(stream: IO[str], columns: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> int:
    """Header and rows (each with every column), formula-safe; returns the rows written.

    Lines end in LF; a row with a carriage return in a cell is written fully quoted (the
    csv module quotes only the line terminator's characters), so the CR survives.
    """
    pick = operator.itemgetter(*columns)
    if len(columns) == 1:
        return write_csv_rows(stream, columns, ((pick(row),) for row in rows))
    return write_csv_rows(stream, columns, (pick(row) for row in rows))


def write_csv_rows(stream: IO[str], columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """``write_csv`` of rows given as sequences of values in the order of ``columns``."""
    writer = csv.writer(stream, lineterminator="\n")
    quoted = csv.writer(stream, lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writerow(columns)
    write, formula = writer.writerow, _FORMULA
    count = 0
    for values in rows:
        # the common cases inline: a million rows make every call per cell count
        cells = [v if v.__class__ is str else "" if v is None else cell(v) for v in values]
        if not formula.isdisjoint([text[:1] for text in cells]):
            cells = [neutralise(text) for text in cells]
        if "\r" in "\n".join(cells):
            quoted.writerow(cells)
        else:
            write(cells)
        count += 1
    return count


def write_json(stream: IO[str], columns: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> int:
    """The same array of objects as ``--format json``, written one object at a time."""
    count = 0
    for row in rows:
        data = {column: json_value(row.get(column)) for column in columns}
        text = textwrap.indent(json.dumps(data, ensure_ascii=False, indent=2), "  ")
        stream.write(("[\n" if count == 0 else ",\n") + text)
        count += 1
    stream.write("\n]\n" if count else "[]\n")
    return count
