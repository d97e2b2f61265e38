"""TAB completion of record names: advocates, prospects, asks and follow-ups by id with what
they are. Read straight from the SQLite file with the standard library's sqlite3, read-only:
completion must start as fast as `--help` (no SQLAlchemy: tests/test_startup.py), and it
must never create, migrate or lock a database. A server URL or a missing file completes
nothing."""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

LIMIT = 50  # a shell shows no more than a screenful anyway


def database_file(ctx: Any) -> Path | None:
    """The file the command would open: --db, else $REFTRACK_DB, else the default."""
    root = ctx.find_root() if ctx is not None else None
    raw = (root.params.get("db") if root is not None else None) or os.environ.get("REFTRACK_DB")
    if not raw:
        from platformdirs import user_data_dir

        return Path(user_data_dir("reftrack", appauthor=False)) / "reftrack.db"
    if "://" in raw:
        prefix = "sqlite:///"
        return Path(raw[len(prefix) :]) if raw.startswith(prefix) else None
    return Path(raw).expanduser()


def _rows(ctx: Any, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    path = database_file(ctx)
    if path is None or not path.is_file():
        return []
    try:
        uri = f"{path.resolve().as_uri()}?mode=ro"
        with closing(sqlite3.connect(uri, uri=True, timeout=0.2)) as connection:
            return list(connection.execute(sql, params).fetchall())
    except (sqlite3.Error, OSError, ValueError):
        return []  # not ours, locked, an old schema: no suggestions, never an error


def _like(incomplete: str) -> str:
    """A case-blind prefix of the name, as a LIKE pattern."""
    text = incomplete.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_").lower()
    return f"{text}%"


def _as_typed(incomplete: str, name: str) -> str:
    """The name with the part already typed kept as typed: the shell (through Typer) offers
    only values that start with what is on the line, and lookup ignores case anyway. Bash
    puts a value on the line as it is, so there its spaces are escaped ("Anna\\ de\\ Vries"
    stays one argument); zsh and fish quote for themselves."""
    value = incomplete + name[len(incomplete) :]
    if os.environ.get("_REFTRACK_COMPLETE") == "complete_bash" and " " not in incomplete:
        value = value.replace(" ", "\\ ")
    return value


def _id_or_name(ctx: Any, incomplete: str, by_id: str, by_name: str) -> list[tuple[str, str]]:
    """Digits complete an id (``by_id``); anything else a name (``by_name``): each query
    gives (value, what it is) and takes the pattern and LIMIT."""
    if incomplete.isdigit():
        return [(value, about) for value, about in _rows(ctx, by_id, f"{incomplete}%", LIMIT)]
    rows = _rows(ctx, by_name, _like(incomplete), LIMIT)
    return [(_as_typed(incomplete, value), about) for value, about in rows]


def advocates(ctx: Any, incomplete: str) -> list[tuple[str, str]]:
    return _id_or_name(
        ctx,
        incomplete,
        "SELECT CAST(id AS TEXT), name FROM advocate WHERE NOT archived "
        "AND CAST(id AS TEXT) LIKE ? ORDER BY id LIMIT ?",
        "SELECT name, coalesce(company, '') FROM advocate WHERE NOT archived "
        "AND lower(name) LIKE ? ESCAPE '\\' ORDER BY name LIMIT ?",
    )


def referrals(ctx: Any, incomplete: str) -> list[tuple[str, str]]:
    return _id_or_name(
        ctx,
        incomplete,
        "SELECT CAST(id AS TEXT), prospect || ' (' || status || ')' FROM referral "
        "WHERE CAST(id AS TEXT) LIKE ? ORDER BY id DESC LIMIT ?",
        "SELECT prospect, status || ', from #' || advocate_id FROM referral "
        "WHERE lower(prospect) LIKE ? ESCAPE '\\' ORDER BY received_on DESC LIMIT ?",
    )


def asks(ctx: Any, incomplete: str) -> list[tuple[str, str]]:
    rows = _rows(
        ctx,
        "SELECT CAST(k.id AS TEXT), a.name || ', ' || k.asked_on || ', ' || k.outcome "
        "FROM ask k JOIN advocate a ON a.id = k.advocate_id "
        "WHERE CAST(k.id AS TEXT) LIKE ? ORDER BY k.id DESC LIMIT ?",
        f"{incomplete}%",
        LIMIT,
    )
    return [(value, about) for value, about in rows]


def follow_ups(ctx: Any, incomplete: str) -> list[tuple[str, str]]:
    """Open follow-ups by id, with what they are about ("thank Anna de Vries, due …")."""
    rows = _rows(
        ctx,
        "SELECT CAST(f.id AS TEXT), f.kind || ' ' || coalesce(r.prospect, a.name, '') "
        "|| ', due ' || f.due_on FROM follow_up f "
        "LEFT JOIN advocate a ON a.id = f.advocate_id "
        "LEFT JOIN referral r ON r.id = f.referral_id "
        "WHERE f.done_on IS NULL AND CAST(f.id AS TEXT) LIKE ? ORDER BY f.due_on, f.id LIMIT ?",
        f"{incomplete}%",
        LIMIT,
    )
    return [(value, about) for value, about in rows]


def targets(ctx: Any, incomplete: str) -> list[tuple[str, str]]:
    return _id_or_name(
        ctx,
        incomplete,
        "SELECT CAST(id AS TEXT), name FROM target WHERE closed_on IS NULL "
        "AND dropped_on IS NULL AND CAST(id AS TEXT) LIKE ? ORDER BY id LIMIT ?",
        "SELECT name, coalesce(company, '') FROM target WHERE closed_on IS NULL "
        "AND dropped_on IS NULL AND lower(name) LIKE ? ESCAPE '\\' ORDER BY name LIMIT ?",
    )
