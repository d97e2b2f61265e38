"""`search` beyond people's records: targets by name, company or notes, and the
interaction log's notes by their text (case and accents ignored, as everywhere). SQL text
that either executor of db_file runs; also the SQL spelling of the fold and of a phone's
digits on each engine, which services/search.py shares."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from reftrack.db_file import as_date
from reftrack.names import ACCENTED, PLAIN, fold
from reftrack.records import target_state

if TYPE_CHECKING:
    from reftrack.db_file import Reader

# a LIKE whose pattern (:pattern, from names.escape_like) is taken literally
LIKE = " LIKE :pattern ESCAPE '\\'"


def folded(reader: Reader, column: str) -> str:
    """The column in lower case without accents, in SQL (see reftrack.names): SQLite calls
    names.fold (db_file.prepare_sqlite registers it); PostgreSQL has no unaccent by
    default, so translate() folds the letters names.ACCENTED lists."""
    if reader.dialect == "sqlite":
        return f"reftrack_fold({column})"
    # translate() costs PostgreSQL ~10 µs a value (it scans ACCENTED for each character):
    # 150 ms of a search over 3,000 advocates and 3,000 prospects. ASCII text, which it
    # would leave as it is, skips it.
    return (
        f"CASE WHEN {column} ~ '^[\\x01-\\x7f]*$' THEN lower({column}) "
        f"ELSE translate(lower({column}), '{ACCENTED}', '{PLAIN}') END"
    )


def digits(reader: Reader, column: str) -> str:
    """Only the digits of the column, in SQL (names.digits on SQLite)."""
    if reader.dialect == "sqlite":
        return f"reftrack_digits({column})"
    return f"regexp_replace({column}, '\\D', '', 'g')"


_TARGET_FIELDS = ("name", "company", "notes")


def target_hits(reader: Reader, *, key: str, pattern: str, limit: int) -> list[dict[str, Any]]:
    tests = " OR ".join(folded(reader, field) + LIKE for field in _TARGET_FIELDS)
    sql = (
        "SELECT id, name, company, notes, closed_on, dropped_on FROM target "
        f"WHERE {tests} ORDER BY id LIMIT :limit"
    )
    hits = []
    for row in reader.rows(sql, {"pattern": pattern, "limit": limit}):
        matched = next((f for f in _TARGET_FIELDS if key in (fold(row[f]) or "")), "name")
        hits.append(
            {
                "kind": "target",
                "id": int(row["id"]),
                "name": row["name"],
                "company": row["company"],
                "matched": matched,
                "detail": target_state(row["closed_on"], row["dropped_on"]),
            }
        )
    return hits


def note_hits(reader: Reader, *, pattern: str, limit: int) -> list[dict[str, Any]]:
    """Notes whose text holds the words, named by whom they are about."""
    sql = (
        "SELECT n.id, n.noted_on, n.text, n.ask_id, a.name AS advocate, r.prospect "
        "FROM note AS n LEFT JOIN advocate AS a ON a.id = n.advocate_id "
        "LEFT JOIN referral AS r ON r.id = n.referral_id "
        f"WHERE {folded(reader, 'n.text')}{LIKE} ORDER BY n.id LIMIT :limit"
    )
    hits = []
    for row in reader.rows(sql, {"pattern": pattern, "limit": limit}):
        ask_id = row["ask_id"]
        about = f"ask #{ask_id}" if ask_id is not None else row["advocate"] or row["prospect"] or ""
        hits.append(
            {
                "kind": "note",
                "id": int(row["id"]),
                "name": about,
                "company": None,
                "matched": "note",
                "detail": f"{as_date(row['noted_on'])}: {row['text']}",
            }
        )
    return hits
