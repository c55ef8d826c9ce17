"""analytics.series: one value per indicator, region and period, chosen by the documented rule,
with the other figures kept beside it. Rules are tested on the seeds' Bắc Kạn 2023 case, edited."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from sqlalchemy import text

from app.load.seeds import load_seeds

TNMT = "tnmt-bac-kan-2023-results"  # 22,25% (preliminary), published 27/02/2024
NDO = "ndo-bac-kan-2024-targets"  # 21,95% (actual), no publication date printed
TNMT_FILE = "000_a65e3a874b89616e"
NDO_FILE = "004_1809158b010efb0f"
RATE_KEY = "poor-household-rate-2023"

KEY = (
    "indicator_code, region_code, region_valid_from, period_start, period_end, "
    "baseline_period_start, baseline_period_end"
)


def _rate_2023(engine):
    """The series row of Bắc Kạn's 2023 poor-household rate; fails unless there is exactly one."""
    with engine.connect() as conn:
        rows = conn.execute(
            text("""
            SELECT * FROM analytics.series
            WHERE indicator_code = 'poor_household_rate' AND region_code = '06'
              AND period_start = '2023-01-01' AND period_end = '2023-12-31'
        """)
        ).all()
    assert len(rows) == 1, rows
    return rows[0]


def _edit_mapping(seeds: Path, name: str, edit) -> None:
    path = seeds / "articles" / f"{name}.yaml"
    mapping = yaml.safe_load(path.read_text(encoding="utf-8"))
    edit(mapping)
    path.write_text(yaml.safe_dump(mapping, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _set_rate_status(seeds: Path, name: str, status: str) -> None:
    def edit(mapping):
        figure = next(f for f in mapping["figures"] if f["key"] == RATE_KEY)
        figure["status"] = status

    _edit_mapping(seeds, name, edit)


def _date_ndo(seeds: Path, printed: str) -> None:
    """Print a publication date under NDO's headline (outside the body) and map it."""
    path = seeds / "articles" / f"{NDO_FILE}.txt"
    title, rest = path.read_text(encoding="utf-8").split("\n", 1)
    path.write_text(f"{title}\n{printed}\n{rest}", encoding="utf-8")
    _edit_mapping(seeds, NDO_FILE, lambda m: m["report"].update(published=printed))


def _ndo_says_22_25(seeds: Path) -> None:
    """NDO's page and mapping give 22,25% for 2023, as TN&MT does."""
    path = seeds / "articles" / f"{NDO_FILE}.txt"
    page = path.read_text(encoding="utf-8")
    assert page.count("21,95%") == 1
    path.write_text(page.replace("21,95%", "22,25%"), encoding="utf-8")

    def edit(mapping):
        figure = next(f for f in mapping["figures"] if f["key"] == RATE_KEY)
        figure["quote"] = figure["quote"].replace("21,95%", "22,25%")
        figure["value"] = 22.25

    _edit_mapping(seeds, NDO_FILE, edit)


def test_bac_kan_2023_rate_is_one_value_with_the_other_report_as_alternative(loaded_engine):
    row = _rate_2023(loaded_engine)
    assert (row.value, row.status, row.report_slug) == (Decimal("21.95"), "actual", NDO)
    assert row.figure_id == f"{NDO}:{RATE_KEY}"
    assert row.rule == "actual_over_preliminary"
    assert row.rule_text == "An actual figure beats a preliminary one."
    assert row.tie is False
    assert (row.candidate_count, row.report_count) == (2, 2)
    assert row.alternative_values == [Decimal("22.25")]
    assert row.alternative_report_slugs == [TNMT]
    assert row.alternative_statuses == ["preliminary"]
    assert row.alternative_figure_ids == [f"{TNMT}:{RATE_KEY}"]


def test_every_conflict_of_the_seeds_is_one_series_row_with_its_rivals_as_alternatives(loaded_engine):
    with loaded_engine.connect() as conn:
        rows = conn.execute(
            text("""
            SELECT c.values, s.value, s.alternative_values, s.tie
            FROM analytics.conflicts c
            JOIN analytics.series s USING (indicator_code, region_code, period_start, period_end)
            WHERE s.region_valid_from IS NOT DISTINCT FROM c.region_valid_from
        """)
        ).all()
        conflicts = conn.execute(text("SELECT count(*) FROM analytics.conflicts")).scalar_one()
    assert len(rows) == conflicts == 3
    for r in rows:
        assert sorted([r.value, *r.alternative_values]) == sorted(r.values)
        assert r.tie is False


def test_the_series_has_one_row_per_key_and_every_observation_that_is_not_a_target(loaded_engine):
    with loaded_engine.connect() as conn:
        rows, keys, candidates = conn.execute(
            text(f"SELECT count(*), count(DISTINCT ({KEY})), sum(candidate_count) FROM analytics.series")
        ).one()
        figures = conn.execute(
            text("""
            SELECT count(*) FROM analytics.figures
            WHERE figure_kind = 'indicator' AND status <> 'target'
        """)
        ).scalar_one()
        statuses = conn.execute(text("SELECT DISTINCT status FROM analytics.series")).scalars().all()
    assert rows == keys > 0
    assert candidates == figures == 49
    assert sorted(statuses) == ["actual", "expected", "preliminary"]


def test_targets_and_funding_stay_out_of_the_series(loaded_engine):
    with loaded_engine.connect() as conn:
        rate_2024 = conn.execute(
            text("""
            SELECT count(*) FROM analytics.series
            WHERE indicator_code = 'poor_household_rate' AND region_code = '06'
              AND period_start = '2024-01-01'
        """)
        ).scalar_one()
        funding = conn.execute(
            text("SELECT count(*) FROM analytics.series WHERE indicator_code LIKE 'funding%'")
        ).scalar_one()
    assert (rate_2024, funding) == (0, 0)  # 19,65% is NDO's target for 2024, not an observation


@pytest.mark.parametrize(
    ("ndo_status", "tnmt_status", "winner", "rule"),
    [
        ("preliminary", "actual", TNMT, "actual_over_preliminary"),
        ("expected", "preliminary", TNMT, "preliminary_over_expected"),
        ("preliminary", "expected", NDO, "preliminary_over_expected"),
        ("actual", "expected", NDO, "actual_over_expected"),
    ],
)
def test_the_better_status_wins_whatever_the_publication(
    engine, seeds_copy, ndo_status, tnmt_status, winner, rule
):
    _set_rate_status(seeds_copy, NDO_FILE, ndo_status)
    _set_rate_status(seeds_copy, TNMT_FILE, tnmt_status)
    load_seeds(engine, seeds_copy)
    row = _rate_2023(engine)
    assert (row.report_slug, row.rule, row.tie) == (winner, rule, False)
    assert row.alternative_report_slugs == [NDO if winner == TNMT else TNMT]


def test_with_the_same_status_a_dated_report_beats_an_undated_one(engine, seeds_copy):
    _set_rate_status(seeds_copy, NDO_FILE, "preliminary")  # NDO prints no date, TN&MT 27/02/2024
    load_seeds(engine, seeds_copy)
    row = _rate_2023(engine)
    assert (row.report_slug, row.value, row.rule, row.tie) == (
        TNMT,
        Decimal("22.25"),
        "dated_over_undated",
        False,
    )


@pytest.mark.parametrize(("ndo_printed", "winner"), [("05/03/2024", NDO), ("05/01/2024", TNMT)])
def test_with_the_same_status_the_later_publication_wins(engine, seeds_copy, ndo_printed, winner):
    _set_rate_status(seeds_copy, NDO_FILE, "preliminary")
    _date_ndo(seeds_copy, ndo_printed)
    load_seeds(engine, seeds_copy)
    row = _rate_2023(engine)
    assert (row.report_slug, row.rule, row.tie) == (winner, "later_publication", False)
    assert row.published_on.isoformat() == ("2024-03-05" if winner == NDO else "2024-02-27")


def test_same_status_and_date_with_different_values_is_flagged_as_a_tie(engine, seeds_copy):
    _set_rate_status(seeds_copy, NDO_FILE, "preliminary")
    _date_ndo(seeds_copy, "27/02/2024")  # the day TN&MT published
    load_seeds(engine, seeds_copy)
    row = _rate_2023(engine)
    assert row.tie is True
    assert row.rule == "tie"
    assert row.rule_text.startswith("Tie:")
    # Still one deterministic pick: the first by figure_id; the other value is kept beside it.
    assert (row.report_slug, row.alternative_report_slugs) == (NDO, [TNMT])
    assert sorted([row.value, *row.alternative_values]) == [Decimal("21.95"), Decimal("22.25")]


def test_the_same_value_from_two_reports_is_not_a_tie(engine, seeds_copy):
    _ndo_says_22_25(seeds_copy)
    _set_rate_status(seeds_copy, NDO_FILE, "preliminary")
    _date_ndo(seeds_copy, "27/02/2024")
    load_seeds(engine, seeds_copy)
    row = _rate_2023(engine)
    assert (row.value, row.rule, row.tie) == (Decimal("22.25"), "figures_agree", False)
    assert (row.candidate_count, row.report_count, row.alternative_values) == (2, 2, [Decimal("22.25")])


def test_with_the_same_status_and_date_a_reviewed_fact_beats_a_drafted_one(engine, seeds_copy):
    _set_rate_status(seeds_copy, NDO_FILE, "preliminary")
    _date_ndo(seeds_copy, "27/02/2024")  # a tie on status and date; figure_id alone would pick NDO
    _edit_mapping(
        seeds_copy, NDO_FILE, lambda m: m["report"].update(drafted_by="povertydb draft", reviewed=False)
    )
    load_seeds(engine, seeds_copy)
    row = _rate_2023(engine)
    assert (row.report_slug, row.rule, row.tie) == (TNMT, "reviewed_over_drafted", False)


def test_a_single_figure_is_chosen_by_rule_single_figure(loaded_engine):
    with loaded_engine.connect() as conn:
        row = conn.execute(
            text("""
            SELECT * FROM analytics.series
            WHERE indicator_code = 'poor_household_rate' AND region_code = '181'
        """)
        ).one()
    assert (row.value, row.rule, row.candidate_count, row.alternative_values) == (
        Decimal("14.78"),
        "single_figure",
        1,
        [],
    )


def test_every_series_column_has_a_comment(loaded_engine):
    with loaded_engine.connect() as conn:
        view_comment = conn.execute(
            text("SELECT obj_description('analytics.series'::regclass, 'pg_class')")
        ).scalar_one()
        columns = conn.execute(
            text("""
            SELECT attname, col_description(attrelid, attnum) FROM pg_attribute
            WHERE attrelid = 'analytics.series'::regclass AND attnum > 0 AND NOT attisdropped
        """)
        ).all()
    assert "actual beats preliminary" in view_comment
    assert len(columns) >= 25
    assert [name for name, comment in columns if not comment] == []


def test_a_filtered_series_query_reads_only_the_matching_observations(loaded_engine):
    """Filters on the key reach the base tables: the view is not computed whole for one answer."""
    with loaded_engine.connect() as conn:
        plan = "\n".join(
            conn.execute(
                text("""
                EXPLAIN SELECT * FROM analytics.series
                WHERE indicator_code = 'poor_household_rate' AND region_code = '06'
            """)
            ).scalars()
        )
    # The loader keeps the chosen rows (series_rows, migration 0008): one answer is an index
    # lookup on the key, with no window over the figures at read time.
    assert "Index" in plan and "series_rows" in plan
    assert "'poor_household_rate'" in plan and "'06'" in plan
    assert "WindowAgg" not in plan and " on observations " not in plan
