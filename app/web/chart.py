"""A series of one indicator and region as server-side SVG: no JavaScript, every point a link.

The line follows analytics.series: one chosen value per period, its rule on hover. The
alternatives the rule passed over, and the targets (never in the series), are drawn as hollow
secondary points off the line, each linked to its own evidence.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable
from datetime import date
from decimal import Decimal

from markupsafe import Markup, escape

WIDTH, HEIGHT = 760, 360
LEFT, RIGHT, TOP, BOTTOM = 70, 20, 20, 50
STATUS_COLOURS = {"actual": "#1b6ca8", "preliminary": "#e08a00", "expected": "#7a4fb5", "target": "#6b7b3a"}


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


def chart_points(series: list[dict], targets: list[dict]) -> list[dict]:
    """Every point to draw, in period order: each series row ("chosen", on the line), its
    alternatives ("alternative") and the targets ("target"), with the text shown on hover."""
    points = []
    for row in series:
        points.append({**row, "role": "chosen", "hover": f"chosen by rule {row['rule']}: {row['rule_text']}"})
        alternatives = zip(
            row["alternative_figure_ids"],
            row["alternative_values"],
            row["alternative_statuses"],
            row["alternative_report_slugs"],
            strict=True,
        )
        for figure_id, value, status, slug in alternatives:
            points.append(
                {
                    "figure_id": figure_id,
                    "report_slug": slug,
                    "value": value,
                    "status": status,
                    "period_end": row["period_end"],
                    "role": "alternative",
                    "hover": f"alternative, not chosen (rule {row['rule']})",
                }
            )
    for t in targets:
        points.append({**t, "role": "target", "hover": "target: not part of the series"})
    return sorted(points, key=lambda p: (p["period_end"], p["role"] != "chosen"))


def series_svg(points: list[dict], href: Callable[[dict], str], title: str) -> Markup:
    """The points of chart_points (dicts with period_end, value, status, figure_id, role, hover) as
    an SVG chart; the line joins the chosen ones."""
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
    # Counted once: days.count() per point was quadratic (7,000 points at 10M figures: 1 s).
    seen: dict[int, int] = {}
    per_day = Counter(days)
    centres = []
    for day, value in zip(days, values, strict=True):
        nth, same = seen.get(day, 0), per_day[day]
        seen[day] = nth + 1
        centres.append((x(day) + (nth - (same - 1) / 2) * 16, y(value), nth, same))
    at = {p["figure_id"]: c for p, c in zip(points, centres, strict=True)}
    chosen = [p for p in points if p["role"] == "chosen"]
    line = " ".join(f"{at[p['figure_id']][0]:.1f},{at[p['figure_id']][1]:.1f}" for p in chosen)
    out.append(f'<polyline class="series-line" points="{line}"/>')
    for p, value, (cx, cy, nth, same) in zip(points, values, centres, strict=True):
        colour = STATUS_COLOURS.get(p["status"], "#555")
        shown = _fmt(value)
        label = f"{p['period_end']:%Y}: {shown} ({p['status']}) — {p['report_slug']}\n{p['hover']}"
        anchor = "end" if nth < (same - 1) / 2 else "start"
        dx = -10 if anchor == "end" else 10
        if p["role"] == "chosen":
            marker = f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="6" fill="{colour}"/>'
        else:  # hollow: off the line
            ring = f'fill="#fff" stroke="{colour}" stroke-width="2.5"'
            marker = f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="5" {ring}/>'
        out.append(
            f'<a class="point {p["role"]}" href="{escape(href(p))}" data-figure-id="{escape(p["figure_id"])}"'
            f' data-rule="{escape(p.get("rule") or "")}">{marker}'
            f'<text class="value" x="{cx + dx:.1f}" y="{cy - 8:.1f}" text-anchor="{anchor}">'
            f"{shown}</text>"
            f"<title>{escape(label)}</title></a>"
        )
    legend_x = LEFT
    for status, colour in STATUS_COLOURS.items():
        out.append(
            f'<circle cx="{legend_x + 6}" cy="{HEIGHT - 12}" r="5" fill="{colour}"/>'
            f'<text class="legend" x="{legend_x + 16}" y="{HEIGHT - 8}">{status}</text>'
        )
        legend_x += 110
    out.append(
        f'<circle cx="{legend_x + 6}" cy="{HEIGHT - 12}" r="4.5" fill="#fff" stroke="#555" stroke-width="2"/>'
        f'<text class="legend" x="{legend_x + 16}" y="{HEIGHT - 8}">off the line</text>'
    )
    out.append("</svg>")
    return Markup("".join(out))
