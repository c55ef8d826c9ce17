"""Which indicator a number measures, from the cue phrases of seeds/reference/indicators.yaml.

The words before the number (to the start of its clause) and after it (to the next number or
the end of the clause) are joined without the number, so "thoát 300 hộ cận nghèo" reads as
"thoát hộ cận nghèo". Every cue of every indicator whose unit fits the number is scored by
its length and its distance from the number; the best one wins. No fitting cue: no indicator.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.draft.text import fold_phrase
from app.reference.catalog import IndicatorDef
from app.vn.numbers import Quantity
from app.vocab import COUNT_UNITS

# Unit noun after a number -> indicator units it can count.
NOUN_UNITS = {
    "hộ": {"households"},
    "người": {"persons", "workers"},
    "lao động": {"workers", "persons"},
    "dự án": {"projects", "models"},
    "mô hình": {"models", "projects"},
    "công trình": {"works"},
    "căn nhà": {"houses"},
    "thẻ": {"cards"},
    "lớp": {"classes"},
    "xã": {"communes"},
    "thôn": {"villages"},
}
COUNTS = frozenset(COUNT_UNITS)
_CHANGE_BEFORE = re.compile(
    r"(?:giam|tang)(?: duoc| them| len)?(?: so voi [^,;]{0,30}? la)?\s*$"
    r"|(?:giam|tang)(?: [a-z]+){1,5} them\s*$"
    r"|(?:giam|tang)(?: [a-z]+){0,6} binh quan(?: moi nam| hang nam)?\s*$"  # "giảm … bình quân 3%/năm"
)
_BY_FROM = re.compile(r"(?:giam|tang)(?: [a-z]+){1,6} tu\s*$")
_TO_LEVEL = re.compile(r"^[^,;]{0,40}?(?:xuong|len)\b")
_LEVEL_AFTER_CHANGE = re.compile(r"(?:con|xuong con|xuong|len)\s*$")
_PER_YEAR = re.compile(r"^\s*(?:/\s*nam|moi nam|binh quan moi nam|hang nam)")
_EQUIVALENT = re.compile(r"(?<![a-z])(?:tuong duong|tuong ung|tuc la|bang)(?: voi)?\s*$")
ANNUAL = "poor_household_rate_annual_reduction"
_POOR_RATE = re.compile(r"(?:ty le (?:ho )?ngheo|giam ngheo)(?! [a-z]* ?can ngheo)(?:(?! can ngheo).)*$")
_STATES = re.compile(r"(?<![a-z])(?:dat|la|len|con|tang len|giam con)\s*$")
ATTAIN_BEFORE = re.compile(r"dat\s*$")
ATTAIN_AFTER = re.compile(r"^\s*(?:so voi\s+)?(?:chi tieu|ke hoach|muc tieu)")
# "thấp hơn chỉ tiêu kế hoạch được giao (2,75%)": the target value of the sentence's subject.
PAREN_TARGET = re.compile(r"(?:chi tieu|ke hoach|muc tieu)(?: [a-z]+){0,4}\s*\(\s*$")
ATTAINMENT = {"poverty_target_attainment_rate", "plan_attainment"}
# "tỷ lệ hộ nghèo khu vực thành thị 0,39%, khu vực nông thôn 3,17%": the area names the rate.
AREA = re.compile(r"^\s*(?:va |con |o |tai )?(?:khu vuc )?(thanh thi|nong thon)\b")
AREA_RATES = {"thanh thi": "urban_poor_household_rate", "nong thon": "rural_poor_household_rate"}


@dataclass(frozen=True)
class Choice:
    code: str | None
    confidence: str  # high, medium, low
    note: str | None
    sign: int  # -1 a fall, +1 a rise, 0 not a change


_CATEGORY = re.compile(r"\s*(?:ho |can ngheo|moi thoat ngheo|ngheo)")
# Stocks of households: "cho 108 hộ nghèo" (given to them) never counts them.
STOCKS = {
    "poor_households",
    "near_poor_households",
    "multidimensional_poor_near_poor_households",
    "ethnic_minority_poor_households",
}
_BENEFICIARY = re.compile(r"(?:cho|giup|giup do|ho tro)\s*$")


_OWN_NOUN = re.compile(r"\s*([a-z]+)")
_LINK_WORDS = {
    "va",
    "trong",
    "so",
    "tren",
    "nam",
    "tai",
    "o",
    "cua",
    "theo",
    "voi",
    "tu",
    "den",
    "la",
    "hoac",
    "nguoi",
    "ho",
    "lao",
}


_NEXT_SUBJECT = re.compile(r"\s(?:va|con|trong khi|;)\s+(?=ty le |so |tong so |muc )")


def _window(after: str) -> str:
    """The noun phrase after a number: up to the first comma, and on across commas only while
    a list repeats its head noun ("hộ nghèo, hộ cận nghèo có nhu cầu …")."""
    # "… còn 10,1% và tỷ lệ hộ cận nghèo …": a new subject after "và" names the next number.
    after = _NEXT_SUBJECT.split(after, maxsplit=1)[0]
    parts = after.split(",")
    head = parts[0].split()[:1]
    kept = [parts[0]]
    for part in parts[1:]:
        if (head and part.split()[:1] == head) or _CATEGORY.match(part):
            kept.append(part)
        else:
            break
    return ",".join(kept)


class IndicatorFinder:
    def __init__(self, indicators: dict[str, IndicatorDef]):
        self.indicators = indicators
        self.cues = [(code, fold_phrase(c)) for code, ind in indicators.items() for c in ind.cues]

    def choose(
        self, q: Quantity, before: str, after: str, near: str | None = None, changed: int = 0
    ) -> Choice:
        """`before` and `after`: folded words on either side of the number in its clause;
        `near`: the part of `before` since the previous number, tried first; `changed`: the sign
        of a change drafted just before in the sentence."""
        change = bool(_CHANGE_BEFORE.search(before)) and not _LEVEL_AFTER_CHANGE.search(before)
        per_year = q.is_percent and (q.per[:1] == ("năm",) or bool(_PER_YEAR.search(after)))
        if per_year and ANNUAL in self.indicators and "giam" in before[-60:] and _POOR_RATE.search(before):
            # "giảm tỷ lệ hộ nghèo bình quân 3%/năm": the annual reduction, a positive number.
            return Choice(ANNUAL, "medium", "a fall of the rate per year: the annual reduction", 0)
        if q.is_percent and changed and _EQUIVALENT.search(near if near is not None else before):
            # "giảm được 6.120 hộ nghèo, tương đương 1,75%": the same fall, as the rate's.
            return self._equivalent(q, before, after, changed)
        # "phấn đấu giảm tỷ lệ hộ nghèo từ 5-6%": by how much, unless "xuống/lên …" follows.
        change = change or bool(
            _BY_FROM.search(before) and not _TO_LEVEL.match(after) and not _PER_YEAR.search(after)
        )
        sign = 0
        if change:
            tail = before[-50:]
            sign = -1 if tail.rfind("giam") > tail.rfind("tang") else 1
        if q.is_percent and ATTAIN_BEFORE.search(before) and ATTAIN_AFTER.search(after):
            code = self._attainment(before + " " + after, q.value_high or q.value)
            if code:
                return Choice(code, "medium", "attainment of a plan: read from 'đạt …% chỉ tiêu/kế hoạch'", 0)
        units = self._units(q)
        if re.match(r"\s*diem phan tram", after):
            units = {"percentage_points"}  # "0,5 điểm phần trăm": a difference of rates
        elif q.is_percent:
            units = (
                {"percentage_points"} if change or _PER_YEAR.search(after) else {"percent", "percent_ratio"}
            )
        skip = STOCKS if _BENEFICIARY.search(before) else set()
        if q.is_percent and PAREN_TARGET.search(before):
            # The words "chỉ tiêu … (" say whose target it is not: drop them, and the attainment rates.
            before = PAREN_TARGET.sub("", before)
            near = PAREN_TARGET.sub("", near) if near is not None else None
            skip = skip | ATTAINMENT
        # "tặng 500 suất quà cho hộ nghèo": a bare number followed by a noun of its own counts
        # that noun; only a cue that starts right after the number can name what it counts.
        own = _OWN_NOUN.match(after) if q.unit is None and not q.is_percent else None
        junction_only = bool(own) and own[1] not in _LINK_WORDS
        best = None
        for b, a in ((near, _window(after)), (before, _window(after)), (before, after)):
            if b is not None and best is None:
                best = self._best(b, a, units, change, skip, junction_only)
        if (
            best is None
            and q.is_percent
            and change
            and sign < 0
            and "poor_household_rate_change" in self.indicators
        ):
            # Poverty news says "giảm thêm 4-5%" of the poor-household rate: a flagged guess.
            return Choice(
                "poor_household_rate_change",
                "low",
                "a fall in per cent with no subject named: the poor-household rate assumed",
                sign,
            )
        if best is None:
            return Choice(None, "low", "indicator not recognised", sign)
        score, code, cue = best
        confidence = "high" if score >= 20 else "medium" if score >= 0 else "low"
        note = None if confidence == "high" else f"indicator guessed from the words '{cue}' some way off"
        return Choice(code, confidence, note, sign)

    def _best(
        self, before: str, after: str, units: set[str], change: bool, skip=frozenset(), junction_only=False
    ) -> tuple | None:
        before, after = before.rstrip(), after.lstrip()
        joined = before + " " + after
        junction = len(before)
        best: tuple[float, str, str] | None = None
        for code, cue in self.cues:
            ind = self.indicators[code]
            if ind.unit not in units or (ind.measure == "change") != change or code in skip:
                continue
            for m in re.finditer(r"(?<![a-z])" + re.escape(cue) + r"(?![a-z])", joined):
                if m.start() <= junction <= m.end():
                    dist = 0.0
                elif m.end() < junction:
                    dist = float(junction - m.end())
                else:
                    dist = (m.start() - junction) * 0.3
                if junction_only and not (junction <= m.start() <= junction + 1):
                    continue
                score = 3 * min(len(cue), 24) - dist
                if best is None or score > best[0]:
                    best = (score, code, cue)
        return best

    def _equivalent(self, q: Quantity, before: str, after: str, sign: int) -> Choice:
        best = self._best(_EQUIVALENT.sub("", before), after, {"percentage_points"}, True)
        if best is None:
            return Choice(None, "low", "indicator not recognised", sign)
        return Choice(best[1], "medium", "the change before it, as a rate: read from 'tương đương'", sign)

    def subject(self, before: str, units: set[str]) -> str | None:
        """The indicator a clause opens with, when the clause then only says the number is it:
        "Tổng dư nợ … đến 31/12/2023 đạt 5.320 tỷ đồng" (the cue far from the number)."""
        if not _STATES.search(before):
            return None
        head = before.lstrip()
        found = [
            (len(cue), code)
            for code, cue in self.cues
            if self.indicators[code].unit in units
            and self.indicators[code].measure == "level"
            and re.match(re.escape(cue) + r"(?![a-z])", head)
        ]
        return max(found)[1] if found else None

    def _units(self, q: Quantity) -> set[str]:
        if q.unit in ("đồng", "tỷ", "triệu", "nghìn", "ngàn"):
            return {"vnd"}
        if q.unit in NOUN_UNITS:
            return NOUN_UNITS[q.unit]
        return set(COUNTS)

    def _attainment(self, words: str, value) -> str | None:
        # The poverty target's attainment is a share; "đạt 108% kế hoạch" is a plan's attainment.
        poverty = "ngheo" in words and value <= 100
        for code in (("poverty_target_attainment_rate",) if poverty else ()) + ("plan_attainment",):
            if code in self.indicators:
                return code
        return None
