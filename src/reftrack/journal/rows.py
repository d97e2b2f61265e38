"""A row as the journal keeps it: JSON text of its columns, and back."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import Boolean, Date, DateTime, Table

STAMP = "%Y-%m-%d %H:%M:%S.%f"  # as SQLAlchemy stores a DateTime on SQLite (UTC, no zone)


@lru_cache(maxsize=4096)  # an import's rows share their timestamp, and dates repeat
def _temporal(value: Any) -> str:
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value.strftime(STAMP)
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not kept in the journal")


# The C encoder calls _temporal only for what JSON lacks: dates and date-times.
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=_temporal)


def dumps(row: dict[str, Any]) -> str:
    return _ENCODER.encode(row)


def loads(text: str | None) -> dict[str, Any]:
    return {} if not text else dict(json.loads(text))


def typed(table: Table, row: dict[str, Any]) -> dict[str, Any]:
    """JSON values back as the column types want them (dates, date-times, flags)."""
    out: dict[str, Any] = {}
    for name, value in row.items():
        if name not in table.c:
            continue  # a column a later schema dropped
        kind = table.c[name].type
        kind = getattr(kind, "impl", kind)
        if value is None:
            out[name] = None
        elif isinstance(kind, DateTime):
            out[name] = datetime.strptime(value, STAMP).replace(tzinfo=UTC)
        elif isinstance(kind, Date):
            out[name] = date.fromisoformat(value)
        elif isinstance(kind, Boolean):
            out[name] = bool(value)
        else:
            out[name] = value
    return out


def ranges(ids: list[int]) -> list[tuple[int, int]]:
    """Sorted ids as runs of consecutive numbers: [1, 2, 3, 7] → [(1, 3), (7, 7)]."""
    runs: list[tuple[int, int]] = []
    for value in sorted(ids):
        if runs and value == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], value)
        else:
            runs.append((value, value))
    return runs
