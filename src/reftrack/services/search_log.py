"""`search` beyond people's records: targets by name, company or notes, and the
interaction log's notes by their text (case and accents ignored, as everywhere). SQL text
that either executor of db_file runs; also the SQL spelling of the fold and of a phone's
digits on each engine, which services/search.py shares."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from reftrack.db_file import LIKE, as_date, folded
from reftrack.names import fold
from reftrack.records import target_state

if TYPE_CHECKING:
    from reftrack.db_file import Reader


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
