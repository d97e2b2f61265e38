"""The open targets each advocate knows, for `next` (docs/ranking.md#targets): SQL text
that either executor of db_file runs, so `next` on a file imports no SQLAlchemy.
tests/test_next_bounded.py pins it to ``targets.open_targets_known`` (the ORM form)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from reftrack.db_file import chunks, id_marks, owner_scope

if TYPE_CHECKING:
    from reftrack.db_file import Reader

_KNOWN = """
SELECT v.advocate_id, t.name, t.company
FROM target_via AS v JOIN target AS t ON t.id = v.target_id
WHERE t.closed_on IS NULL AND t.dropped_on IS NULL AND v.advocate_id IN ({ids}){scope}
ORDER BY v.advocate_id, t.name, t.id
"""


def known(reader: Reader, ids: list[int]) -> dict[int, list[str]]:
    """advocate id → the open targets they know ("Jan Pieters (Omega)"), for ``ids``."""
    found: dict[int, list[str]] = {}
    for chunk in chunks(ids):
        params: dict[str, Any] = {}
        marks = id_marks(chunk, params)
        sql = _KNOWN.format(ids=marks, scope=owner_scope(reader, params, "t.owner"))
        for row in reader.rows(sql, params):
            name, company = row["name"], row["company"]
            found.setdefault(int(row["advocate_id"]), []).append(
                f"{name} ({company})" if company else name
            )
    return found
