"""Keyset pages: walking "next" (or "previous") links lists every matching row exactly once, in the
order of the whole list, under every filter; cursors live in the URL and bad ones are refused."""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from html import unescape

import pytest
from sqlalchemy import text

from app.web import paging
from app.web.access import ensure_reader_group, read_only
from app.web.queries import FigureFilter, _figure_where, figures, reports

FILTERS = [
    {},
    {"indicator": "poor_household_rate"},
    {"indicator": "funding_allocated"},
    {"region": "06"},
    {"region": "06", "related": False},
    {"year": 2023},
    {"year": 2025},  # holds the 2021-2025 target: the longest period bounds the walk, not a year
    {"year": 2030},  # past the data: an empty page
    {"status": "actual"},
    {"status": "target"},
    {"status": "preliminary", "year": 2023},
    {"indicator": "poor_household_rate", "region": "06", "year": 2023, "status": "actual"},
]


@pytest.fixture(scope="module")
def paged_engine(loaded_engine):
    """The seeds with one report undated (undated reports come last) and the reader group."""
    with loaded_engine.begin() as conn:
        conn.execute(text("UPDATE reports SET published_on = NULL WHERE slug = 'ndo-bac-kan-2024-targets'"))
    ensure_reader_group(loaded_engine)
    return loaded_engine


@pytest.fixture
def small_pages(monkeypatch):
    """Pages of 4 figures and 2 reports, so that the seeds span many pages and periods tie."""
    monkeypatch.setattr(paging, "PAGE_SIZE", 4)
    monkeypatch.setattr(paging, "REPORTS_PAGE_SIZE", 2)


def _expected_figures(conn, flt: FigureFilter) -> list[str]:
    """The whole filtered list in page order, straight from analytics.figures."""
    where, params = _figure_where(conn, flt)
    return list(
        conn.execute(
            text(
                f"SELECT f.figure_id FROM analytics.figures f WHERE {where}"
                " ORDER BY f.period_start DESC, f.figure_kind, f.row_id DESC"
            ),
            params,
        ).scalars()
    )


def _walk_figures(conn, base: dict) -> list[list[str]]:
    pages, cursor = [], {}
    while True:
        rows, cursors = figures(conn, FigureFilter(**base, **cursor))
        pages.append([r["figure_id"] for r in rows])
        if not cursors["after"]:
            return pages
        cursor = {"after": cursors["after"]}


@pytest.mark.parametrize("base", FILTERS, ids=lambda f: "+".join(f"{k}={v}" for k, v in f.items()) or "none")
def test_next_pages_list_every_figure_once_in_order(paged_engine, small_pages, base):
    with read_only(paged_engine) as conn:
        expected = _expected_figures(conn, FigureFilter(**base))
        pages = _walk_figures(conn, base)
    assert [i for page in pages for i in page] == expected
    assert all(len(page) == 4 for page in pages[:-1])
    if base == {}:
        assert len(pages) > 10  # the seeds' 69 figures: the walk crossed many ties of period_start


@pytest.mark.parametrize("base", FILTERS[:4], ids=["none", "indicator", "funding", "region"])
def test_the_previous_link_of_each_page_gives_back_the_page_before_it(paged_engine, small_pages, base):
    with read_only(paged_engine) as conn:
        pages, befores, cursor = [], [], {}
        while True:
            rows, cursors = figures(conn, FigureFilter(**base, **cursor))
            pages.append([r["figure_id"] for r in rows])
            befores.append(cursors["before"])
            if not cursors["after"]:
                break
            cursor = {"after": cursors["after"]}
        assert befores[0] is None and all(befores[1:])
        for k in range(1, len(pages)):
            rows, cursors = figures(conn, FigureFilter(**base, before=befores[k]))
            assert [r["figure_id"] for r in rows] == pages[k - 1]
            assert (cursors["before"] is None) == (k == 1)


def test_reports_pages_list_every_report_once_newest_first_undated_last(paged_engine, small_pages):
    with read_only(paged_engine) as conn:
        expected = list(
            conn.execute(
                text(
                    "SELECT report_slug FROM analytics.reports"
                    " ORDER BY published_on DESC NULLS LAST, report_slug DESC"
                )
            ).scalars()
        )
        pages, cursor = [], {}
        while True:
            rows, cursors = reports(conn, **cursor)
            pages.append([r["report_slug"] for r in rows])
            if not cursors["after"]:
                break
            cursor = {"after": cursors["after"]}
        back, cursor = [], {"before": cursors["before"]} if cursors["before"] else None
        while cursor:
            rows, cursors = reports(conn, **cursor)
            back.insert(0, [r["report_slug"] for r in rows])
            cursor = {"before": cursors["before"]} if cursors["before"] else None
    assert [s for page in pages for s in page] == expected
    assert "ndo-bac-kan-2024-targets" in expected[-2:]  # undated: last
    assert [*back, pages[-1]] == pages


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read().decode()


def _next(html: str) -> str | None:
    match = re.search(r'rel="next" href="([^"]+)"', html)
    return unescape(match.group(1)) if match else None


def test_the_next_link_of_the_figures_page_continues_where_the_page_ended(viewer, loaded_engine):
    with loaded_engine.connect() as conn:
        total = conn.execute(text("SELECT count(*) FROM analytics.figures")).scalar_one()
    seen, url, pages = [], "/figures", 0
    while url:
        html = _get(viewer + url)
        seen += re.findall(r'<tr data-figure-id="([^"]+)"', html)
        pages += 1
        url = _next(html)
        assert url is None or url.startswith("/figures?after=")
    assert pages == -(-total // paging.PAGE_SIZE)
    assert len(seen) == len(set(seen)) == total
    assert "No total is counted" in html


def test_a_filtered_next_link_keeps_the_filters(viewer):
    html = _get(viewer + "/figures?status=actual")
    rows = re.findall(r'<tr data-figure-id="([^"]+)"', html)
    url = _next(html)
    if url:  # more actual figures than a page
        assert "status=actual" in url
        more = re.findall(r'<tr data-figure-id="([^"]+)"', _get(viewer + url))
        assert more and not set(more) & set(rows)


@pytest.mark.parametrize(
    "path", ["/figures?after=yesterday", "/figures?before=2023-01-01~x~1", "/?after=notadate~x"]
)
def test_a_cursor_that_is_not_a_key_is_refused_with_400(viewer, path):
    with pytest.raises(urllib.error.HTTPError) as error:
        _get(viewer + path)
    assert error.value.code == 400
