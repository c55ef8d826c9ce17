"""Vietnamese numbers and quantities: "18.067" is 18067, "21,95%" is 21.95, "272 tỷ đồng" is 2.72e11.

Vietnamese writes "." between thousands and "," before decimals. Every quantity keeps the
exact span it was read from. Spelling variants read alike: "tỉ"/"tỷ", "644.000đ"/"644.000 đồng",
"nghìn tỷ"/"ngàn tỉ"; rates keep what they are per ("đ/người/tháng").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

NUMBER = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?"
QUALIFIER_WORDS = {
    "hơn": "more_than",
    "trên": "more_than",
    "gần": "nearly",
    "khoảng": "about",
    "ít nhất": "at_least",
    "tối thiểu": "at_least",
    "tối đa": "at_most",
    "dưới": "less_than",
}
# Spellings are matched after canonical_spelling(): "tỉ" is read as "tỷ".
MAGNITUDES = {
    "nghìn": Decimal(10**3),
    "ngàn": Decimal(10**3),
    "triệu": Decimal(10**6),
    "tỷ": Decimal(10**9),
    "nghìn tỷ": Decimal(10**12),
    "ngàn tỷ": Decimal(10**12),
}
# Unit nouns after a number, longest first so "lao động" wins over shorter words.
UNIT_NOUNS = (
    "lao động",
    "dự án",
    "công trình",
    "mô hình",
    "căn nhà",
    "hộ",
    "người",
    "thẻ",
    "lớp",
    "xã",
    "thôn",
    "đồng",
    "vnđ",
    "vnd",
    "đ",
    "mm",
)
# Unit nouns read as another: "644.000 đ" and "644.000 VNĐ" are amounts in đồng.
UNIT_SYNONYMS = {"đ": "đồng", "vnđ": "đồng", "vnd": "đồng"}
PERCENTAGE_POINTS = "điểm phần trăm"
# What a rate is per: "đồng/người/tháng", "triệu đồng/hộ/năm", "%/năm".
PER_NOUNS = ("lao động", "người", "khẩu", "hộ", "tháng", "năm", "ngày", "căn", "căn nhà", "suất", "học sinh")


def _alternation(words) -> str:
    # re.escape keeps the spaces inside "ít nhất" meaningful under re.VERBOSE.
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_QUAL = _alternation(QUALIFIER_WORDS)
_MAG = _alternation(MAGNITUDES)
_UNIT = _alternation(UNIT_NOUNS)
_PER = _alternation(PER_NOUNS)
# A number is not part of a date, time, fraction or identifier: no digit, letter, "/" or ":"
# glued to either side (dates and fractions are read by other parsers), except "đ" ("644.000đ").
_QUANTITY = re.compile(
    rf"""
    (?:(?P<qual>{_QUAL})\s+)?
    (?<![\w/:.,])(?P<low>{NUMBER})
    (?:
        (?P<glued>đ)(?!\w)
      |
        (?:\s*(?P<lowpct>%))?
        (?:\s*[-–]\s*(?P<high>{NUMBER})(?![\w/:]))?
        (?![\w/:]|[.,]\d)
        (?:\s*(?P<pct>%)|\s+(?P<pp>điểm\s+phần\s+trăm)(?!\w))?
        (?:\s+(?P<mag>{_MAG})(?!\w))?
        (?:\s+(?P<unit>{_UNIT})(?!\w))?
    )
    (?P<per>(?:\s*/\s*(?:{_PER})(?!\w))+)?
    """,
    re.VERBOSE | re.IGNORECASE,
)
_I_TO_Y = str.maketrans("ìíỉĩịÌÍỈĨỊ", "ỳýỷỹỵỲÝỶỸỴ")
# Syllables spelled with i or y alike ("tỉ lệ"/"tỷ lệ", "kĩ"/"kỹ", "lí"/"lý", "Mĩ"/"Mỹ").
_I_OR_Y = re.compile(r"(?<!\w)[tTkKlLmM][ìíỉĩịÌÍỈĨỊ](?!\w)")


def canonical_spelling(text: str) -> str:
    """One spelling of the syllables Vietnamese writes with i or y: "tỉ lệ" -> "tỷ lệ".

    Same length as `text` (one code point for another, NFC), so spans found in the result
    index `text` too: match words on canonical_spelling(text), slice the original."""
    return _I_OR_Y.sub(lambda m: m[0].translate(_I_TO_Y), text)


@dataclass(frozen=True)
class Quantity:
    """A number as printed, scaled by its magnitude word; `unit` is "%" or the noun after it."""

    value: Decimal
    value_high: Decimal | None
    qualifier: str | None
    unit: str | None
    start: int
    end: int
    text: str
    denominator: Decimal | None = None  # "47/88 xã": 47 of 88
    per: tuple[str, ...] = ()  # a rate's denominators: "đ/người/tháng" -> ("người", "tháng")

    @property
    def is_percent(self) -> bool:
        """A percentage or a difference of percentages ("0,5 điểm phần trăm")."""
        return self.unit in ("%", PERCENTAGE_POINTS)

    @property
    def is_percentage_points(self) -> bool:
        return self.unit == PERCENTAGE_POINTS


def parse_number(token: str) -> Decimal:
    """ "1.586.336" -> 1586336, "22,25" -> 22.25. Raises ValueError on anything else."""
    if not re.fullmatch(NUMBER, token):
        raise ValueError(f"not a Vietnamese number: {token!r}")
    return Decimal(token.replace(".", "").replace(",", "."))


def format_number(value: Decimal | int) -> str:
    """The Vietnamese spelling of a number: 18067 -> "18.067", 21.95 -> "21,95"."""
    sign, digits = ("-", str(value)[1:]) if str(value).startswith("-") else ("", str(value))
    whole, _, frac = digits.partition(".")
    grouped = f"{int(whole):,}".replace(",", ".")
    return sign + grouped + ("," + frac if frac else "")


_FRACTION = re.compile(rf"(?<![\w/.,])(\d+)/(\d+)(?![\w/.,])\s+(?P<unit>{_UNIT})(?!\w)", re.IGNORECASE)


def find_fractions(text: str) -> list[Quantity]:
    """ "47/88 xã" (47 of 88 communes). Only with a unit noun: a bare "16/11" is a day and month."""
    return [
        Quantity(Decimal(m[1]), None, None, m["unit"].lower(), m.start(), m.end(), m[0], Decimal(m[2]))
        for m in _FRACTION.finditer(text)
    ]


def _scaled(number: Decimal, scale: Decimal) -> Decimal:
    """ "1,58 triệu" is 1580000, not 1580000.00: whole amounts carry no decimal places."""
    value = number * scale
    return value.to_integral_value() if scale != 1 and value == value.to_integral_value() else value


def find_quantities(text: str) -> list[Quantity]:
    """Every quantity in `text`, in order, with spans relative to `text`; fractions included."""
    found = find_fractions(text)
    for m in _QUANTITY.finditer(canonical_spelling(text)):
        low = parse_number(m["low"])
        high = parse_number(m["high"]) if m["high"] else None
        mag = " ".join(m["mag"].lower().split()) if m["mag"] else None
        scale = MAGNITUDES[mag] if mag else Decimal(1)
        unit = "%" if (m["pct"] or m["lowpct"]) else (m["unit"].lower() if m["unit"] else None)
        if m["pp"]:
            unit = PERCENTAGE_POINTS
        if m["glued"]:
            unit = "đ"
        unit = UNIT_SYNONYMS.get(unit, unit)
        if mag and unit is None:
            unit = mag
        per = tuple(w.strip().lower() for w in m["per"].split("/")[1:]) if m["per"] else ()
        qualifier = QUALIFIER_WORDS[m["qual"].lower()] if m["qual"] else None
        found.append(
            Quantity(
                value=_scaled(low, scale),
                value_high=_scaled(high, scale) if high is not None else None,
                qualifier=qualifier,
                unit=unit,
                start=m.start(),
                end=m.end(),
                text=text[m.start() : m.end()],
                per=per,
            )
        )
    return sorted(found, key=lambda q: q.start)
