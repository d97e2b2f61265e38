"""Reading and writing tables of records: CSV as real files come, and JSON. Pure functions
over file objects: no database, no printing.

Reading finds the encoding (UTF-8 with or without BOM, UTF-16 with BOM, else cp1252 when
the bytes say so), the delimiter and the header row (past a preamble such as LinkedIn's
"Notes:"), then yields one ``Record`` or ``BadRow`` per line. Writing streams rows and
neutralises cells a spreadsheet would run as a formula.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from itertools import islice
from typing import IO, Any

from reftrack.errors import InvalidInputError
from reftrack.files import vcard
from reftrack.files.cells import NULL, as_they_come, without_nulls
from reftrack.files.csv_lines import ESCAPE, CsvLines
from reftrack.files.encoding import Replay, choose_encoding, refuse_binary, sample_text
from reftrack.files.fields import convert, missing_columns
from reftrack.files.headers import NAME_FIELD, Plan, check_preset, parse_map, plan
from reftrack.files.json_rows import json_rows
from reftrack.files.writing import restore
from reftrack.files.xlsx import ZIP_MAGIC, read_sheet
from reftrack.records import COLUMNS

SAMPLE_BYTES = 64 * 1024
DELIMITERS = (",", ";", "\t", "|")
_HEADER_WITHIN = 30  # rows of preamble we look past for the header


@dataclass
class RowError:
    where: str  # "people.csv line 7"
    column: str | None
    reason: str

    def __str__(self) -> str:
        column = f", column {self.column!r}" if self.column else ""
        return f"{self.where}{column}: {self.reason}"


@dataclass
class Record:
    line: int
    where: str
    values: dict[str, Any]
    blanks: dict[str, Any]
    advocate_name: str | None = None


@dataclass
class BadRow:
    line: int
    errors: list[RowError]


def _score(rows: list[list[str]], scorer: Any) -> tuple[int, int]:
    """(recognised columns, index) of the row that looks most like the header."""
    best = (0, 0)
    for index, row in enumerate(rows[:_HEADER_WITHIN]):
        recognised = scorer(row)
        if recognised > best[0]:
            best = (recognised, index)
    return best


def _consistency(rows: list[list[str]]) -> int:
    widths = [len(row) for row in rows if len(row) > 1]
    return max((widths.count(w) for w in set(widths)), default=0)


def _sample_rows(sample: str, delimiter: str) -> list[list[str]]:
    rows: list[list[str]] = []
    try:
        for row in csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter):
            rows.append(row)
            if len(rows) == 200:
                break
    except csv.Error:
        pass  # not this delimiter's quoting; what was read still counts
    return rows


def sniff(sample: str, scorer: Any, delimiter: str | None) -> tuple[str, int]:
    """(delimiter, index of the header record): the reading that recognises most columns."""
    best: tuple[int, int, int, str, int] | None = None
    for rank, candidate in enumerate([delimiter] if delimiter else DELIMITERS):
        rows = _sample_rows(sample, candidate)
        recognised, index = _score(rows, scorer)
        if not recognised:
            index = next((i for i, row in enumerate(rows) if any(c.strip() for c in row)), 0)
        key = (recognised, _consistency(rows), -rank, candidate, index)
        if best is None or key[:3] > best[:3]:
            best = key
    assert best is not None
    return best[3], best[4]


@dataclass
class Options:
    kind: str
    preset: str | None = None
    mapping: Sequence[str] = ()
    delimiter: str | None = None
    encoding: str | None = None
    date_order: str | None = None
    sheet: str | None = None  # of a workbook: the first when None


@dataclass
class Table:
    """An open file: what was found, and its rows (iterate once)."""

    name: str
    options: Options
    plan: Plan
    encoding: str
    delimiter: str | None  # None for JSON
    encoding_note: str | None = None
    blank: int = 0
    _rows: Iterator[tuple[int, list[str]]] = field(default_factory=lambda: iter(()))
    _source: Replay | None = None
    read_elsewhere: int | None = None  # bytes a helper process has read (transfer.fast.feed)
    row_word: str | None = None  # what a row is called in messages ("row" in a workbook)
    named: dict[str, int] = field(default_factory=dict)  # nameless rows named from: count

    @property
    def bytes_read(self) -> int:
        if self.read_elsewhere is not None:
            return self.read_elsewhere
        return self._source.position if self._source else 0

    @property
    def unknown(self) -> list[str]:
        return self.plan.unknown

    def where(self, line: int) -> str:
        word = self.row_word or ("record" if self.delimiter is None else "line")
        return f"{self.name} {word} {line}"

    def __iter__(self) -> Iterator[Record | BadRow]:
        for line, cells in self.lines():
            item = self.convert_row(line, cells)
            if item is not None:
                yield item

    def lines(self) -> Iterator[tuple[int, list[str]]]:
        """(line, cells) of every record after the header: the raw rows, read once."""
        return self._rows

    def chunks(self, size: int) -> Iterator[list[tuple[int, list[str]]]]:
        """``lines`` in lists of ``size``."""
        rows = self._rows
        if isinstance(rows, CsvLines):
            while chunk := rows.chunk(size):
                yield chunk
            return
        while chunk := list(islice(rows, size)):
            yield chunk

    def convert_row(self, line: int, cells: list[str]) -> Record | BadRow | None:
        """One raw row as a Record (or BadRow); None for a blank row (counted in ``blank``)."""
        options, found = self.options, self.plan
        width = len(found.header)
        if not any(text.strip() for text in cells):
            self.blank += 1
            return None
        if len(cells) != width:
            if len(cells) < width or any(text.strip() for text in cells[width:]):
                return BadRow(line, [self._ragged(line, len(cells), width)])
            cells = cells[:width]
        if self.delimiter is not None and "'" in [text[:1] for text in cells]:
            cells = [restore(text) for text in cells]
        if not self._restoring and NULL in cells:
            cells = without_nulls(cells)
        raw = found.extract(cells)
        name_field = NAME_FIELD.get(options.kind)
        if not self._restoring:
            raw = as_they_come(options.kind, raw, name_field, self.named)
        nameless = found.skip_nameless and not raw.get(name_field or "", "").strip()
        if nameless or not any(text.strip() for text in raw.values()):
            self.blank += 1
            return None
        done = convert(options.kind, raw, self._present, date_order=options.date_order)
        where = self.where(line)
        if done.errors:
            return BadRow(
                line, [RowError(where, found.column_of(f), why) for f, why in done.errors]
            )
        return Record(line, where, done.values, done.blanks, done.advocate_name)

    @cached_property
    def _present(self) -> frozenset[str]:
        return frozenset(self.plan.fields)

    @cached_property
    def _restoring(self) -> bool:
        """A file with an id column is an export of records: restored exactly as it is."""
        return "id" in self.plan.fields

    def _ragged(self, line: int, cells: int, width: int) -> RowError:
        return RowError(
            self.where(line),
            None,
            f"has {cells} cells but the header has {width}; "
            "quote cells that contain the delimiter, or check --delimiter",
        )


def open_table(binary: IO[bytes], options: Options, *, name: str = "stdin") -> Table:
    """Detect encoding, delimiter and header; raise InvalidInputError for an unusable file."""
    head = binary.read(SAMPLE_BYTES)
    if not head.strip().strip(codecs.BOM_UTF8).strip():
        raise InvalidInputError(f"{name} is empty; there is nothing to import")
    if head.startswith(ZIP_MAGIC) or name.casefold().endswith(".xlsx"):
        return _open_workbook(head, binary, options, name)
    if vcard.looks_like_vcard(head) or name.casefold().endswith((".vcf", ".vcard")):
        return _open_vcards(head, binary, options, name)
    if options.encoding is None:
        refuse_binary(head, name)
    if options.sheet is not None:
        raise InvalidInputError(f"--sheet is for .xlsx workbooks; {name} is not one")
    encoding, note = choose_encoding(head, binary, options.encoding, name)
    mapping = parse_map(options.kind, options.mapping)
    sample = sample_text(head, encoding, at_end=len(head) < SAMPLE_BYTES)
    source = Replay(head, binary)
    buffered = io.BufferedReader(source, SAMPLE_BYTES)
    text = io.TextIOWrapper(buffered, encoding=encoding, errors=ESCAPE, newline="")
    delimiter: str | None = None
    if sample.lstrip().startswith(("[", "{")):
        header, rows = json_rows(text, name)
        header = header or list(COLUMNS[options.kind])  # `[]`: an export of no records
    else:
        scorer = _scorer(options, mapping)
        delimiter, index = sniff(sample, scorer, _delimiter(options.delimiter))
        header, rows = _csv_rows(text, delimiter, index, name, encoding)
    found = _plan(header, options, mapping, name)
    table = Table(name, options, found, encoding, delimiter, note, _rows=rows, _source=source)
    return table


def _plan(
    header: list[str], options: Options, mapping: Mapping[str, str | None], name: str
) -> Plan:
    found = plan(header, kind=options.kind, preset=options.preset, mapping=mapping)
    check_preset(found, options.preset)
    missing = missing_columns(options.kind, found.fields)
    if missing:
        raise InvalidInputError(
            f"{name} has no {' or '.join(missing)} column (its header: {', '.join(header)}); "
            f"add one, or name a column with --map COLUMN={missing[0].split(',')[0]}"
        )
    return found


def _open_vcards(head: bytes, binary: IO[bytes], options: Options, name: str) -> Table:
    """A .vcf file: one row per card (``files.vcard``)."""
    if options.kind != "advocates":
        raise InvalidInputError(
            f"{name} is a vCard file: contacts; import it with `import advocates`"
        )
    encoding = vcard.encoding_of(head)
    source = Replay(head, binary)
    buffered = io.BufferedReader(source, SAMPLE_BYTES)
    text = io.TextIOWrapper(buffered, encoding=encoding, errors="replace", newline="")
    start = head.decode(encoding, errors="replace")
    rows = vcard.card_rows(text, head=start, name=name)
    mapping = parse_map(options.kind, options.mapping)
    found = _plan(list(vcard.COLUMNS), options, mapping, name)
    return Table(name, options, found, encoding, None, _rows=rows, _source=source, row_word="card")


def _open_workbook(head: bytes, binary: IO[bytes], options: Options, name: str) -> Table:
    """An .xlsx file: its first sheet (or ``options.sheet``), read as text cells."""
    if not head.startswith(ZIP_MAGIC):
        raise InvalidInputError(
            f"{name} is not an .xlsx workbook (it is not a zip file); save it as .xlsx, "
            "or give it the name of what it is (.csv)"
        )
    if binary.seekable():
        binary.seek(0)
    else:
        binary = io.BytesIO(head + binary.read())
    size = binary.seek(0, io.SEEK_END)
    binary.seek(0)
    mapping = parse_map(options.kind, options.mapping)
    title, _, header, rows, last_row = read_sheet(
        binary, name=name, sheet=options.sheet, scorer=_scorer(options, mapping)
    )
    label = f"{name} sheet {title!r}"
    found = _plan(header, options, mapping, label)
    table = Table(label, options, found, "xlsx", None, row_word="row")
    table._rows = _counted(rows, table, size, last_row) if last_row else rows
    return table


def _counted(
    rows: Iterator[tuple[int, list[str]]], table: Table, size: int, last_row: int
) -> Iterator[tuple[int, list[str]]]:
    """openpyxl reads the zip itself: the progress bar goes by rows, as a share of the file."""
    for number, cells in rows:
        table.read_elsewhere = size * min(number, last_row) // last_row
        yield number, cells
    table.read_elsewhere = size


def _scorer(options: Options, mapping: Mapping[str, str | None]) -> Any:
    def score(row: list[str]) -> int:
        return plan(row, kind=options.kind, preset=options.preset, mapping=mapping).recognised

    return score


def _delimiter(given: str | None) -> str | None:
    if given is None:
        return None
    named = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";", "pipe": "|"}
    value = named.get(given.lower(), given)
    if len(value) != 1 or value in "\"'\r\n":
        raise InvalidInputError(
            f"--delimiter {given!r} is not one character; use ',', ';', tab or '|'"
        )
    return value


def _csv_rows(
    text: IO[str], delimiter: str, header_index: int, name: str, encoding: str
) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    # strict: a quote never closed, or text after a closing quote, is an error naming the
    # line, never a silent merge of rows
    reader = csv.reader(text, delimiter=delimiter, strict=True)
    csv.field_size_limit(64 * 1024 * 1024)
    numbered = CsvLines(reader, name, encoding)
    header: list[str] | None = None
    for index, (_, cells) in enumerate(numbered):
        if index == header_index:
            header = cells
            break
    if header is None:
        raise InvalidInputError(f"{name} has no header row; the first row must name the columns")
    header = [h.lstrip("\ufeff") for h in header]
    return header, numbered
