"""Read-only login roles for analysts and BI tools: the analytics schema and nothing else.

A group role carries the grants (and default privileges, so views added by later migrations
are readable without granting again); each reader is a login that belongs to it, and
`povertydb sql` runs its queries under the same group. Privileges, not settings, do the
protecting: a reader may change its own session settings (PostgreSQL lets every role do that),
but it has no right to write, create, or read an internal table anyway.
"""

from __future__ import annotations

import re

import psycopg
from psycopg import sql
from sqlalchemy import Engine

from app.scram import password_problem, scram_verifier

READER_GROUP = "povertydb_readers"
ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
# Each reader's defaults, set per role *in the database*: that level outranks the reader's own
# `ALTER ROLE self SET` (role-wide), so a reader cannot lift them that way.
READER_SETTINGS = (
    "default_transaction_read_only",
    "statement_timeout",
    "idle_in_transaction_session_timeout",
)
# Functions every role may execute unless revoked from PUBLIC that write: the large-object
# functions (all of them, readers included, for good measure) and pg_logical_emit_message,
# which writes WAL even outside a transaction. The other functions PUBLIC may execute that
# change anything check their caller's rights themselves (sequences, own backends, slots).
WRITE_FUNCTIONS = """
    SELECT p.oid::regprocedure::text FROM pg_proc p
    WHERE p.pronamespace = 'pg_catalog'::regnamespace
      AND (p.proname LIKE 'lo\\_%' OR p.proname IN ('loread', 'lowrite', 'pg_logical_emit_message'))
      AND has_function_privilege('public', p.oid, 'EXECUTE')
    ORDER BY 1
"""


class ReaderError(ValueError):
    """The reader cannot be created as asked; the message says why."""


def group_ready(cur: psycopg.Cursor) -> bool:
    """Whether the readers' group exists, may read the analytics views, and the current role may
    act as it: then ensure_group has nothing to do. Shared by `povertydb sql` and the viewer."""
    # The view is found through the catalogs, not by name: resolving a name in a schema the
    # current role may not use raises instead of answering.
    return cur.execute(
        "WITH v AS (SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE n.nspname = 'analytics' AND c.relname = 'reports')"
        " SELECT CASE WHEN to_regrole(%(g)s) IS NULL OR NOT EXISTS (SELECT 1 FROM v) THEN false"
        " ELSE has_schema_privilege(%(g)s, 'analytics', 'USAGE')"
        " AND has_table_privilege(%(g)s, (SELECT oid FROM v), 'SELECT')"
        " AND pg_has_role(current_user, %(g)s, 'MEMBER') END",
        {"g": READER_GROUP},
    ).fetchone()[0]


def ensure_group(cur: psycopg.Cursor) -> list[str]:
    """Create or refresh the readers' group and what confines it in the current database;
    return what could not be closed (the current role lacks the right), as sentences.

    Used by add-reader and by `povertydb sql`, which runs its queries as this group.
    """
    group = sql.Identifier(READER_GROUP)
    database = sql.Identifier(cur.execute("SELECT current_database()").fetchone()[0])
    if cur.execute("SELECT to_regnamespace('analytics') IS NULL").fetchone()[0]:
        raise ReaderError("the analytics schema is missing: run  povertydb migrate  first")
    if cur.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (READER_GROUP,)).fetchone() is None:
        cur.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(group))
    superuser = cur.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user").fetchone()[0]
    if (
        not superuser
        and not cur.execute("SELECT pg_has_role(current_user, %s, 'MEMBER')", (READER_GROUP,)).fetchone()[0]
    ):
        # `povertydb sql` switches to the group with SET ROLE, which needs membership.
        cur.execute(sql.SQL("GRANT {} TO CURRENT_USER").format(group))
    statements = [
        # Nobody but the owner creates anything here, temporary tables included.
        sql.SQL("REVOKE CREATE ON SCHEMA public FROM PUBLIC"),
        sql.SQL("REVOKE TEMPORARY ON DATABASE {} FROM PUBLIC").format(database),
        sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(database, group),
        sql.SQL("GRANT USAGE ON SCHEMA analytics TO {}").format(group),
        sql.SQL("GRANT SELECT ON ALL TABLES IN SCHEMA analytics TO {}").format(group),
        sql.SQL("ALTER DEFAULT PRIVILEGES IN SCHEMA analytics GRANT SELECT ON TABLES TO {}").format(group),
    ]
    for function in [row[0] for row in cur.execute(WRITE_FUNCTIONS)]:
        statements.append(sql.SQL("REVOKE EXECUTE ON FUNCTION {} FROM PUBLIC").format(sql.SQL(function)))
    # The internal tables' schema: without USAGE a reader cannot even resolve their names
    # (and information_schema no longer lists the schema). Only revoked when the current role
    # keeps its own access, as superuser or as a member of the schema's owner.
    keeps_public = cur.execute(
        "SELECT %s OR pg_has_role(current_user, nspowner, 'USAGE')"
        " FROM pg_namespace WHERE nspname = 'public'",
        (superuser,),
    ).fetchone()
    if keeps_public and keeps_public[0]:
        statements.append(sql.SQL("REVOKE USAGE ON SCHEMA public FROM PUBLIC"))
    for statement in statements:
        cur.execute(statement)
    return group_gaps(cur)


def group_gaps(cur: psycopg.Cursor) -> list[str]:
    """What readers can still do in the current database that ensure_group meant to close."""
    gaps = []
    if cur.execute(WRITE_FUNCTIONS).fetchone():
        gaps.append(
            "readers can still execute large-object functions or pg_logical_emit_message"
            " (only a superuser may revoke them)"
        )
    if cur.execute("SELECT has_schema_privilege(%s, 'public', 'USAGE')", (READER_GROUP,)).fetchone()[0]:
        gaps.append("readers can still see the names in schema public (its owner may revoke USAGE)")
    if cur.execute(
        "SELECT has_database_privilege(%s, current_database(), 'TEMPORARY')", (READER_GROUP,)
    ).fetchone()[0]:
        gaps.append("readers can still create temporary tables (the database owner may revoke TEMPORARY)")
    return gaps


def other_databases(cur: psycopg.Cursor) -> list[tuple[str, bool]]:
    """(name, may create temporary tables) of every other database a reader may connect to,
    as far as privileges go (pg_hba.conf, which SQL cannot read, may still refuse)."""
    return cur.execute(
        "SELECT datname, has_database_privilege(%s, oid, 'TEMPORARY') FROM pg_database"
        " WHERE datallowconn AND datname <> current_database()"
        " AND has_database_privilege(%s, oid, 'CONNECT') ORDER BY 1",
        (READER_GROUP, READER_GROUP),
    ).fetchall()


def close_other_databases(engine: Engine) -> None:
    """On a server this project owns (the embedded one): no reader connects to, or creates
    temporary tables in, any other database. Never used on a DATABASE_URL server."""
    raw = engine.raw_connection()
    try:
        with raw.driver_connection.cursor() as cur:
            for name, _ in other_databases(cur):
                cur.execute(
                    sql.SQL("REVOKE CONNECT, TEMPORARY ON DATABASE {} FROM PUBLIC").format(
                        sql.Identifier(name)
                    )
                )
        raw.commit()
    finally:
        raw.close()


def ensure_reader(
    engine: Engine, name: str, password: str, *, statement_timeout: str = "60s", connection_limit: int = 10
) -> bool:
    """Create or update reader `name`; return True when it was created.

    An update also resets every setting the reader may have given itself (ALTER ROLE ... SET).
    """
    if not ROLE_NAME.fullmatch(name):
        raise ReaderError(
            f"reader name {name!r} must be lowercase letters, digits and _, starting with a letter"
        )
    if name == READER_GROUP:
        raise ReaderError(f"{READER_GROUP} is the group role; choose another name")
    problem = password_problem(password)
    if problem:
        raise ReaderError(problem)
    role, group = sql.Identifier(name), sql.Identifier(READER_GROUP)
    raw = engine.raw_connection()
    try:
        with raw.driver_connection.cursor() as cur:
            database = sql.Identifier(cur.execute("SELECT current_database()").fetchone()[0])
            existing = cur.execute(
                "SELECT rolsuper OR rolcreaterole OR rolcreatedb OR rolreplication OR rolbypassrls,"
                " rolname = current_user FROM pg_roles WHERE rolname = %s",
                (name,),
            ).fetchone()
            if existing and any(existing):
                raise ReaderError(f"role {name!r} exists with more rights than a reader; choose another name")
            ensure_group(cur)
            values = {
                "default_transaction_read_only": sql.Literal("on"),
                "statement_timeout": sql.Literal(statement_timeout),
                "idle_in_transaction_session_timeout": sql.Literal("5min"),
            }
            statements = [
                sql.SQL(
                    "{} ROLE {} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE INHERIT CONNECTION LIMIT {}"
                ).format(sql.SQL("ALTER" if existing else "CREATE"), role, sql.Literal(connection_limit)),
                sql.SQL("ALTER ROLE {} PASSWORD {}").format(role, sql.Literal(scram_verifier(password))),
                # Whatever the reader set for itself goes, everywhere.
                sql.SQL("ALTER ROLE {} RESET ALL").format(role),
                *(
                    sql.SQL("ALTER ROLE {} IN DATABASE {} RESET ALL").format(role, sql.Identifier(d))
                    for (d,) in cur.execute(
                        "SELECT d.datname FROM pg_db_role_setting s"
                        " JOIN pg_database d ON d.oid = s.setdatabase"
                        " WHERE s.setrole = to_regrole(%s)",
                        (name,),
                    ).fetchall()
                ),
                *(
                    sql.SQL("ALTER ROLE {} SET {} = {}").format(role, sql.Identifier(k), v)
                    for k, v in values.items()
                ),
                *(
                    sql.SQL("ALTER ROLE {} IN DATABASE {} SET {} = {}").format(
                        role, database, sql.Identifier(k), v
                    )
                    for k, v in values.items()
                ),
                sql.SQL("GRANT {} TO {}").format(group, role),
            ]
            for statement in statements:
                cur.execute(statement)
        raw.commit()
    except BaseException:
        raw.rollback()
        raise
    finally:
        raw.close()
    return existing is None


def reader_report(engine: Engine, name: str) -> list[str]:
    """Sentences for add-reader: what reader `name` can still reach on this server, and the fix."""
    raw = engine.raw_connection()
    try:
        with raw.driver_connection.cursor() as cur:
            database = cur.execute("SELECT current_database()").fetchone()[0]
            lines = [f"Note: {gap}." for gap in group_gaps(cur)]
            others = other_databases(cur)
    finally:
        raw.rollback()
        raw.close()
    if others:
        names = ", ".join(f"{n} (temporary tables too)" if temp else n for n, temp in others)
        lines += [
            f"Note: privileges let readers connect to other databases on this server: {names}.",
            "  This server is not managed by povertydb, so they were left alone. To confine readers to",
            f"  {database}, an admin adds these lines to pg_hba.conf above the other host lines,",
            "  then reloads the server:",
            f"    host  {database}  {name}  all  scram-sha-256",
            f"    host  all  {name}  all  reject",
        ]
    return lines


def list_readers(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return list(
            conn.exec_driver_sql(
                "SELECT r.rolname FROM pg_roles r JOIN pg_auth_members m ON m.member = r.oid"
                " JOIN pg_roles g ON g.oid = m.roleid WHERE g.rolname = %s"
                # the owner may belong to the group too, to run `povertydb sql` under it
                " AND r.rolcanlogin AND r.rolname <> current_user ORDER BY 1",
                (READER_GROUP,),
            ).scalars()
        )
