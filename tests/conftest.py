"""Fixtures: a real PostgreSQL (embedded, or TEST_DATABASE_URL's server) and fresh databases on it."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from app.db import make_engine
from app.load.seeds import load_seeds
from app.reference.gazetteer import read_gazetteer
from app.serve import serve_embedded
from app.settings import PROJECT_ROOT, normalize_url
from app.vn.units import UnitIndex

SEEDS = PROJECT_ROOT / "seeds"


@pytest.fixture(scope="session")
def gazetteer():
    return read_gazetteer(SEEDS)


@pytest.fixture(scope="session")
def index(gazetteer) -> UnitIndex:
    return UnitIndex(gazetteer.units)


@pytest.fixture(scope="session")
def test_server() -> Iterator[tuple[str, str, int]]:
    """(admin URL, TCP host, TCP port) of the server the tests use.

    TEST_DATABASE_URL's server, or an embedded one served on 127.0.0.1 through the same code
    as `povertydb serve`, so that readers can be tested over a real TCP connection.
    """
    external = os.environ.get("TEST_DATABASE_URL")
    if external:
        url = make_url(normalize_url(external))
        yield url.render_as_string(hide_password=False), url.host or "127.0.0.1", url.port or 5432
        return
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with embedded_data_dir() as data_dir, serve_embedded(data_dir, port) as server:
        yield server.admin_url, server.host, server.port


@contextlib.contextmanager
def embedded_data_dir() -> Iterator[Path]:
    """A fresh data directory path in a temporary directory the embedded server's system user
    (when the tests run as root) can enter; pytest's own tmp directories are 0700."""
    root = Path(tempfile.mkdtemp(prefix="povertydb-test-"))
    root.chmod(0o755)
    try:
        yield root / "pgdata"
    finally:
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def server_url(test_server) -> str:
    """Admin URL of the test server; each test gets its own database on it."""
    return test_server[0]


def _libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


@pytest.fixture(scope="session")
def new_database(server_url):
    """Factory: create an empty database, return its URL; all are dropped at session end."""
    created: list[str] = []

    def create() -> str:
        name = f"povertydb_test_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(_libpq(server_url), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        created.append(name)
        return make_url(server_url).set(database=name).render_as_string(hide_password=False)

    yield create
    with psycopg.connect(_libpq(server_url), autocommit=True) as conn:
        for name in created:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def db_url(new_database) -> str:
    return new_database()


@pytest.fixture
def engine(db_url) -> Iterator[Engine]:
    eng = make_engine(db_url)
    yield eng
    eng.dispose()


@pytest.fixture(scope="module")
def loaded_engine(new_database) -> Iterator[Engine]:
    """A database loaded from the project's seeds, shared by the read-only tests of a module."""
    eng = make_engine(new_database())
    load_seeds(eng, SEEDS)
    yield eng
    eng.dispose()


@pytest.fixture
def seeds_copy(tmp_path) -> Path:
    """A private copy of seeds/ that a test may edit."""
    target = tmp_path / "seeds"
    shutil.copytree(SEEDS, target)
    return target


def table_snapshot(
    engine: Engine,
    exclude: tuple[str, ...] = ("load_runs", "alembic_version"),
    ignore_columns: tuple[str, ...] = (),
) -> dict:
    """Every row of every public table, in a stable order: equal snapshots mean equal tables."""
    with engine.connect() as conn:
        tables = conn.exec_driver_sql(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        ).scalars()
        rows = {}
        for t in [t for t in tables if t not in exclude]:
            columns = conn.exec_driver_sql(
                "SELECT column_name FROM information_schema.columns"
                f" WHERE table_schema = 'public' AND table_name = '{t}' ORDER BY ordinal_position"
            ).scalars()
            kept = ", ".join(c for c in columns if c not in ignore_columns)
            rows[t] = conn.exec_driver_sql(f"SELECT {kept} FROM {t} ORDER BY 1, 2").all()
        # A no-op run must not consume ids either.
        sequences = conn.exec_driver_sql(
            "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public' ORDER BY 1"
        ).all()
        rows["sequences"] = [s for s in sequences if not s.sequencename.startswith(exclude)]
        return rows


@pytest.fixture
def snapshot():
    return table_snapshot


@pytest.fixture(scope="module")
def reader_engine(server_url, new_database) -> Iterator[Engine]:
    """A loaded database that readers may reach over TCP: on the embedded server, whose
    pg_hba.conf lets readers into the `povertydb` database only, that database; elsewhere a
    fresh one."""
    url = new_database() if os.environ.get("TEST_DATABASE_URL") else server_url
    eng = make_engine(url)
    load_seeds(eng, SEEDS)
    yield eng
    eng.dispose()


def embedded_test_server() -> bool:
    """True when the tests run on the embedded server served through `povertydb serve`'s code."""
    return not os.environ.get("TEST_DATABASE_URL")
