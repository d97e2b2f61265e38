"""Whom to ask next: active advocates ranked, each with the reasons in words.

The guards are the ones `ask add` applies (services/guards.py): ``guard_refusals`` is a
pure function over one advocate's facts, so it runs here over rows read in bulk (SQL text,
run by either executor of db_file: sqlite3 on a SQLite file, SQLAlchemy elsewhere). With a
limit, SQL reads only the askable, ordered by an upper bound of their score, and stops
when the bound cannot beat the last one shown; ``score_of`` still gives every score and
reason in Python. The weights of the ranking live in ``WEIGHTS`` and are explained in
docs/ranking.md.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from reftrack.db_file import id_marks, owner_scope, record
from reftrack.enums import Segment, Status, segment_of
from reftrack.services import reciprocity, target_facts
from reftrack.services.guards import (
    GuardFacts,
    Refusal,
    cooldown_window,
    eligible_from,
    guard_refusals,
)

if TYPE_CHECKING:
    from reftrack.config import Settings
    from reftrack.db_file import Reader


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


# Advocates with what the ranking and the guards need, each ask and referral fact a
# correlated subquery on an index (ask(advocate_id, asked_on), referral.advocate_id; the
# won count is not `status = 'won'`, for which SQLite would take the status index).
_FACTS = """
SELECT a.id, a.name, a.company, a.email, a.phone, a.nps, a.nps_on, a.customer_since,
       a.last_complaint_on, a.last_milestone_on,
       (SELECT max(k.asked_on) FROM ask AS k
        WHERE k.advocate_id = a.id AND k.asked_on > :low AND k.asked_on < :high)
           AS recent_ask_on,
       (SELECT max(k.asked_on) FROM ask AS k WHERE k.advocate_id = a.id AND k.asked_on <= :day)
           AS last_asked_on,
       (SELECT count(*) FROM referral AS r WHERE r.advocate_id = a.id) AS referrals,
       (SELECT coalesce(sum(CASE WHEN r.status = :won THEN 1 ELSE 0 END), 0) FROM referral AS r
        WHERE r.advocate_id = a.id) AS won
FROM advocate AS a
WHERE {where}
"""

# The guards of ``guards.guard_refusals`` that the advocate row decides, as SQL: `next`
# with a limit reads only those who pass them (and ``guard_refusals`` checks each read
# row all the same: a recent ask, the one guard in another table, is found there).
_ASKABLE = """archived = :no{scope} AND (nps IS NULL OR nps >= :min_nps)
  AND NOT (customer_since IS NOT NULL AND customer_since <= :day AND customer_since > :onboarded)
  AND NOT (last_complaint_on IS NOT NULL AND last_complaint_on <= :day
           AND last_complaint_on > :calmed)"""
# Of those, whoever was asked inside the cooldown window: few, found from the ask index.
_RECENTLY_ASKED = """
SELECT count(DISTINCT k.advocate_id) AS n FROM ask AS k JOIN advocate ON advocate.id = k.advocate_id
WHERE k.asked_on > :low AND k.asked_on < :high AND {askable}
"""


def _bound(weights: Weights) -> str:
    """SQL for a score no advocate's ``score_of`` exceeds, from the advocate row alone: the
    segment's points as ``score_of`` gives them, the milestone, and every other lift
    (having referred, giving back) at its most. A new reason in ``score_of`` that SQL
    cannot see adds its largest points to ``_lifts`` (tests/test_next_bounded.py checks)."""
    per = weights.per_nps_point
    return f"""(CASE
  WHEN nps IS NOT NULL AND nps_on IS NOT NULL AND nps_on < :stale_before THEN {weights.stale_score}
  WHEN nps >= 9 THEN {weights.promoter} + {per} * (nps - 9)
  WHEN nps >= 7 THEN {weights.passive} + {per} * (nps - 7)
  WHEN nps IS NOT NULL THEN nps
  ELSE {max(weights.unscored, weights.connection)} END
 + CASE WHEN last_milestone_on >= :milestone_from AND last_milestone_on <= :day
   THEN {max(weights.milestone, 0)} ELSE 0 END
 + {sum(max(points, 0) for points in _lifts(weights))})"""


def _lifts(weights: Weights) -> tuple[int, ...]:
    """The most each lift ``score_of`` adds outside the advocate row can give."""
    return (
        weights.referred_before + weights.per_won_referral * max(weights.won_cap, 0),
        weights.gave_recently,
        weights.knows_target,
    )


def _params(reader: Reader, *, on: date, settings: Settings) -> tuple[dict[str, Any], str]:
    low, high = cooldown_window(on, settings)
    params: dict[str, Any] = {
        "no": False,
        "low": low,
        "high": high,
        "day": on,
        "won": Status.won.value,
        "min_nps": settings.min_nps_to_ask,
        "onboarded": on - timedelta(days=settings.onboarding_days),
        "calmed": on - timedelta(days=settings.complaint_days),
        "stale_before": on - timedelta(days=settings.stale_score_days),
        "milestone_from": on - timedelta(days=settings.milestone_boost_days),
    }
    # a team database: your advocates (asks by anyone still count against nagging)
    return params, owner_scope(reader, params, "owner")


def _facts(reader: Reader, params: dict[str, Any], where: str) -> list[SimpleNamespace]:
    return [record(row) for row in reader.rows(_FACTS.format(where=where), params)]


def _rows(reader: Reader, *, on: date, settings: Settings) -> list[Any]:
    """Every active advocate with its recent/last ask and referral counts."""
    params, scope = _params(reader, on=on, settings=settings)
    return _facts(reader, params, f"a.archived = :no{scope}")


def _askable(
    reader: Reader, *, on: date, settings: Settings, weights: Weights
) -> tuple[int, Iterator[list[Any]]]:
    """How many can be asked on ``on``; and they, in batches by the SQL bound of their
    score, best first (each row with its ``bound``)."""
    params, _ = _params(reader, on=on, settings=settings)
    askable = _ASKABLE.format(scope=owner_scope(reader, params, "advocate.owner"))
    [passed] = reader.rows(f"SELECT count(*) AS n FROM advocate WHERE {askable}", params)
    [asked] = reader.rows(_RECENTLY_ASKED.format(askable=askable), params)
    bound = _bound(weights)
    order = f"SELECT id, {bound} AS bound FROM advocate WHERE {askable}"

    def batches() -> Iterator[list[Any]]:
        after: dict[str, Any] = {}  # the (bound, id) last read: a next read starts below it
        while True:
            sql = order
            if after:
                sql += f" AND ({bound} < :last OR ({bound} = :last AND id > :last_id))"
            sql += f" ORDER BY bound DESC, id LIMIT {_ORDERED}"
            ordered = reader.rows(sql, {**params, **after})
            for start in range(0, len(ordered), _BATCH):
                part = ordered[start : start + _BATCH]
                extra = dict(params)
                rows = _facts(
                    reader, extra, f"a.id IN ({id_marks([r['id'] for r in part], extra)})"
                )
                bounds = {r["id"]: r["bound"] for r in part}
                for row in rows:
                    row.bound = bounds[row.id]
                yield sorted(rows, key=lambda row: (-row.bound, row.id))
            if len(ordered) < _ORDERED:
                return
            after = {"last": ordered[-1]["bound"], "last_id": ordered[-1]["id"]}

    return int(passed["n"]) - int(asked["n"]), batches()


# One read orders this many by their bound (ids and bounds only, one scan of the table);
# their facts are read this many at a time, as far as the ranking needs.
_ORDERED, _BATCH = 2_000, 100


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


def _rank_key(c: Candidate) -> tuple[int, date, str, int]:
    # never asked first, then the longest since the last ask, then by name
    return (-c.score, c.last_asked_on or date.min, c.name.casefold(), c.advocate_id)


def suggest(
    reader: Reader,
    *,
    on: date,
    settings: Settings,
    limit: int | None = 10,
    include_excluded: bool = False,
    weights: Weights = WEIGHTS,
) -> Suggestions:
    """Active advocates to ask on ``on``, best first; optionally the excluded, with why.

    With a limit and without the excluded only the askable are read, best bound first,
    until the next bound cannot beat the last one shown: at 100,000 advocates `next` reads
    about as many rows as at 1,000."""
    if limit is not None and limit > 0 and not include_excluded:
        return _top(reader, on=on, settings=settings, limit=limit, weights=weights)
    ranked: list[Candidate] = []
    excluded: list[Candidate] = []
    rows = _rows(reader, on=on, settings=settings)
    scored = _scorer(reader, rows, on=on, settings=settings, weights=weights)
    for row in rows:
        score, reasons = scored(row)
        refusals = _refusals_for_next(row, on=on, settings=settings)
        if refusals:
            if include_excluded:
                why = [r.reason for r in refusals]
                excluded.append(_candidate(row, score=score, reasons=why, refusals=refusals))
        else:
            ranked.append(_candidate(row, score=score, reasons=reasons, refusals=[]))
    ranked.sort(key=_rank_key)
    excluded.sort(
        key=lambda c: (c.eligible_from or date.max, -c.score, c.name.casefold(), c.advocate_id)
    )
    shown = ranked if limit is None or limit <= 0 else ranked[:limit]
    return Suggestions(as_of=on, ranked=shown, excluded=excluded, eligible=len(ranked))


def _scorer(
    reader: Reader, rows: list[Any], *, on: date, settings: Settings, weights: Weights
) -> Callable[[Any], tuple[int, list[str]]]:
    """``score_of`` for ``rows``, with the facts outside the advocate row (giving back, the
    open targets they know) read once for all of them: a new lift is read here."""
    ids = [row.id for row in rows]
    giving = reciprocity.facts(reader, on=on, settings=settings, ids=ids)
    known = target_facts.known(reader, ids)  # advocate id → the open targets they know

    def scored(row: Any) -> tuple[int, list[str]]:
        return score_of(
            row,
            on=on,
            settings=settings,
            weights=weights,
            given=giving.get(row.id),
            targets=known.get(row.id),
        )

    return scored


def _top(
    reader: Reader, *, on: date, settings: Settings, limit: int, weights: Weights
) -> Suggestions:
    ranked: list[Candidate] = []
    eligible, batches = _askable(reader, on=on, settings=settings, weights=weights)
    for rows in batches:
        scored = _scorer(reader, rows, on=on, settings=settings, weights=weights)
        for row in rows:
            if _refusals_for_next(row, on=on, settings=settings):
                continue  # asked inside the cooldown (or SQL let it through): not now
            score, reasons = scored(row)
            ranked.append(_candidate(row, score=score, reasons=reasons, refusals=[]))
        ranked.sort(key=_rank_key)
        del ranked[limit:]
        if len(ranked) == limit and rows and rows[-1].bound < ranked[-1].score:
            break  # nobody further can score as high as the last one shown
    return Suggestions(as_of=on, ranked=ranked, eligible=eligible)
