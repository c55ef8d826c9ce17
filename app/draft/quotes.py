"""Quotes for drafted facts: a few words around a number, unique in the body (else a unique
`within` line), and stable keys."""

from __future__ import annotations

import re

from app.mapping.evidence import find_all


def quote_around(art, q, floor, prev_end, ceil, need_sign) -> tuple[str | None, str | None]:
    """Words from a few before the number to a few after it, unique in the body."""
    text, (b0, b1) = art.text, art.body
    floor = max(floor, prev_end if not need_sign else floor)
    body = text[b0:b1]
    left, right = q.start, q.end
    words_after = re.match(r"(?:[ \u00a0]+[^\s,;.:()“”\"]+){0,4}", text[right:ceil])
    right = right + (words_after.end() if words_after else 0)
    for n_before in (4 if not need_sign else 7, 9, 14, 25, 60):
        left = q.start
        for _ in range(n_before):
            j = left
            while j > floor and text[j - 1].isspace():
                j -= 1
            if j <= floor or text[j - 1] in "\n":
                break
            k = j
            while k > floor and not text[k - 1].isspace():
                k -= 1
            left = k
        quote = text[left:right].strip(" ,;:(")
        if quote and len(find_all(body, quote)) == 1:
            return " ".join(quote.split()), None
    line_start = text.rfind("\n", b0, q.start) + 1
    line_end = text.find("\n", q.end, b1)
    line = text[max(line_start, b0) : line_end if line_end != -1 else b1].strip()
    quote = " ".join(text[q.start - (q.start - max(left, b0)) : right].split())
    if (
        line
        and quote in " ".join(line.split())
        and len(find_all(body, line)) == 1
        and len(find_all(line, quote)) == 1
    ):
        return quote, " ".join(line.split())
    return None, None


def left_out_item(art, q, prev_end, nxt, reason) -> dict:
    quote, within = quote_around(art, q, prev_end, prev_end, nxt, False)
    item = {"quote": quote or q.text}
    if within:
        item["within"] = within
    item["reason"] = reason
    return item


def unique_key(base: str, keys: set[str]) -> str:
    base = re.sub(r"[^a-z0-9-]+", "-", base.lower()).strip("-")
    key, n = base, 2
    while key in keys:
        key, n = f"{base}-{n}", n + 1
    keys.add(key)
    return key


def number_end(token: str) -> int:
    """Where the digits (and a "%") of a quantity's text end: the unit noun is context."""
    m = list(re.finditer(r"\d\s*%?", token))
    return m[-1].end() if m else len(token)


def as_number(value):
    """A Decimal as a YAML-friendly int or float string-free number."""
    return int(value) if value == value.to_integral_value() else float(value)
