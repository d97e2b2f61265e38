"""`advocate merge KEEP DUPLICATE`: two records of one person become one, with the
history of both."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlmodel import Session, select

from reftrack.enums import FollowUpKind
from reftrack.errors import InvalidInputError
from reftrack.models import (
    Advocate,
    AdvocateEvent,
    Ask,
    FollowUp,
    Gift,
    Intro,
    Note,
    NpsScore,
    Referral,
    TargetVia,
    utcnow,
)
from reftrack.services import rules
from reftrack.services.advocates import normalise_tags

# Fields the kept record takes from the duplicate when it has none of its own.
FILLED = ("company", "email", "phone", "customer_since", "source", "referred_by", "title", "url")
MOVED = (
    ("asks", Ask),
    ("referrals", Referral),
    ("follow-ups", FollowUp),
    ("scores", NpsScore),
    ("events", AdvocateEvent),
    ("introductions", Intro),
    ("gifts", Gift),
    ("notes", Note),
    ("target links", TargetVia),
)


@dataclass
class Merge:
    keep: Advocate
    duplicate: Advocate
    moved: dict[str, list[Any]] = field(default_factory=dict)
    filled: list[str] = field(default_factory=list)

    def summary(self) -> str:
        parts = [f"{len(rows)} {noun}" for noun, rows in self.moved.items() if rows]
        said = (
            f"merge #{self.duplicate.id} {self.duplicate.name} into #{self.keep.id} "
            f"{self.keep.name}: moving {', '.join(parts) or 'no history'}"
        )
        if self.filled:
            said += f"; filling {', '.join(self.filled)}"
        return said + f"; #{self.duplicate.id} is then deleted"


def plan(session: Session, *, keep: Advocate, duplicate: Advocate) -> Merge:
    if keep.id == duplicate.id:
        raise InvalidInputError("that is the same advocate twice; give two different ones")
    merge = Merge(keep, duplicate)
    for noun, model in MOVED:
        merge.moved[noun] = list(
            session.exec(select(model).where(model.advocate_id == duplicate.id)).all()
        )
    merge.filled = [
        name
        for name in FILLED
        if getattr(keep, name) is None and getattr(duplicate, name) is not None
    ]
    if duplicate.tags and normalise_tags([keep.tags or "", duplicate.tags]) != keep.tags:
        merge.filled.append("tags")
    if duplicate.notes:
        merge.filled.append("notes")
    return merge


def carry_out(session: Session, merge: Merge, *, on: date) -> None:
    keep, duplicate = merge.keep, merge.duplicate
    known = {
        v.target_id for v in session.exec(select(TargetVia).where(TargetVia.advocate_id == keep.id))
    }
    for link in merge.moved.get("target links", []):
        if link.target_id in known:  # both knew the target: one link is enough
            session.delete(link)
    session.flush()
    merge.moved["target links"] = [
        v for v in merge.moved.get("target links", []) if v.target_id not in known
    ]
    for rows in merge.moved.values():
        for row in rows:
            row.advocate_id = keep.id
            if hasattr(row, "updated_at"):
                row.updated_at = utcnow()
            session.add(row)
    email = duplicate.email
    _latest(keep, duplicate)
    for name in FILLED:
        if name in merge.filled:
            setattr(keep, name, getattr(duplicate, name))
    keep.tags = normalise_tags([keep.tags or "", duplicate.tags or ""])
    if duplicate.notes:
        keep.notes = f"{keep.notes}\n{duplicate.notes}" if keep.notes else duplicate.notes
    keep.archived = keep.archived and duplicate.archived
    session.flush()
    session.delete(duplicate)
    session.flush()
    if email is not None and "email" in merge.filled:
        keep.email = email
    keep.updated_at = utcnow()
    session.add(keep)
    session.flush()
    _one_circle_back(session, keep, on=on)


def _one_circle_back(session: Session, keep: Advocate, *, on: date) -> None:
    """Both were to be circled back to: the later one stays (asking again before it would
    be nagging), the other is cancelled."""
    circle_backs = sorted(
        rules.open_for(session, kind=FollowUpKind.circle_back, advocate_id=keep.id or 0),
        key=lambda f: (f.due_on, f.id or 0),
    )
    if len(circle_backs) > 1:
        kept = circle_backs[-1]
        rules.close(
            session,
            circle_backs[:-1],
            on=on,
            outcome=f"advocates merged: circle-back #{kept.id} stays",
            cancelled=True,
        )
        session.flush()


def _latest(keep: Advocate, duplicate: Advocate) -> None:
    """The latest score and events of the two (an imported row may carry them without
    the history behind them)."""
    if duplicate.nps_on is not None and (keep.nps_on is None or duplicate.nps_on > keep.nps_on):
        keep.nps, keep.nps_on = duplicate.nps, duplicate.nps_on
    for name in ("last_milestone_on", "last_complaint_on"):
        dates = [d for d in (getattr(keep, name), getattr(duplicate, name)) if d is not None]
        setattr(keep, name, max(dates) if dates else None)
