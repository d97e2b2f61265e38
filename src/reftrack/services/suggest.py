"""Whom to ask next: active advocates ranked, each with the reasons in words.

The guards are the ones `ask add` applies (services/guards.py): ``guard_refusals`` is a
pure function over one advocate's facts, so it runs here over rows read in bulk (one
GROUP BY for the asks, one for the referrals) instead of one query per advocate. The
weights of the ranking live in ``WEIGHTS`` and are explained in docs/ranking.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import and_, case, false, func, select
from sqlmodel import Session, col

from reftrack.config import Settings
from reftrack.enums import Segment, Status, segment_of
from reftrack.models import Advocate, Ask, Referral
from reftrack.services import reciprocity
from reftrack.services.aggregates import mine
from reftrack.services.guards import (
    GuardFacts,
    Refusal,
    cooldown_window,
    eligible_from,
    guard_refusals,
)
from reftrack.services.targets import open_targets_known


@dataclass(frozen=True)
class Weights:
    """Points of the ranking score; the higher score is asked first (docs/ranking.md)."""

    promoter: int = 100  # NPS 9–10: ask first
    passive: int = 60  # NPS 7–8: happy passives next
    unscored: int = 25  # no score yet: after the passives
    per_nps_point: int = 5  # within a segment, a 10 beats a 9 and an 8 beats a 7
    milestone: int = 50  # value proven within settings.milestone_boost_days
    referred_before: int = 20  # has referred at least once before
    per_won_referral: int = 5  # and a little more for each referral that was won...
    won_cap: int = 2  # ...counting at most this many
    stale_score: int = 20  # scored over settings.stale_score_days ago: below fresh scores
    connection: int = 10  # no customer_since and no score: a contact, not a customer
    gave_recently: int = 10  # you gave them an introduction recently (services/reciprocity.py)
    knows_target: int = 30  # knows one of your open targets: a named ask is ready to make


WEIGHTS = Weights()

# The segment floor each NPS point counts from (per_nps_point × (nps − floor)).
_FLOOR = {Segment.promoter: 9, Segment.passive: 7}


# --- the ranking ------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    advocate_id: int
    name: str
    company: str | None
    nps: int | None
    segment: Segment
    score: int
    reasons: list[str]  # why this rank (suggested) or why not now (excluded)
    last_asked_on: date | None
    referrals: int
    won: int
    last_milestone_on: date | None
    excluded: bool = False
    eligible_from: date | None = None  # excluded: the first day it would be fine, if any
    email: str | None = None  # how to reach them, to act on the suggestion
    phone: str | None = None


@dataclass(frozen=True)
class Suggestions:
    as_of: date
    ranked: list[Candidate]  # best first, at most ``limit``
    excluded: list[Candidate] = field(default_factory=list)  # only when asked for
    eligible: int = 0  # how many could be asked today (before the limit)


def score_of(
    row: Any,
    *,
    on: date,
    settings: Settings,
    weights: Weights = WEIGHTS,
    given: reciprocity.GiveFacts | None = None,
    targets: list[str] | None = None,
) -> tuple[int, list[str]]:
    """The score of an askable advocate and the reasons, strongest first; ``targets``: the
    open targets they know ("Jan Pieters (Omega)")."""
    segment = segment_of(row.nps)
    scored_on = getattr(row, "nps_on", None)
    stale = (
        row.nps is not None
        and scored_on is not None
        and (on - scored_on).days > settings.stale_score_days
    )
    customer = getattr(row, "customer_since", None) is not None or row.nps is not None
    if stale:
        points = weights.stale_score
        reasons = [f"scored {scored_on}: ask how it is going first", f"was NPS {row.nps}"]
    elif not customer and not (row.referrals or 0):
        points, reasons = weights.connection, ["a contact, not a customer (no --since, no score)"]
    elif segment is Segment.promoter:
        points, reasons = weights.promoter, [f"promoter (NPS {row.nps})"]
    elif segment is Segment.passive:
        points, reasons = weights.passive, [f"passive (NPS {row.nps})"]
    elif segment is Segment.detractor:  # 5–6 (below that the guard refuses): last
        points = row.nps
        reasons = [f"detractor (NPS {row.nps}): make sure they are happy before asking"]
    else:
        points, reasons = weights.unscored, ["not scored yet"]
    if segment in _FLOOR and not stale:
        points += weights.per_nps_point * (row.nps - _FLOOR[segment])
    milestone = row.last_milestone_on
    boosted = milestone is not None and 0 <= (on - milestone).days <= settings.milestone_boost_days
    if milestone is not None and boosted:
        ago = (on - milestone).days
        points += weights.milestone
        when = "today" if ago == 0 else f"{ago} day{'s' if ago != 1 else ''} ago"
        reasons.insert(0, f"milestone {when} ({milestone}): strike while the iron is hot")
    referrals, won = row.referrals or 0, row.won or 0
    if referrals:
        points += weights.referred_before + weights.per_won_referral * min(won, weights.won_cap)
        reasons.append(f"referred {referrals} before ({won} won)")
    lift, said = reciprocity.lift(given, on=on, settings=settings, points=weights.gave_recently)
    points += lift
    reasons.extend(said)
    if targets:
        points += weights.knows_target
        count = "1 of your targets" if len(targets) == 1 else f"{len(targets)} of your targets"
        # after the milestone (stronger), before the segment: the ask to make
        reasons.insert(1 if boosted else 0, f"knows {count}: {', '.join(targets)}")
    reasons.append(f"last asked {row.last_asked_on}" if row.last_asked_on else "never asked")
    return points, reasons


def _rows(session: Session, *, on: date, settings: Settings) -> list[Any]:
    """Every active advocate with its recent/last ask and referral counts, in one query."""
    low, high = cooldown_window(on, settings)
    asked_on = col(Ask.asked_on)
    asks = (
        select(
            col(Ask.advocate_id).label("advocate_id"),
            func.max(case((and_(asked_on > low, asked_on < high), asked_on))).label(
                "recent_ask_on"
            ),
            func.max(case((asked_on <= on, asked_on))).label("last_asked_on"),
        )
        .group_by(col(Ask.advocate_id))
        .subquery()
    )
    # two counts, not one SUM(CASE status): each reads one index instead of every row
    refs = (
        select(col(Referral.advocate_id).label("advocate_id"), func.count().label("referrals"))
        .group_by(col(Referral.advocate_id))
        .subquery()
    )
    won = (
        select(col(Referral.advocate_id).label("advocate_id"), func.count().label("won"))
        .where(col(Referral.status) == Status.won.value)
        .group_by(col(Referral.advocate_id))
        .subquery()
    )
    query = (
        select(
            col(Advocate.id),
            col(Advocate.name),
            col(Advocate.company),
            col(Advocate.email),
            col(Advocate.phone),
            col(Advocate.nps),
            col(Advocate.nps_on),
            col(Advocate.customer_since),
            col(Advocate.last_complaint_on),
            col(Advocate.last_milestone_on),
            asks.c.recent_ask_on,
            asks.c.last_asked_on,
            refs.c.referrals,
            won.c.won,
        )
        .outerjoin(asks, asks.c.advocate_id == col(Advocate.id))
        .outerjoin(refs, refs.c.advocate_id == col(Advocate.id))
        .outerjoin(won, won.c.advocate_id == col(Advocate.id))
        # a team database: your advocates (asks by anyone still count against nagging)
        .where(col(Advocate.archived) == false(), mine(session, Advocate))
    )
    return list(session.connection().execute(query).all())


def _refusals_for_next(row: Any, *, on: date, settings: Settings) -> list[Refusal]:
    facts = GuardFacts(
        name=row.name,
        archived=False,
        nps=row.nps,
        customer_since=row.customer_since,
        last_complaint_on=row.last_complaint_on,
        recent_ask_on=row.recent_ask_on,
    )
    # exactly the guards of `ask add`: a 5 or 6 it accepts is suggested too, ranked last
    return guard_refusals(facts, on=on, settings=settings)


def _candidate(row: Any, *, score: int, reasons: list[str], refusals: list[Refusal]) -> Candidate:
    return Candidate(
        advocate_id=row.id,
        name=row.name,
        company=row.company,
        nps=row.nps,
        segment=segment_of(row.nps),
        score=score,
        reasons=reasons,
        last_asked_on=row.last_asked_on,
        referrals=row.referrals or 0,
        won=row.won or 0,
        last_milestone_on=row.last_milestone_on,
        excluded=bool(refusals),
        eligible_from=eligible_from(refusals),
        email=row.email,
        phone=row.phone,
    )


def suggest(
    session: Session,
    *,
    on: date,
    settings: Settings,
    limit: int | None = 10,
    include_excluded: bool = False,
    weights: Weights = WEIGHTS,
) -> Suggestions:
    """Active advocates to ask on ``on``, best first; optionally the excluded, with why."""
    ranked: list[Candidate] = []
    excluded: list[Candidate] = []
    giving = reciprocity.facts(session, on=on, settings=settings)
    known = open_targets_known(session)  # advocate id → the open targets they know
    for row in _rows(session, on=on, settings=settings):
        score, reasons = score_of(
            row,
            on=on,
            settings=settings,
            weights=weights,
            given=giving.get(row.id),
            targets=known.get(row.id),
        )
        refusals = _refusals_for_next(row, on=on, settings=settings)
        if refusals:
            if include_excluded:
                why = [r.reason for r in refusals]
                excluded.append(_candidate(row, score=score, reasons=why, refusals=refusals))
        else:
            ranked.append(_candidate(row, score=score, reasons=reasons, refusals=[]))
    # never asked first, then the longest since the last ask, then by name
    ranked.sort(
        key=lambda c: (-c.score, c.last_asked_on or date.min, c.name.casefold(), c.advocate_id)
    )
    excluded.sort(
        key=lambda c: (c.eligible_from or date.max, -c.score, c.name.casefold(), c.advocate_id)
    )
    shown = ranked if limit is None or limit <= 0 else ranked[:limit]
    return Suggestions(as_of=on, ranked=shown, excluded=excluded, eligible=len(ranked))
