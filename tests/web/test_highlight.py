"""The article HTML is cut from the text itself: every fact's marked text is exactly its span."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.web.highlight import Span, render, sentence_bounds, zones


class _Marks(HTMLParser):
    """Text of the whole document and of each data-fact, with the nesting checked."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str | None]] = []
        self.text = ""
        self.facts: dict[str, str] = {}
        self.ids: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.stack.append((tag, attrs.get("data-fact")))
        if "id" in attrs:
            self.ids.append(attrs["id"])

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1][0] == tag, f"</{tag}> closes {self.stack[-1:]}"
        self.stack.pop()

    def handle_data(self, data):
        self.text += data
        for fact in {f for _, f in self.stack if f}:
            self.facts[fact] = self.facts.get(fact, "") + data


def _parse(html: str) -> _Marks:
    marks = _Marks()
    marks.feed(str(html))
    marks.close()
    assert marks.stack == []
    return marks


def test_a_figure_inside_a_statement_and_two_figures_sharing_a_word_keep_their_exact_text():
    text = "Ông nói: “hơn 3.700 hộ vay hơn 270 tỷ đồng” <b>&"
    spans = [
        Span("st-a", 8, 43, "statement"),
        Span("fig-a", 10, 26, "figure", "tip"),  # "hơn 3.700 hộ vay"
        Span("fig-b", 23, 42, "funding", "tip"),  # "vay hơn 270 tỷ đồng"
        *zones(len(text), 3, 44),
    ]
    marks = _parse(render(text, spans))
    assert marks.text == text
    for s in spans[:3]:
        assert marks.facts[s.anchor] == text[s.start : s.end]
    assert sorted(marks.ids) == ["fig-a", "fig-b", "st-a"]  # one id per fact, however many pieces


def test_text_is_escaped_and_a_span_outside_the_text_is_an_error():
    html = render('<script>alert("x")</script>', [Span("fig-x", 0, 8, "figure", 'a "tip" <b>')])
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert 'data-tip="a &#34;tip&#34; &lt;b&gt;"' in html
    with pytest.raises(ValueError, match="outside the text"):
        render("short", [Span("fig-x", 2, 9, "figure")])


@given(
    text=st.text(alphabet="ab ,.đ\nệ<&", min_size=1, max_size=40),
    cuts=st.lists(st.tuples(st.integers(0, 40), st.integers(0, 40)), max_size=6),
)
def test_any_set_of_spans_renders_valid_nesting_with_each_span_text_intact(text, cuts):
    spans = [
        Span(
            f"f{i}", min(a, b) % (len(text) + 1), max(a, b) % (len(text) + 1), ("figure", "statement")[i % 2]
        )
        for i, (a, b) in enumerate(cuts)
    ]
    spans = [s for s in spans if s.start < s.end]
    marks = _parse(render(text, spans + zones(len(text), 0, len(text))))
    assert marks.text == text
    for s in spans:
        assert marks.facts[s.anchor] == text[s.start : s.end]


def test_a_sentence_ends_at_a_full_stop_before_a_space_not_inside_a_number():
    text = "Năm trước. Tỉnh còn hơn 18.300 hộ, chiếm 22,25%, giảm 2,46%. Con số này"
    start = text.index("chiếm")
    lo, hi = sentence_bounds(text, start, start + len("chiếm 22,25%"))
    assert text[lo:hi] == "Tỉnh còn hơn 18.300 hộ, chiếm 22,25%, giảm 2,46%."
