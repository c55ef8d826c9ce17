"""The SQL of each page: analytics views only, every user value a bind parameter."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection, RowMapping, text

from app import vocab

PAGE_SIZE = 50
# Trust columns (migration 0005): whether a person checked the fact, how it was extracted, and the
# drafter's confidence and note for the reviewer (NULL when hand-mapped).
SERIES_SAMPLE = 5_000
TRUST_COLUMNS = "reviewed, extraction_method, confidence, review_note"
FIGURE_COLUMNS = (
    "figure_id, figure_kind, report_slug, region_code, region_name, region_level, indicator_code,"
    " indicator_name, program_code, unit, value, value_high, qualifier, status, period_start, period_end,"
    " baseline_period_start, baseline_period_end, evidence_text, char_start, char_end"
)


def _rows(conn: Connection, sql: str, **params) -> list[RowMapping]:
    return list(conn.execute(text(sql), params).mappings())


REPORTS_PAGE_SIZE = 100


def reports(conn: Connection, page: int = 1) -> tuple[list[RowMapping], bool]:
    """One page of reports, newest first, with their counts of figures, funding items and
    statements, and of their facts how many are reviewed and how many machine-drafted; and
    whether another page follows. Review is recorded per report (a drafted mapping is reviewed
    as a whole), so the counts come from the report's own row, not from a scan of the facts."""
    rows = _rows(
        conn,
        """
        SELECT r.report_slug, r.title, r.publisher, r.published_on, r.published_as_printed,
               r.figure_count, r.statement_count,
               (SELECT count(*) FROM analytics.funding u WHERE u.report_slug = r.report_slug)
                   AS funding_count,
               CASE WHEN r.reviewed THEN r.figure_count + r.statement_count ELSE 0 END AS reviewed_count,
               CASE WHEN r.extraction_method = 'machine_drafted' THEN r.figure_count + r.statement_count
                    ELSE 0 END AS drafted_count,
               CASE WHEN NOT r.reviewed THEN r.figure_count + r.statement_count ELSE 0 END
                   AS unreviewed_count
        FROM analytics.reports r
        ORDER BY r.published_on DESC NULLS LAST, r.report_slug
        LIMIT :limit OFFSET :offset
        """,
        limit=REPORTS_PAGE_SIZE + 1,
        offset=(page - 1) * REPORTS_PAGE_SIZE,
    )
    return rows[:REPORTS_PAGE_SIZE], len(rows) > REPORTS_PAGE_SIZE


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


def wanted_regions(conn: Connection, flt: FigureFilter) -> list[str]:
    """The region filter's units as "code@valid_from" keys (valid_from empty before the reform)."""
    return list(
        conn.execute(
            text(f"WITH {_REGIONS} SELECT region_code || '@' || coalesce(valid_from::text, '') FROM wanted"),
            {"region": flt.region, "related": flt.related},
        ).scalars()
    )


def _figure_where(conn: Connection, flt: FigureFilter) -> tuple[str, dict]:
    """Only the filters given, each a plain comparison, so that the planner pushes them into the
    view's base tables and their indexes (indicator, region) instead of scanning every figure."""
    where, params = ["true"], {}
    if flt.indicator:
        where.append("f.indicator_code = :indicator")
        params["indicator"] = flt.indicator
    if flt.status:
        where.append("f.status = :status")
        params["status"] = flt.status
    if flt.region:
        keys = wanted_regions(conn, flt)
        # The codes alone reach the regions' index; the keys then tell the eras apart.
        where.append(
            "f.region_code = ANY(:region_codes)"
            " AND f.region_code || '@' || coalesce(f.region_valid_from::text, '') = ANY(:region_keys)"
        )
        params |= {"region_codes": sorted({k.split("@")[0] for k in keys}), "region_keys": keys}
    if flt.year is not None:
        where.append("f.period_start <= :year_end AND f.period_end >= :year_start")
        params |= {"year_start": date(flt.year, 1, 1), "year_end": date(flt.year, 12, 31)}
    return " AND ".join(where), params


def figures(conn: Connection, flt: FigureFilter) -> tuple[list[RowMapping], bool]:
    """One page of figures matching `flt`, and whether another page follows (no count(*)).

    Filtered, they come newest period first. Unfiltered, they come as the view yields them:
    sorting every figure has no index to use (about 1 s per million figures)."""
    where, params = _figure_where(conn, flt)
    order = "ORDER BY f.period_start DESC, f.indicator_code, f.region_code, f.figure_id" if params else ""
    rows = _rows(
        conn,
        f"""
        SELECT f.figure_id, f.figure_kind, f.report_slug, f.published_on, f.region_code, f.region_name,
               f.region_level, f.indicator_code, f.indicator_name, f.unit, f.value, f.value_high,
               f.qualifier, f.status, f.period_start, f.period_end, f.evidence_text,
               f.reviewed, f.extraction_method, f.confidence
        FROM analytics.figures f
        WHERE {where}
        {order}
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
    keys = wanted_regions(conn, flt)
    return _rows(
        conn,
        """
        SELECT s.figure_id, s.report_slug, s.published_on, s.region_code, s.region_name, s.unit, s.value,
               s.value_high, s.status, s.period_start, s.period_end, s.rule, s.rule_text, s.tie,
               s.alternative_values, s.alternative_values_high, s.alternative_statuses,
               s.alternative_report_slugs, s.alternative_figure_ids
        FROM analytics.series s
        WHERE s.indicator_code = :indicator AND s.baseline_period_start IS NULL
          AND s.region_code = ANY(:region_codes)
          AND s.region_code || '@' || coalesce(s.region_valid_from::text, '') = ANY(:region_keys)
        ORDER BY s.period_end, s.period_start, s.region_valid_from NULLS FIRST
        """,
        indicator=flt.indicator,
        region_codes=sorted({k.split("@")[0] for k in keys}),
        region_keys=keys,
    )


def series_targets(conn: Connection, flt: FigureFilter) -> list[RowMapping]:
    """Targets of the indicator and region: drawn beside the series, never on its line."""
    where, params = _figure_where(
        conn, FigureFilter(indicator=flt.indicator, region=flt.region, related=flt.related, status="target")
    )
    return _rows(
        conn,
        f"""
        SELECT f.figure_id, f.report_slug, f.published_on, f.region_code, f.region_name, f.unit, f.value,
               f.value_high, f.status, f.period_start, f.period_end, f.evidence_text
        FROM analytics.figures f WHERE {where} AND f.figure_kind = 'indicator'
        ORDER BY f.period_end, f.published_on NULLS FIRST, f.figure_id
        """,
        **params,
    )


def choices(conn: Connection, flt: FigureFilter) -> dict[str, list]:
    """Values offered by the filters, from the small catalog views (never a scan of the figures):
    every indicator, funding kind and status, and the country, its regions and the provinces of
    both eras (a district is chosen by typing its code in the URL: it stays selected)."""
    regions = _rows(
        conn,
        "SELECT region_code, name, valid_from FROM analytics.regions"
        " WHERE level IN ('country', 'macro_region', 'province')"
        " OR region_code = :region ORDER BY region_code, valid_from NULLS FIRST",
        region=flt.region,
    )
    return {
        "indicators": [
            *conn.execute(text("SELECT indicator_code FROM analytics.indicators ORDER BY 1")).scalars(),
            *(f"funding_{s}" for s in vocab.FUNDING_STATUSES),
        ],
        "regions": regions,
        "statuses": list(vocab.STATUSES),
    }


def series_choices(conn: Connection) -> list[RowMapping]:
    """Indicator and region pairs with figures for more than one period: the lines worth drawing.
    Counted over the first SERIES_SAMPLE figures the view yields (all of them in a small database),
    so that the page stays fast at millions of figures; any pair can still be typed in the form."""
    return _rows(
        conn,
        "SELECT indicator_code, region_code, min(region_name) AS region_name, count(*) AS n,"
        " count(DISTINCT period_end) AS periods"
        " FROM (SELECT indicator_code, region_code, region_name, period_end FROM analytics.figures"
        "       LIMIT :sample) f GROUP BY 1, 2"
        " ORDER BY count(DISTINCT period_end) DESC, count(*) DESC, 1, 2 LIMIT 200",
        sample=SERIES_SAMPLE,
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
