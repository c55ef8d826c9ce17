"""Which indicator a number measures, from the cue phrases of seeds/reference/indicators.yaml.

The words before the number (to the start of its clause) and after it (to the next number or
the end of the clause) are joined without the number, so "thoát 300 hộ cận nghèo" reads as
"thoát hộ cận nghèo". Every cue of every indicator whose unit fits the number is scored by
its length and its distance from the number; the best one wins. No fitting cue: no indicator.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.mapping.reference import IndicatorDef
from app.draft.text import fold_phrase
from app.vn.numbers import Quantity

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
COUNTS = {"households", "persons", "workers", "projects", "models", "works", "houses", "cards", "classes",
          "communes", "villages"}
_CHANGE_BEFORE = re.compile(r"(?:giam|tang)(?: duoc| them| len)?(?: so voi [^,;]{0,30}? la)?\s*$")
_LEVEL_AFTER_CHANGE = re.compile(r"(?:con|xuong con|xuong|len)\s*$")
_PER_YEAR = re.compile(r"^\s*(?:/\s*nam|moi nam|binh quan moi nam|hang nam)")
ATTAIN_BEFORE = re.compile(r"dat\s*$")
ATTAIN_AFTER = re.compile(r"^\s*(?:so voi\s+)?(?:chi tieu|ke hoach|muc tieu)")


@dataclass(frozen=True)
class Choice:
    code: str | None
    confidence: str  # high, medium, low
    note: str | None
    sign: int  # -1 a fall, +1 a rise, 0 not a change


class IndicatorFinder:
    def __init__(self, indicators: dict[str, IndicatorDef]):
        self.indicators = indicators
        self.cues = [(code, fold_phrase(c)) for code, ind in indicators.items() for c in ind.cues]

    def choose(self, q: Quantity, before: str, after: str) -> Choice:
        """`before` and `after`: folded words on either side of the number in its clause."""
        change = bool(_CHANGE_BEFORE.search(before)) and not _LEVEL_AFTER_CHANGE.search(before)
        sign = 0
        if change:
            tail = before[-50:]
            sign = -1 if tail.rfind("giam") > tail.rfind("tang") else 1
        if q.is_percent and ATTAIN_BEFORE.search(before) and ATTAIN_AFTER.search(after):
            code = self._attainment(before + " " + after)
            if code:
                return Choice(code, "medium", "attainment of a plan: read from 'đạt …% chỉ tiêu/kế hoạch'", 0)
        units = self._units(q)
        if q.is_percent:
            units = {"percentage_points"} if change or _PER_YEAR.search(after) else {"percent", "percent_ratio"}
        joined = before + " | " + after
        junction = len(before) + 1
        best: tuple[float, str, str] | None = None
        for code, cue in self.cues:
            ind = self.indicators[code]
            if ind.unit not in units or (ind.measure == "change") != change:
                continue
            for m in re.finditer(r"(?<![a-z])" + re.escape(cue) + r"(?![a-z])", joined):
                if m.start() <= junction <= m.end():
                    dist = 0
                elif m.end() < junction:
                    dist = junction - m.end()
                else:
                    dist = (m.start() - junction) * 1.5
                score = 3 * len(cue) - dist
                if best is None or score > best[0]:
                    best = (score, code, cue)
        if best is None:
            return Choice(None, "low", "indicator not recognised", sign)
        score, code, cue = best
        confidence = "high" if score >= 20 else "medium" if score >= 0 else "low"
        note = None if confidence == "high" else f"indicator guessed from the words '{cue}' some way off"
        return Choice(code, confidence, note, sign)

    def _units(self, q: Quantity) -> set[str]:
        if q.unit in ("đồng", "tỷ", "triệu", "nghìn", "ngàn"):
            return {"vnd"}
        if q.unit in NOUN_UNITS:
            return NOUN_UNITS[q.unit]
        return set(COUNTS)

    def _attainment(self, words: str) -> str | None:
        poverty = "ngheo" in words
        for code in (("poverty_target_attainment_rate",) if poverty else ()) + ("plan_attainment",):
            if code in self.indicators:
                return code
        return None
