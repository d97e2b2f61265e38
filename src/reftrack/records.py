"""The record kinds and their canonical rows: the CSV header and the keys of
``--format json`` (docs/formats.md).

One place defines the kinds (``KINDS``: names, tables, columns, links, in the order that
keeps links valid) and how a record becomes a row, so lists, export, import, doctor and
the tests agree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from reftrack.dates import iso
from reftrack.money import format_money

ADVOCATE_COLUMNS = [
    "id",
    "name",
    "company",
    "email",
    "phone",
    "tags",
    "nps",
    "nps_on",
    "customer_since",
    "source",
    "referred_by",
    "last_milestone_on",
    "last_complaint_on",
    "archived",
    "notes",
    "title",
    "url",
    "value_per_year",  # what the customer is worth a year (`advocate value`), 12500.00
    "churned_on",  # when they stopped being a customer (`advocate churn`)
    "owner",  # beyond §7 ("more may follow"): who logged it, on a team database
]
ASK_COLUMNS = [
    "id",
    "advocate_id",
    "advocate",
    "asked_on",
    "channel",
    "target",
    "outcome",
    "alternative",
    "forced",
    "notes",
    "owner",
    # asking well (§13): the target asked for (`ask add --for`), an event invitation
    "target_id",
    "event",
    "event_on",
    "bring",
]
REFERRAL_COLUMNS = [
    "id",
    "advocate_id",
    "advocate",
    "ask_id",
    "prospect",
    "company",
    "email",
    "phone",
    "received_on",
    "status",
    "value",
    "closed_on",
    "lost_reason",
    "thanked_on",
    "notes",
    "owner",
]
FOLLOWUP_COLUMNS = [
    "id",
    "due_on",
    "kind",
    "advocate_id",
    "advocate",
    "ask_id",
    "referral_id",
    "prospect",
    "note",
    "done_on",
    "outcome",
    "cancelled",
    "owner",
    "link",  # where a collected testimonial was published (`followup done --link`)
    "intro_id",  # the introduction an intro_check asks about (`intro give`)
]
# the advocates' history (beyond §7): every NPS answer, every milestone and complaint
SCORE_COLUMNS = ["id", "advocate_id", "advocate", "score", "scored_on"]
EVENT_COLUMNS = ["id", "advocate_id", "advocate", "kind", "happened_on", "note"]
# giving back (§14): introductions you gave advocates, thank-you gifts with their cost
INTRO_COLUMNS = ["id", "advocate_id", "advocate", "to_whom", "given_on", "notes", "owner"]
GIFT_COLUMNS = [
    "id",
    "advocate_id",
    "advocate",
    "what",
    "cost",
    "referral_id",
    "given_on",
    "notes",
    "owner",
]


# --- asking well (§13): the interaction log, the people you want to meet -----------------

NOTE_COLUMNS = [
    "id",
    "noted_on",
    "advocate_id",
    "advocate",
    "referral_id",
    "ask_id",
    "text",
    "owner",
]
TARGET_COLUMNS = [
    "id",
    "name",
    "company",
    "title",
    "url",
    "notes",
    "referral_id",
    "closed_on",
    "dropped_on",
    "owner",
]
# who knows whom: one row per advocate who knows a target (`target add --via`)
TARGET_LINK_COLUMNS = ["id", "target_id", "target", "advocate_id", "advocate"]


@dataclass(frozen=True)
class Kind:
    """One kind of record, as commands, files and tables name it."""

    name: str  # plural, as commands and file names say it: "followups"
    noun: str  # one record, in messages: "follow-up"
    table: str  # its SQL table
    columns: tuple[str, ...]  # the canonical row
    links: Mapping[str, str] = field(default_factory=dict)  # link column → the kind it names
    name_field: str | None = None  # the column a person's name goes to (First + Last Name)
    history: bool = False  # an advocate's history: no owner, no updated_at, never derived
    match_on: tuple[str, ...] = ()  # a row without an id is the record that says the same


# In the order that keeps links valid: import writes them so, export all lists them so.
KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        Kind(
            "advocates",
            "advocate",
            "advocate",
            tuple(ADVOCATE_COLUMNS),
            {"referred_by": "referrals"},
            "name",
        ),
        Kind(
            "asks",
            "ask",
            "ask",
            tuple(ASK_COLUMNS),
            {"advocate_id": "advocates", "target_id": "targets"},  # target_id: see DEFERRED
        ),
        Kind(
            "referrals",
            "referral",
            "referral",
            tuple(REFERRAL_COLUMNS),
            {"advocate_id": "advocates", "ask_id": "asks"},
            "prospect",
        ),
        # before the follow-ups: an intro_check names its introduction (intro_id)
        Kind("intros", "introduction", "intro", tuple(INTRO_COLUMNS), {"advocate_id": "advocates"}),
        Kind(
            "gifts",
            "gift",
            "gift",
            tuple(GIFT_COLUMNS),
            {"advocate_id": "advocates", "referral_id": "referrals"},
        ),
        Kind(
            "followups",
            "follow-up",
            "follow_up",
            tuple(FOLLOWUP_COLUMNS),
            {
                "advocate_id": "advocates",
                "ask_id": "asks",
                "referral_id": "referrals",
                "intro_id": "intros",
            },
        ),
        Kind(
            "scores",
            "score",
            "nps_score",
            tuple(SCORE_COLUMNS),
            {"advocate_id": "advocates"},
            history=True,
        ),
        Kind(
            "events",
            "event",
            "advocate_event",
            tuple(EVENT_COLUMNS),
            {"advocate_id": "advocates"},
            history=True,
        ),
        # asking well (§13): the people you want to meet, who knows them, the log
        Kind(
            "targets",
            "target",
            "target",
            tuple(TARGET_COLUMNS),
            {"referral_id": "referrals"},
            "name",
            match_on=("name", "company"),  # a connections file imported again adds nobody
        ),
        Kind(
            "target_links",
            "target link",
            "target_via",
            tuple(TARGET_LINK_COLUMNS),
            {"target_id": "targets", "advocate_id": "advocates"},
            history=True,
        ),
        Kind(
            "notes",
            "note",
            "note",
            tuple(NOTE_COLUMNS),
            {"advocate_id": "advocates", "referral_id": "referrals", "ask_id": "asks"},
        ),
    )
}
COLUMNS = {name: list(kind.columns) for name, kind in KINDS.items()}
# Links to a kind that `import all` loads later (a cycle: a target names the referral that
# reached it, a referral its ask, an ask its target): set once every kind is in.
DEFERRED = {"asks": "target_id"}
CHUNK = 2000  # rows read, written or streamed at a time by import and export


def cell(value: Any) -> str:
    """A value as a CSV cell: None is empty, flags are true/false."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def json_value(value: Any) -> Any:
    """A value as JSON has it: dates and other objects as their text."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def target_state(closed_on: Any, dropped_on: Any) -> str:
    """A target's state from its two dates: reached (a referral of them was logged),
    dropped, or open (`target list`, `search`; here so a read needs no ORM for it)."""
    if closed_on is not None:
        return "reached"
    if dropped_on is not None:
        return "dropped"
    return "open"


def advocate_row(advocate: Any) -> dict[str, Any]:
    return {
        "id": advocate.id,
        "name": advocate.name,
        "company": advocate.company,
        "email": advocate.email,
        "phone": advocate.phone,
        "tags": advocate.tags,
        "nps": advocate.nps,
        "nps_on": iso(advocate.nps_on) or None,
        "customer_since": iso(advocate.customer_since) or None,
        "source": advocate.source,
        "referred_by": advocate.referred_by,
        "last_milestone_on": iso(advocate.last_milestone_on) or None,
        "last_complaint_on": iso(advocate.last_complaint_on) or None,
        "archived": bool(advocate.archived),
        "notes": advocate.notes,
        "title": advocate.title,
        "url": advocate.url,
        "value_per_year": format_money(advocate.value_cents_per_year),
        "churned_on": iso(advocate.churned_on) or None,
        "owner": advocate.owner,
    }


def ask_row(ask: Any, advocate_name: str | None) -> dict[str, Any]:
    return {
        "id": ask.id,
        "advocate_id": ask.advocate_id,
        "advocate": advocate_name,
        "asked_on": iso(ask.asked_on),
        "channel": ask.channel,
        "target": ask.target,
        "outcome": ask.outcome,
        "alternative": ask.alternative,
        "forced": bool(ask.forced),
        "notes": ask.notes,
        "owner": ask.owner,
        "target_id": ask.target_id,
        "event": ask.event,
        "event_on": iso(ask.event_on) or None,
        "bring": bool(ask.bring),
    }


def referral_row(referral: Any, advocate_name: str | None) -> dict[str, Any]:
    return {
        "id": referral.id,
        "advocate_id": referral.advocate_id,
        "advocate": advocate_name,
        "ask_id": referral.ask_id,
        "prospect": referral.prospect,
        "company": referral.company,
        "email": referral.email,
        "phone": referral.phone,
        "received_on": iso(referral.received_on),
        "status": referral.status,
        "value": format_money(referral.value_cents),
        "closed_on": iso(referral.closed_on) or None,
        "lost_reason": referral.lost_reason,
        "thanked_on": iso(referral.thanked_on) or None,
        "notes": referral.notes,
        "owner": referral.owner,
    }


def followup_row(follow_up: Any, advocate_name: str | None, prospect: str | None) -> dict[str, Any]:
    return {
        "id": follow_up.id,
        "due_on": iso(follow_up.due_on),
        "kind": follow_up.kind,
        "advocate_id": follow_up.advocate_id,
        "advocate": advocate_name,
        "ask_id": follow_up.ask_id,
        "referral_id": follow_up.referral_id,
        "prospect": prospect,
        "note": follow_up.note,
        "done_on": iso(follow_up.done_on) or None,
        "outcome": follow_up.outcome,
        "cancelled": bool(follow_up.cancelled),
        "owner": follow_up.owner,
        "link": follow_up.link,
        "intro_id": follow_up.intro_id,
    }


def score_row(score: Any, advocate_name: str | None) -> dict[str, Any]:
    return {
        "id": score.id,
        "advocate_id": score.advocate_id,
        "advocate": advocate_name,
        "score": score.score,
        "scored_on": iso(score.scored_on),
    }


def event_row(event: Any, advocate_name: str | None) -> dict[str, Any]:
    return {
        "id": event.id,
        "advocate_id": event.advocate_id,
        "advocate": advocate_name,
        "kind": event.kind,
        "happened_on": iso(event.happened_on),
        "note": event.note,
    }
