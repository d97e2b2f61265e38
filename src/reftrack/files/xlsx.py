"""Excel workbooks (.xlsx) in and out, through openpyxl: pure functions over file objects.

Writing streams rows (openpyxl's write-only mode) with each cell typed by its field: text
stays text (a phone's leading zero survives, and a text cell is never a formula, even one
that starts with ``=``), dates are dates, money is a number shown with two decimals, ids
and scores are whole numbers, flags are booleans. Reading takes the first sheet (or the
one named), in read-only mode, and gives every cell as the text the CSV reader would have
given, so the rest of an import does not know the file was a workbook.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import IO, Any

from reftrack.errors import InvalidInputError
from reftrack.files.fields import FIELDS, parse_amount, parse_flag, parse_id, parse_nps

ZIP_MAGIC = b"PK\x03\x04"
DATE_FORMAT = "yyyy-mm-dd"
MONEY_FORMAT = "0.00"
# what a workbook cannot hold (openpyxl refuses it): written as U+FFFD
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_HEADER_WITHIN = 30


def column_types(kind: str) -> dict[str, str]:
    """Canonical column → date, money, int, flag or text."""
    types = {}
    for spec in FIELDS[kind]:
        if spec.parse is None:
            types[spec.name] = "date"
        elif spec.parse is parse_amount:
            types[spec.name] = "money"
        elif spec.parse in (parse_id, parse_nps):
            types[spec.name] = "int"
        elif spec.parse is parse_flag:
            types[spec.name] = "flag"
    return types


@dataclass
class Sheet:
    """One sheet to write: its title, the kind's columns and canonical rows (as exported)."""

    title: str
    kind: str
    columns: Sequence[str]
    rows: Iterable[Mapping[str, Any]]


def write_workbook(binary: IO[bytes], sheets: Iterable[Sheet]) -> dict[str, int]:
    """Write ``sheets`` to ``binary``; returns the rows written per sheet title."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    counts: dict[str, int] = {}
    for sheet in sheets:
        worksheet = workbook.create_sheet(sheet.title)
        types = column_types(sheet.kind)
        kinds = [types.get(column, "text") for column in sheet.columns]
        worksheet.append([_cell(worksheet, column, "text") for column in sheet.columns])
        count = 0
        for row in sheet.rows:
            worksheet.append(
                [
                    _cell(worksheet, row.get(column), kind)
                    for column, kind in zip(sheet.columns, kinds, strict=True)
                ]
            )
            count += 1
        counts[sheet.title] = count
    if not counts:
        workbook.create_sheet("empty")
    workbook.save(binary)
    return counts


def _cell(worksheet: Any, value: Any, kind: str) -> Any:
    """The cell to append: a plain value where openpyxl stores it as it is (cheaper by far),
    else a cell with its type or number format set."""
    from openpyxl.cell import WriteOnlyCell

    if value is None or value == "":
        return None
    if kind == "text":
        text = str(value)
        if text[:1] != "=" and not _ILLEGAL.search(text):
            return text  # openpyxl makes a formula only of a text that starts with =
    if kind == "date":
        cell = WriteOnlyCell(worksheet, value=date.fromisoformat(str(value)))
        cell.number_format = DATE_FORMAT
        return cell
    if kind == "money":
        cell = WriteOnlyCell(worksheet, value=Decimal(str(value)))
        cell.number_format = MONEY_FORMAT
        return cell
    if kind in ("int", "flag"):
        return value
    cell = WriteOnlyCell(worksheet, value=_ILLEGAL.sub("\ufffd", str(value)))
    cell.data_type = "s"  # never a formula, whatever the text starts with
    return cell


def _load(binary: IO[bytes], name: str) -> Any:
    from openpyxl import load_workbook

    try:
        return load_workbook(binary, read_only=True, data_only=True)
    except Exception as error:  # zipfile.BadZipFile, KeyError, openpyxl's InvalidFileException
        raise InvalidInputError(
            f"{name} is not an .xlsx workbook that can be read ({type(error).__name__}); "
            "save it again as .xlsx, or export it as CSV"
        ) from None


def sheet_names(binary: IO[bytes], *, name: str) -> list[str]:
    return list(_load(binary, name).sheetnames)


def read_sheet(
    binary: IO[bytes], *, name: str, sheet: str | None, scorer: Any
) -> tuple[str, int, list[str], Iterator[tuple[int, list[str]]], int | None]:
    """(sheet title, header row number, header, (row number, cells) after it, the number
    of the sheet's last row as its file says, for the progress bar)."""
    workbook = _load(binary, name)
    titles = list(workbook.sheetnames)
    if sheet is None:
        if not titles:
            raise InvalidInputError(f"{name} has no sheets; there is nothing to import")
        title = titles[0]
    elif sheet in titles:
        title = sheet
    else:
        raise InvalidInputError(
            f"{name} has no sheet {sheet!r} (its sheets: {', '.join(titles)}); "
            "give one of them with --sheet"
        )
    rows = (
        (number, [_text(value) for value in values])
        for number, values in enumerate(workbook[title].iter_rows(values_only=True), start=1)
    )
    head: list[tuple[int, list[str]]] = []
    for item in rows:
        head.append(item)
        if len(head) == _HEADER_WITHIN:
            break
    best = (0, 0)
    for index, (_, cells) in enumerate(head):
        recognised = scorer(cells)
        if recognised > best[0]:
            best = (recognised, index)
    filled = [i for i, (_, cells) in enumerate(head) if any(c.strip() for c in cells)]
    if not filled:
        raise InvalidInputError(f"{name} sheet {title!r} is empty; there is nothing to import")
    index = best[1] if best[0] else filled[0]
    header_line, header = head[index]
    while header and not header[-1].strip():
        header.pop()  # a sheet's rows are as wide as its widest: the header says how wide

    def after() -> Iterator[tuple[int, list[str]]]:
        width = len(header)
        for number, cells in [*head[index + 1 :], *rows]:
            if len(cells) > width and not any(c.strip() for c in cells[width:]):
                cells = cells[:width]
            elif len(cells) < width:
                cells = cells + [""] * (width - len(cells))
            yield number, cells

    last_row = workbook[title].max_row  # the sheet's stated dimension; None if it has none
    return title, header_line, header, after(), last_row if isinstance(last_row, int) else None


def _text(value: Any) -> str:
    """A cell's value as the text a CSV export would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        if value.time() == time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)
