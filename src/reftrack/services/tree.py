"""Referral chains: who referred whom, following won referrals to the advocates they became.

An edge is ``advocate.referred_by → referral.id``; the referral's ``advocate_id`` is the
referrer (the parent). Two queries read every edge and every advocate's won value; the
tree is assembled in memory (an edge per referred customer: small even for big books).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from reftrack.enums import Status
from reftrack.models import Advocate, Referral
from reftrack.money import format_money


@dataclass
class Node:
    advocate_id: int
    name: str
    company: str | None
    archived: bool
    won_value_cents: int  # won referrals this advocate made (all, not only those who stayed)
    referral_id: int | None = None  # the won referral that brought this advocate in
    joined_on: date | None = None  # when that referral was won
    children: list[Node] = field(default_factory=list)

    @property
    def descendants(self) -> int:
        return sum(1 + child.descendants for child in self.children)

    @property
    def branch_value_cents(self) -> int:
        """The won value of this advocate and everyone down the chain."""
        return self.won_value_cents + sum(c.branch_value_cents for c in self.children)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.advocate_id,
            "name": self.name,
            "company": self.company,
            "archived": self.archived,
            "referral_id": self.referral_id,
            "joined_on": self.joined_on.isoformat() if self.joined_on else None,
            "descendants": self.descendants,
            "won_value": format_money(self.won_value_cents),
            "branch_won_value": format_money(self.branch_value_cents),
            "children": [child.as_dict() for child in self.children],
        }

    def walk(
        self, depth: int = 0, parent: Node | None = None
    ) -> list[tuple[int, Node, Node | None]]:
        """(depth, node, parent) for the node and everything below, depth first."""
        rows = [(depth, self, parent)]
        for child in self.children:
            rows.extend(child.walk(depth + 1, self))
        return rows


@dataclass
class _Facts:
    name: str
    company: str | None
    archived: bool
    won_value_cents: int = 0
    parent: int | None = None
    referral_id: int | None = None
    joined_on: date | None = None


def _facts(session: Session) -> dict[int, _Facts]:
    """Every advocate that is part of a chain, with its parent and own won value."""
    child, origin = aliased(Advocate), aliased(Referral)
    edges = select(
        col(child.id), col(origin.advocate_id), col(origin.id), col(origin.closed_on)
    ).join(origin, col(origin.id) == col(child.referred_by))
    facts: dict[int, _Facts] = {}
    links: list[Any] = list(session.connection().execute(edges))
    if not links:
        return facts
    referrers = select(col(Referral.advocate_id)).join(
        child, col(child.referred_by) == col(Referral.id)
    )
    in_chain = col(Advocate.referred_by).is_not(None) | col(Advocate.id).in_(referrers)
    people: list[Any] = list(
        session.connection().execute(
            select(
                col(Advocate.id),
                col(Advocate.name),
                col(Advocate.company),
                col(Advocate.archived),
            ).where(in_chain)
        )
    )
    for advocate_id, name, company, archived in people:
        facts[advocate_id] = _Facts(name=name, company=company, archived=bool(archived))
    won = (
        select(col(Referral.advocate_id), func.sum(col(Referral.value_cents)))
        .where(
            col(Referral.status) == Status.won.value,
            col(Referral.advocate_id).in_(select(col(Advocate.id)).where(in_chain)),
        )
        .group_by(col(Referral.advocate_id))
    )
    totals: list[Any] = list(session.connection().execute(won))
    for advocate_id, cents in totals:
        facts[advocate_id].won_value_cents = int(cents or 0)
    for child_id, parent_id, referral_id, closed_on in links:
        entry = facts[child_id]
        entry.parent, entry.referral_id, entry.joined_on = parent_id, referral_id, closed_on
    return facts


def _won_value(session: Session, advocate_id: int) -> int:
    query = select(func.coalesce(func.sum(col(Referral.value_cents)), 0)).where(
        col(Referral.advocate_id) == advocate_id, col(Referral.status) == Status.won.value
    )
    return int(session.connection().execute(query).scalar() or 0)


def _build(
    advocate_id: int, facts: dict[int, _Facts], kids: dict[int, list[int]], seen: set[int]
) -> Node:
    seen.add(advocate_id)
    entry = facts[advocate_id]
    node = Node(
        advocate_id=advocate_id,
        name=entry.name,
        company=entry.company,
        archived=entry.archived,
        won_value_cents=entry.won_value_cents,
        referral_id=entry.referral_id,
        joined_on=entry.joined_on,
    )
    for child_id in kids.get(advocate_id, []):
        if child_id not in seen:  # a loop (only possible in hand-edited data) stops here
            node.children.append(_build(child_id, facts, kids, seen))
    return node


def _children(facts: dict[int, _Facts]) -> dict[int, list[int]]:
    kids: dict[int, list[int]] = defaultdict(list)
    for advocate_id, entry in facts.items():
        if entry.parent is not None and entry.parent != advocate_id:
            kids[entry.parent].append(advocate_id)
    for ids in kids.values():
        ids.sort(key=lambda i: (facts[i].joined_on or date.min, facts[i].name.casefold(), i))
    return kids


@dataclass(frozen=True)
class Forest:
    roots: list[Node]
    ancestors: list[str]  # for one advocate's tree: who referred them, nearest first


def chains(session: Session, *, advocate: Advocate | None = None) -> Forest:
    """Every root's tree (roots: referred someone who became an advocate, were not
    referred themselves), or the tree below one advocate with its ancestry."""
    facts = _facts(session)
    kids = _children(facts)
    if advocate is not None:
        assert advocate.id is not None
        if advocate.id not in facts:
            node = Node(
                advocate_id=advocate.id,
                name=advocate.name,
                company=advocate.company,
                archived=bool(advocate.archived),
                won_value_cents=_won_value(session, advocate.id),
            )
            return Forest(roots=[node], ancestors=[])
        ancestors, seen, step = [], {advocate.id}, facts[advocate.id].parent
        while step is not None and step not in seen and step in facts:
            ancestors.append(facts[step].name)
            seen.add(step)
            step = facts[step].parent
        return Forest(roots=[_build(advocate.id, facts, kids, set())], ancestors=ancestors)
    roots = [i for i, entry in facts.items() if entry.parent is None and kids.get(i)]
    roots.sort(key=lambda i: (facts[i].name.casefold(), i))
    return Forest(roots=[_build(i, facts, kids, set()) for i in roots], ancestors=[])
