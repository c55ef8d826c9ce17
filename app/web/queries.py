"""The SQL of each page: analytics views only, every user value a bind parameter."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Connection, RowMapping, text

from app import vocab
from app.web import paging

PAGE_SIZE = paging.PAGE_SIZE
# The conflicts page shows the first groups, each with a few sides (every distinct value first):
# at 10 million figures a group has dozens of reports, and each side reads a window of its text.
CONFLICTS_SHOWN, SIDES_SHOWN = 100, 6
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
        -- The slug too: it reaches the report's rows by index; funding_id alone is computed text.
        LEFT JOIN analytics.funding u ON u.report_slug = :slug AND u.funding_id = f.figure_id
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
    after: str = ""  # a figure key (app/web/paging.py): the page starts after it
    before: str = ""  # or ends before it


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


def wanted_region_ids(conn: Connection, flt: FigureFilter) -> list[int]:
    """The region filter's units as analytics.regions.region_id, for analytics.figure_keys."""
    return list(
        conn.execute(
            text(
                f"WITH {_REGIONS} SELECT g.region_id FROM wanted w JOIN analytics.regions g"
                " ON g.region_code = w.region_code AND g.valid_from IS NOT DISTINCT FROM w.valid_from"
                " ORDER BY 1"
            ),
            {"region": flt.region, "related": flt.related},
        ).scalars()
    )


def figure_streams(conn: Connection, flt: FigureFilter) -> tuple[list[paging.Stream], list[str], dict]:
    """The index walks that together yield the filtered figures in page order (one per kind, and
    per region unit or funding code where one walk cannot serve them), and the conditions common
    to all (the year)."""
    extra, params = [], {}
    if flt.year is not None:
        # The longest period bounds the walk (two index lookups), and a year no figure reaches
        # (after the latest end) is an empty range: neither reads every older figure.
        longest, latest = conn.execute(
            text("SELECT max(k.period_end - k.period_start), max(k.period_end) FROM analytics.figure_keys k")
        ).one()
        year_start, year_end = date(flt.year, 1, 1), date(flt.year, 12, 31)
        earliest = year_start - timedelta(days=longest or 0)
        if latest is None or latest < year_start:
            earliest = year_end + timedelta(days=1)
        extra.append(
            "k.period_start <= :year_end AND k.period_end >= :year_start AND k.period_start >= :earliest"
        )
        params |= {"year_start": year_start, "year_end": year_end, "earliest": earliest}
    regions: list[int | None] = wanted_region_ids(conn, flt) if flt.region else [None]
    kinds: list[tuple[str, list[str], dict]] = []
    if not flt.indicator.startswith("funding_"):
        where, values = [], {}
        if flt.indicator:
            ids = conn.execute(
                text("SELECT indicator_id FROM analytics.indicators WHERE indicator_code = :code"),
                {"code": flt.indicator},
            ).scalars()
            values["indicator_id"] = next(iter(ids), None)
            where.append("k.indicator_id = :indicator_id")
        # An indicator's or a region's figures are read one status at a time: the indexes are on
        # (indicator or region, status, period_start, id), so that a status filter is a range too.
        statuses = [flt.status] if flt.status else list(vocab.STATUSES) if flt.indicator or flt.region else []
        if not flt.indicator or values["indicator_id"] is not None:
            for status in statuses or [None]:
                at = ["k.status = :status"] if status else []
                kinds.append(("indicator", where + at, {**values, "status": status} if status else values))
    codes = paging.funding_codes(flt.indicator, flt.status)
    for code in [None] if codes is None else codes:
        kinds.append(("funding", ["k.funding_code = :code"] if code else [], {"code": code} if code else {}))
    streams = []
    for kind, where, values in kinds:
        for region in regions:
            at = ["k.region_id = :region_id"] if region is not None else []
            streams.append(paging.Stream(kind, (*where, *at), {**values, "region_id": region}))
    return streams, extra, params


def figures(conn: Connection, flt: FigureFilter) -> tuple[list[RowMapping], dict[str, str | None]]:
    """One page of figures matching `flt`, newest period first, after flt.after or before
    flt.before (keyset: no OFFSET, no count(*)); and the cursors of the neighbouring pages
    ({"after": ..., "before": ...}, None where there is none)."""
    backward = bool(flt.before) and not flt.after
    cursor = paging.Key.parse(flt.after or flt.before) if (flt.after or flt.before) else None
    streams, extra, params = figure_streams(conn, flt)
    keys, more = paging.figure_keys(conn, streams, extra, params, cursor, backward)
    rows: dict[tuple[str, int], RowMapping] = {}
    for kind in {k.kind for k in keys}:
        for row in _rows(
            conn,
            """
            SELECT f.figure_id, f.figure_kind, f.row_id, f.report_slug, f.published_on, f.region_code,
                   f.region_name, f.region_level, f.indicator_code, f.indicator_name, f.unit, f.value,
                   f.value_high, f.qualifier, f.status, f.period_start, f.period_end, f.evidence_text,
                   f.reviewed, f.extraction_method, f.confidence
            FROM analytics.figures f WHERE f.figure_kind = :kind AND f.row_id = ANY(:ids)
            """,
            kind=kind,
            ids=[k.row_id for k in keys if k.kind == kind],
        ):
            rows[(kind, row["row_id"])] = row
    page = [rows[(k.kind, k.row_id)] for k in keys if (k.kind, k.row_id) in rows]
    first, last = (str(keys[0]), str(keys[-1])) if keys else (None, None)
    if backward:
        cursors = {"before": first if more else None, "after": last}
    else:
        cursors = {"before": first if cursor else None, "after": last if more else None}
    return page, cursors


def reports(conn: Connection, after: str = "", before: str = "") -> tuple[list[RowMapping], dict]:
    """One page of reports, newest first, with their counts of figures, funding items and
    statements, and of their facts how many are reviewed and how many machine-drafted; and the
    cursors of the neighbouring pages. Review is recorded per report (a drafted mapping is reviewed
    as a whole), so the counts come from the report's own row, not from a scan of the facts."""
    backward = bool(before) and not after
    cursor = paging.ReportKey.parse(after or before) if (after or before) else None
    rows, more = paging.reports(conn, cursor, backward)
    keys = [str(paging.ReportKey(r["published_on"], r["report_slug"])) for r in rows]
    first, last = (keys[0], keys[-1]) if keys else (None, None)
    if backward:
        return rows, {"before": first if more else None, "after": last}
    return rows, {"before": first if cursor else None, "after": last if more else None}


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
    Counted over the first SERIES_SAMPLE figures of analytics.figure_keys (all of them in a small
    database), so that the page stays fast at millions of figures; any pair can still be typed in
    the form. figure_keys, not analytics.figures: the sample is read without a join per figure
    (the planner hashed every report to join a sample of the figures view: 0.2 s at 10M)."""
    return _rows(
        conn,
        "SELECT coalesce(i.indicator_code, k.funding_code) AS indicator_code, g.region_code,"
        " min(g.name) AS region_name, count(*) AS n, count(DISTINCT k.period_end) AS periods"
        " FROM (SELECT indicator_id, funding_code, region_id, period_end FROM analytics.figure_keys"
        "       LIMIT :sample) k"
        " LEFT JOIN analytics.indicators i ON i.indicator_id = k.indicator_id"  # 0 for funding
        " JOIN analytics.regions g ON g.region_id = k.region_id GROUP BY 1, 2"
        " ORDER BY count(DISTINCT k.period_end) DESC, count(*) DESC, 1, 2 LIMIT 200",
        sample=SERIES_SAMPLE,
    )


def conflicts(conn: Connection) -> list[RowMapping]:
    return _rows(
        conn,
        "SELECT * FROM analytics.conflicts ORDER BY indicator_code, region_code, period_start LIMIT :limit",
        limit=CONFLICTS_SHOWN,
    )


def shown_sides(conflict: RowMapping) -> list[str]:
    """The figure ids of the sides shown for a conflict: one per distinct value, then others, up to
    SIDES_SHOWN."""
    ids, values = conflict["figure_ids"], conflict["values"]
    first = {}
    for figure_id, value in zip(ids, values, strict=False):
        first.setdefault(value, figure_id)
    ordered = list(first.values()) + [i for i in ids if i not in first.values()]
    return ordered[:SIDES_SHOWN]


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
        WHERE f.report_slug = ANY(:slugs) AND f.figure_id = ANY(:ids)
        """,
        # figure_id is computed text: the slugs (its part before ':') reach the reports by index.
        slugs=sorted({i.split(":", 1)[0] for i in figure_ids}),
        ids=figure_ids,
        window=window,
    )
