"""Evidence primitives: where words occur in a page, and whether a quote states a value."""

from __future__ import annotations

import re
from decimal import Decimal

from app.vn.numbers import Quantity, find_quantities
from app.vocab import PERCENT_UNITS

FALL_WORDS = ("giảm", "xuống")
RISE_WORDS = ("tăng", "thêm", "lên")
PERCENTAGES = (*PERCENT_UNITS, "percentage_points")


def find_all(haystack: str, needle: str, start: int = 0) -> list[tuple[int, int]]:
    """Every [start, end) where `needle` occurs, any run of white space in it matching any
    other (pages use non-breaking spaces; mapping authors type plain ones)."""
    pattern = re.compile(r"\s+".join(re.escape(word) for word in needle.split()))
    return [(m.start(), m.end()) for m in pattern.finditer(haystack, start)]


def unique_span(text: str, needle: str, start: int = 0) -> tuple[int, int] | str:
    hits = find_all(text, needle, start)
    if len(hits) != 1:
        return f"{needle!r} occurs {len(hits)} times in the page text, expected once"
    return hits[0]


def check_value(
    quote: str, value: Decimal, value_high: Decimal | None, qualifier: str | None, unit: str, measure: str
) -> str | None:
    """None if the quote states this value; else what is wrong."""
    quantities = find_quantities(quote)
    wanted, wanted_high = value, value_high
    if measure == "change":  # the words carry the sign: "giảm 4-5%" is -5 to -4
        wanted, wanted_high = (
            sorted((abs(value), abs(value_high))) if value_high is not None else (abs(value), None)
        )
    matches = [q for q in quantities if q.value == wanted and q.value_high == wanted_high]
    if not matches:
        seen = ", ".join(_describe(q) for q in quantities) or "no number"
        stated = f"{wanted}" + (f"-{wanted_high}" if wanted_high is not None else "")
        return f"value {stated} is not stated in quote {quote!r} (it reads: {seen})"
    q = matches[0]
    if q.qualifier != qualifier:
        return f"qualifier is {qualifier!r} but the quote {quote!r} says {q.qualifier!r}"
    if unit in PERCENTAGES and not q.is_percent:
        return f"unit is {unit} but {q.text!r} is not a percentage"
    if unit not in PERCENTAGES and q.is_percent:
        return f"unit is {unit} but {q.text!r} is a percentage"
    if unit in PERCENT_UNITS and q.is_percentage_points:
        return f"unit is {unit} but {q.text!r} is percentage points"
    if unit == "vnd" and q.unit != "đồng":
        return f"an amount in VND needs 'đồng' after the number, {q.text!r} has none"
    if measure == "change" and value != 0:
        words = RISE_WORDS if value > 0 else FALL_WORDS
        if not any(w in quote.lower() for w in words):
            direction = "rise" if value > 0 else "fall"
            return f"a {direction} needs one of {', '.join(words)} in quote {quote!r} (sign of value)"
    return None


def _describe(q: Quantity) -> str:
    return f"{q.text!r}={q.value}" + (f"-{q.value_high}" if q.value_high is not None else "")
