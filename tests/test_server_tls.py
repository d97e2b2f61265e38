"""An encrypted connection to a team's server, read through psycopg2 imported without the
standard library's ``ssl`` (db_server.import_psycopg2): libpq's own TLS carries it. On a
second throw-away server with TLS on (scripts/pg-test-server with REFTRACK_PG_SSL=1), so
the suite's own server keeps its plain connections."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "pg-test-server"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def tls_url(pg_server: str) -> Iterator[str]:
    """A fresh server with ``ssl = on``, as a URL that insists on TLS (``pg_server``
    first: without PostgreSQL this skips, or fails in CI, as the other server tests do)."""
    data = Path(tempfile.gettempdir()) / f"reftrack-pg-tls-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "REFTRACK_PG_SSL": "1",
        "REFTRACK_PG_PORT": str(free_port()),
        "REFTRACK_PG_DATA": str(data),
    }
    started = subprocess.run(
        [str(SCRIPT), "start"], env=env, capture_output=True, text=True, timeout=120
    )
    assert started.returncode == 0, started.stderr
    try:
        yield started.stdout.strip() + "?sslmode=require"
    finally:
        subprocess.run([str(SCRIPT), "stop"], env=env, capture_output=True, timeout=60)
        shutil.rmtree(data, ignore_errors=True)


# In a fresh interpreter, as a command starts: the reader's connection, whether it is
# encrypted, what it reads, and whether `ssl` got imported (and still imports after).
PROBE = """
import json, sys
from reftrack.db_server import open_server
reader = open_server({url!r}, busy_timeout_ms=1000)
assert reader is not None, "the reader stepped aside"
tls = reader.rows("SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()")[0]
names = [row["name"] for row in reader.rows("SELECT name FROM advocate ORDER BY id")]
ssl_imported = "ssl" in sys.modules
reader.close()
import ssl
print(json.dumps({{**tls, "names": names, "ssl_imported": ssl_imported,
                   "ssl_after": bool(ssl.OPENSSL_VERSION)}}))
"""


def reftrack(url: str, *argv: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "REFTRACK_DB": url, "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "reftrack", *argv],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_an_encrypted_connection_reads_without_python_s_ssl(tls_url: str) -> None:
    made = reftrack(tls_url, "advocate", "add", "Anna Ålund")  # the layer makes the schema
    assert made.returncode == 0, made.stderr
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(url=tls_url)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    assert seen["ssl"] is True and seen["version"].startswith("TLS"), seen
    assert seen["names"] == ["Anna Ålund"]
    assert seen["ssl_imported"] is False  # psycopg2 loaded without it
    assert seen["ssl_after"] is True  # and it imports as ever afterwards

    listed = reftrack(tls_url, "advocate", "list", "--format", "csv")
    assert listed.returncode == 0, listed.stderr
    assert "Anna Ålund" in listed.stdout


def test_a_server_without_tls_refuses_what_insists_on_it(pg_server: str) -> None:
    """The suite's server has no TLS: sslmode=require is refused there, so the test above
    shows an encrypted read, not a plain one."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(url=pg_server + "?sslmode=require")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0
    assert "the reader stepped aside" in done.stderr
