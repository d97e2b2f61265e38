"""Reading a JSON array of objects (what ``export --format json`` writes) as rows of text
cells, like a CSV file's."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import IO

from reftrack.errors import InvalidInputError
from reftrack.records import cell


def json_rows(text: IO[str], name: str) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    try:
        data = json.load(text)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise InvalidInputError(f"{name} is not valid JSON ({error})") from None
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise InvalidInputError(
            f"{name} must be a JSON array of objects, like `export --format json`"
        )
    header = list(dict.fromkeys(key for item in data[:1] for key in item))

    def rows() -> Iterator[tuple[int, list[str]]]:
        for number, item in enumerate(data, start=1):
            cells = [cell(item.get(key)) for key in header]
            if "\x00" in "".join(cells):  # a CSV with one is refused as binary; so is this
                key = next(k for k, cell in zip(header, cells, strict=True) if "\x00" in cell)
                raise InvalidInputError(
                    f"{name} record {number}, {key!r} holds a NUL character (\\u0000); "
                    "remove it and import again"
                )
            yield number, cells

    return header, rows()
