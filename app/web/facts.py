"""Facts as the pages show them: anchors, links to evidence, formatted values and popover text."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from urllib.parse import quote

from app.web.highlight import Span


def key_of(fact_id: str) -> str:
    """The fact's key in its mapping file: the part of figure_id/statement_id after the slug."""
    return fact_id.split(":", 1)[1] if ":" in fact_id else fact_id


def figure_anchor(figure_id: str) -> str:
    return f"fig-{key_of(figure_id)}"


def statement_anchor(statement_id: str) -> str:
    return f"st-{key_of(statement_id)}"


# What quote() leaves as it is: most slugs and keys. Checked first, because quote() costs ~10 µs a
# call and the series page links thousands of points at 10 million figures.
_UNQUOTED = re.compile(r"[A-Za-z0-9_.~-]*")


def _quote(part: str) -> str:
    return part if _UNQUOTED.fullmatch(part) else quote(part, safe="")


def report_href(slug: str) -> str:
    return f"/reports/{_quote(slug)}"


def evidence_href(report_slug: str, figure_id: str) -> str:
    """The stable link to one figure's evidence: its highlight in the article."""
    return f"{report_href(report_slug)}#{_quote(figure_anchor(figure_id))}"


def number(value) -> str:
    """A numeric value as printed here: no exponent, no trailing zeros, spaces between thousands."""
    if value is None:
        return ""
    d = Decimal(value).normalize()
    return f"{d:,f}".replace(",", " ")


def value_text(value, high, unit: str | None = None) -> str:
    text = number(value) + (f"–{number(high)}" if high is not None else "")
    return f"{text} {unit}" if unit else text


def period_text(start: date | None, end: date | None) -> str:
    if start is None:
        return ""
    if end and start.month == 1 and start.day == 1 and end.month == 12 and end.day == 31:
        return str(start.year) if start.year == end.year else f"{start.year}–{end.year}"
    return f"{start} – {end}"


def trust_text(fact) -> str:
    """Whether a person checked the fact, and how it was extracted: "yes (hand-mapped)",
    "yes (machine-drafted)" or "no, machine-drafted"."""
    method = (fact["extraction_method"] or "").replace("_", "-") or "unknown"
    return f"yes ({method})" if fact["reviewed"] else f"no, {method}"


def trust_lines(fact) -> list[tuple[str, str]]:
    """The popover's review lines: the trust text, then confidence and note when present."""
    lines = [("reviewed", trust_text(fact))]
    if fact["confidence"]:
        lines.append(("confidence", fact["confidence"]))
    if fact["review_note"]:
        lines.append(("review note", fact["review_note"]))
    return lines


def figure_tip(f) -> str:
    lines = [
        ("indicator", f"{f['indicator_code']} ({f['indicator_name']})"),
        ("value", value_text(f["value"], f["value_high"])),
        ("unit", f["unit"]),
        ("qualifier", f["qualifier"] or "exact"),
        ("region", f"{f['region_name']} ({f['region_code']})"),
        ("period", period_text(f["period_start"], f["period_end"])),
        ("status", f["status"]),
        *trust_lines(f),
    ]
    if f["figure_kind"] == "funding":
        lines += [("source", f["funding_source"] or ""), ("purpose", f["purpose"] or "")]
    return "\n".join(f"{k}: {v}" for k, v in lines)


def statement_tip(s) -> str:
    lines = [
        ("statement", s["kind"].replace("_", " ")),
        ("person", s["person_name"]),
        ("title", ", ".join(x for x in (s["position_title"], s["organization"]) if x)),
        ("region", f"{s['region_name']} ({s['region_code']})" if s["region_code"] else "—"),
        *trust_lines(s),
    ]
    return "\n".join(f"{k}: {v}" for k, v in lines)


def article_spans(figures, statements) -> list[Span]:
    """One highlight per figure (money figures are the funding items) and per statement."""
    spans = [
        Span(
            figure_anchor(f["figure_id"]),
            f["char_start"],
            f["char_end"],
            "funding" if f["figure_kind"] == "funding" else "figure",
            figure_tip(f),
        )
        for f in figures
    ]
    spans += [
        Span(
            statement_anchor(s["statement_id"]), s["char_start"], s["char_end"], "statement", statement_tip(s)
        )
        for s in statements
    ]
    return spans
