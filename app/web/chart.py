"""A series of one indicator and region as server-side SVG: no JavaScript, every point a link."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date
from decimal import Decimal

from markupsafe import Markup, escape

WIDTH, HEIGHT = 760, 360
LEFT, RIGHT, TOP, BOTTOM = 70, 20, 20, 50
STATUS_COLOURS = {"actual": "#1b6ca8", "preliminary": "#e08a00", "expected": "#7a4fb5", "target": "#6b7b3a"}
# SERIES-VIEW: the line follows one value per period, preferring actual over preliminary over
# expected over target, then the latest publication. When analytics.series lands (issue 11,
# item 2), draw its chosen value instead of this ranking.
STATUS_RANK = {"actual": 0, "preliminary": 1, "expected": 2, "target": 3}


def _nice_ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    if hi <= lo:
        lo, hi = lo - 1, hi + 1
    raw = (hi - lo) / count
    step = 10 ** math.floor(math.log10(raw))
    step *= next(m for m in (1, 2, 2.5, 5, 10) if step * m >= raw)
    first = math.floor(lo / step) * step
    return [first + i * step for i in range(math.ceil((hi - first) / step) + 1)]


def _fmt(value: float) -> str:
    return f"{value:,.10g}".replace(",", " ")


def _chosen(points: list[dict]) -> list[dict]:
    """One point per period end for the line (see SERIES-VIEW)."""
    best: dict[date, dict] = {}
    for p in points:
        key = (STATUS_RANK.get(p["status"], 9), -(p["published_on"] or date.min).toordinal())
        current = best.get(p["period_end"])
        if current is None or key < (
            STATUS_RANK.get(current["status"], 9),
            -(current["published_on"] or date.min).toordinal(),
        ):
            best[p["period_end"]] = p
    return [best[d] for d in sorted(best)]


def series_svg(points: list[dict], href: Callable[[dict], str], title: str) -> Markup:
    """The points (dicts with period_end, value, status, published_on, figure_id) as an SVG chart."""
    if not points:
        return Markup("")
    days = [p["period_end"].toordinal() for p in points]
    values = [float(Decimal(p["value"])) for p in points]
    x_lo, x_hi = min(days) - 120, max(days) + 120
    y_ticks = _nice_ticks(min(0.0, *values), max(values))
    y_lo, y_hi = y_ticks[0], y_ticks[-1]
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(day: int) -> float:
        return LEFT + (day - x_lo) / (x_hi - x_lo) * plot_w

    def y(value: float) -> float:
        return TOP + (1 - (value - y_lo) / (y_hi - y_lo)) * plot_h

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {HEIGHT}"'
        f' role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]
    for t in y_ticks:
        out.append(
            f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(t):.1f}" y2="{y(t):.1f}"/>'
            f'<text class="tick" x="{LEFT - 8}" y="{y(t) + 4:.1f}" text-anchor="end">{_fmt(t)}</text>'
        )
    first_year, last_year = date.fromordinal(x_lo).year, date.fromordinal(x_hi).year
    step = max(1, (last_year - first_year + 1) // 8)
    for year in range(first_year, last_year + 1, step):
        day = date(year, 12, 31).toordinal()
        if x_lo <= day <= x_hi:
            out.append(
                f'<line class="axis-tick" x1="{x(day):.1f}" x2="{x(day):.1f}" y1="{TOP + plot_h}"'
                f' y2="{TOP + plot_h + 5}"/><text class="tick" x="{x(day):.1f}" y="{TOP + plot_h + 20}"'
                f' text-anchor="middle">{year}</text>'
            )
    out.append(
        f'<line class="axis" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{TOP + plot_h}" y2="{TOP + plot_h}"/>'
    )
    # Values of one period from several reports sit side by side, labelled, not on top of each other.
    seen: dict[int, int] = {}
    centres = []
    for day, value in zip(days, values, strict=True):
        nth, same = seen.get(day, 0), days.count(day)
        seen[day] = nth + 1
        centres.append((x(day) + (nth - (same - 1) / 2) * 16, y(value), nth, same))
    at = {p["figure_id"]: c for p, c in zip(points, centres, strict=True)}
    line = " ".join(f"{at[p['figure_id']][0]:.1f},{at[p['figure_id']][1]:.1f}" for p in _chosen(points))
    out.append(f'<polyline class="series-line" points="{line}"/>')
    for p, value, (cx, cy, nth, same) in zip(points, values, centres, strict=True):
        colour = STATUS_COLOURS.get(p["status"], "#555")
        label = f"{p['period_end']:%Y}: {_fmt(value)} ({p['status']}) — {p['report_slug']}"
        anchor = "end" if nth < (same - 1) / 2 else "start"
        dx = -10 if anchor == "end" else 10
        out.append(
            f'<a class="point" href="{escape(href(p))}" data-figure-id="{escape(p["figure_id"])}">'
            f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="6" fill="{colour}"/>'
            f'<text class="value" x="{cx + dx:.1f}" y="{cy - 8:.1f}" text-anchor="{anchor}">'
            f"{_fmt(value)}</text>"
            f"<title>{escape(label)}</title></a>"
        )
    legend_x = LEFT
    for status, colour in STATUS_COLOURS.items():
        out.append(
            f'<circle cx="{legend_x + 6}" cy="{HEIGHT - 12}" r="5" fill="{colour}"/>'
            f'<text class="legend" x="{legend_x + 16}" y="{HEIGHT - 8}">{status}</text>'
        )
        legend_x += 110
    out.append("</svg>")
    return Markup("".join(out))
