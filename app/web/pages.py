"""The viewer's pages: each a GET endpoint that reads in one read-only snapshot and renders a template."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

from markupsafe import Markup
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.templating import Jinja2Templates

from app.web import facts, queries
from app.web.access import read_only
from app.web.chart import chart_points, series_svg
from app.web.highlight import Span, render, sentence_bounds, zones
from app.web.paging import BadCursor

templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
templates.env.globals.update(
    number=facts.number,
    value_text=facts.value_text,
    period_text=facts.period_text,
    trust_text=facts.trust_text,
    report_href=facts.report_href,
    evidence_href=facts.evidence_href,
    figure_anchor=facts.figure_anchor,
    statement_anchor=facts.statement_anchor,
)
MAX_PARAM = 200


def _page(request: Request, name: str, **context) -> Response:
    return templates.TemplateResponse(request, name, context)


def _param(request: Request, name: str) -> str:
    value = request.query_params.get(name, "").strip()
    if len(value) > MAX_PARAM:
        raise HTTPException(400, f"{name} is longer than {MAX_PARAM} characters")
    return value


def _int_param(request: Request, name: str, low: int, high: int) -> int | None:
    value = _param(request, name)
    if not value:
        return None
    if not value.isdigit() or not low <= int(value) <= high:
        raise HTTPException(400, f"{name} must be a whole number from {low} to {high}, got {value!r}")
    return int(value)


def _filter(request: Request) -> queries.FigureFilter:
    return queries.FigureFilter(
        indicator=_param(request, "indicator"),
        region=_param(request, "region"),
        related=_param(request, "exact") != "1",
        year=_int_param(request, "year", 1900, 2200),
        status=_param(request, "status"),
        after=_param(request, "after"),
        before=_param(request, "before"),
    )


def reports_page(request: Request) -> Response:
    after, before = _param(request, "after"), _param(request, "before")
    with read_only(request.app.state.engine) as conn:
        try:
            rows, cursors = queries.reports(conn, after, before)
        except BadCursor as e:
            raise HTTPException(400, str(e)) from None
    return _page(
        request,
        "reports.html",
        reports=rows,
        paged=bool(after or before or cursors["after"]),
        first_href="/" if after or before else None,
        prev_href=f"/?{urlencode({'before': cursors['before']})}" if cursors["before"] else None,
        next_href=f"/?{urlencode({'after': cursors['after']})}" if cursors["after"] else None,
    )


def article_page(request: Request) -> Response:
    slug = request.path_params["slug"]
    with read_only(request.app.state.engine) as conn:
        report = queries.report(conn, slug)
        if report is None:
            raise HTTPException(404, f"no report with slug {slug!r}")
        figures = queries.report_figures(conn, slug)
        statements = queries.report_statements(conn, slug)
    text = report["text"]
    spans = zones(len(text), report["body_start"], report["body_end"]) + facts.article_spans(
        figures, statements
    )
    return _page(
        request,
        "article.html",
        report=report,
        html=render(text, spans),
        figures=figures,
        statements=statements,
        funding_count=sum(f["figure_kind"] == "funding" for f in figures),
    )


def evidence_redirect(request: Request) -> Response:
    """/evidence/<figure_id> -> the figure's highlight in its article (a link that survives reloads)."""
    figure_id = request.path_params["figure_id"]
    slug = figure_id.split(":", 1)[0]
    return RedirectResponse(facts.evidence_href(slug, figure_id), status_code=303)


def figures_page(request: Request) -> Response:
    flt = _filter(request)
    with read_only(request.app.state.engine) as conn:
        try:
            rows, cursors = queries.figures(conn, flt)
        except BadCursor as e:
            raise HTTPException(400, str(e)) from None
        choices = queries.choices(conn, flt)
    args = {k: v for k, v in request.query_params.items() if k not in ("after", "before", "page") and v}

    def href(**cursor: str) -> str:
        return "/figures?" + urlencode({**args, **cursor})

    return _page(
        request,
        "figures.html",
        flt=flt,
        rows=rows,
        choices=choices,
        first_href=href() if flt.after or flt.before else None,
        prev_href=href(before=cursors["before"]) if cursors["before"] else None,
        next_href=href(after=cursors["after"]) if cursors["after"] else None,
    )


def conflicts_page(request: Request) -> Response:
    with read_only(request.app.state.engine) as conn:
        conflicts = queries.conflicts(conn)
        shown = [queries.shown_sides(c) for c in conflicts]
        sides = {f["figure_id"]: f for f in queries.conflict_figures(conn, [i for ids in shown for i in ids])}
    groups = [
        (c, [_side(sides[i]) for i in ids if i in sides], len(c["figure_ids"]) - len(ids))
        for c, ids in zip(conflicts, shown, strict=True)
    ]
    return _page(
        request,
        "conflicts.html",
        groups=groups,
        limit=queries.CONFLICTS_SHOWN,
        sides_shown=queries.SIDES_SHOWN,
    )


def _side(f) -> dict:
    """A conflicting figure with its sentence, the evidence highlighted inside it."""
    window, offset = f["window_text"], f["window_start"]
    start, end = f["char_start"] - offset, f["char_end"] - offset
    lo, hi = sentence_bounds(window, start, end)
    span = Span(facts.figure_anchor(f["figure_id"]), start - lo, end - lo, "figure", "")
    return {
        **f,
        "sentence": render(window[lo:hi], [span]),
        "href": facts.evidence_href(f["report_slug"], f["figure_id"]),
    }


def series_page(request: Request) -> Response:
    flt = _filter(request)
    series, targets = [], []
    with read_only(request.app.state.engine) as conn:
        options = queries.series_choices(conn)
        if flt.indicator and flt.region:
            series = queries.series_points(conn, flt)
            targets = queries.series_targets(conn, flt)
    named = series or targets
    title = f"{flt.indicator} in {named[0]['region_name']}" if named else ""
    points = chart_points([dict(r) for r in series], [dict(t) for t in targets])
    svg = series_svg(points, lambda p: facts.evidence_href(p["report_slug"], p["figure_id"]), title)
    series = [{**r, "alternatives_html": _alternatives(r)} for r in series]
    return _page(
        request, "series.html", flt=flt, options=options, series=series, targets=targets, svg=svg, title=title
    )


def _alternatives(row) -> Markup:
    """A series row's alternatives as links to their evidence, one a line. Built here, not in the
    template: at 10 million figures a row has hundreds, and the template's calls cost 0.2 s."""
    return Markup("<br>").join(
        Markup('<a class="alternative" href="{}">{} ({}, <code>{}</code>)</a>').format(
            facts.evidence_href(slug, figure_id), facts.value_text(value, high), status, slug
        )
        for figure_id, value, high, status, slug in zip(
            row["alternative_figure_ids"],
            row["alternative_values"],
            row["alternative_values_high"],
            row["alternative_statuses"],
            row["alternative_report_slugs"],
            strict=True,
        )
    )


async def http_error(request: Request, exc: HTTPException) -> Response:
    return templates.TemplateResponse(
        request, "error.html", {"status": exc.status_code, "detail": exc.detail}, status_code=exc.status_code
    )
