"""The SQL of each page: analytics views only, every user value a bind parameter."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection, RowMapping, text

PAGE_SIZE = 50
# Trust columns (migration 0005): whether a person checked the fact, how it was extracted, and the
# drafter's confidence and note for the reviewer (NULL when hand-mapped).
TRUST_COLUMNS = "reviewed, extraction_method, confidence, review_note"
FIGURE_COLUMNS = (
    "figure_id, figure_kind, report_slug, region_code, region_name, region_level, indicator_code,"
    " indicator_name, program_code, unit, value, value_high, qualifier, status, period_start, period_end,"
    " baseline_period_start, baseline_period_end, evidence_text, char_start, char_end"
)


def _rows(conn: Connection, sql: str, **params) -> list[RowMapping]:
    return list(conn.execute(text(sql), params).mappings())


def reports(conn: Connection) -> list[RowMapping]:
    """Every report with its counts of figures, funding items, statements, and of its facts (figures,
    funding items among them, and statements) how many are reviewed and how many machine-drafted."""
    return _rows(
        conn,
        """
        WITH facts AS (
            SELECT report_slug, reviewed, extraction_method FROM analytics.figures
            UNION ALL
            SELECT report_slug, reviewed, extraction_method FROM analytics.statements
        ), counts AS (
            SELECT report_slug, count(*) FILTER (WHERE reviewed) AS reviewed_count,
                   count(*) FILTER (WHERE extraction_method = 'machine_drafted') AS drafted_count,
                   count(*) FILTER (WHERE extraction_method = 'machine_drafted' AND NOT reviewed)
                       AS unreviewed_count
            FROM facts GROUP BY report_slug
        )
        SELECT r.report_slug, r.title, r.publisher, r.published_on, r.published_as_printed,
               r.figure_count, r.statement_count,
               (SELECT count(*) FROM analytics.funding u WHERE u.report_slug = r.report_slug)
                   AS funding_count,
               coalesce(c.reviewed_count, 0) AS reviewed_count, coalesce(c.drafted_count, 0) AS drafted_count,
               coalesce(c.unreviewed_count, 0) AS unreviewed_count
        FROM analytics.reports r LEFT JOIN counts c USING (report_slug)
        ORDER BY r.published_on DESC NULLS LAST, r.report_slug
        """,
    )


def report(conn: Connection, slug: str) -> RowMapping | None:
    rows = _rows(
        conn,
        "SELECT report_slug, source_file, title, publisher, author, published_on, published_as_printed,"
        " url, body_start, body_end, sha256, text FROM analytics.reports WHERE report_slug = :slug",
        slug=slug,
    )
    return rows[0] if rows else None


def report_figures(conn: Connection, slug: str) -> list[RowMapping]:
    """Figures of a report, funding details joined on for money figures (same id)."""
    return _rows(
        conn,
        f"""
        SELECT f.*, u.funding_source, u.purpose, u.status AS funding_status
        FROM (SELECT {FIGURE_COLUMNS}, {TRUST_COLUMNS} FROM analytics.figures
              WHERE report_slug = :slug) f
        LEFT JOIN analytics.funding u ON u.funding_id = f.figure_id
        ORDER BY f.char_start, f.char_end DESC, f.figure_id
        """,
        slug=slug,
    )


def report_statements(conn: Connection, slug: str) -> list[RowMapping]:
    return _rows(
        conn,
        "SELECT statement_id, person_name, position_title, organization, region_code, region_name, kind,"
        f" text, char_start, char_end, {TRUST_COLUMNS} FROM analytics.statements"
        " WHERE report_slug = :slug ORDER BY char_start, statement_id",
        slug=slug,
    )


@dataclass(frozen=True)
class FigureFilter:
    """The figures page's filter; empty fields do not filter."""

    indicator: str = ""
    region: str = ""
    related: bool = True  # the region's successors after the reform and its predecessors too
    year: int | None = None
    status: str = ""
    page: int = 1


# Units of the chosen code (either era), plus same-level successors of a pre-reform unit and
# same-level predecessors of a post-reform one (districts have none: they were abolished).
_REGIONS = """
    picked AS (SELECT region_code, valid_from, level FROM analytics.regions WHERE region_code = :region),
    wanted AS (
        SELECT region_code, valid_from FROM picked
        UNION
        SELECT s.successor_code, s.successor_valid_from FROM analytics.region_successors s
        JOIN picked p ON :related AND p.valid_from IS NULL AND s.predecessor_code = p.region_code
             AND s.successor_level = p.level
        UNION
        SELECT s.predecessor_code, NULL::date FROM analytics.region_successors s
        JOIN picked p ON :related AND p.valid_from = s.successor_valid_from
             AND s.successor_code = p.region_code AND s.predecessor_level = p.level
    )"""


def _figure_where(flt: FigureFilter) -> tuple[str, dict]:
    where = ["(:indicator = '' OR f.indicator_code = :indicator)", "(:status = '' OR f.status = :status)"]
    params: dict = {
        "indicator": flt.indicator,
        "status": flt.status,
        "region": flt.region,
        "related": flt.related,
    }
    if flt.region:
        where.append(
            "EXISTS (SELECT 1 FROM wanted w WHERE w.region_code = f.region_code"
            " AND w.valid_from IS NOT DISTINCT FROM f.region_valid_from)"
        )
    if flt.year is not None:
        where.append("f.period_start <= :year_end AND f.period_end >= :year_start")
        params |= {"year_start": date(flt.year, 1, 1), "year_end": date(flt.year, 12, 31)}
    return " AND ".join(where), params


def figures(conn: Connection, flt: FigureFilter) -> tuple[list[RowMapping], bool]:
    """One page of figures matching `flt`, and whether another page follows."""
    where, params = _figure_where(flt)
    rows = _rows(
        conn,
        f"""
        WITH {_REGIONS}
        SELECT f.figure_id, f.figure_kind, f.report_slug, f.published_on, f.region_code, f.region_name,
               f.region_level, f.indicator_code, f.indicator_name, f.unit, f.value, f.value_high,
               f.qualifier, f.status, f.period_start, f.period_end, f.evidence_text,
               f.reviewed, f.extraction_method, f.confidence
        FROM analytics.figures f
        WHERE {where}
        ORDER BY f.period_start DESC, f.indicator_code, f.region_code, f.figure_id
        LIMIT :limit OFFSET :offset
        """,
        **params,
        limit=PAGE_SIZE + 1,
        offset=(flt.page - 1) * PAGE_SIZE,
    )
    return rows[:PAGE_SIZE], len(rows) > PAGE_SIZE


def series_points(conn: Connection, flt: FigureFilter) -> list[RowMapping]:
    """The chosen value of one indicator and region (with related units) per period, from
    analytics.series with its rule and alternatives, oldest period first."""
    params = {"indicator": flt.indicator, "region": flt.region, "related": flt.related}
    return _rows(
        conn,
        f"""
        WITH {_REGIONS}
        SELECT s.figure_id, s.report_slug, s.published_on, s.region_code, s.region_name, s.unit, s.value,
               s.value_high, s.status, s.period_start, s.period_end, s.rule, s.rule_text, s.tie,
               s.alternative_values, s.alternative_values_high, s.alternative_statuses,
               s.alternative_report_slugs, s.alternative_figure_ids, f.evidence_text
        FROM analytics.series s
        JOIN wanted w ON w.region_code = s.region_code
             AND w.valid_from IS NOT DISTINCT FROM s.region_valid_from
        JOIN analytics.figures f ON f.figure_id = s.figure_id
        WHERE s.indicator_code = :indicator AND s.baseline_period_start IS NULL
        ORDER BY s.period_end, s.period_start, s.region_valid_from NULLS FIRST
        """,
        **params,
    )


def series_targets(conn: Connection, flt: FigureFilter) -> list[RowMapping]:
    """Targets of the indicator and region: drawn beside the series, never on its line."""
    where, params = _figure_where(
        FigureFilter(indicator=flt.indicator, region=flt.region, related=flt.related, status="target")
    )
    return _rows(
        conn,
        f"""
        WITH {_REGIONS}
        SELECT f.figure_id, f.report_slug, f.published_on, f.region_code, f.region_name, f.unit, f.value,
               f.value_high, f.status, f.period_start, f.period_end, f.evidence_text
        FROM analytics.figures f WHERE {where} AND f.figure_kind = 'indicator'
        ORDER BY f.period_end, f.published_on NULLS FIRST, f.figure_id
        """,
        **params,
    )


def choices(conn: Connection) -> dict[str, list[RowMapping]]:
    """Values offered by the filters: indicators, regions and statuses that have figures."""
    return {
        "indicators": _rows(
            conn,
            "SELECT indicator_code, min(indicator_name) AS name, count(*) AS n FROM analytics.figures"
            " GROUP BY indicator_code ORDER BY indicator_code",
        ),
        "regions": _rows(
            conn,
            "SELECT region_code, min(region_name) AS name, count(*) AS n FROM analytics.figures"
            " GROUP BY region_code ORDER BY region_code",
        ),
        "statuses": _rows(conn, "SELECT DISTINCT status FROM analytics.figures ORDER BY status"),
    }


def series_choices(conn: Connection) -> list[RowMapping]:
    """Indicator and region pairs with figures for more than one period: the lines worth drawing."""
    return _rows(
        conn,
        "SELECT indicator_code, region_code, min(region_name) AS region_name, count(*) AS n,"
        " count(DISTINCT period_end) AS periods FROM analytics.figures GROUP BY 1, 2"
        " ORDER BY count(DISTINCT period_end) DESC, count(*) DESC, 1, 2 LIMIT 200",
    )


def conflicts(conn: Connection) -> list[RowMapping]:
    return _rows(
        conn,
        "SELECT * FROM analytics.conflicts ORDER BY indicator_code, region_code, period_start LIMIT 200",
    )


def conflict_figures(conn: Connection, figure_ids: list[str], window: int = 600) -> list[RowMapping]:
    """The figures of some conflicts with their reports and a window of text around the evidence."""
    return _rows(
        conn,
        """
        SELECT f.figure_id, f.report_slug, f.value, f.value_high, f.unit, f.qualifier, f.status,
               f.char_start, f.char_end, f.evidence_text,
               r.title, r.publisher, r.published_on, r.published_as_printed,
               greatest(f.char_start - :window, 0) AS window_start,
               substr(r.text, greatest(f.char_start - :window, 0) + 1,
                      f.char_end - greatest(f.char_start - :window, 0) + :window) AS window_text
        FROM analytics.figures f JOIN analytics.reports r USING (report_slug)
        WHERE f.figure_id = ANY(:ids)
        """,
        ids=figure_ids,
        window=window,
    )
