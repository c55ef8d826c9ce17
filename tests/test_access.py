"""A reader over a real TCP connection: reads the analytics views and can do nothing else."""

from __future__ import annotations

import time
import uuid

import psycopg
import pytest
from psycopg import errors
from sqlalchemy import text

from app.readers import READER_GROUP, ReaderError, ensure_reader, list_readers, scram_verifier

PASSWORD = "a-long-reader-password"


@pytest.fixture(scope="module")
def loaded_engine(reader_engine):
    """The loaded database readers may reach (the served `povertydb` database on the embedded server)."""
    return reader_engine


@pytest.fixture(scope="module")
def reader(loaded_engine, test_server):
    """A reader on the loaded database, with a short statement timeout; dropped afterwards."""
    name = f"reader_{uuid.uuid4().hex[:8]}"
    assert ensure_reader(loaded_engine, name, PASSWORD, statement_timeout="1s", connection_limit=3)
    _, host, port = test_server
    database = loaded_engine.url.database
    yield name, f"host={host} port={port} dbname={database} user={name}"
    with loaded_engine.begin() as conn:
        conn.exec_driver_sql(f'DROP ROLE "{name}"')


def _connect(dsn: str, password: str = PASSWORD) -> psycopg.Connection:
    return psycopg.connect(dsn, password=password, connect_timeout=5, autocommit=True)


def test_the_connection_is_tcp_with_a_password(reader):
    _, dsn = reader
    with _connect(dsn) as conn:
        assert conn.execute("SELECT inet_server_addr() IS NOT NULL").fetchone() == (True,)


def test_every_analytics_view_is_readable(reader, loaded_engine):
    _, dsn = reader
    with loaded_engine.connect() as admin:
        views = (
            admin.execute(text("SELECT viewname FROM pg_views WHERE schemaname = 'analytics'"))
            .scalars()
            .all()
        )
    assert len(views) >= 10
    with _connect(dsn) as conn:
        for view in views:
            assert conn.execute(f"SELECT count(*) FROM analytics.{view}").fetchone()[0] >= 0
        assert conn.execute("SELECT analytics.fold_name('Hoà')").fetchone() == ("hoa",)


@pytest.mark.parametrize(
    "statement",
    [
        "INSERT INTO analytics.indicators (indicator_code, name_vi, name_en, unit, measure)"
        " VALUES ('x', 'x', 'x', 'percent', 'level')",
        "UPDATE analytics.indicators SET name_en = 'x'",
        "DELETE FROM analytics.indicators",
        "CREATE TABLE public.x (id int)",
        "CREATE TABLE analytics.x (id int)",
        "CREATE TEMP TABLE x (id int)",
        "CREATE VIEW analytics.x AS SELECT 1",
        "SELECT count(*) FROM reports",
        "SELECT count(*) FROM public.observations",
        "DROP VIEW analytics.figures",
    ],
)
def test_writes_ddl_and_internal_tables_are_refused_even_in_a_read_write_transaction(reader, statement):
    _, dsn = reader
    with _connect(dsn) as conn:
        refusals = (errors.ReadOnlySqlTransaction, errors.InsufficientPrivilege, errors.UndefinedTable)
        with pytest.raises(refusals):  # read-only by default
            conn.execute(statement)
        conn.execute("SET default_transaction_read_only = off")  # a reader may lift the courtesy...
        # ...privileges still refuse (an internal table's name does not even resolve)
        with pytest.raises((errors.InsufficientPrivilege, errors.UndefinedTable)):
            conn.execute(statement)


def test_a_wrong_password_is_refused(reader):
    _, dsn = reader
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        _connect(dsn, password="not-the-password")


def test_the_superuser_gets_no_passwordless_tcp_access(reader, test_server):
    _, dsn = reader
    superuser = dsn.rsplit("user=", 1)[0] + "user=postgres"
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(superuser, password="", connect_timeout=5)


def test_a_long_query_is_cancelled_by_the_statement_timeout(reader):
    _, dsn = reader
    with _connect(dsn) as conn:
        began = time.monotonic()
        with pytest.raises(errors.QueryCanceled):
            conn.execute("SELECT pg_sleep(10)")
        assert time.monotonic() - began < 5


def test_a_view_added_later_is_readable_without_granting_again(reader, loaded_engine):
    _, dsn = reader
    with loaded_engine.begin() as conn:
        conn.exec_driver_sql("CREATE VIEW analytics.added_later AS SELECT 42 AS answer")
    try:
        with _connect(dsn) as conn:
            assert conn.execute("SELECT answer FROM analytics.added_later").fetchone() == (42,)
    finally:
        with loaded_engine.begin() as conn:
            conn.exec_driver_sql("DROP VIEW analytics.added_later")


def test_add_reader_updates_an_existing_reader_and_lists_it(reader, loaded_engine):
    name, dsn = reader
    assert ensure_reader(loaded_engine, name, PASSWORD + "-new", statement_timeout="1s") is False
    with _connect(dsn, PASSWORD + "-new") as conn:
        assert conn.execute("SELECT current_user").fetchone() == (name,)
    ensure_reader(loaded_engine, name, PASSWORD, statement_timeout="1s")
    assert name in list_readers(loaded_engine)


@pytest.mark.parametrize(
    ("name", "password", "message"),
    [
        ("Bad Name", PASSWORD, "must be lowercase"),
        (READER_GROUP, PASSWORD, "group role"),
        ("postgres", PASSWORD, "more rights than a reader"),
        ("short_password", "1234567", "at least 8"),
    ],
)
def test_unsafe_readers_are_refused(loaded_engine, name, password, message):
    with pytest.raises(ReaderError, match=message):
        ensure_reader(loaded_engine, name, password)


def test_the_scram_verifier_has_postgres_format_and_a_fresh_salt():
    one, two = scram_verifier("secret-password"), scram_verifier("secret-password")
    assert one.startswith("SCRAM-SHA-256$4096:") and one.count("$") == 2 and one != two
