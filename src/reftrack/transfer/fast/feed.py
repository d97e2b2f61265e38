"""Feeding the fast lane: chunks read and compiled in a second process while this one writes.

On two cores, reading a large file (the csv module, the compiled row function, the
advocates' key fingerprints) overlaps with SQLite's writing when a forked helper does it.
The helper sends each chunk through a pipe: the compiled rows, where their keys'
fingerprints go, and the raw lines pickled, which this process unpickles only when the
chunk needs the general path.
A file of one chunk is read here; so is every file on one CPU or off Linux.

The helper ignores Ctrl-C (this process handles it and stops the helper), stops when the
pipe breaks (this process died), and sends its own error (an undecodable byte, a broken
CSV quote) to be raised here, as if read here. It never touches the database (a forked
SQLite connection must not be used) and leaves through ``os._exit``, without cleanup.
It is forked directly, not through ``multiprocessing.Process``, which would close stdin:
``import advocates -`` reads from there.
"""

from __future__ import annotations

import fcntl
import os
import pickle
import signal
import sys
from collections.abc import Callable, Generator, Iterator
from contextlib import suppress
from dataclasses import dataclass
from functools import partial
from multiprocessing.connection import Connection, Pipe
from typing import Any

from reftrack.errors import ReftrackError
from reftrack.files import tables
from reftrack.models import utcnow
from reftrack.transfer.fast.rowcode import RowFunction
from reftrack.transfer.keys import AdvocateKeys, Place
from reftrack.transfer.write import stored

Lines = list[tuple[int, list[str]]]
Keys = Callable[[list[tuple[Any, ...]]], list[Any]]  # the advocates' keys of compiled rows
_PROTOCOL = pickle.HIGHEST_PROTOCOL


@dataclass
class Chunk:
    """One chunk of rows: compiled (None where the function declined), and the raw lines."""

    now: str  # the stored timestamp of its new records
    compiled: list[tuple[Any, ...] | None]
    # where its advocates' key fingerprints go, when every row compiled (AdvocateKeys.place)
    place: Place | None
    repeat: bool  # two of its rows share a key
    unpack: Callable[[], Lines] | None = None  # the raw lines, from what the helper sent
    _lines: Lines | None = None

    @property
    def lines(self) -> Lines:
        if self._lines is None:
            assert self.unpack is not None
            self._lines = self.unpack()
        return self._lines


def compile_chunk(lines: Lines, row: RowFunction, keys: Keys | None) -> Chunk:
    now = stored(utcnow())
    compiled = [row(cells, now) for _, cells in lines]
    place, repeat = None, False
    if keys is not None and None not in compiled:
        place = AdvocateKeys.place(list(map(hash, keys(compiled))))  # type: ignore[arg-type]
        repeat = place is None
    return Chunk(now, compiled, place, repeat, _lines=lines)


def feed(
    table: tables.Table, row: RowFunction, keys: Keys | None, size: int
) -> Generator[Chunk, None, None]:
    """The table's chunks, compiled: by a helper process when there is more than one."""
    chunks = table.chunks(size)
    first = next(chunks, None)
    if first is None:
        return
    yield compile_chunk(first, row, keys)
    if len(first) < size or not _can_fork():
        for lines in chunks:
            yield compile_chunk(lines, row, keys)
        return
    yield from _from_helper(table, chunks, row, keys)


def _widen(pipe: Connection) -> None:
    """A pipe that holds a whole chunk (~600 KiB), so the helper compiles the next one while
    this process has not yet taken the last: with Linux's default 64 KiB the two would
    take turns. Up to the system's limit (/proc/sys/fs/pipe-max-size, 1 MiB by default)."""
    with suppress(OSError):
        fcntl.fcntl(pipe.fileno(), fcntl.F_SETPIPE_SZ, 1 << 20)


def _can_fork() -> bool:
    """Linux with two CPUs or more: elsewhere fork is missing (Windows) or unsafe without
    exec (macOS system libraries), and one CPU gains nothing."""
    return sys.platform.startswith("linux") and (os.cpu_count() or 1) >= 2


def _from_helper(
    table: tables.Table, chunks: Iterator[Lines], row: RowFunction, keys: Keys | None
) -> Generator[Chunk, None, None]:
    receiver, sender = Pipe(duplex=False)
    _widen(receiver)
    pid = os.fork()
    if pid == 0:  # the helper
        receiver.close()
        try:
            _produce(sender, table, chunks, row, keys)
        finally:
            os._exit(0)
    sender.close()
    try:
        while True:
            try:
                message = pickle.loads(receiver.recv_bytes())
            except EOFError:
                raise ReftrackError(f"reading {table.name} stopped unexpectedly") from None
            if message[0] == "chunk":
                _, now, compiled, place, repeat, packed, position = message
                table.read_elsewhere = position
                yield Chunk(now, compiled, place, repeat, partial(pickle.loads, packed))
            elif message[0] == "error":
                raise message[1]
            else:
                return
    finally:
        receiver.close()
        with suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)  # done or not: nothing more is wanted from it
        os.waitpid(pid, 0)


def _produce(
    sender: Connection,
    table: tables.Table,
    chunks: Iterator[Lines],
    row: RowFunction,
    keys: Keys | None,
) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        for lines in chunks:
            chunk = compile_chunk(lines, row, keys)
            packed = pickle.dumps(lines, _PROTOCOL)
            message = (
                "chunk",
                chunk.now,
                chunk.compiled,
                chunk.place,
                chunk.repeat,
                packed,
                table.bytes_read,
            )
            sender.send_bytes(pickle.dumps(message, _PROTOCOL))
        sender.send_bytes(pickle.dumps(("end",), _PROTOCOL))
    except (BrokenPipeError, ConnectionResetError):
        pass  # the importer is gone
    except BaseException as error:
        try:
            sender.send_bytes(pickle.dumps(("error", error), _PROTOCOL))
        except Exception:
            sender.send_bytes(pickle.dumps(("error", ReftrackError(str(error))), _PROTOCOL))
