"""Dates as Vietnamese pages print them."""

from __future__ import annotations

import datetime as dt
import re

_NUMERIC = re.compile(r"(?<!\d)(\d{1,2})/(\d{1,2})/(\d{4})(?!\d)")
_SPELLED = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.IGNORECASE)


def parse_printed_date(text: str) -> dt.date:
    """The date in "27/02/2024 - 14:24", "08:31, 01/12/2024" or "ngày 23 tháng 08 năm 2019".

    Raises ValueError when `text` holds no date, or more than one.
    """
    matches = _NUMERIC.findall(text) + _SPELLED.findall(text)
    if len(matches) != 1:
        raise ValueError(f"expected exactly one date in {text!r}, found {len(matches)}")
    day, month, year = (int(part) for part in matches[0])
    return dt.date(year, month, day)
