"""The ask guards (docs/rules.md): when an ask would be pushy or badly timed.

``guard_refusals`` is a pure function over one advocate's facts, so `ask add` (one advocate,
``ask_refusals``) and `next` (every advocate, facts read in bulk) refuse exactly alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # `next` reads without the ORM: only `ask add` needs it (ask_refusals)
    from sqlmodel import Session

    from reftrack.config import Settings
    from reftrack.models import Advocate


@dataclass(frozen=True)
class Refusal:
    reason: str
    eligible_on: date | None  # None: not by waiting (a low score must improve first)


@dataclass(frozen=True)
class GuardFacts:
    """What the guards of an ask look at, for one advocate."""

    name: str
    archived: bool
    nps: int | None
    customer_since: date | None
    last_complaint_on: date | None
    recent_ask_on: date | None  # the latest ask inside cooldown_window(on)

    @classmethod
    def of(cls, advocate: Advocate, recent_ask_on: date | None) -> GuardFacts:
        return cls(
            name=advocate.name,
            archived=bool(advocate.archived),
            nps=advocate.nps,
            customer_since=advocate.customer_since,
            last_complaint_on=advocate.last_complaint_on,
            recent_ask_on=recent_ask_on,
        )


def cooldown_window(on: date, settings: Settings) -> tuple[date, date]:
    """An ask strictly between these two dates blocks another ask on ``on``."""
    days = timedelta(days=settings.ask_cooldown_days)
    return on - days, on + days


def guard_refusals(facts: GuardFacts, *, on: date, settings: Settings) -> list[Refusal]:
    """Why asking on ``on`` would be pushy or badly timed (same texts as `ask add`)."""
    refusals: list[Refusal] = []
    if facts.archived:
        refusals.append(Refusal(f"{facts.name} is archived", None))
    cooldown = settings.ask_cooldown_days
    if facts.recent_ask_on is not None:
        refusals.append(
            Refusal(
                f"asked on {facts.recent_ask_on} (within {cooldown} days); "
                "asking again so soon is nagging",
                facts.recent_ask_on + timedelta(days=cooldown),
            )
        )
    if facts.nps is not None and facts.nps < settings.min_nps_to_ask:
        refusals.append(
            Refusal(
                f"NPS {facts.nps} is below {settings.min_nps_to_ask}; win them over first", None
            )
        )
    since, days = facts.customer_since, settings.onboarding_days
    if since is not None and since <= on < since + timedelta(days=days):
        refusals.append(
            Refusal(
                f"customer only since {since} (onboarding, first {days} days)",
                since + timedelta(days=days),
            )
        )
    complaint, days = facts.last_complaint_on, settings.complaint_days
    if complaint is not None and complaint <= on < complaint + timedelta(days=days):
        refusals.append(
            Refusal(
                f"complained on {complaint} (within {days} days)",
                complaint + timedelta(days=days),
            )
        )
    return refusals


def eligible_from(refusals: list[Refusal]) -> date | None:
    """The first day every refusal has lapsed, or None when waiting is not enough."""
    if not refusals or any(r.eligible_on is None for r in refusals):
        return None
    return max(r.eligible_on for r in refusals if r.eligible_on is not None)


def ask_refusals(
    session: Session, *, advocate: Advocate, on: date, settings: Settings
) -> list[Refusal]:
    """Why asking this advocate on ``on`` would be refused; empty if it is fine."""
    from sqlmodel import col, select

    from reftrack.models import Ask

    low, high = cooldown_window(on, settings)
    recent = session.exec(
        select(col(Ask.asked_on))
        .where(Ask.advocate_id == advocate.id, col(Ask.asked_on) > low, col(Ask.asked_on) < high)
        .order_by(col(Ask.asked_on).desc())
        .limit(1)
    ).first()
    return guard_refusals(GuardFacts.of(advocate, recent), on=on, settings=settings)
