"""The bytes of a file: which encoding it is in, and replaying what was read to sniff it.

UTF-8 with or without BOM, UTF-16 with BOM, else cp1252 when every byte is a cp1252
character, with a note for the user; anything else is an error naming ``--encoding``.
A workbook (.xlsx/.xls) or binary file is refused with the fix.
"""

from __future__ import annotations

import codecs
import io
from typing import IO, Any

from reftrack.errors import InvalidInputError

_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


class Replay(io.RawIOBase):
    """The bytes already read for sniffing, then the rest of the stream; counts bytes."""

    def __init__(self, head: bytes, rest: IO[bytes]) -> None:
        self._head = memoryview(head)
        self._rest = rest
        self.position = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self._head:
            size = min(len(buffer), len(self._head))
            buffer[:size] = self._head[:size]
            self._head = self._head[size:]
        else:
            data = self._rest.read(len(buffer))
            size = len(data)
            buffer[:size] = data
        self.position += size
        return size


def _valid(data: bytes, encoding: str, *, final: bool) -> bool:
    try:
        codecs.getincrementaldecoder(encoding)().decode(data, final=final)
    except UnicodeDecodeError:
        return False
    return True


def _all_utf8(head: bytes, stream: IO[bytes]) -> bool:
    """Check the whole of a seekable file (fast, in C), then rewind; else the head only."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    if not stream.seekable():
        return _valid(head, "utf-8", final=False)
    start = stream.tell()
    try:
        decoder.decode(head)
        while chunk := stream.read(1 << 20):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    finally:
        stream.seek(start)
    return True


def choose_encoding(
    head: bytes, stream: IO[bytes], given: str | None, name: str
) -> tuple[str, str | None]:
    """(encoding, a note for the user when it was guessed)."""
    if given:
        try:
            found = codecs.lookup(given).name
        except LookupError:
            raise InvalidInputError(
                f"--encoding {given!r} is not an encoding; use e.g. utf-8, cp1252 or latin-1"
            ) from None
        if found == "utf-8" and head.startswith(codecs.BOM_UTF8):
            return "utf-8-sig", None
        return found, None
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig", None
    if head.startswith(_UTF16_BOMS):
        return "utf-16", None
    if _all_utf8(head, stream):
        return "utf-8", None
    if _valid(head, "cp1252", final=False):
        return "cp1252", (
            f"{name} is not UTF-8; reading it as cp1252 (Windows Western European). "
            "If names look wrong, give the right --encoding"
        )
    raise InvalidInputError(
        f"{name} is neither UTF-8 nor cp1252; give its encoding with --encoding (e.g. latin-1)"
    )


def refuse_binary(head: bytes, name: str) -> None:
    if head.startswith(b"PK\x03\x04") or head.startswith(b"\xd0\xcf\x11\xe0"):
        raise InvalidInputError(
            f"{name} is a spreadsheet workbook, not a CSV file; save it as CSV (UTF-8) first"
        )
    if b"\x00" in head and not head.startswith(_UTF16_BOMS):
        raise InvalidInputError(
            f"{name} is not a text file (it has NUL bytes); give a CSV file, or its --encoding"
        )


def sample_text(head: bytes, encoding: str, at_end: bool) -> str:
    text = codecs.getincrementaldecoder(encoding)(errors="ignore").decode(head, final=at_end)
    if not at_end and "\n" in text:
        text = text[: text.rindex("\n") + 1]
    return text.lstrip("\ufeff")
