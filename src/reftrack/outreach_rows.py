"""Rows of the records schema 0007 added (targets and who knows them, notes,
introductions given, thank-you gifts), as lists, export and `show` write them; their
columns and kinds are in records.py beside the others."""

from __future__ import annotations

from typing import Any

from reftrack.dates import iso
from reftrack.money import format_money


def intro_row(intro: Any, advocate_name: str | None) -> dict[str, Any]:
    return {
        "id": intro.id,
        "advocate_id": intro.advocate_id,
        "advocate": advocate_name,
        "to_whom": intro.to_whom,
        "given_on": iso(intro.given_on),
        "notes": intro.notes,
        "owner": intro.owner,
    }


def gift_row(gift: Any, advocate_name: str | None) -> dict[str, Any]:
    return {
        "id": gift.id,
        "advocate_id": gift.advocate_id,
        "advocate": advocate_name,
        "what": gift.what,
        "cost": format_money(gift.cost_cents),
        "referral_id": gift.referral_id,
        "given_on": iso(gift.given_on),
        "notes": gift.notes,
        "owner": gift.owner,
    }


def note_row(note: Any, advocate_name: str | None) -> dict[str, Any]:
    return {
        "id": note.id,
        "noted_on": iso(note.noted_on),
        "advocate_id": note.advocate_id,
        "advocate": advocate_name,
        "referral_id": note.referral_id,
        "ask_id": note.ask_id,
        "text": note.text,
        "owner": note.owner,
    }


def target_row(target: Any) -> dict[str, Any]:
    return {
        "id": target.id,
        "name": target.name,
        "company": target.company,
        "title": target.title,
        "url": target.url,
        "notes": target.notes,
        "referral_id": target.referral_id,
        "closed_on": iso(target.closed_on) or None,
        "dropped_on": iso(target.dropped_on) or None,
        "owner": target.owner,
    }


def target_link_row(
    link: Any, target_name: str | None, advocate_name: str | None
) -> dict[str, Any]:
    return {
        "id": link.id,
        "target_id": link.target_id,
        "target": target_name,
        "advocate_id": link.advocate_id,
        "advocate": advocate_name,
    }
