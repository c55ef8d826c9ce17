"""The gazetteer in the database: analytics.regions, successors, folding, idempotence."""

from __future__ import annotations

from sqlalchemy import text

from app.load.seeds import load_seeds
from app.settings import PROJECT_ROOT
from app.vn.normalize import fold
from tests.conftest import SEEDS


def _rows(engine, sql, **params):
    with engine.connect() as conn:
        return conn.execute(text(sql), params).all()


def test_analytics_regions_holds_both_eras(loaded_engine):
    counts = dict(
        ((level, pre), n)
        for level, pre, n in _rows(
            loaded_engine,
            "SELECT level, valid_from IS NULL, count(*) FROM analytics.regions GROUP BY 1, 2",
        )
    )
    assert counts == {
        ("province", True): 63,
        ("district", True): 696,
        ("commune", True): 10051,
        ("province", False): 34,
        ("commune", False): 3321,
        ("country", True): 1,
        ("country", False): 1,
        ("macro_region", True): 6,
        ("macro_region", False): 6,
    }


def test_every_region_knows_its_province(loaded_engine):
    rows = _rows(
        loaded_engine,
        """
        SELECT r.region_code, r.province_code, p.level FROM analytics.regions r
        LEFT JOIN analytics.regions p ON p.region_code = r.province_code
         AND p.valid_from IS NOT DISTINCT FROM r.valid_from
        WHERE r.level IN ('province', 'district', 'commune')
    """,
    )
    assert rows and all(level == "province" for _, _, level in rows)
    above = _rows(
        loaded_engine,
        "SELECT province_code, parent_code FROM analytics.regions WHERE level IN ('country', 'macro_region')",
    )
    assert len(above) == 14 and set(above) == {(None, None)}


def test_acceptance_successors(loaded_engine):
    got = set(
        _rows(
            loaded_engine,
            """
        SELECT predecessor_code, successor_code, coverage FROM analytics.region_successors
        WHERE predecessor_code IN ('06', '95', '02065')
    """,
        )
    )
    assert got == {("06", "19", "whole"), ("95", "96", "whole"), ("02065", "02020", "whole")}


def test_both_tone_mark_spellings_find_the_commune_with_sql(loaded_engine):
    for spelling in ("Trung Hoà", "Trung Hòa"):
        rows = _rows(
            loaded_engine,
            """
            SELECT c.region_code FROM analytics.regions c
            JOIN analytics.regions d ON d.region_code = c.parent_code AND d.valid_to = c.valid_to
            WHERE c.name_folded = analytics.fold_name(:name) AND d.name = 'Huyện Ngân Sơn'
        """,
            name=spelling,
        )
        assert rows == [("01948",)]


def test_sql_folding_agrees_with_python_folding_for_every_region_name(loaded_engine):
    rows = _rows(loaded_engine, "SELECT name, analytics.fold_name(name) FROM analytics.regions")
    assert len(rows) == 14165 + 14  # the country and six macro-regions, in two eras
    assert [name for name, folded in rows if folded != fold(name)] == []


def test_the_roll_up_query_moves_2023_figures_to_the_provinces_of_today(loaded_engine):
    sql = (PROJECT_ROOT / "queries" / "roll_up_to_current_provinces.sql").read_text(encoding="utf-8")
    rows = _rows(loaded_engine, sql)
    assert {(r.reported_for, r.province_today) for r in rows} == {
        ("Tỉnh Bắc Kạn", "Tỉnh Thái Nguyên"),
        ("Huyện Na Rì", "Tỉnh Thái Nguyên"),  # Bắc Kạn's district
        ("Huyện Đồng Hỷ", "Tỉnh Thái Nguyên"),
    }  # the query answers for one province of today (Thái Nguyên) and one indicator since 0009
    assert {r.coverage for r in rows} == {"whole"}


def test_a_second_load_leaves_the_regions_untouched(engine, snapshot):
    load_seeds(engine, SEEDS)
    before = snapshot(engine)
    report = load_seeds(engine, SEEDS)
    for table in ("regions", "region_successions", "region_memberships"):
        counts = report.result.counts[table]
        assert (counts.inserted, counts.updated, counts.deleted) == (0, 0, 0)
        assert counts.unchanged > (200 if table == "region_memberships" else 10000)
    assert snapshot(engine) == before
