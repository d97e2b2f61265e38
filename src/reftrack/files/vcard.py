"""vCard files (.vcf: 2.1, 3.0, 4.0, as Apple Contacts, Google, Outlook and Android write
them) as rows of contacts, through vobject: pure functions over text.

Each card becomes one row of the columns below, read like a CSV file's: FN (else N) is the
name, ORG the company, TITLE, EMAIL, TEL, URL and NOTE their fields. A card with several
e-mails or phones keeps the preferred (else the first) in the field and the others in the
notes, as a Google Contacts CSV's ``:::`` cells do; a card without a name is named from its
e-mail or phone, as a CSV row is. vobject reads the lines: it unfolds them, joins the soft
line breaks of quoted-printable values (Android's) and decodes them in their CHARSET. The
cards are gathered and their values unescaped here (``\\n``, ``\\,``, ``\\;``, Apple's
``\\:``), not by vobject's vCard transform, which cuts a 2.1 note at its first comma (2.1 does
not escape commas). A quoted-printable value without a CHARSET (Outlook's) is UTF-8 when
it can be, else cp1252.
"""

from __future__ import annotations

import codecs
import quopri
import re
from collections.abc import Iterator
from typing import IO, Any

from reftrack.errors import InvalidInputError
from reftrack.files.cells import MULTI

COLUMNS = ["name", "company", "title", "email", "phone", "url", "notes"]
_LINE_BREAK = re.compile(r"\r\n|\n|\r")
_ESCAPED = re.compile(r"\\(.)", re.DOTALL)
_UNESCAPE = {"n": "\n", "N": "\n"}


def looks_like_vcard(head: bytes) -> bool:
    start = head.lstrip(codecs.BOM_UTF8).lstrip()[:11].upper()
    return start == b"BEGIN:VCARD"


def encoding_of(head: bytes) -> str:
    """vCards are UTF-8 (old Outlook ones may be cp1252): judged by the file's start."""
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8-sig"


def _qp_charset(value: str) -> str:
    try:
        quopri.decodestring(value.encode("ascii", "replace")).decode("utf-8")
    except (UnicodeDecodeError, ValueError):
        return "cp1252"
    return "utf-8"


def unescape(text: str) -> str:
    """A vCard text value: ``\\n`` is a line break; ``\\,`` ``\\;`` ``\\:`` are the character."""
    return _ESCAPED.sub(lambda found: _UNESCAPE.get(found[1], found[1]), text)


def components(text: str) -> list[str]:
    """A structured value (N, ORG) split at its unescaped semicolons, each unescaped."""
    return [unescape(part).strip() for part in re.split(r"(?<!\\);", text)]


def card_rows(text: IO[str], *, head: str, name: str) -> Iterator[tuple[int, list[str]]]:
    """(card number, cells in ``COLUMNS`` order) of every card in ``text``, read a line at
    a time; ``head``: the file's start, decoded."""
    from vobject.base import ParseError, getLogicalLines, textLineToContentLine

    if "BEGIN:VCARD" not in head.upper():
        raise InvalidInputError(
            f"{name} is not a vCard file (no BEGIN:VCARD); export the contacts as vCard "
            "(.vcf), or import a CSV"
        )
    number, depth = 0, 0
    card: dict[str, list[Any]] = {}
    for logical, line_number in getLogicalLines(text, allowQP=True):
        try:
            line = textLineToContentLine(_with_charset(logical), line_number)
        except (ParseError, UnicodeDecodeError, LookupError) as error:
            raise InvalidInputError(
                f"{name} line {max(1, line_number)} is not a vCard line "
                f"({_why(error, logical)}); export the contacts as vCard again, or import a CSV"
            ) from None
        key, value = line.name.upper(), str(line.value).strip().upper()
        if key == "BEGIN" and value == "VCARD":
            depth += 1
            if depth == 1:
                card = {}
            continue
        if key == "END" and value == "VCARD" and depth:
            depth -= 1
            if depth == 0:
                number += 1
                yield number, _cells(card)
            continue
        if depth == 1:
            card.setdefault(key.lower(), []).append(line)
    if depth:
        raise InvalidInputError(
            f"{name} ends inside card {number + 1} (no END:VCARD); export the contacts again"
        )
    if number == 0:
        raise InvalidInputError(f"{name} holds no vCard; there is nothing to import")


def _why(error: Exception, logical: str) -> str:
    if isinstance(error, UnicodeDecodeError | LookupError):
        return f"its quoted-printable text is not in its CHARSET: {error}"
    return repr(logical[:40])


def _with_charset(logical: str) -> str:
    """A quoted-printable value without a CHARSET (Outlook's): UTF-8 if it can be, else
    cp1252 (vobject would assume UTF-8 and fail)."""
    head, colon, value = logical.partition(":")
    if "QUOTED-PRINTABLE" in head.upper() and "CHARSET" not in head.upper():
        return f"{head};CHARSET={_qp_charset(value)}{colon}{value}"
    return logical


def _values(card: dict[str, list[Any]], key: str) -> list[Any]:
    return [line for line in card.get(key, []) if str(line.value).strip()]


def _preferred(lines: list[Any]) -> list[str]:
    """The values, the preferred first (TYPE=pref, PREF=1, or 2.1's bare PREF)."""

    def pref(line: Any) -> bool:
        params = {k.upper(): [str(v).upper() for v in vs] for k, vs in line.params.items()}
        types = {t.strip('"') for value in params.get("TYPE", []) for t in value.split(",")}
        singles = {str(v).upper() for v in getattr(line, "singletonparams", [])}
        return "PREF" in types or "PREF" in params or "PREF" in singles

    ordered = sorted(lines, key=lambda line: not pref(line))
    values = [_plain(unescape(str(line.value)).strip()) for line in ordered]
    return list(dict.fromkeys(value for value in values if value))


def _plain(value: str) -> str:
    for scheme in ("tel:", "mailto:"):  # vCard 4.0 writes TEL;VALUE=uri:tel:+31...
        if value.casefold().startswith(scheme):
            return value[len(scheme) :]
    return value


def _name(card: dict[str, list[Any]]) -> str:
    for line in _values(card, "fn"):
        return unescape(str(line.value)).strip()
    for line in _values(card, "n"):
        family, given, additional, prefix, *_ = [*components(str(line.value)), "", "", "", ""]
        text = " ".join(part for part in (prefix, given, additional, family) if part)
        if text:
            return text
    return ""


def _cells(card: dict[str, list[Any]]) -> list[str]:
    organisation = ""
    for line in _values(card, "org"):
        organisation = next((part for part in components(str(line.value)) if part), "")
        if organisation:
            break
    notes = "\n\n".join(
        _LINE_BREAK.sub("\n", unescape(str(line.value))).strip() for line in _values(card, "note")
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
