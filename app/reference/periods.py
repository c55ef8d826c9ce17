"""Periods in mapping files: "2023", "2021-2025", "2022-12", "2022-01-01/2024-06-30"."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import NamedTuple


class Period(NamedTuple):
    start: dt.date
    end: dt.date


def parse_period(spec: str) -> Period:
    """A year is 1 January to 31 December; "2021-2025" is five whole years."""
    spec = spec.strip()
    if m := re.fullmatch(r"(\d{4})", spec):
        year = int(m[1])
        return Period(dt.date(year, 1, 1), dt.date(year, 12, 31))
    if m := re.fullmatch(r"(\d{4})-(\d{4})", spec):
        first, last = int(m[1]), int(m[2])
        if first > last:
            raise ValueError(f"period {spec!r} ends before it starts")
        return Period(dt.date(first, 1, 1), dt.date(last, 12, 31))
    if m := re.fullmatch(r"(\d{4})-(\d{2})", spec):
        year, month = int(m[1]), int(m[2])
        return Period(dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1]))
    if m := re.fullmatch(r"(\d{4}-\d{2}-\d{2})/(\d{4}-\d{2}-\d{2})", spec):
        start, end = dt.date.fromisoformat(m[1]), dt.date.fromisoformat(m[2])
        if start > end:
            raise ValueError(f"period {spec!r} ends before it starts")
        return Period(start, end)
    raise ValueError(f"period {spec!r} is not YYYY, YYYY-YYYY, YYYY-MM or YYYY-MM-DD/YYYY-MM-DD")
