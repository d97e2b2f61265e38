"""Reciprocity for `next` (docs/ranking.md): whom you helped recently (an introduction
given within suggest.reciprocity_days lifts them) and whom you keep asking but never
helped (suggest.never_helped_asks asks, no introduction: named, not lowered).

``facts`` reads the giving of the advocates `next` looks at (advocate id → facts), one
statement per 500 of them, as SQL text that either executor of db_file runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from reftrack.config import Settings
from reftrack.db_file import as_date, chunks, id_marks

if TYPE_CHECKING:
    from reftrack.db_file import Reader


@dataclass(frozen=True)
class GiveFacts:
    intros: int  # introductions you gave them, up to the day
    last_intro_on: date | None
    last_to_whom: str | None
    asks: int  # asks you made of them, up to the day


# Each fact a correlated subquery on an indexed column (intro.advocate_id,
# ask(advocate_id, asked_on)): the cost follows the advocates asked about, not the book.
_FACTS = """
SELECT a.id,
       (SELECT count(*) FROM intro AS i WHERE i.advocate_id = a.id AND i.given_on <= :day)
           AS intros,
       (SELECT max(i.given_on) FROM intro AS i WHERE i.advocate_id = a.id AND i.given_on <= :day)
           AS last_on,
       (SELECT i.to_whom FROM intro AS i WHERE i.advocate_id = a.id AND i.given_on <= :day
        ORDER BY i.given_on DESC, i.id DESC LIMIT 1) AS to_whom,
       (SELECT count(*) FROM ask AS k WHERE k.advocate_id = a.id AND k.asked_on <= :day)
           AS asks
FROM advocate AS a
WHERE a.id IN ({ids})
"""


def facts(reader: Reader, *, on: date, settings: Settings, ids: list[int]) -> dict[int, GiveFacts]:
    """The giving of the advocates ``ids`` (an advocate neither given to nor asked often
    enough to say so is left out, as ``lift`` has nothing to say of it)."""
    found: dict[int, GiveFacts] = {}
    at_least = max(settings.never_helped_asks, 1)
    for chunk in chunks(ids):
        params: dict[str, Any] = {"day": on}
        for row in reader.rows(_FACTS.format(ids=id_marks(chunk, params)), params):
            if not row["intros"] and (row["asks"] or 0) < at_least:
                continue
            found[row["id"]] = GiveFacts(
                intros=row["intros"] or 0,
                last_intro_on=as_date(row["last_on"]),
                last_to_whom=row["to_whom"],
                asks=row["asks"] or 0,
            )
    return found


def lift(
    given: GiveFacts | None, *, on: date, settings: Settings, points: int
) -> tuple[int, list[str]]:
    """The points and reasons giving adds to an advocate's score in `next`."""
    if given is None:
        return 0, []
    last = given.last_intro_on
    if last is not None and 0 <= (on - last).days <= settings.reciprocity_days:
        return points, [
            f"you introduced them to {given.last_to_whom} on {last}: "
            "they are likely to return the favour"
        ]
    if (
        given.intros == 0
        and settings.never_helped_asks
        and given.asks >= settings.never_helped_asks
    ):
        return 0, [
            f"asked {given.asks} times, never helped in return: give first (reftrack intro give)"
        ]
    return 0, []
