"""Quick queries from the terminal: one query, run as the readers' group in a read-only
transaction, shown as a table or as CSV.

What makes `povertydb sql` unable to write, by construction: the query runs under
`SET LOCAL ROLE povertydb_readers` (the privileges of a reader, checked when the statement
starts), inside a read-only transaction that is rolled back, sent with the extended query
protocol (the server parses exactly one statement). A role switch back to the connecting user
would need set_config() or dynamic SQL, so the text is screened for them, and the role is
checked again before any row is shown.
"""

from __future__ import annotations

import csv
import io
import re

import psycopg
from psycopg import errors, sql
from sqlalchemy import Engine

from app.readers import READER_GROUP, ReaderError, ensure_group, group_ready

QUERY_KEYWORDS = ("select", "with", "explain", "table", "values")
_SPACE_OR_PAREN = re.compile(r"(?:\s+|--[^\n]*|\()*")
_WORD = re.compile(r"[a-z_]*")
_KEYWORD_MESSAGES = {
    ("begin", "start", "commit", "end", "rollback", "abort", "savepoint", "release", "prepare"): (
        "transaction control ({word}) is refused: the query runs in a read-only transaction that "
        "povertydb sql opens and rolls back"
    ),
    ("set", "reset"): "{word} is refused: povertydb sql does not change settings, the role or the session",
    ("do",): "DO blocks are refused: povertydb sql runs queries, not code",
}
# Refused wherever they appear, in strings too (dynamic SQL could carry them).
_REFUSED_WORDS = [
    (re.compile(r"\bset_config\b", re.I), "set_config() is refused: it changes settings or the role"),
    (re.compile(r"\b(?:lo_\w+|loread|lowrite)\b", re.I), "large-object functions ({match}) are refused"),
    (
        re.compile(r"\b(?:query_to_xml\w*|ts_stat|ts_rewrite)\b", re.I),
        "{match} is refused: it runs SQL given as text",
    ),
    (re.compile(r"\bu&\s*['\"]", re.I), "Unicode-escaped names and strings (U&) are refused"),
]


class QueryRefused(ValueError):
    """povertydb sql does not run this text; the message says why."""


def _first_word(text: str) -> str:
    """The first keyword after spaces, parentheses and comments (/* */ nest, as in PostgreSQL)."""
    at = 0
    while True:
        at = _SPACE_OR_PAREN.match(text, at).end()
        if not text.startswith("/*", at):
            return _WORD.match(text, at).group(0)
        depth, at = 1, at + 2
        while depth and at < len(text):
            if text.startswith("/*", at):
                depth, at = depth + 1, at + 2
            elif text.startswith("*/", at):
                depth, at = depth - 1, at + 2
            else:
                at += 1


def check_statement(statement: str) -> None:
    """Refuse what is not a single query, before sending anything to the server."""
    first = _first_word(statement.lower())
    if not first:
        raise QueryRefused("no query found: give a SELECT, WITH, EXPLAIN, TABLE or VALUES statement")
    if first not in QUERY_KEYWORDS:
        for words, message in _KEYWORD_MESSAGES.items():
            if first in words:
                raise QueryRefused(message.format(word=first.upper()))
        raise QueryRefused(
            f"{first.upper()} is refused: povertydb sql runs one query"
            " (SELECT, WITH, EXPLAIN, TABLE or VALUES)"
        )
    for pattern, message in _REFUSED_WORDS:
        found = pattern.search(statement)
        if found:
            raise QueryRefused(message.format(match=found.group(0)))


def _prepare_group(raw) -> None:
    """Make sure the readers' group exists and may read analytics; the connecting role needs
    the right to create it the first time (add-reader does the same)."""
    with raw.driver_connection.cursor() as cur:
        if cur.execute("SELECT to_regnamespace('analytics') IS NULL").fetchone()[0]:
            raise QueryRefused("the analytics schema is missing: run  povertydb migrate  first")
        if not group_ready(cur):
            user = cur.execute("SELECT current_user").fetchone()[0]
            try:
                ensure_group(cur)
            except psycopg.Error as exc:
                raise QueryRefused(
                    f"povertydb sql runs queries as the {READER_GROUP} group, and {user} cannot prepare it "
                    f"({str(exc).strip().splitlines()[0]}); a role with CREATEROLE can run"
                    f"  povertydb add-reader, then  GRANT {READER_GROUP} TO {user}"
                ) from None
            except ReaderError as exc:
                raise QueryRefused(str(exc)) from None
    raw.commit()


def run_query(engine: Engine, statement: str, limit: int | None = None) -> tuple[list[str], list[tuple]]:
    """Column names and rows of `statement`, run with a reader's rights in a read-only transaction.

    The SQL goes to the server as written: no placeholder of SQLAlchemy or psycopg is read in it.
    """
    check_statement(statement)
    raw = engine.raw_connection()
    try:
        _prepare_group(raw)
        with raw.driver_connection.cursor() as cur:
            cur.execute("SET TRANSACTION READ ONLY")
            cur.execute(sql.SQL("SET LOCAL ROLE {}").format(sql.Identifier(READER_GROUP)))
            try:
                # bytes: psycopg reads no "%" placeholder in them; prepare: the extended protocol,
                # so the server refuses a text with several statements.
                cur.execute(statement.encode(), prepare=True)
            except errors.SyntaxError as exc:
                if "multiple commands" in str(exc):
                    raise QueryRefused("one statement at a time: the text holds several") from None
                raise
            columns = [d.name for d in cur.description] if cur.description else []
            rows = [tuple(r) for r in (cur.fetchmany(limit) if limit else cur.fetchall())] if columns else []
            if cur.execute("SELECT current_user").fetchone()[0] != READER_GROUP:
                raise QueryRefused("the query changed its role; its result is withheld")
            return columns, rows
    finally:
        raw.rollback()
        raw.close()


def _cell(value) -> str:
    return "" if value is None else str(value)


def as_table(columns: list[str], rows: list[tuple], max_width: int = 60) -> str:
    """Aligned columns, long cells cut with an ellipsis, and a row count."""
    cells = [[_cell(v).replace("\n", " ") for v in row] for row in rows]
    cells = [[c if len(c) <= max_width else c[: max_width - 1] + "…" for c in row] for row in cells]
    widths = [max([len(col)] + [len(row[i]) for row in cells]) for i, col in enumerate(columns)]
    line = lambda values: "  ".join(v.ljust(w) for v, w in zip(values, widths, strict=True)).rstrip()  # noqa: E731
    out = [line(columns), line(["-" * w for w in widths]), *(line(row) for row in cells)]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out)


def as_csv(columns: list[str], rows: list[tuple]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([[_cell(v) for v in row] for row in rows])
    return buffer.getvalue()
