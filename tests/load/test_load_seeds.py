"""load-seeds end to end on a real PostgreSQL: provenance, idempotence, edits and failures."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from sqlalchemy import text

from app.db import LOAD_LOCK_KEY, LoadLocked
from app.load.seeds import SeedsError, load_seeds
from app.mapping.schema import read_mapping
from tests.conftest import SEEDS

ARTICLE_004 = "004_1809158b010efb0f"
FACT_TABLES = ("observations", "funding", "statements")


def _mapping_path(seeds: Path, stem: str = ARTICLE_004) -> Path:
    return seeds / "articles" / f"{stem}.yaml"


def _edit(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_every_span_is_its_evidence_text(loaded_engine):
    with loaded_engine.connect() as conn:
        for table in FACT_TABLES:
            bad = conn.execute(
                text(f"""
                SELECT count(*) FROM {table} x JOIN reports r ON r.id = x.report_id
                WHERE substr(r.text, x.char_start + 1, x.char_end - x.char_start) <> x.evidence_text
            """)
            ).scalar_one()
            assert bad == 0, table
        via_view = conn.execute(
            text("""
            SELECT count(*) FILTER (WHERE substr(r.text, f.char_start + 1, f.char_end - f.char_start)
                                          = f.evidence_text), count(*)
            FROM analytics.figures f JOIN analytics.reports r USING (report_slug)
        """)
        ).one()
        assert via_view[0] == via_view[1] > 0


def test_every_figure_of_the_mapping_is_in_analytics_figures_inside_the_body(loaded_engine):
    mapping = read_mapping(_mapping_path(SEEDS))
    expected = {f"{mapping.report.slug}:{item.key}" for item in [*mapping.figures, *mapping.funding]}
    with loaded_engine.connect() as conn:
        rows = conn.execute(
            text("""
            SELECT f.figure_id, f.char_start >= r.body_start AND f.char_end <= r.body_end
            FROM analytics.figures f JOIN analytics.reports r USING (report_slug)
        """)
        ).all()
    assert {figure_id for figure_id, _ in rows} == expected
    assert len(expected) >= 20
    assert all(inside for _, inside in rows), "a figure lies outside the article body"


def test_the_report_keeps_the_page_text_exactly_and_its_metadata(loaded_engine):
    raw = (SEEDS / "articles" / f"{ARTICLE_004}.txt").read_text(encoding="utf-8")
    with loaded_engine.connect() as conn:
        row = conn.execute(text("SELECT * FROM analytics.reports")).mappings().one()
    assert row["text"] == raw
    assert row["source_file"] == f"{ARTICLE_004}.txt"
    assert row["publisher"] == "NDO"
    assert row["published_on"] is None and row["author"] is None  # the page prints neither
    assert row["figure_count"] == 21
    # The title line and the page chrome before the lead are outside the body.
    assert raw[: row["body_start"]].strip() == row["title"]


def test_figures_carry_region_period_and_sign_as_the_article_says(loaded_engine):
    with loaded_engine.connect() as conn:
        fig = {
            r.indicator_code + ":" + str(r.period_start.year): r
            for r in conn.execute(text("SELECT * FROM analytics.figures WHERE figure_kind = 'indicator'"))
        }
    fall = fig["poor_household_rate_change:2023"]
    assert (fall.value, fall.unit, fall.baseline_period_start.year) == (
        Decimal("-2.76"),
        "percentage_points",
        2022,
    )
    assert fig["poor_households:2023"].region_code == "06"
    assert fig["poor_households:2023"].region_name == "Tỉnh Bắc Kạn"
    assert fig["poor_household_rate:2024"].status == "target"
    assert fig["households_housing_supported:2024"].qualifier == "about"


def test_a_second_load_changes_nothing_and_says_so(engine, snapshot):
    first = load_seeds(engine, SEEDS)
    before = snapshot(engine)
    second = load_seeds(engine, SEEDS)
    assert first.result.changed
    assert not second.result.changed
    assert snapshot(engine) == before
    with engine.connect() as conn:
        statuses = conn.execute(text("SELECT status FROM load_runs ORDER BY id")).scalars().all()
    assert statuses == ["succeeded", "succeeded"]


def test_a_wrong_value_fails_naming_the_file_and_the_figure_and_writes_nothing(engine, seeds_copy, snapshot):
    load_seeds(engine, seeds_copy)
    before = snapshot(engine)
    path = _mapping_path(seeds_copy)
    _edit(path, lambda d: d["figures"][4].update(value=21.9))
    with pytest.raises(SeedsError) as caught:
        load_seeds(engine, seeds_copy)
    message = str(caught.value)
    assert str(path) in message
    assert "figures[4] (poor-household-rate-2023)" in message
    assert "21.9" in message and "21,95%" in message
    assert snapshot(engine) == before


def test_editing_one_figure_updates_only_its_row(engine, seeds_copy, snapshot):
    load_seeds(engine, seeds_copy)
    before = snapshot(engine)["observations"]

    def retag(data):
        data["figures"][0]["status"] = "expected"

    _edit(_mapping_path(seeds_copy), retag)
    report = load_seeds(engine, seeds_copy)
    after = snapshot(engine)["observations"]
    changed = [a for a, b in zip(after, before, strict=True) if a != b]
    assert len(changed) == 1 and changed[0].status == "expected"
    assert changed[0].load_run_id == report.run_id
    counts = report.result.counts["observations"]
    assert (counts.updated, counts.inserted, counts.deleted) == (1, 0, 0)


def test_removing_a_figure_from_the_mapping_deletes_its_row(engine, seeds_copy):
    load_seeds(engine, seeds_copy)
    _edit(_mapping_path(seeds_copy), lambda d: d["figures"].pop())
    report = load_seeds(engine, seeds_copy)
    assert report.result.counts["observations"].deleted == 1
    with engine.connect() as conn:
        keys = conn.execute(text("SELECT fact_key FROM observations")).scalars().all()
    assert "households-housing-supported-2024-target" not in keys
    assert len(keys) == 19


def test_removing_an_article_removes_the_report_and_all_its_rows(engine, seeds_copy):
    load_seeds(engine, seeds_copy)
    for suffix in (".yaml", ".txt"):
        _mapping_path(seeds_copy).with_suffix(suffix).unlink()
    load_seeds(engine, seeds_copy)
    with engine.connect() as conn:
        counts = [
            conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in ("reports", *FACT_TABLES)
        ]
    assert counts == [0, 0, 0, 0]


def test_a_loader_that_may_not_wait_fails_cleanly_and_is_logged_as_failed(engine, seeds_copy, snapshot):
    load_seeds(engine, seeds_copy)
    before = snapshot(engine)
    _edit(_mapping_path(seeds_copy), lambda d: d["figures"][0].update(status="expected"))
    with engine.connect() as holder:
        holder.execute(text("SELECT pg_advisory_lock(:k)"), {"k": LOAD_LOCK_KEY})
        with pytest.raises(LoadLocked, match="another load-seeds is running"):
            load_seeds(engine, seeds_copy, wait=False)
        holder.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": LOAD_LOCK_KEY})
    assert snapshot(engine) == before
    with engine.connect() as conn:
        last = conn.execute(text("SELECT status, message FROM load_runs ORDER BY id DESC LIMIT 1")).one()
    assert last.status == "failed" and "LoadLocked" in last.message
