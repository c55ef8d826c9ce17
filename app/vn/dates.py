"""Dates, times and periods as Vietnamese pages print them."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_NUMERIC = re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})/(\d{4})(?![\d/])")
_SPELLED = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.IGNORECASE)
_TIME = re.compile(r"(?<![\d:])(\d{1,2}):(\d{2})(?::(\d{2}))?(?![\d:])")


def parse_printed_date(text: str) -> dt.date:
    """The date in "27/02/2024 - 14:24", "08:31, 01/12/2024" or "ngày 23 tháng 08 năm 2019".

    Raises ValueError when `text` holds no date, or more than one.
    """
    matches = _NUMERIC.findall(text) + _SPELLED.findall(text)
    if len(matches) != 1:
        raise ValueError(f"expected exactly one date in {text!r}, found {len(matches)}")
    day, month, year = (int(part) for part in matches[0])
    return dt.date(year, month, day)


def parse_printed_timestamp(text: str) -> dt.datetime:
    """Date and time together: "27/02/2024 - 14:24", "Thứ Sáu, ngày 23 tháng 08 năm 2019, 09:25:27"."""
    day = parse_printed_date(text)
    times = _TIME.findall(text)
    if len(times) != 1:
        raise ValueError(f"expected exactly one time in {text!r}, found {len(times)}")
    hour, minute, second = times[0]
    return dt.datetime(day.year, day.month, day.day, int(hour), int(minute), int(second or 0))


@dataclass(frozen=True)
class PeriodMention:
    """A period named in running text; `end` None means "until now" (the reference date)."""

    kind: str  # date, month, year, year_end, range, since
    period_start: dt.date
    period_end: dt.date | None
    start: int
    end: int
    text: str


def _year(y: str) -> tuple[dt.date, dt.date]:
    return dt.date(int(y), 1, 1), dt.date(int(y), 12, 31)


_YEAR = r"((?:19|20)\d{2})"
_DASH = r"\s*[-–]\s*"
# Most specific first; a span, once taken, is not read again by a later pattern.
_PATTERNS: list[tuple[str, re.Pattern]] = [
    ("date", _NUMERIC),
    ("date", _SPELLED),
    ("since", re.compile(rf"từ\s+(?:năm\s+)?{_YEAR}\s+(?:đến\s+nay|tới\s+nay)", re.IGNORECASE)),
    (
        "range",
        re.compile(
            rf"(?:giai\s+đoạn|nhiệm\s+kỳ|thời\s+kỳ|năm\s+học|từ)\s+(?:từ\s+)?(?:năm\s+)?{_YEAR}{_DASH}{_YEAR}",
            re.IGNORECASE,
        ),
    ),
    ("range", re.compile(rf"(?<![\d/]){_YEAR}{_DASH}{_YEAR}(?![\d/%])")),
    ("month", re.compile(r"tháng\s+(\d{1,2})/(\d{4})(?![\d/])", re.IGNORECASE)),
    ("year_end", re.compile(rf"(?:cuối|hết)\s+năm\s+{_YEAR}", re.IGNORECASE)),
    ("year", re.compile(rf"năm\s+{_YEAR}(?:\s+và\s+{_YEAR})?(?![\d/])", re.IGNORECASE)),
]


def find_periods(text: str) -> list[PeriodMention]:
    """Dates and periods: "tháng 12/2022", "cuối năm 2023", "giai đoạn 2021 - 2025",
    "từ năm 2022 đến nay", "nhiệm kỳ 2020-2025", "năm 2024", "27/02/2024"."""
    taken: list[tuple[int, int]] = []
    found: list[PeriodMention] = []
    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(text):
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue
            try:
                span = _period(kind, m)
            except ValueError:
                continue  # "31/02/2024" is no date
            taken.append((m.start(), m.end()))
            found.append(PeriodMention(kind, *span, m.start(), m.end(), m[0]))
    return sorted(found, key=lambda p: p.start)


def _period(kind: str, m: re.Match) -> tuple[dt.date, dt.date | None]:
    g = m.groups()
    if kind == "date":
        day = dt.date(int(g[2]), int(g[1]), int(g[0]))
        return day, day
    if kind == "since":
        return _year(g[0])[0], None
    if kind == "range":
        first, last = _year(g[0])[0], _year(g[1])[1]
        if first > last:
            raise ValueError("range ends before it starts")
        return first, last
    if kind == "month":
        start = dt.date(int(g[1]), int(g[0]), 1)
        following = dt.date(start.year + start.month // 12, start.month % 12 + 1, 1)
        return start, following - dt.timedelta(days=1)
    if kind == "year_end":
        end = _year(g[0])[1]
        return end, end
    first = _year(g[0])[0]
    return first, _year(g[1] or g[0])[1]
