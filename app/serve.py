"""Serve the embedded PostgreSQL over TCP on 127.0.0.1, password-protected, for BI tools.

The embedded server normally listens on a Unix socket only. Here it is started with a TCP
address, after writing a pg_hba.conf that requires scram-sha-256 for every TCP connection.
Other povertydb commands run meanwhile share the server, and the last one to leave stops it.
"""

from __future__ import annotations

import contextlib
import signal
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from app.db import EMBEDDED_DATABASE, socket_url
from app.embedded import embedded_postgres

HOST = "127.0.0.1"
DEFAULT_PORT = 5433
# The socket lies in the data directory, which only the server's OS user (and root) can enter.
# Readers (members of povertydb_readers) connect over TCP to the povertydb database only.
PG_HBA = f"""\
# Written by povertydb serve. The Unix socket trusts; every TCP connection needs a password.
# Readers may only reach the {EMBEDDED_DATABASE} database, over TCP.
local   all  +povertydb_readers                     reject
local   all  all                                    trust
host    {EMBEDDED_DATABASE}  +povertydb_readers  127.0.0.1/32    scram-sha-256
host    {EMBEDDED_DATABASE}  +povertydb_readers  ::1/128         scram-sha-256
host    all  +povertydb_readers  all                reject
host    all  all  127.0.0.1/32    scram-sha-256
host    all  all  ::1/128         scram-sha-256
"""


@dataclass(frozen=True)
class TcpServer:
    host: str
    port: int
    database: str
    admin_url: str  # superuser over the Unix socket, for the operator's own commands


@contextlib.contextmanager
def serve_embedded(data_dir: Path, port: int = DEFAULT_PORT) -> Iterator[TcpServer]:
    """Run the embedded server on 127.0.0.1:`port` for the duration of the block.

    A server that other commands use is not restarted (serve refuses, saying so); an orphaned
    one (its commands were killed) is restarted with TCP.
    """
    with embedded_postgres(data_dir, EMBEDDED_DATABASE, port=port, hba=PG_HBA) as info:
        yield TcpServer(HOST, port, EMBEDDED_DATABASE, socket_url(info, EMBEDDED_DATABASE))


def connection_details(server: TcpServer, readers: list[str], reports: int, head: str) -> str:
    """What a BI tool's connection form asks for, and what to do next."""
    user = readers[0] if readers else "<reader>"
    lines = [
        f"Serving povertydb (schema {head}, {reports} report(s)) on {server.host}:{server.port}.",
        "",
        "Connection details for a BI tool (Metabase, Superset, Power BI, Tableau):",
        "  Database type  PostgreSQL",
        f"  Host           {server.host}",
        f"  Port           {server.port}",
        f"  Database       {server.database}",
        f"  Username       {user}",
        "  Password       the one you gave add-reader",
        "  SSL            off (the server listens on this machine only)",
        "  Schema         analytics",
        f"  SQLAlchemy URI postgresql+psycopg2://{user}:PASSWORD@{server.host}:{server.port}/{server.database}",
        f"  JDBC URL       jdbc:postgresql://{server.host}:{server.port}/{server.database}",
        "",
        f"Readers: {', '.join(readers)}" if readers else "No reader yet: run  povertydb add-reader analyst",
        "" if reports else "The database is empty: run  load-seeds  (it works while serve runs).",
        "Press Ctrl+C to stop.",
    ]
    return "\n".join(lines)


def stop_on_sigterm() -> None:
    """From now on SIGTERM stops serve as Ctrl+C does; installed before the server starts, so
    that a SIGTERM right after the connection details are printed is not lost."""

    def stop(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)


def wait_until_interrupted() -> None:
    """Block until Ctrl+C or SIGTERM, then ignore both while the server stops."""
    with contextlib.suppress(KeyboardInterrupt):
        while True:
            time.sleep(3600)
    # Stopping takes a moment: a second Ctrl+C or SIGTERM must not cut it short.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
