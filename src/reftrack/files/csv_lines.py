"""The records of a CSV file, numbered by the line each starts on, read in chunks; a
decoding or quoting error is one error naming the line."""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator
from itertools import islice
from typing import Any

from reftrack.errors import InvalidInputError

# Bytes the decoder of any open file has escaped so far: until the first, no chunk can hold
# an escaped byte, so none needs searching. (It only ever grows; the search is harmless.)
_UNDECODABLE = [0]
ESCAPE = "reftrack-surrogateescape"


_SURROGATEESCAPE = codecs.lookup_error("surrogateescape")


def _escape(error: UnicodeError) -> tuple[str | bytes, int]:
    _UNDECODABLE[0] += 1
    return _SURROGATEESCAPE(error)


codecs.register_error(ESCAPE, _escape)


class CsvLines:
    """(first line of the record, cells) of a CSV file, one row or a chunk at a time.

    Decoding and CSV errors become one clear error. Bytes that are not ``encoding`` arrive
    as lone surrogates (``surrogateescape``), so the error names the very line they are on.
    A chunk is read in one C loop (``islice``); it is searched for such characters only
    once the decoder has met a bad byte (``_UNDECODABLE``): a million rows make every
    step per row count.
    """

    def __init__(self, reader: Any, name: str, encoding: str) -> None:
        self.reader, self.name, self.encoding = reader, name, encoding
        self.start = 1  # the first line of the next record

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        return self

    def __next__(self) -> tuple[int, list[str]]:
        chunk = self.chunk(1)
        if not chunk:
            raise StopIteration
        return chunk[0]

    def chunk(self, size: int) -> list[tuple[int, list[str]]]:
        reader = self.reader
        rows: list[list[str]] = []
        ends: list[int] = []
        try:
            for cells in islice(reader, size):
                rows.append(cells)
                ends.append(reader.line_num)
        except UnicodeDecodeError as error:
            bad = error.object[error.start : error.start + 1]
            raise _not_encoded(self.name, reader.line_num + 1, self.encoding, bad) from None
        except csv.Error as error:
            start = ends[-1] + 1 if ends else self.start
            raise _malformed(self.name, start, reader.line_num, str(error)) from None
        if not rows:
            return []
        starts = [self.start, *[end + 1 for end in ends[:-1]]]
        self.start = ends[-1] + 1
        if _UNDECODABLE[0]:
            try:
                "".join(map("".join, rows)).encode("utf-8")
            except UnicodeEncodeError:
                self._name_the_line(starts, rows)
        return list(zip(starts, rows, strict=True))

    def _name_the_line(self, starts: list[int], rows: list[list[str]]) -> None:
        for start, cells in zip(starts, rows, strict=True):
            try:
                "".join(cells).encode("utf-8")
            except UnicodeEncodeError as error:
                bad = bytes([ord(error.object[error.start]) - 0xDC00])
                raise _not_encoded(self.name, start, self.encoding, bad) from None


def _malformed(name: str, start: int, line: int, error: str) -> InvalidInputError:
    if "unexpected end of data" in error:
        return InvalidInputError(
            f"{name} line {start}: a quote opened in this record is never closed (the file "
            "ends inside it); close the quote, or double a quote that is part of the text "
            '("")'
        )
    if "expected after" in error:
        return InvalidInputError(
            f"{name} line {line}: text after a closing quote ({error}); put the whole cell "
            'in quotes and double the quotes inside it ("")'
        )
    return InvalidInputError(f"{name} line {line}: {error}; check the file's quoting")


def _not_encoded(name: str, line: int, encoding: str, bad: bytes) -> InvalidInputError:
    return InvalidInputError(
        f"{name} line {line} is not {encoding} (byte {bad!r}); give the file's --encoding "
        "(e.g. cp1252 or latin-1)"
    )
