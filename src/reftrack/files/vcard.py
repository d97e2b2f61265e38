"""vCard files (.vcf: 2.1, 3.0, 4.0, as Apple Contacts, Google, Outlook and Android write
them) as rows of contacts, through vobject: pure functions over text.

Each card becomes one row of the columns below, read like a CSV file's: FN (else N) is the
name, ORG the company, TITLE, EMAIL, TEL, URL and NOTE their fields. A card with several
e-mails or phones keeps the preferred (else the first) in the field and the others in the
notes, as a Google Contacts CSV's ``:::`` cells do; a card without a name is named from its
e-mail or phone, as a CSV row is. vobject unfolds lines and decodes quoted-printable; the
one thing it does not do is the soft line break of a quoted-printable value (a line ending
in ``=`` that goes on on the next, which Android writes), so those lines are joined first.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from typing import Any

from reftrack.errors import InvalidInputError
from reftrack.files.cells import MULTI

COLUMNS = ["name", "company", "title", "email", "phone", "url", "notes"]
_LINE_BREAK = re.compile(r"\r\n|\n|\r")


def looks_like_vcard(head: bytes) -> bool:
    start = head.lstrip(codecs.BOM_UTF8).lstrip()[:11].upper()
    return start == b"BEGIN:VCARD"


def decode(data: bytes) -> str:
    """vCards are UTF-8 (old Outlook ones may be cp1252)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def join_soft_breaks(text: str) -> str:
    """Quoted-printable values continued on the next line (``=`` at the end) as one line."""
    lines = _LINE_BREAK.split(text)
    joined: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        if "QUOTED-PRINTABLE" in line.partition(":")[0].upper():
            while line.endswith("=") and index + 1 < len(lines):
                index += 1
                line = line[:-1] + lines[index]
        joined.append(line)
        index += 1
    return "\r\n".join(joined)


def card_rows(text: str, *, name: str) -> Iterator[tuple[int, list[str]]]:
    """(card number, cells in ``COLUMNS`` order) of every card in ``text``."""
    import vobject

    if "BEGIN:VCARD" not in text.upper():
        raise InvalidInputError(
            f"{name} is not a vCard file (no BEGIN:VCARD); export the contacts as vCard "
            "(.vcf), or import a CSV"
        )
    number = 0
    try:
        for card in vobject.readComponents(join_soft_breaks(text), ignoreUnreadable=False):
            if card.name.upper() != "VCARD":
                continue
            number += 1
            yield number, _cells(card)
    except vobject.base.ParseError as error:
        raise InvalidInputError(
            f"{name} card {number + 1} cannot be read ({error}); export the contacts as "
            "vCard again, or import a CSV"
        ) from None
    if number == 0:
        raise InvalidInputError(f"{name} holds no vCard; there is nothing to import")


def _values(card: Any, key: str) -> list[Any]:
    return [line for line in card.contents.get(key, []) if _text(line.value)]


def _text(value: Any) -> str:
    if isinstance(value, list | tuple):
        return " ".join(str(part) for part in value if part).strip()
    return str(value or "").strip()


def _preferred(lines: list[Any]) -> list[str]:
    """The values, the preferred first (TYPE=pref, PREF=1, or 2.1's bare PREF)."""

    def pref(line: Any) -> bool:
        params = {k.upper(): [str(v).upper() for v in vs] for k, vs in line.params.items()}
        singles = {str(v).upper() for v in getattr(line, "singletonparams", [])}
        return "PREF" in params.get("TYPE", []) or "PREF" in params or "PREF" in singles

    ordered = sorted(lines, key=lambda line: not pref(line))
    values = [_plain(_text(line.value)) for line in ordered]
    return list(dict.fromkeys(value for value in values if value))


def _plain(value: str) -> str:
    for scheme in ("tel:", "mailto:"):  # vCard 4.0 writes TEL;VALUE=uri:tel:+31...
        if value.casefold().startswith(scheme):
            return value[len(scheme) :]
    return value


def _name(card: Any) -> str:
    full = _values(card, "fn")
    if full:
        return _text(full[0].value)
    for line in card.contents.get("n", []):
        n = line.value
        parts = [getattr(n, attr, "") for attr in ("prefix", "given", "additional", "family")]
        text = " ".join(_text(part) for part in parts if _text(part))
        if text:
            return text
    return ""


def _cells(card: Any) -> list[str]:
    organisation = ""
    for line in card.contents.get("org", []):
        parts = line.value if isinstance(line.value, list) else [line.value]
        organisation = next((str(part).strip() for part in parts if str(part).strip()), "")
        if organisation:
            break
    notes = "\n\n".join(
        _LINE_BREAK.sub("\n", str(line.value)).strip() for line in _values(card, "note")
    )
    return [
        _name(card),
        organisation,
        MULTI.join(_preferred(_values(card, "title"))),
        MULTI.join(_preferred(_values(card, "email"))),
        MULTI.join(_preferred(_values(card, "tel"))),
        MULTI.join(_preferred(_values(card, "url"))),
        notes,
    ]
