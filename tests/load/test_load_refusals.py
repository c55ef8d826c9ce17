"""A row the database refuses though verification passed it is reported by file and fact."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from app.cli import cli
from app.db import upgrade_schema
from app.load.seeds import LoadRefused, collect, load_seeds
from app.mapping.schema import read_mapping
from tests.conftest import SEEDS

MAPPING_004 = SEEDS / "articles" / "004_1809158b010efb0f.yaml"


def _add_rule_verification_does_not_know(engine, table: str, check: str) -> None:
    upgrade_schema(engine)
    with engine.begin() as conn:
        conn.execute(text(f"ALTER TABLE {table} ADD CONSTRAINT test_only_rule CHECK ({check})"))


def _last_run(engine):
    with engine.connect() as conn:
        return conn.execute(text("SELECT id, status, message FROM load_runs ORDER BY id DESC LIMIT 1")).one()


def test_a_figure_the_database_refuses_is_named_by_file_and_fact_and_nothing_changes(engine, snapshot):
    _add_rule_verification_does_not_know(engine, "observations", "value <> 18067")
    before = snapshot(engine)
    with pytest.raises(LoadRefused) as caught:
        load_seeds(engine, SEEDS)
    index = [f.key for f in read_mapping(MAPPING_004).figures].index("poor-households-2023")
    assert [(e.path, e.problems) for e in caught.value.errors] == [
        (
            MAPPING_004,
            [
                f"figures[{index}] (poor-households-2023): the database refuses it: new row for relation"
                ' "observations" violates check constraint "test_only_rule"'
                " (a rule that verification does not know yet)"
            ],
        )
    ]
    assert "DETAIL" not in str(caught.value)
    after = snapshot(engine)
    del after["sequences"], before["sequences"]  # not transactional: a refused insert uses ids
    assert after == before
    run = _last_run(engine)
    assert (run.id, run.status) == (caught.value.run_id, "failed")
    assert "figures[" in run.message and "DETAIL" not in run.message


def test_every_refused_statement_of_every_file_is_named(engine):
    _add_rule_verification_does_not_know(engine, "statements", "char_length(evidence_text) < 400")
    long = {
        (r.path, s["fact_key"])
        for r in collect(SEEDS).reports
        for s in r.statements
        if len(s["evidence_text"]) >= 400
    }
    assert len({path for path, _ in long}) >= 2, "the rule should refuse rows of several files"
    with pytest.raises(LoadRefused) as caught:
        load_seeds(engine, SEEDS)
    named = {(e.path, p.split(" (")[1].split(")")[0]) for e in caught.value.errors for p in e.problems}
    assert named == long


def test_a_unique_rule_names_every_row_after_the_first_of_its_kind(engine):
    upgrade_schema(engine)
    with engine.begin() as conn:
        conn.execute(text("ALTER TABLE statements ADD CONSTRAINT test_only_rule UNIQUE (kind)"))
    statements = [s for r in collect(SEEDS).reports for s in r.statements]
    kinds = {s["kind"] for s in statements}
    with pytest.raises(LoadRefused) as caught:
        load_seeds(engine, SEEDS)
    problems = [p for e in caught.value.errors for p in e.problems]
    assert len(problems) == len(statements) - len(kinds) > 0
    assert all('violates unique constraint "test_only_rule"' in p for p in problems)


def test_load_seeds_says_what_is_true_when_the_database_refuses(engine, db_url):
    _add_rule_verification_does_not_know(engine, "observations", "value <> 18067")
    result = CliRunner().invoke(cli, ["load-seeds"], env={"DATABASE_URL": db_url})
    assert result.exit_code == 1
    run = _last_run(engine)
    assert f"{MAPPING_004}: figures[" in result.output and "(poor-households-2023)" in result.output
    assert f"no data was changed; run {run.id} is logged as failed" in result.output
    assert "nothing was written" not in result.output
    assert "DETAIL" not in result.output and "Traceback" not in result.output
    assert run.status == "failed"


def test_check_does_not_claim_to_write_anything(seeds_copy):
    (seeds_copy / "articles" / "004_1809158b010efb0f.yaml").write_text("report: [unclosed", encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", "--seeds-dir", str(seeds_copy)])
    assert result.exit_code == 1
    assert "1 seed file(s) have problems" in result.output
    assert "written" not in result.output and "Traceback" not in result.output
