"""`povertydb sql` cannot write: one query, a reader's rights, a read-only transaction.

Each escape that worked before (as the superuser, through the simple query protocol) is refused
with a message and a non-zero exit, and nothing is created.
"""

from __future__ import annotations

import uuid

import pytest
from click.testing import CliRunner
from sqlalchemy.engine import make_url

from app.cli import cli
from app.settings import PROJECT_ROOT

ESCAPE_TABLE = "sql_escape"


@pytest.fixture(scope="module")
def env(loaded_engine) -> dict[str, str]:
    return {"DATABASE_URL": loaded_engine.url.render_as_string(hide_password=False)}


def _sql(env, *args: str):
    return CliRunner().invoke(cli, ["sql", *args], env=env)


def _traces(engine) -> tuple[int, int]:
    """(relations named like the escapes' tables, large objects), seen by the superuser."""
    with engine.connect() as conn:
        return (
            conn.exec_driver_sql(
                f"SELECT count(*) FROM pg_class WHERE relname LIKE '{ESCAPE_TABLE}%%'"
            ).scalar_one(),
            conn.exec_driver_sql("SELECT count(*) FROM pg_largeobject_metadata").scalar_one(),
        )


CREATE = f"CREATE TABLE public.{ESCAPE_TABLE} (i int)"


@pytest.mark.parametrize(
    ("statement", "message"),
    [
        (f"commit; {CREATE}", "transaction control (COMMIT) is refused"),
        ("COMMIT", "transaction control (COMMIT) is refused"),
        (f"  -- a comment\n end; {CREATE}", "transaction control (END) is refused"),
        (f"SELECT 1; {CREATE}", "one statement at a time"),
        (f"SELECT 1; COMMIT; {CREATE}", "one statement at a time"),
        (f"(SELECT 1); {CREATE}", "one statement at a time"),
        (CREATE, "CREATE is refused"),
        (f"/* first */ {CREATE}", "CREATE is refused"),
        (f"/* nested /* */ SELECT */ {CREATE}", "CREATE is refused"),
        ("SELECT ts_rewrite('a'::tsquery, 'SELECT ''a''::tsquery, ''b''::tsquery')", "ts_rewrite is refused"),
        ("SELECT set_config('default_transaction_read_only', 'off', false)", "set_config() is refused"),
        ("SELECT pg_catalog.\"set_config\"('role', 'postgres', true)", "set_config() is refused"),
        ("SET ROLE postgres", "SET is refused"),
        ("RESET ROLE", "RESET is refused"),
        ("SET SESSION AUTHORIZATION postgres", "SET is refused"),
        ("SET TRANSACTION READ WRITE", "SET is refused"),
        ("set default_transaction_read_only = off", "SET is refused"),
        (f"DO $$ BEGIN {CREATE}; END $$", "DO blocks are refused"),
        ("SELECT lo_creat(-1)", "large-object functions (lo_creat) are refused"),
        ("SELECT LO_FROM_BYTEA(0, 'fifty megabytes')", "large-object functions (LO_FROM_BYTEA) are refused"),
        ("SELECT lo_import('/etc/hostname')", "large-object functions (lo_import) are refused"),
        (
            "SELECT query_to_xml('SELECT set_' || 'config(''role'', ''postgres'', true)', true, true, '')",
            "query_to_xml is refused: it runs SQL given as text",
        ),
        ("SELECT U&\"\\0073et_config\"('role', 'postgres', true)", "Unicode-escaped names and strings"),
        (f"SELECT * INTO public.{ESCAPE_TABLE} FROM analytics.indicators", "read-only transaction"),
        (
            "WITH d AS (DELETE FROM analytics.indicators RETURNING 1) SELECT count(*) FROM d",
            "permission denied",
        ),
        ("SELECT pg_read_file('/etc/hostname')", "permission denied for function pg_read_file"),
        ("SELECT count(*) FROM public.reports", "permission denied for schema public"),
        ("", "no query found"),
    ],
)
def test_sql_refuses_every_escape_and_creates_nothing(env, loaded_engine, statement, message):
    before = _traces(loaded_engine)
    result = _sql(env, statement)
    assert result.exit_code == 1, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    assert _traces(loaded_engine) == before == (0, before[1])


def test_sql_runs_as_the_readers_group_not_as_the_connecting_superuser(env):
    result = _sql(env, "SELECT current_user, session_user <> current_user AS switched", "--csv")
    assert result.exit_code == 0, result.output
    assert result.output == "current_user,switched\npovertydb_readers,True\n"


@pytest.mark.parametrize(
    ("statement", "expected"),
    [
        ("SELECT count(*) AS n FROM analytics.indicators WHERE indicator_code LIKE 'poor%'", "n\n"),
        ("select 'a%s%%b' AS s;", "s\na%s%%b\n"),
        ("WITH x AS (SELECT 1 AS n) SELECT n FROM x", "n\n1\n"),
        ("  (SELECT 2 AS n)", "n\n2\n"),
        ("VALUES (1, 'một')", "column1,column2\n1,một\n"),
        ("TABLE analytics.indicators", "indicator_code,"),
        ("EXPLAIN SELECT * FROM analytics.figures", "QUERY PLAN\n"),
    ],
)
def test_sql_still_runs_queries(env, statement, expected):
    result = _sql(env, statement, "--csv")
    assert result.exit_code == 0, result.output
    assert result.output.startswith(expected)


@pytest.mark.parametrize("path", sorted((PROJECT_ROOT / "queries").glob("*.sql")), ids=lambda p: p.name)
def test_every_worked_query_runs_through_sql_file(env, path):
    result = _sql(env, "--file", str(path), "--csv")
    assert result.exit_code == 0, result.output
    assert "," in result.output.splitlines()[0] or result.output.count("\n") >= 1


def test_sql_without_a_query_asks_for_one():
    result = CliRunner().invoke(cli, ["sql"])
    assert result.exit_code == 2
    assert "give a query as an argument or with --file" in result.output
    assert "not both" not in result.output


def test_sql_with_a_query_and_a_file_says_not_both(tmp_path):
    path = tmp_path / "q.sql"
    path.write_text("SELECT 1")
    result = CliRunner().invoke(cli, ["sql", "SELECT 1", "--file", str(path)])
    assert result.exit_code == 2
    assert "not both" in result.output


def test_sql_as_a_role_outside_the_readers_group_says_what_to_grant(reader_engine, test_server):
    """A DATABASE_URL role that is no superuser must belong to the group; it is told how."""
    name, password = f"plain_{uuid.uuid4().hex[:8]}", "plain-role-password"
    with reader_engine.begin() as conn:
        _sql(
            {"DATABASE_URL": reader_engine.url.render_as_string(hide_password=False)}, "SELECT 1"
        )  # the group exists, as after add-reader
        conn.exec_driver_sql(f"CREATE ROLE \"{name}\" LOGIN PASSWORD '{password}'")
    _, host, port = test_server
    url = make_url(f"postgresql://{host}:{port}").set(
        username=name, password=password, database=reader_engine.url.database
    )
    env = {"DATABASE_URL": url.render_as_string(hide_password=False)}
    try:
        refused = _sql(env, "SELECT current_user")
        assert refused.exit_code == 1, refused.output
        assert f"GRANT povertydb_readers TO {name}" in refused.output
        with reader_engine.begin() as conn:
            conn.exec_driver_sql(f'GRANT povertydb_readers TO "{name}"')
        granted = _sql(env, "SELECT current_user", "--csv")
        assert granted.exit_code == 0, granted.output
        assert granted.output == "current_user\npovertydb_readers\n"
    finally:
        with reader_engine.begin() as conn:
            conn.exec_driver_sql(f'DROP ROLE "{name}"')
