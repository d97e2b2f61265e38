"""`advocate show`'s profile as SQL text: one statement a section, run by either executor
of db_file (sqlite3 on a SQLite file, SQLAlchemy elsewhere). No SQLAlchemy at import.

The records come back as plain objects with the attributes of the models that render and
``records.*_row`` read (dates as dates). tests/test_show_reads.py pins what `advocate
show` prints from them to what it prints from the ORM's (``advocates.profile``,
``giving.given_back``), on both engines. A section a later change adds to the profile is
one more statement in ``SECTIONS`` (and a field of ``Profile``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from reftrack.db_file import record
from reftrack.outreach_rows import gift_row, intro_row
from reftrack.services import lookup_text

if TYPE_CHECKING:
    from reftrack.db_file import Reader

# Each section of the profile: the advocate's records (``:id``), in the order shown.
SECTIONS = {
    "scores": "SELECT * FROM nps_score WHERE advocate_id = :id ORDER BY scored_on, id",
    "events": "SELECT * FROM advocate_event WHERE advocate_id = :id ORDER BY happened_on, id",
    "asks": "SELECT * FROM ask WHERE advocate_id = :id ORDER BY asked_on, id",
    "referrals": "SELECT * FROM referral WHERE advocate_id = :id ORDER BY received_on, id",
    "open_follow_ups": (
        "SELECT * FROM follow_up WHERE advocate_id = :id AND done_on IS NULL ORDER BY due_on, id"
    ),
    # the log: notes about them, about their asks and about the referrals they made
    "notes": (
        "SELECT * FROM note WHERE advocate_id = :id "
        "OR ask_id IN (SELECT id FROM ask WHERE advocate_id = :id) "
        "OR referral_id IN (SELECT id FROM referral WHERE advocate_id = :id) "
        "ORDER BY noted_on, id"
    ),
    # the open targets they know
    "targets": (
        "SELECT t.* FROM target AS t JOIN target_via AS v ON v.target_id = t.id "
        "WHERE v.advocate_id = :id AND t.closed_on IS NULL AND t.dropped_on IS NULL "
        "ORDER BY t.name, t.id"
    ),
    "intros": "SELECT * FROM intro WHERE advocate_id = :id ORDER BY given_on, id",
    "gifts": "SELECT * FROM gift WHERE advocate_id = :id ORDER BY given_on, id",
}
# the referral that brought them, and who gave it
_ORIGIN = (
    "SELECT r.*, a.name AS referrer__name FROM referral AS r "
    "LEFT JOIN advocate AS a ON a.id = r.advocate_id WHERE r.id = :id"
)


@dataclass(frozen=True)
class Ledger:
    """The reciprocity ledger of one advocate: introductions you gave them, referrals
    they gave you, and what the thank-yous cost."""

    given: int
    received: int
    gifts: int
    gifts_cost_cents: int

    def text(self) -> str:
        return f"given {self.given} · received {self.received}"


@dataclass(frozen=True)
class GivenBack:
    """What `advocate show` adds about giving back: the ledger, the intros, the gifts."""

    ledger: Ledger
    intros: list[dict[str, Any]]
    gifts: list[dict[str, Any]]


@dataclass
class Profile:
    """One advocate with their history, as `advocate show` presents it."""

    advocate: Any
    scores: list[Any]
    events: list[Any]
    asks: list[Any]
    referrals: list[Any]
    open_follow_ups: list[Any]
    referred_by: Any
    referrer_name: str | None
    notes: list[Any] = field(default_factory=list)
    targets: list[Any] = field(default_factory=list)


def profile(reader: Reader, *, advocate: dict[str, Any]) -> tuple[Profile, GivenBack]:
    """The profile of ``advocate`` (a row of every column, as ``lookup_text`` gives it)."""
    person = record(advocate)
    params = {"id": person.id}
    found = {name: [record(r) for r in reader.rows(sql, params)] for name, sql in SECTIONS.items()}
    origin, referrer = None, None
    if person.referred_by is not None:
        for row in reader.rows(_ORIGIN, {"id": person.referred_by}):
            referrer = row.pop("referrer__name")
            origin = record(row)
    intros, gifts = found.pop("intros"), found.pop("gifts")
    ledger = Ledger(
        given=len(intros),
        received=len(found["referrals"]),
        gifts=len(gifts),
        gifts_cost_cents=sum(int(g.cost_cents or 0) for g in gifts),
    )
    given = GivenBack(
        ledger=ledger,
        intros=[intro_row(i, person.name) for i in intros],
        gifts=[gift_row(g, person.name) for g in gifts],
    )
    return Profile(advocate=person, referred_by=origin, referrer_name=referrer, **found), given


def of(reader: Reader, *, ref: str) -> tuple[Profile, GivenBack]:
    """The profile of the advocate ``ref`` names (an id or a name: ``lookup_text``)."""
    return profile(reader, advocate=lookup_text.advocate(reader, ref))
