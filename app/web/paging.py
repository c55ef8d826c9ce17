"""Keyset pages of figures and reports: each page starts after (or ends before) the key of a row,
read from the indexes in order, so that page 10,000 costs what page 1 does and no row is counted.

Figures come newest period first: the order is (period_start DESC, figure_kind, row_id DESC), the
key of a row "2023-01-01~indicator~12345". They are read from analytics.figure_keys (no join, so
PostgreSQL walks an index in that order and stops after a page) as a few streams, one per figure
kind and, where the filter needs several index lookups, per region unit or funding status; the
streams are merged here, then the page's figures are read from analytics.figures by row_id.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection, RowMapping, text

from app import vocab

PAGE_SIZE = 50
REPORTS_PAGE_SIZE = 100
KINDS = ("funding", "indicator")  # the order of figure_kind within one period_start


class BadCursor(ValueError):
    """A cursor in the URL that is not the key of a row."""


@dataclass(frozen=True)
class Key:
    """Where a row stands in the figures' order."""

    period_start: date
    kind: str
    row_id: int

    def sort(self) -> tuple:  # ascending in page order
        return (-self.period_start.toordinal(), self.kind, -self.row_id)

    def __str__(self) -> str:
        return f"{self.period_start.isoformat()}~{self.kind}~{self.row_id}"

    @classmethod
    def parse(cls, value: str) -> Key:
        try:
            day, kind, row_id = value.split("~")
            key = cls(date.fromisoformat(day), kind, int(row_id))
        except ValueError:
            raise BadCursor(f"not a figure key (period~kind~row): {value!r}") from None
        if kind not in KINDS:
            raise BadCursor(f"figure kind must be indicator or funding, got {kind!r}")
        return key


@dataclass(frozen=True)
class Stream:
    """One index walk: figures of one kind under conditions that one index serves in order."""

    kind: str
    where: tuple[str, ...]
    params: dict


def _keyset(kind: str, cursor: Key | None, backward: bool) -> tuple[str, dict]:
    """The condition "after the cursor" (or before it) for a stream of one kind."""
    if cursor is None:
        return "true", {}
    params = {"cursor_period": cursor.period_start, "cursor_row": cursor.row_id}
    if kind == cursor.kind:
        op = ">" if backward else "<"
        return f"(k.period_start, k.row_id) {op} (:cursor_period, :cursor_row)", params
    # A kind after the cursor's in the order shares its period; one before it does not.
    later = KINDS.index(kind) > KINDS.index(cursor.kind)
    op = {(False, True): "<=", (False, False): "<", (True, True): ">", (True, False): ">="}[(backward, later)]
    return f"k.period_start {op} :cursor_period", {"cursor_period": cursor.period_start}


def _read(conn: Connection, stream: Stream, extra: list[str], params: dict, cursor, backward, limit):
    condition, cursor_params = _keyset(stream.kind, cursor, backward)
    direction = "ASC" if backward else "DESC"
    sql = (
        "SELECT k.period_start, k.figure_kind, k.row_id FROM analytics.figure_keys k"
        f" WHERE k.figure_kind = :kind AND {' AND '.join([*stream.where, *extra, condition])}"
        f" ORDER BY k.period_start {direction}, k.row_id {direction} LIMIT :limit"
    )
    rows = conn.execute(
        text(sql), {**stream.params, **params, **cursor_params, "kind": stream.kind, "limit": limit}
    )
    return [Key(p, k, r) for p, k, r in rows]


def figure_keys(
    conn: Connection,
    streams: list[Stream],
    extra: list[str],
    params: dict,
    cursor: Key | None,
    backward: bool,
) -> tuple[list[Key], bool]:
    """Up to PAGE_SIZE keys after (or before) the cursor in page order, and whether more follow
    in that direction."""
    runs = [_read(conn, s, extra, params, cursor, backward, PAGE_SIZE + 1) for s in streams]
    merged = list(heapq.merge(*runs, key=lambda k: k.sort(), reverse=backward))
    keys = merged[:PAGE_SIZE]
    return (keys[::-1] if backward else keys), len(merged) > PAGE_SIZE


def funding_codes(indicator: str, status: str) -> list[str] | None:
    """The funding indicator codes a filter allows (None: any); [] when no funding item can match.
    A funding item's status is 'target' when planned, else 'actual' (analytics.figures)."""
    codes = [f"funding_{s}" for s in vocab.FUNDING_STATUSES]
    if indicator:
        codes = [c for c in codes if c == indicator]
    if status:
        codes = [c for c in codes if ("target" if c == "funding_planned" else "actual") == status]
    return None if not (indicator or status) else codes


@dataclass(frozen=True)
class ReportKey:
    """Where a report stands: newest first, by slug (descending) within a day, undated last."""

    published_on: date | None
    slug: str

    def __str__(self) -> str:
        return f"{self.published_on.isoformat() if self.published_on else ''}~{self.slug}"

    @classmethod
    def parse(cls, value: str) -> ReportKey:
        day, _, slug = value.partition("~")
        try:
            return cls(date.fromisoformat(day) if day else None, slug)
        except ValueError:
            raise BadCursor(f"not a report key (date~slug): {value!r}") from None


REPORT_COLUMNS = """
    r.report_slug, r.title, r.publisher, r.published_on, r.published_as_printed,
    r.figure_count, r.statement_count,
    (SELECT count(*) FROM analytics.funding u WHERE u.report_slug = r.report_slug) AS funding_count,
    CASE WHEN r.reviewed THEN r.figure_count + r.statement_count ELSE 0 END AS reviewed_count,
    CASE WHEN r.extraction_method = 'machine_drafted' THEN r.figure_count + r.statement_count
         ELSE 0 END AS drafted_count,
    CASE WHEN NOT r.reviewed THEN r.figure_count + r.statement_count ELSE 0 END AS unreviewed_count"""


def reports(conn: Connection, cursor: ReportKey | None, backward: bool) -> tuple[list[RowMapping], bool]:
    """A page of reports after (or before) the cursor, and whether more follow that way. Dated
    reports are read from the index on (published_on, slug); undated ones (usually none) follow."""
    direction = "ASC" if backward else "DESC"
    op = ">" if backward else "<"
    dated = "r.published_on IS NOT NULL"
    undated = "r.published_on IS NULL"
    params: dict = {"limit": REPORTS_PAGE_SIZE + 1}
    if cursor is None:
        parts = [dated, undated] if not backward else [undated, dated]
    elif cursor.published_on is not None:
        params |= {"day": cursor.published_on, "slug": cursor.slug}
        after_dated = f"{dated} AND (r.published_on, r.report_slug) {op} (:day, :slug)"
        parts = [after_dated, undated] if not backward else [after_dated]
    else:
        params["slug"] = cursor.slug
        after_undated = f"{undated} AND r.report_slug {op} :slug"
        parts = [after_undated] if not backward else [after_undated, dated]
    rows: list[RowMapping] = []
    for where in parts:
        if len(rows) > REPORTS_PAGE_SIZE:
            break
        params["limit"] = REPORTS_PAGE_SIZE + 1 - len(rows)
        rows += conn.execute(
            text(
                f"SELECT {REPORT_COLUMNS} FROM analytics.reports r WHERE {where}"
                f" ORDER BY r.published_on {direction}, r.report_slug {direction} LIMIT :limit"
            ),
            params,
        ).mappings()
    more = len(rows) > REPORTS_PAGE_SIZE
    rows = rows[:REPORTS_PAGE_SIZE]
    return (rows[::-1] if backward else rows), more
