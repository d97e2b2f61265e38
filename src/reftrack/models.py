"""The tables (the data model; columns in docs/formats.md) and the shapes services accept.

Enumerations and ranges are enforced by the database with CHECK constraints, not only
here: a row written by an import, an older version or a hand-made SQL statement obeys
them too. Money is integer minor units (``value_cents``); dates are calendar dates;
``created_at``/``updated_at`` are UTC.

No ``from __future__ import annotations`` here: Pydantic and SQLAlchemy each evaluate every
column's annotation when a table class is made, and a string costs them more (about 10 ms
of each write's start-up for these tables).
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import StrEnum

from pydantic import ConfigDict
from sqlalchemy import BigInteger, CheckConstraint, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from reftrack.enums import (
    Alternative,
    Channel,
    EventKind,
    FollowUpKind,
    Outcome,
    Source,
    Status,
)


def utcnow() -> datetime:
    return datetime.now(UTC)


def one_of(column: str, enum: type[StrEnum], *, nullable: bool = False) -> CheckConstraint:
    allowed = ", ".join(f"'{member.value}'" for member in enum)
    condition = f"{column} IN ({allowed})"
    if nullable:
        condition = f"{column} IS NULL OR {condition}"
    return CheckConstraint(condition, name=f"ck_{column}_valid")


def id_of(record: SQLModel) -> int:
    """The primary key of a flushed record (mypy sees ``id`` as optional before that)."""
    record_id = getattr(record, "id", None)
    if record_id is None:
        raise ValueError(f"{type(record).__name__} has no id yet; flush the session first")
    return int(record_id)


# exactly one of a note's three subjects (portable: PostgreSQL cannot add booleans)
ONE_SUBJECT = (
    " + ".join(
        f"(CASE WHEN {column} IS NULL THEN 0 ELSE 1 END)"
        for column in ("advocate_id", "referral_id", "ask_id")
    )
    + " = 1"
)


class Table(SQLModel):
    """What every table class derives from. Table instances are made without validation
    (SQLModel's rule), so the Pydantic validator and serializer a class would otherwise
    build when it is defined (~10 ms of every write's start-up for these tables) are built
    on first use, which nothing in reftrack does (tests/test_startup.py)."""

    model_config = ConfigDict(defer_build=True)  # type: ignore[assignment]


class Logged(Table):
    """Who logged a record (on a team database) and when it was made and last changed."""

    owner: str | None = Field(default=None, index=True)
    created_at: datetime = Field(default_factory=utcnow, nullable=False)
    updated_at: datetime = Field(default_factory=utcnow, nullable=False)


class Advocate(Logged, table=True):
    __tablename__ = "advocate"
    __table_args__ = (
        CheckConstraint("nps IS NULL OR (nps BETWEEN 0 AND 10)", name="ck_nps_range"),
        CheckConstraint(
            "value_cents_per_year IS NULL OR value_cents_per_year >= 0",
            name="ck_value_per_year_positive",
        ),
        one_of("source", Source, nullable=True),
        Index("ix_advocate_name", "name"),
        Index("ix_advocate_email", "email"),
    )

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(nullable=False)
    company: str | None = None
    email: str | None = None
    phone: str | None = None
    tags: str | None = None  # ';'-separated, as in the CSV
    nps: int | None = None
    nps_on: date | None = None
    customer_since: date | None = None
    source: str | None = None
    referred_by: int | None = Field(
        default=None, foreign_key="referral.id", ondelete="SET NULL", index=True
    )
    last_milestone_on: date | None = None
    last_complaint_on: date | None = None
    archived: bool = Field(default=False, nullable=False)
    notes: str | None = None
    title: str | None = None  # position, e.g. from a LinkedIn export
    url: str | None = None
    # what the customer is worth a year (`advocate value`), and when they stopped being one
    # (`advocate churn`): `metrics --compare source` and `forecast` (schema 0007)
    value_cents_per_year: int | None = Field(default=None, sa_type=BigInteger)
    churned_on: date | None = None

    @property
    def tag_list(self) -> list[str]:
        return [tag for tag in (self.tags or "").split(";") if tag]


class NpsScore(Table, table=True):
    """One dated NPS answer; the advocate row carries the latest."""

    __tablename__ = "nps_score"
    __table_args__ = (CheckConstraint("score BETWEEN 0 AND 10", name="ck_score_range"),)

    id: int | None = Field(default=None, primary_key=True)
    advocate_id: int = Field(foreign_key="advocate.id", ondelete="CASCADE", index=True)
    score: int
    scored_on: date
    created_at: datetime = Field(default_factory=utcnow, nullable=False)


class AdvocateEvent(Table, table=True):
    """A value milestone or a complaint; the advocate row carries the latest of each."""

    __tablename__ = "advocate_event"
    __table_args__ = (one_of("kind", EventKind),)

    id: int | None = Field(default=None, primary_key=True)
    advocate_id: int = Field(foreign_key="advocate.id", ondelete="CASCADE", index=True)
    kind: str
    happened_on: date
    note: str | None = None
    created_at: datetime = Field(default_factory=utcnow, nullable=False)


class Ask(Logged, table=True):
    __tablename__ = "ask"
    __table_args__ = (
        one_of("channel", Channel),
        one_of("outcome", Outcome),
        one_of("alternative", Alternative, nullable=True),
        Index("ix_ask_advocate_asked_on", "advocate_id", "asked_on"),
        Index("ix_ask_asked_on", "asked_on"),
    )

    id: int | None = Field(default=None, primary_key=True)
    advocate_id: int = Field(foreign_key="advocate.id", ondelete="RESTRICT")
    asked_on: date
    channel: str = Field(default=Channel.in_person.value)
    target: str | None = None
    outcome: str = Field(default=Outcome.pending.value)
    alternative: str | None = None
    forced: bool = Field(default=False, nullable=False)
    notes: str | None = None
    # the named person asked for (`ask add --for TARGET`); `target` stays the free text
    target_id: int | None = Field(
        default=None, foreign_key="target.id", ondelete="SET NULL", index=True
    )
    # an invitation (`--channel event --event "Golf day" --bring`): the event's name, its
    # day (the follow-up asking whom they brought is due the day after) and the plus-one
    event: str | None = None
    event_on: date | None = None
    bring: bool = Field(default=False, nullable=False)


class Referral(Logged, table=True):
    __tablename__ = "referral"
    __table_args__ = (
        one_of("status", Status),
        CheckConstraint("value_cents IS NULL OR value_cents >= 0", name="ck_value_positive"),
        Index("ix_referral_received_on", "received_on"),
        Index("ix_referral_closed_on", "closed_on"),
        Index("ix_referral_status", "status"),
        # covering indexes for `metrics` (schema 0003)
        Index("ix_referral_received_cover", "received_on", "ask_id", "thanked_on"),
        Index("ix_referral_closed_cover", "closed_on", "status", "value_cents", "received_on"),
    )

    id: int | None = Field(default=None, primary_key=True)
    advocate_id: int = Field(foreign_key="advocate.id", ondelete="RESTRICT", index=True)
    ask_id: int | None = Field(default=None, foreign_key="ask.id", ondelete="SET NULL", index=True)
    prospect: str
    company: str | None = None
    email: str | None = None
    phone: str | None = None
    received_on: date
    status: str = Field(default=Status.new.value)
    value_cents: int | None = None
    closed_on: date | None = None
    lost_reason: str | None = None
    thanked_on: date | None = None
    notes: str | None = None

    @property
    def is_open(self) -> bool:
        return self.status not in (Status.won, Status.lost)


class FollowUp(Logged, table=True):
    __tablename__ = "follow_up"
    __table_args__ = (
        one_of("kind", FollowUpKind),
        CheckConstraint(
            "advocate_id IS NOT NULL OR ask_id IS NOT NULL OR referral_id IS NOT NULL",
            name="ck_follow_up_has_subject",
        ),
        # `due` reads open (done_on IS NULL) follow-ups by due date: this keeps it a range
        # scan however many done ones pile up over the years.
        Index("ix_follow_up_done_due", "done_on", "due_on"),
        Index("ix_follow_up_due_on", "due_on"),
    )

    id: int | None = Field(default=None, primary_key=True)
    due_on: date
    kind: str = Field(default=FollowUpKind.custom.value)
    advocate_id: int | None = Field(
        default=None, foreign_key="advocate.id", ondelete="CASCADE", index=True
    )
    ask_id: int | None = Field(default=None, foreign_key="ask.id", ondelete="CASCADE", index=True)
    referral_id: int | None = Field(
        default=None, foreign_key="referral.id", ondelete="CASCADE", index=True
    )
    note: str | None = None
    done_on: date | None = None
    outcome: str | None = None
    # closed as not needed (`followup cancel`): not open, but not counted as done either
    cancelled: bool = Field(default=False, nullable=False)
    # the introduction an `intro_check` asks about (schema 0007)
    intro_id: int | None = Field(
        default=None, foreign_key="intro.id", ondelete="CASCADE", index=True
    )
    # where a collected testimonial, review or case study was published (`done --link`)
    link: str | None = None


class Target(Logged, table=True):
    """A person you want to meet, found by your own research (`target add`, schema 0007).

    Open until a referral of them is logged (``referral_id``, ``closed_on``) or you drop
    them (``dropped_on``)."""

    __tablename__ = "target"
    __table_args__ = (Index("ix_target_name", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(nullable=False)
    company: str | None = None
    title: str | None = None
    url: str | None = None
    notes: str | None = None
    referral_id: int | None = Field(
        default=None, foreign_key="referral.id", ondelete="SET NULL", index=True
    )
    closed_on: date | None = None
    dropped_on: date | None = None


class TargetVia(Table, table=True):
    """An advocate who knows a target (`target add --via`); follows the target's owner."""

    __tablename__ = "target_via"
    __table_args__ = (UniqueConstraint("target_id", "advocate_id", name="uq_target_via"),)

    id: int | None = Field(default=None, primary_key=True)
    target_id: int = Field(foreign_key="target.id", ondelete="CASCADE", index=True)
    advocate_id: int = Field(foreign_key="advocate.id", ondelete="CASCADE", index=True)
    created_at: datetime = Field(default_factory=utcnow, nullable=False)


class Note(Logged, table=True):
    """One dated line of the interaction log (`note add`) about exactly one record."""

    __tablename__ = "note"
    __table_args__ = (
        CheckConstraint(
            ONE_SUBJECT,
            name="ck_note_one_subject",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    noted_on: date
    text: str = Field(nullable=False)
    advocate_id: int | None = Field(
        default=None, foreign_key="advocate.id", ondelete="CASCADE", index=True
    )
    referral_id: int | None = Field(
        default=None, foreign_key="referral.id", ondelete="CASCADE", index=True
    )
    ask_id: int | None = Field(default=None, foreign_key="ask.id", ondelete="CASCADE", index=True)


class Intro(Logged, table=True):
    """An introduction you gave an advocate (`intro give`): reciprocity, schema 0007."""

    __tablename__ = "intro"

    id: int | None = Field(default=None, primary_key=True)
    advocate_id: int = Field(foreign_key="advocate.id", ondelete="CASCADE", index=True)
    to_whom: str = Field(nullable=False)  # "Kees Bakker (printer)"
    given_on: date
    notes: str | None = None


class Gift(Logged, table=True):
    """A thank-you given an advocate (`gift add`), with what it cost; never a payment."""

    __tablename__ = "gift"
    __table_args__ = (
        CheckConstraint("cost_cents IS NULL OR cost_cents >= 0", name="ck_cost_positive"),
    )

    id: int | None = Field(default=None, primary_key=True)
    advocate_id: int = Field(foreign_key="advocate.id", ondelete="CASCADE", index=True)
    what: str = Field(nullable=False)
    cost_cents: int | None = Field(default=None, sa_type=BigInteger)
    referral_id: int | None = Field(
        default=None, foreign_key="referral.id", ondelete="SET NULL", index=True
    )
    given_on: date
    notes: str | None = None


class ChangeEntry(Table, table=True):
    """One command that wrote: the change journal's entry (`reftrack log`, `undo`)."""

    __tablename__ = "change_entry"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, nullable=False)
    owner: str | None = Field(default=None, index=True)
    command: str = Field(nullable=False)
    undone_at: datetime | None = None
    undone_by: str | None = None


class ChangeRow(Table, table=True):
    """One row a journal entry inserted, updated or deleted, before and after (JSON text).

    An import's new rows are kept as a range, ``row_id`` to ``last_id``, without JSON."""

    __tablename__ = "change_row"
    __table_args__ = (
        CheckConstraint("op IN ('insert', 'update', 'delete')", name="ck_op_valid"),
        Index("ix_change_row_table_row", "table_name", "row_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    entry_id: int = Field(foreign_key="change_entry.id", ondelete="CASCADE", index=True)
    table_name: str
    row_id: int
    last_id: int | None = None
    op: str
    before: str | None = None
    after: str | None = None


@dataclass
class Profile:
    """One advocate with its history, as `advocate show` presents it."""

    advocate: Advocate
    scores: list[NpsScore]
    events: list[AdvocateEvent]
    asks: list[Ask]
    referrals: list[Referral]
    open_follow_ups: list[FollowUp]
    referred_by: Referral | None
    referrer_name: str | None
    notes: list[Note] = field(default_factory=list)  # the log: about them, their asks, referrals
    targets: list[Target] = field(default_factory=list)  # the open targets they know
