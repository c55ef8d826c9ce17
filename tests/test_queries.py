"""Every worked query of queries/ runs against the loaded seeds and answers its question."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.query import run_query
from app.settings import PROJECT_ROOT

QUERIES = PROJECT_ROOT / "queries"


def _run(engine, name: str) -> list[dict]:
    columns, rows = run_query(engine, (QUERIES / f"{name}.sql").read_text(encoding="utf-8"))
    return [dict(zip(columns, row, strict=True)) for row in rows]


def test_there_are_ten_or_more_worked_queries_each_with_a_question_on_top():
    files = sorted(QUERIES.glob("*.sql"))
    assert len(files) >= 10
    for path in files:
        assert path.read_text(encoding="utf-8").startswith("-- "), path.name


def test_poverty_rate_by_district(loaded_engine):
    rows = _run(loaded_engine, "poverty_rate_by_district")
    assert {(r["district"], r["province"], r["poor_household_rate"]) for r in rows} == {
        ("Huyện Na Rì", "Tỉnh Bắc Kạn", Decimal("32.81")),
        ("Huyện Bình Gia", "Tỉnh Lạng Sơn", Decimal("14.78")),
        ("Huyện Đồng Hỷ", "Tỉnh Thái Nguyên", Decimal("5.5")),
    }
    assert all(r["evidence_text"] for r in rows)


def test_where_sources_disagree(loaded_engine):
    rows = _run(loaded_engine, "where_sources_disagree")
    rates = {r["publisher"]: r["value"] for r in rows if r["indicator_code"] == "poor_household_rate"}
    assert rates == {"NDO": Decimal("21.95"), "TN&MT": Decimal("22.25")}
    # One indicator of one province since the query answers for a filter (10M figures): the two rates.
    assert len(rows) == 2 and {r["region_name"] for r in rows} == {"Tỉnh Bắc Kạn"}


def test_funding_by_program_and_region(loaded_engine):
    rows = _run(loaded_engine, "funding_by_program_and_region")
    by_key = {(r["program"], r["region_name"], r["status"]): r["amount_vnd_at_least"] for r in rows}
    assert by_key[("ntp-spr-2021-2025", "Tỉnh Bắc Kạn", "allocated")] == 473_000_000_000
    assert by_key[("policy-bank-credit", "Huyện Đồng Hỷ", "lent")] == 270_000_000_000
    assert sum(by_key.values()) == 272_000_000_000 + 473_000_000_000 + 270_000_000_000 + 17_000_000_000 + (
        13_400_000_000 + 5_700_000_000
    )


def test_who_said_what(loaded_engine):
    rows = _run(loaded_engine, "who_said_what")
    speakers = {r["person_name"]: r["kind"] for r in rows}
    assert speakers["Nông Ngọc Nam"] == "direct_quote"  # interview answers
    assert speakers["Phạm Duy Hưng"] == "paraphrase"
    assert len({r["person_name"] for r in rows}) == 5


def test_roll_up_to_current_provinces(loaded_engine):
    rows = _run(loaded_engine, "roll_up_to_current_provinces")
    # The poor-household rates behind today's Thái Nguyên: Bắc Kạn's and the old Thái Nguyên's units.
    assert {r["province_today"] for r in rows} == {"Tỉnh Thái Nguyên"}
    assert {"Tỉnh Bắc Kạn", "Huyện Na Rì", "Huyện Đồng Hỷ"} <= {r["reported_for"] for r in rows}
    assert {r["indicator_code"] for r in rows} == {"poor_household_rate"}


def test_targets_against_results(loaded_engine):
    rows = _run(loaded_engine, "targets_against_results")
    rate = next(r for r in rows if r["indicator_code"] == "poor_household_rate")
    assert (rate["target"], rate["result"]) == (Decimal("19.65"), Decimal("21.95"))
    assert all(r["result_period"] < r["target_period"] for r in rows)


def test_evidence_check_finds_nothing_wrong(loaded_engine):
    assert _run(loaded_engine, "evidence_check") == []


def test_households_escaping_poverty(loaded_engine):
    rows = _run(loaded_engine, "households_escaping_poverty")
    assert {
        (r["region_name"], r["households"])
        for r in rows
        if r["indicator_code"] == "households_escaped_poverty"
    } == {("Huyện Đồng Hỷ", 1552)}  # province code 19 (Thái Nguyên) only since the query takes a filter
    assert all(r["households"] > 0 for r in rows)


def test_jobs_and_training(loaded_engine):
    rows = _run(loaded_engine, "jobs_and_training")
    assert {r["region_name"] for r in rows} == {"Tỉnh Bắc Kạn"}  # province code 06 only (a filter)
    assert any(r["indicator"] == "People working abroad under contract" and r["value"] == 1693 for r in rows)


def test_latest_poverty_rate_per_region(loaded_engine):
    rows = {r["region_name"]: r for r in _run(loaded_engine, "latest_poverty_rate_per_region")}
    assert rows["Tỉnh Bắc Kạn"]["poor_household_rate"] == Decimal("21.95")  # actual preferred to preliminary
    assert rows["Tỉnh Bắc Kạn"]["status"] == "actual"


def test_find_region_by_name(loaded_engine):
    rows = _run(loaded_engine, "find_region_by_name")
    bac_kan = [r for r in rows if r["province"] == "Tỉnh Bắc Kạn"]
    assert [(r["region_code"], r["parent"], r["successor_name"]) for r in bac_kan] == [
        ("01948", "Huyện Ngân Sơn", "Xã Nà Phặc")
    ]


@pytest.mark.parametrize("program", ["ntp-spr-2021-2025", "policy-bank-credit"])
def test_programs_and_their_figures(loaded_engine, program):
    rows = {r["program_code"]: r for r in _run(loaded_engine, "programs_and_their_figures")}
    assert rows[program]["funding_vnd"] > 0
    assert (
        rows["ntp-spr-2021-2025"]["indicator_figures"]
        >= rows["ntp-spr-2021-2025-p2"]["indicator_figures"]
        > 0
    )


def test_figures_by_macro_region(loaded_engine):
    rows = _run(loaded_engine, "figures_by_macro_region")
    regions = {(r["reported_for"], r["macro_region_code"], r["macro_region"]) for r in rows}
    assert ("Tỉnh Bắc Kạn", "VN-2", "Trung du và miền núi phía Bắc") in regions
    assert ("Huyện Bình Gia", "VN-2", "Trung du và miền núi phía Bắc") in regions
    assert {r["macro_region_code"] for r in rows} == {"VN-2"}
    # Every poor-household rate of 2023 once (the query answers for one indicator and year).
    (total,) = run_query(
        loaded_engine,
        "SELECT count(*) FROM analytics.figures WHERE indicator_code = 'poor_household_rate'"
        " AND extract(year FROM period_start) = 2023",
    )[1][0]
    assert len(rows) == total > 0


# figures_by_macro_region before it looked each unit's figures up (0013's rewrite): the figures of
# the region's codes, joined to their unit and its region afterwards. Same rows, same order.
MACRO_REGION_BY_JOIN = """
SELECT coalesce(m.group_code, f.region_code) AS macro_region_code,
       coalesce(m.group_name, f.region_name) AS macro_region,
       f.region_valid_from IS NULL AS before_reform, f.region_name AS reported_for,
       f.indicator_code, f.period_start, f.value, f.figure_id
FROM analytics.figures f
JOIN analytics.regions r
  ON r.region_code = f.region_code AND r.valid_from IS NOT DISTINCT FROM f.region_valid_from
LEFT JOIN analytics.region_members m
  ON m.member_code = r.province_code AND m.member_valid_from IS NOT DISTINCT FROM r.valid_from
 AND m.group_level = 'macro_region'
WHERE f.indicator_code = 'poor_household_rate'
  AND f.period_start >= DATE '2023-01-01' AND f.period_start < DATE '2024-01-01'
  AND coalesce(m.group_code, f.region_code) = 'VN-2'
ORDER BY macro_region_code, reported_for, f.indicator_code, f.figure_id
"""


def test_figures_by_macro_region_answers_as_the_join_on_every_figure_did(loaded_engine):
    rows = _run(loaded_engine, "figures_by_macro_region")
    columns, expected = run_query(loaded_engine, MACRO_REGION_BY_JOIN)
    assert rows == [dict(zip(columns, row, strict=True)) for row in expected]
    assert len(rows) > 2
