"""The month's numbers `today` shows (asks, referrals, won, won value, ask yield) as SQL text,
run by either executor of db_file: the same counts as ``metrics.compute`` gives for them
(tests/test_next_bounded.py pins the two on both engines), without its other aggregates.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from reftrack.db_file import owner_scope as scoped
from reftrack.enums import Status
from reftrack.money import format_money

if TYPE_CHECKING:
    from reftrack.db_file import Reader

# Each a single row over an indexed date range (the owner scope as db.py gives ORM reads).
_ASKS = """
SELECT count(*) AS asks,
       coalesce(sum(CASE WHEN EXISTS (SELECT 1 FROM referral AS r WHERE r.ask_id = k.id)
                    THEN 1 ELSE 0 END), 0) AS with_referral
FROM ask AS k WHERE k.asked_on BETWEEN :since AND :until{scope}
"""
_RECEIVED = (
    "SELECT count(*) AS referrals FROM referral WHERE received_on BETWEEN :since AND :until{scope}"
)
# The status test is a CASE, not a WHERE: without statistics SQLite would read
# ``status = 'won'`` through the status index, every won referral of the book (40 ms at
# 100,000 referrals), instead of the month's closed range of the covering index.
_WON = """
SELECT coalesce(sum(CASE WHEN status = :won THEN 1 ELSE 0 END), 0) AS won,
       coalesce(sum(CASE WHEN status = :won THEN value_cents ELSE 0 END), 0) AS won_cents
FROM referral WHERE closed_on BETWEEN :since AND :until{scope}
"""


def rate(part: int, whole: int) -> float | None:
    """A fraction, or None when the denominator is 0 (never 0, never an error)."""
    return None if whole == 0 else round(part / whole, 4)


def numbers(reader: Reader, *, since: date, until: date) -> dict[str, Any]:
    """``metrics.compute(…).as_dict()``'s since, until, asks, referrals, won, won_value and
    ask_yield over [since, until]."""
    params: dict[str, Any] = {"since": since, "until": until, "won": Status.won.value}
    [asks] = reader.rows(_ASKS.format(scope=scoped(reader, params, "k.owner")), params)
    [received] = reader.rows(_RECEIVED.format(scope=scoped(reader, params, "owner")), params)
    [won] = reader.rows(_WON.format(scope=scoped(reader, params, "owner")), params)
    return {
        "since": since.isoformat(),
        "until": until.isoformat(),
        "asks": int(asks["asks"]),
        "referrals": int(received["referrals"]),
        "won": int(won["won"]),
        "won_value": format_money(int(won["won_cents"])),
        "ask_yield": rate(int(asks["with_referral"]), int(asks["asks"])),
    }
