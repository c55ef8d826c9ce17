"""Engines, URLs of the embedded PostgreSQL server (app/embedded.py), and the loader's advisory lock."""

from __future__ import annotations

import contextlib
import hashlib
import logging
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import psycopg
from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.engine import make_url

from app.embedded import Postmaster, embedded_postgres
from app.pg_install import DatabaseError, bundled_bin_dir
from app.settings import PROJECT_ROOT, Settings, normalize_url

EMBEDDED_DATABASE = "povertydb"
# One fixed key for pg_advisory_xact_lock: every loader of this project serializes on it.
LOAD_LOCK_KEY = int.from_bytes(hashlib.sha256(b"povertydb.load").digest()[:8], "big", signed=True)

log = logging.getLogger(__name__)


class LoadLocked(RuntimeError):
    """Another loader holds the load lock and the caller asked not to wait."""


@contextlib.contextmanager
def embedded_server(data_dir: Path) -> Iterator[str]:
    """Start (or join) the embedded server in `data_dir`; yield a superuser URL to its default DB.

    Concurrent commands share one server; the last one to leave stops it (app/embedded.py).
    """
    with embedded_postgres(data_dir, EMBEDDED_DATABASE) as info:
        yield socket_url(info)


def socket_url(info: Postmaster, database: str = "postgres") -> str:
    """Superuser URL over the server's Unix socket; it names the port, which selects the socket
    file when the server listens on another port than 5432."""
    return f"postgresql+psycopg://postgres@/{database}?host={info.socket_dir}&port={info.port}"


def _libpq_dsn(sqlalchemy_url: str) -> str:
    """SQLAlchemy URL -> libpq URI (drop the +driver part)."""
    return sqlalchemy_url.replace("postgresql+psycopg://", "postgresql://", 1)


@contextlib.contextmanager
def database_url(settings: Settings) -> Iterator[str]:
    """Yield the URL to use: DATABASE_URL as given, or the embedded server's database."""
    if settings.database_url:
        yield settings.database_url
        return
    with embedded_postgres(settings.data_dir, EMBEDDED_DATABASE) as info:
        yield socket_url(info, EMBEDDED_DATABASE)


def make_engine(url: str) -> Engine:
    return create_engine(normalize_url(url), pool_pre_ping=True)


@contextlib.contextmanager
def open_engine(settings: Settings) -> Iterator[Engine]:
    """An engine for the configured database, valid for the duration of the block."""
    with database_url(settings) as url:
        engine = make_engine(url)
        try:
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except Exception as exc:
            engine.dispose()
            raise DatabaseError(f"cannot connect to {_safe(url)}: {exc.__cause__ or exc}") from exc
        try:
            yield engine
        finally:
            engine.dispose()


def acquire_load_lock(conn: Connection, wait: bool = True) -> None:
    """Take the transaction-scoped loader lock; without `wait`, raise LoadLocked if it is held."""
    if wait:
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": LOAD_LOCK_KEY})
    elif not conn.execute(text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": LOAD_LOCK_KEY}).scalar():
        raise LoadLocked("another load-seeds is running on this database; try again when it ends")


def psql_argv(url: str, embedded: bool) -> list[str]:
    """The psql command line for `url`: on the embedded server, its own psql (a client of the
    server's version); elsewhere the psql on PATH, else the bundled one."""
    exe = None if embedded else shutil.which("psql")
    if exe is None:
        candidate = bundled_bin_dir() / "psql"
        exe = str(candidate) if candidate.exists() else None
    if exe is None:
        raise DatabaseError("psql was not found; install the PostgreSQL client")
    return [exe, _libpq_dsn(url)]


def _safe(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def upgrade_schema(engine: Engine, wait: bool = True) -> str:
    """`alembic upgrade head` on `engine`, serialized with loaders; return the head revision.

    A database already at head is left alone without taking the lock.
    """
    # The common case, a database at head, costs one SELECT: importing alembic and its migration
    # modules took more than a no-op load's whole database part.
    head = _head_revision()
    if head is not None:
        with engine.connect() as conn:
            if _current_revision(conn) == head:
                return head
    from alembic import command
    from alembic.config import Config
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.attributes["configure_logger"] = False
    head = ScriptDirectory.from_config(config).get_current_head() or ""
    with engine.connect() as conn:
        if MigrationContext.configure(conn).get_current_revision() == head:
            return head
    with engine.begin() as conn:
        acquire_load_lock(conn, wait)
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
    return head


_REVISION = re.compile(r"""^(down_)?revision(?:: [^=]+)? = (?:["']([^"']*)["']|None)\s*$""", re.M)


def _head_revision() -> str | None:
    """The head of migrations/versions read from the files' `revision` / `down_revision` lines,
    without importing them; None when that is not one linear history (alembic then decides)."""
    revisions, parents = set(), set()
    for path in (PROJECT_ROOT / "migrations" / "versions").glob("*.py"):
        found = dict((bool(m[1]), m[2]) for m in _REVISION.finditer(path.read_text(encoding="utf-8")))
        if False not in found or True not in found:
            return None
        revisions.add(found[False])
        parents.add(found[True])
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 and len(parents - {None}) == len(revisions) - 1 else None


def _current_revision(conn: Connection) -> str | None:
    """alembic_version's revision, None if the table is missing or holds not exactly one row."""
    if conn.execute(text("SELECT to_regclass('alembic_version') IS NULL")).scalar():
        return None
    rows = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    return rows[0] if len(rows) == 1 else None


def connection_lost(exc: BaseException) -> str | None:
    """A one-line reason when `exc` is the loss of the server (it crashed or stopped), else None."""
    orig = getattr(exc, "orig", None) or exc
    if not isinstance(orig, psycopg.OperationalError):
        return None
    # No SQLSTATE: the socket closed; 57P0x: the server is shutting down or crashed.
    if getattr(exc, "connection_invalidated", False) or orig.sqlstate in (None, "57P01", "57P02", "57P03"):
        first = (str(orig).strip().splitlines() or ["no reason given"])[0]
        return f"the database server went away ({first})"
    return None
