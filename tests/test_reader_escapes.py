"""A reader tries to get round its limits over a real TCP connection, and is refused.

What a reader can still change about itself is tested here too, so the README states exactly
what holds: its session settings and role defaults, its password, nothing else.
"""

from __future__ import annotations

import uuid

import psycopg
import pytest
from click.testing import CliRunner
from psycopg import errors

from app.cli import cli
from app.readers import ensure_reader, reader_report
from tests.conftest import embedded_test_server

PASSWORD = "a-long-reader-password"
REFUSED = (errors.InsufficientPrivilege, errors.ReadOnlySqlTransaction)


@pytest.fixture(scope="module")
def reader(reader_engine, test_server):
    name = f"escaper_{uuid.uuid4().hex[:8]}"
    ensure_reader(reader_engine, name, PASSWORD, statement_timeout="3s", connection_limit=3)
    _, host, port = test_server
    yield name, f"host={host} port={port} user={name}", reader_engine.url.database
    with reader_engine.begin() as conn:
        conn.exec_driver_sql(f'DROP OWNED BY "{name}"')
        conn.exec_driver_sql(f'DROP ROLE "{name}"')


def _connect(reader, database: str | None = None) -> psycopg.Connection:
    _, dsn, own = reader
    return psycopg.connect(
        f"{dsn} dbname={database or own}", password=PASSWORD, connect_timeout=5, autocommit=True
    )


def _attacker(reader) -> psycopg.Connection:
    """A reader's connection with the read-only default lifted, as any reader may."""
    conn = _connect(reader)
    conn.execute("SET default_transaction_read_only = off")
    return conn


def _admin_count(engine, query: str) -> int:
    with engine.connect() as conn:
        return conn.exec_driver_sql(query).scalar_one()


@pytest.mark.parametrize(
    "call",
    [
        "lo_creat(-1)",
        "lo_create(0)",
        "lo_from_bytea(0, 'fifty megabytes')",
        "lo_import('/etc/hostname')",
        "lo_open(1, 131072)",
        "lowrite(0, 'x')",
        "lo_put(1, 0, 'x')",
        "lo_truncate(0, 0)",
        "lo_truncate64(0, 0)",
        "lo_unlink(1)",
        "lo_export(1, '/tmp/povertydb-lo')",
        "pg_logical_emit_message(false, 'povertydb', 'fills the WAL')",
    ],
)
def test_large_objects_and_wal_messages_are_refused_even_after_lifting_read_only(reader, reader_engine, call):
    before = _admin_count(reader_engine, "SELECT count(*) FROM pg_largeobject_metadata")
    with (
        _attacker(reader) as conn,
        pytest.raises(errors.InsufficientPrivilege, match="permission denied for function"),
    ):
        conn.execute(f"SELECT {call}")
    assert _admin_count(reader_engine, "SELECT count(*) FROM pg_largeobject_metadata") == before


def test_temporary_tables_are_refused_in_the_readers_database(reader):
    with _attacker(reader) as conn, pytest.raises(errors.InsufficientPrivilege, match="temporary tables"):
        conn.execute("CREATE TEMP TABLE t (i int)")


@pytest.mark.skipif(not embedded_test_server(), reason="pg_hba.conf of the embedded server only")
@pytest.mark.parametrize("database", ["postgres", "template1"])
def test_on_the_embedded_server_a_reader_cannot_connect_to_another_database(reader, database):
    with pytest.raises(psycopg.OperationalError, match=r"pg_hba\.conf rejects|no pg_hba\.conf entry"):
        _connect(reader, database)


def test_on_a_server_povertydb_does_not_own_add_reader_reports_the_other_databases(reader, reader_engine):
    name = reader[0]
    report = "\n".join(reader_report(reader_engine, name))
    with reader_engine.connect() as conn:
        reachable = conn.exec_driver_sql(
            "SELECT count(*) FROM pg_database WHERE datname = 'postgres'"
            " AND has_database_privilege('povertydb_readers', oid, 'CONNECT')"
        ).scalar_one()
    if reachable:  # a DATABASE_URL-like server: left alone, reported with the fix
        assert "connect to other databases on this server: postgres (temporary tables too)" in report
        assert f"host  all  {name}  all  reject" in report
        assert f"host  {reader_engine.url.database}  {name}  all  scram-sha-256" in report
    else:
        assert "other databases" not in report


def test_the_names_of_internal_tables_do_not_resolve_and_information_schema_lists_analytics_only(reader):
    with _connect(reader) as conn:
        with pytest.raises(errors.UndefinedTable):
            conn.execute("SELECT count(*) FROM reports")
        with pytest.raises(errors.InsufficientPrivilege, match="schema public"):
            conn.execute("SELECT count(*) FROM public.reports")
        schemas = {r[0] for r in conn.execute("SELECT table_schema FROM information_schema.tables")}
        assert schemas == {"analytics", "information_schema", "pg_catalog"}
        visible = {r[0] for r in conn.execute("SELECT schema_name FROM information_schema.schemata")}
        assert "public" not in visible and "analytics" in visible


def test_the_system_catalogs_still_show_internal_table_names_but_not_their_rows(reader):
    """PostgreSQL lets every role read pg_class: names are visible, contents are not."""
    with _connect(reader) as conn:
        names = {
            r[0]
            for r in conn.execute("SELECT relname FROM pg_class WHERE relnamespace = 'public'::regnamespace")
        }
        assert "reports" in names
        with pytest.raises(errors.InsufficientPrivilege):
            conn.execute("SELECT count(*) FROM public.reports")


def _settings(reader) -> tuple[str, str, str]:
    with _connect(reader) as conn:
        return conn.execute(
            "SELECT current_setting('statement_timeout'), current_setting('default_transaction_read_only'),"
            " current_setting('idle_in_transaction_session_timeout')"
        ).fetchone()


def test_a_reader_cannot_lift_its_defaults_with_alter_role_self_set(reader):
    name = reader[0]
    with _attacker(reader) as conn:
        conn.execute(f'ALTER ROLE "{name}" SET statement_timeout = 0')
        conn.execute(f'ALTER ROLE "{name}" SET default_transaction_read_only = off')
        conn.execute(f'ALTER ROLE "{name}" SET idle_in_transaction_session_timeout = 0')
    # The settings add-reader gives per role *in the database* outrank role-wide ones.
    assert _settings(reader) == ("3s", "on", "5min")


def test_a_reader_can_override_its_defaults_in_the_database_until_add_reader_runs_again(
    reader, reader_engine
):
    name, _, database = reader
    with _attacker(reader) as conn:
        conn.execute(f'ALTER ROLE "{name}" IN DATABASE "{database}" SET statement_timeout = 0')
        conn.execute(f'ALTER ROLE "{name}" IN DATABASE "{database}" SET default_transaction_read_only = off')
    assert _settings(reader)[:2] == ("0", "off")  # PostgreSQL allows it: documented in the README
    ensure_reader(reader_engine, name, PASSWORD, statement_timeout="3s", connection_limit=3)
    assert _settings(reader) == ("3s", "on", "5min")
    with reader_engine.connect() as conn:  # and the role-wide ones it gave itself are gone too
        rows = (
            conn.exec_driver_sql(
                "SELECT s.setconfig FROM pg_db_role_setting s WHERE s.setrole = to_regrole(%s)"
                " AND s.setdatabase = 0",
                (name,),
            )
            .scalars()
            .all()
        )
    assert rows == [
        [
            "default_transaction_read_only=on",
            "statement_timeout=3s",
            "idle_in_transaction_session_timeout=5min",
        ]
    ]


def test_a_reader_can_change_its_session_settings_but_privileges_still_hold(reader):
    with _connect(reader) as conn:
        conn.execute("SET statement_timeout = 0")
        conn.execute("SET default_transaction_read_only = off")
        assert conn.execute("SELECT current_setting('statement_timeout')").fetchone() == ("0",)
        with pytest.raises(errors.InsufficientPrivilege):
            conn.execute("CREATE TABLE analytics.x (i int)")


@pytest.mark.parametrize(
    "statement",
    [
        'ALTER ROLE "{name}" CONNECTION LIMIT 100',
        'ALTER ROLE "{name}" CREATEDB',
        'ALTER ROLE "{name}" CREATEROLE',
        "ALTER ROLE \"{name}\" VALID UNTIL 'infinity'",
        'ALTER ROLE "{name}" RENAME TO "{name}_x"',
        'ALTER ROLE "{name}" SET session_replication_role = replica',
        "ALTER ROLE povertydb_readers SET statement_timeout = 0",
        "ALTER ROLE ALL SET statement_timeout = 0",
        'GRANT pg_read_all_data TO "{name}"',
        "SET SESSION AUTHORIZATION postgres",
        "SET ROLE postgres",
        "CREATE ROLE intruder",
        "CREATE DATABASE intruder",
    ],
)
def test_a_reader_cannot_change_its_rights_limits_or_identity(reader, statement):
    name = reader[0]
    with (
        _attacker(reader) as conn,
        pytest.raises(
            (errors.InsufficientPrivilege, errors.InvalidParameterValue, errors.FeatureNotSupported)
        ),
    ):
        conn.execute(statement.format(name=name))


def test_a_reader_can_change_its_own_password(reader, reader_engine):
    name = reader[0]
    with _attacker(reader) as conn:
        conn.execute(f"ALTER ROLE \"{name}\" PASSWORD 'changed-by-the-reader'")
    try:
        with psycopg.connect(
            f"{reader[1]} dbname={reader[2]}", password="changed-by-the-reader", connect_timeout=5
        ) as conn:
            assert conn.execute("SELECT current_user").fetchone() == (name,)
    finally:
        ensure_reader(reader_engine, name, PASSWORD, statement_timeout="3s", connection_limit=3)


def test_add_reader_on_a_database_url_leaves_other_databases_alone_and_says_so(reader_engine):
    def public_connect() -> bool:
        with reader_engine.connect() as conn:
            return conn.exec_driver_sql(
                "SELECT has_database_privilege('public', 'postgres', 'CONNECT')"
            ).scalar_one()

    before = public_connect()
    env = {
        "DATABASE_URL": reader_engine.url.render_as_string(hide_password=False),
        "POVERTYDB_READER_PASSWORD": PASSWORD,
    }
    name = f"noted_{uuid.uuid4().hex[:8]}"
    result = CliRunner().invoke(cli, ["add-reader", name], env=env)
    try:
        assert result.exit_code == 0, result.output
        assert public_connect() == before
        if before:
            assert "Note: privileges let readers connect to other databases on this server: postgres" in (
                result.output
            )
            assert f"host  all  {name}  all  reject" in result.output
    finally:
        with reader_engine.begin() as conn:
            conn.exec_driver_sql(f'DROP ROLE "{name}"')
