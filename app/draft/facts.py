"""Every quantity of the body as a figure, a funding item or a left_out passage with a reason."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from app.draft import wording
from app.draft.context import baseline_of, earlier_level, in_force, own_period, period_of, status_of
from app.draft.funding import draft_funding
from app.draft.indicators import AREA, AREA_RATES, Choice, IndicatorFinder
from app.draft.quotes import as_number, left_out_item, number_end, quote_around, unique_key
from app.draft.regions import RegionFinder
from app.draft.text import Piece, clauses, containing, fold_keep, fold_phrase, paragraphs, sentences
from app.reference.catalog import Reference
from app.vn.dates import find_periods
from app.vn.numbers import Quantity
from app.vn.scan import classify_numbers


class _Last(NamedTuple):
    """The last figure drafted: the lists, areas and parts after it in its sentence read it."""

    sentence: int  # where its sentence starts
    percent: bool
    unit: str | None
    code: str  # its indicator
    sign: int  # -1 a fall, +1 a rise, 0 not a change
    value: Decimal


@dataclass
class Drafted:
    figures: list[dict] = field(default_factory=list)
    funding: list[dict] = field(default_factory=list)
    left_out: list[dict] = field(default_factory=list)


@dataclass
class Article:
    text: str
    body: tuple[int, int]
    region: str | None  # the article's own unit (VN or VN-n for a national article); None: none found
    published: dt.date | None
    year: int
    excluded: list[tuple[int, int, str]]  # caption and headline lines: (start, end, reason)


class FactDrafter:
    def __init__(self, ref: Reference, finder: IndicatorFinder, regions: RegionFinder):
        self.ref, self.finder, self.regions = ref, finder, regions
        self.project_cues = [
            (code, fold_phrase(" ".join(p.name_vi.split(":", 1)[1].split()[:5])))
            for code, p in ref.programs.items()
            if p.kind in ("project", "sub_project") and ":" in p.name_vi
        ]

    def draft(self, art: Article) -> Drafted:
        text, (b0, b1) = art.text, art.body
        body_text = text[b0:b1]
        out = Drafted()
        sents, cls = sentences(text, b0, b1), clauses(text, b0, b1)
        groups: dict[int, Quantity] = {}
        for t in classify_numbers(body_text):
            if t.kind == "quantity" and t.quantity is not None:
                groups.setdefault(t.quantity.start, t.quantity)
        quantities = [self._shift(q, b0) for q in sorted(groups.values(), key=lambda q: q.start)]
        keys: set[str] = set()
        self._carry = self._period_marks(art)
        self._last: _Last | None = None
        self._paragraphs = [p.start for p in paragraphs(text) if b0 <= p.start < b1]
        for i, q in enumerate(quantities):
            nxt = quantities[i + 1].start if i + 1 < len(quantities) else b1
            prev_end = quantities[i - 1].end if i else b0
            self._one(art, q, prev_end, nxt, sents, cls, out, keys)
        return out

    @staticmethod
    def _period_marks(art: Article) -> list[tuple[int, object]]:
        """Periods named in the body, in order; a section heading ends the one in force (None)."""
        text, (b0, b1) = art.text, art.body
        marks: list[tuple[int, object]] = []
        for p in find_periods(text[b0:b1]):
            before = text[max(b0, b0 + p.start - 30) : b0 + p.start]
            in_caption = any(s <= b0 + p.start < e for s, e, _ in art.excluded)
            not_its_own = r"so\s+với\s+(?:cùng\s+kỳ\s+)?$|nhiệm\s+kỳ\s*$|lần\s+thứ|chuẩn\s+nghèo"
            skipped = re.search(not_its_own, before)
            if not skipped and not in_caption and p.kind != "date":
                marks.append((b0 + p.end, p))
        for para in paragraphs(text):
            line = text[para.start : para.end]
            heading = b0 < para.start < b1 and len(line.split()) < 14 and line[-1:] not in '.…!?:"”'
            if heading and not any(s <= para.start < e for s, e, _ in art.excluded):
                marks.append((para.start, None))
        return sorted(marks, key=lambda m: m[0])

    @staticmethod
    def _shift(q: Quantity, by: int) -> Quantity:
        return Quantity(
            q.value, q.value_high, q.qualifier, q.unit, q.start + by, q.end + by, q.text, q.denominator, q.per
        )

    def _one(self, art, q, prev_end, nxt, sents, cls, out: Drafted, keys: set[str]) -> None:
        text = art.text
        for s, e, reason in art.excluded:
            if s <= q.start < e:
                out.left_out.append(left_out_item(art, q, prev_end, nxt, reason))
                return
        sent = containing(sents, q.start) or Piece(q.start, q.end)
        clause = containing(cls, q.start) or sent
        before_c = fold_keep(text[clause.start : q.start])
        after_end = min(nxt, clause.end)
        num_end = q.start + number_end(q.text)
        after = fold_keep(text[num_end : max(num_end, after_end)])
        for pattern, reason in wording.NOT_FIGURE_AFTER:
            if pattern.search(after) and not q.is_percent:
                out.left_out.append(left_out_item(art, q, prev_end, nxt, reason))
                return
        if q.unit not in ("đồng",) and re.match(r"\s*(?:ty|trieu|nghin|ngan)?\s*(?:dong|d/|d\b)", after):
            out.left_out.append(
                left_out_item(art, q, prev_end, nxt, "an amount the number reader cannot read yet")
            )
            return
        for pattern, reason in wording.NOT_FIGURE_BEFORE:
            if pattern.search(before_c):
                out.left_out.append(left_out_item(art, q, prev_end, nxt, reason))
                return
        sent_before = text[sent.start : q.start]
        idx = sents.index(sent) if sent in sents else 0
        prev_sent = text[sents[idx - 1].start : sents[idx - 1].end] if idx > 0 else ""
        sentence = text[sent.start : sent.end]
        if wording.ONE_HOUSEHOLD.search(sent_before) or (
            wording.ONE_HOUSEHOLD.search(prev_sent) and not wording.AGGREGATE.search(sentence)
        ):
            out.left_out.append(
                left_out_item(art, q, prev_end, nxt, "one household's story, not an aggregate figure")
            )
            return
        idx = sents.index(sent) if sent in sents else 0
        prev_sent = text[sents[idx - 1].start : sents[idx - 1].end] if idx > 0 else ""
        status, status_guessed = status_of(text[clause.start : q.start], sent_before, prev_sent)
        carried, at = None, 0
        for pos, mention in self._carry:
            if pos >= sent.start:
                break
            carried, at = mention, pos
        carried = in_force(carried, at, sent.start, self._paragraphs, status, art.published)
        period, period_note = period_of(
            sent_before, text[q.end : sent.end], art.published, art.year, status, carried
        )
        notes = [n for n in (period_note,) if n]
        if earlier_level(before_c, after) and not own_period(
            text[q.end : sent.end], art.published, status, art.year
        ):
            # The level before the change is of the baseline ("so với năm 2023"), else the year before.
            period, note = baseline_of(text[sent.start : sent.end], period)
            notes = (
                ["the level before the change: its period not printed, the year before assumed"]
                if note
                else []
            )
        if status_guessed:
            notes.append(f"status '{status}' carried from the sentence before")
        region = self.regions.in_sentence(sent_before, art.region)
        if region is None:
            out.left_out.append(left_out_item(art, q, prev_end, nxt, "region not recognised"))
            return
        money = q.unit in ("đồng",) or (q.unit in ("tỷ", "triệu") and "dong" in after[:8])
        near = None
        if prev_end > clause.start:  # words since the previous number, minus that number's own phrase
            near = re.split(r",|\bvà\b|;", text[max(clause.start, prev_end) : q.start])[-1]
            near = fold_keep(near)
        last = self._last
        changed = last.sign if last and last.sentence == sent.start else 0
        choice = self.finder.choose(q, before_c, after, near, changed)
        if (
            choice.code is None
            and last
            and (last.sentence, last.percent, last.unit) == (sent.start, q.is_percent, q.unit)
            and wording.LIST_ITEM.match(text[clause.start : q.start])
        ):
            # "… tỷ lệ hộ nghèo cao nhất với 48,6%; huyện Đồng Văn 45,1%": the list's indicator.
            choice = Choice(last.code, "medium", "indicator of the list's first item, before ';'", last.sign)
        area = AREA.match(near if near is not None else before_c)
        if (
            area
            and choice.code in (None, "poor_household_rate", *AREA_RATES.values())
            and last
            and (last.sentence, last.percent) == (sent.start, True)
            and last.code in {"poor_household_rate", *AREA_RATES.values()}
            and q.is_percent
        ):
            # "… khu vực thành thị chiếm 0,39%, khu vực nông thôn chiếm 3,17%": the area's rate.
            choice = Choice(AREA_RATES[area[1]], "medium", "the area's rate, its subject elided", 0)
        if money and not (choice.code and choice.confidence == "high"):
            opening = self.finder.subject(before_c, {"vnd"})
            if opening:
                choice = Choice(opening, "high", None, 0)
        each = q.per or wording.EACH.search(before_c)
        if money and each and not (choice.code and choice.confidence == "high"):
            # "50 triệu đồng/căn", "mỗi hộ được hỗ trợ 40 triệu đồng": what one unit gets, no total.
            out.left_out.append(left_out_item(art, q, prev_end, nxt, "an amount for each one, not a total"))
            return
        if (
            money
            and not choice.code
            and last
            and last.sentence == sent.start
            and self.ref.indicators[last.code].unit == "vnd"
            and re.search(r"(?:tang|giam)(?: them| duoc)?\s*$", before_c)
        ):
            # "thu nhập … đạt 28,5 triệu đồng, tăng 3,2 triệu đồng": the change of that amount
            out.left_out.append(
                left_out_item(art, q, prev_end, nxt, "a change of the amount before it, not a funding item")
            )
            return
        if money and not (
            choice.code and self.ref.indicators[choice.code].unit == "vnd" and choice.confidence == "high"
        ):
            draft_funding(
                art, q, sent, clause, prev_end, nxt, status, period, region, notes, out, keys, self._program
            )
            return
        if choice.code is None:
            out.left_out.append(left_out_item(art, q, prev_end, nxt, "indicator not recognised"))
            return
        if (
            last
            and last.sentence == sent.start
            and last.code == choice.code
            and not q.is_percent
            and wording.PART_OF.search(text[max(clause.start, prev_end) : q.start])
            and q.value < last.value
        ):
            # "đào tạo nghề cho 3.850 lao động, trong đó 1.020 người thuộc hộ nghèo": a part of
            # that figure, not another figure of the same indicator (it would read as a conflict).
            out.left_out.append(left_out_item(art, q, prev_end, nxt, "a part of the figure before it"))
            return
        quote, within = quote_around(art, q, clause.start, prev_end, after_end, choice.sign != 0)
        if quote is None:
            out.left_out.append(left_out_item(art, q, prev_end, nxt, "no unique words to quote"))
            return
        ind = self.ref.indicators[choice.code]
        fig = {
            "key": unique_key(ind.code.replace("_", "-") + "-" + period[:4], keys),
            "indicator": ind.code,
            "quote": quote,
        }
        if within:
            fig["within"] = within
        value, high = q.value, q.value_high
        if choice.sign < 0:
            value, high = (-(high), -value) if high is not None else (-value, None)
        fig["value"] = as_number(value)
        if high is not None:
            fig["value_high"] = as_number(high)
        if q.qualifier:
            fig["qualifier"] = q.qualifier
        fig["period"] = period
        if ind.measure == "change":
            baseline, note = baseline_of(text[q.start : sent.end] + " " + sent_before, period)
            fig["baseline"] = baseline
            if note:
                notes.append(note)
        fig["status"] = status
        fig["region"] = region
        program = self._program(quote, fold_keep(text[sent.start : sent.end]))
        if program:
            fig["program"] = program
        if choice.note:
            notes.insert(0, choice.note)
        fig["confidence"] = (
            "low"
            if choice.confidence == "low"
            else ("medium" if notes or choice.confidence == "medium" else "high")
        )
        if notes:
            fig["review_note"] = "; ".join(notes)
        out.figures.append(fig)
        self._last = _Last(sent.start, q.is_percent, q.unit, ind.code, choice.sign, q.value)

    def _program(self, quote: str, sentence: str) -> str | None:
        folded = fold_phrase(quote)
        for code, cue in self.project_cues:
            if cue and cue in folded:
                return code
        for code, pattern in wording.PROGRAM_WORDS:
            if re.search(pattern, sentence):
                return code
        return None
