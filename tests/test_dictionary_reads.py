"""`povertydb dictionary` only reads: it never migrates, works with a reader's login, and says
what to do when there is no analytics schema."""

from __future__ import annotations

import uuid

from click.testing import CliRunner
from sqlalchemy.engine import make_url

from app.cli import cli
from app.dictionary import render_dictionary
from app.readers import ensure_reader


def test_dictionary_on_an_unmigrated_database_says_to_migrate_and_creates_nothing(engine):
    env = {"DATABASE_URL": engine.url.render_as_string(hide_password=False)}
    result = CliRunner().invoke(cli, ["dictionary"], env=env)
    assert result.exit_code == 1, result.output
    assert f"the database {engine.url.database} has no analytics schema: run  povertydb migrate  first" in (
        result.output
    )
    with engine.connect() as conn:
        assert (
            conn.exec_driver_sql(
                "SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace"
            ).scalar_one()
            == 0
        )


def test_dictionary_works_with_a_readers_login_over_tcp(reader_engine, test_server):
    name, password = f"dict_{uuid.uuid4().hex[:8]}", "dictionary-reader-password"
    ensure_reader(reader_engine, name, password)
    _, host, port = test_server
    url = make_url(f"postgresql://{host}:{port}").set(
        username=name, password=password, database=reader_engine.url.database
    )
    try:
        result = CliRunner().invoke(
            cli, ["dictionary"], env={"DATABASE_URL": url.render_as_string(hide_password=False)}
        )
        assert result.exit_code == 0, result.output
        assert result.output == render_dictionary(reader_engine)
    finally:
        with reader_engine.begin() as conn:
            conn.exec_driver_sql(f'DROP ROLE "{name}"')
