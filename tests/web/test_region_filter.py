"""The figures filter follows a region across the 2025 reform, both ways, and only when asked."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from app.load.derived import refresh_derived
from app.web.access import ensure_reader_group, read_only
from app.web.queries import FigureFilter, figures, series_points, series_targets

COPY = "tnmt-bac-kan-2023-results:poor-household-rate-2025-thai-nguyen"


@pytest.fixture(scope="module")
def with_post_reform_figure(loaded_engine):
    """The seeds plus one figure for today's Tỉnh Thái Nguyên (19, from 2025-07-01), which took in
    Tỉnh Bắc Kạn (06): a copy of Bắc Kạn's 2023 rate, moved to 2025 and the new province."""
    with loaded_engine.begin() as conn:
        conn.execute(
            text(
                """
                INSERT INTO observations
                SELECT (jsonb_populate_record(NULL::observations, to_jsonb(o) || jsonb_build_object(
                    'id', (SELECT max(id) + 1 FROM observations),
                    'fact_key', 'poor-household-rate-2025-thai-nguyen',
                    'region_id', (SELECT id FROM regions WHERE code = '19' AND valid_from = '2025-07-01'),
                    'period_start', '2025-01-01', 'period_end', '2025-12-31'))).*
                FROM observations o JOIN reports r ON r.id = o.report_id
                WHERE r.slug = 'tnmt-bac-kan-2023-results' AND o.fact_key = 'poor-household-rate-2023'
                """
            )
        )
        refresh_derived(conn, None)  # what a load keeps (analytics.series) sees the new figure too
    ensure_reader_group(loaded_engine)
    return loaded_engine


def _ids(engine, flt: FigureFilter) -> set[str]:
    with read_only(engine) as conn:
        rows, cursors = figures(conn, flt)
    assert cursors == {"before": None, "after": None}  # one page
    return {r["figure_id"] for r in rows}


def test_a_pre_reform_province_brings_its_successors_figures(with_post_reform_figure):
    flt = FigureFilter(indicator="poor_household_rate", region="06")
    found = _ids(with_post_reform_figure, flt)
    assert COPY in found
    assert "ndo-bac-kan-2024-targets:poor-household-rate-2023" in found
    assert COPY not in _ids(
        with_post_reform_figure, FigureFilter(indicator="poor_household_rate", region="06", related=False)
    )


def test_a_post_reform_province_brings_its_predecessors_figures(with_post_reform_figure):
    found = _ids(with_post_reform_figure, FigureFilter(indicator="poor_household_rate", region="19"))
    assert COPY in found and "tnmt-bac-kan-2023-results:poor-household-rate-2023" in found
    exact = _ids(
        with_post_reform_figure, FigureFilter(indicator="poor_household_rate", region="19", related=False)
    )
    assert exact == {COPY}


def test_a_district_matches_only_itself(with_post_reform_figure):
    found = _ids(with_post_reform_figure, FigureFilter(region="066"))
    assert found and all(i.startswith("tnmt-bac-kan-2023-results:na-ri-") for i in found)


def test_the_series_of_a_province_runs_across_the_reform(with_post_reform_figure):
    with read_only(with_post_reform_figure) as conn:
        points = series_points(conn, FigureFilter(indicator="poor_household_rate", region="06"))
        targets = series_targets(conn, FigureFilter(indicator="poor_household_rate", region="06"))
    assert [p["period_end"].year for p in points] == [2023, 2025]
    assert points[-1]["region_name"] == "Tỉnh Thái Nguyên"
    assert [t["period_end"].year for t in targets] == [2024]
