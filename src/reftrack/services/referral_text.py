"""`referral show` as SQL text: the referral, who gave it, its follow-ups (done ones too)
and the notes about it, one statement each, run by either executor of db_file (sqlite3 on
a SQLite file, psycopg2 on a team's server, SQLAlchemy elsewhere). No SQLAlchemy at import.

The rows come back as what ``records.referral_row``, ``records.followup_row`` and
``render.profile.note_line`` read; tests/test_show_reads.py pins what `referral show`
prints from them to what it printed from the ORM's (``lookup.referral``,
``followups.views``, ``notes.notes_about``), on both engines.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from reftrack.db_file import record
from reftrack.services import lookup_text

if TYPE_CHECKING:
    from reftrack.db_file import Reader

_REFERRER = "SELECT name FROM advocate WHERE id = :id"
_FOLLOW_UPS = "SELECT * FROM follow_up WHERE referral_id = :id ORDER BY due_on, id"
_NOTES = "SELECT * FROM note WHERE referral_id = :id ORDER BY noted_on, id"


@dataclass(frozen=True)
class Shown:
    """One referral as `referral show` presents it."""

    referral: Any
    referrer_name: str | None  # None: that advocate's record is gone
    follow_ups: list[Any]
    notes: list[Any]


def of(reader: Reader, *, ref: str) -> Shown:
    """The referral ``ref`` names (an id or a prospect's name: ``lookup_text``)."""
    referral = record(lookup_text.resolve(reader, lookup_text.REFERRALS, ref))
    params = {"id": referral.id}
    names = reader.rows(_REFERRER, {"id": referral.advocate_id})
    return Shown(
        referral=referral,
        referrer_name=names[0]["name"] if names else None,
        follow_ups=[record(row) for row in reader.rows(_FOLLOW_UPS, params)],
        notes=[record(row) for row in reader.rows(_NOTES, params)],
    )
