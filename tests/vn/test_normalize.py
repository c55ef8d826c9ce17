"""Normalization and folding: NFC, one tone-mark convention, ASCII search keys."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.vn.normalize import canonical_tone_marks, fold, normalize_name, slugify


@pytest.mark.parametrize(
    ("name", "folded"),
    [
        ("Bắc Kạn", "bac kan"),
        ("Đồng Hỷ", "dong hy"),
        ("  Xã  Tân Ân ", "xa tan an"),
        ("Thành Phố Bắc Kạn", "thanh pho bac kan"),
    ],
)
def test_fold_gives_lowercase_ascii_with_single_spaces(name, folded):
    assert fold(name) == folded


@pytest.mark.parametrize(
    ("new_style", "old_style"),
    [
        ("Trung Hoà", "Trung Hòa"),
        ("thuỷ", "thủy"),
        ("khoẻ", "khỏe"),
        ("Thanh Hoá", "Thanh Hóa"),
        ("Hoà Bình", "Hòa Bình"),
    ],
)
def test_both_tone_mark_conventions_fold_to_one_form(new_style, old_style):
    assert canonical_tone_marks(new_style) == canonical_tone_marks(old_style) == old_style
    assert normalize_name(new_style) == normalize_name(old_style)


@pytest.mark.parametrize("word", ["Hoàng", "huỳnh", "quý", "Quỳnh", "ngoài", "thuế"])
def test_tone_marks_that_are_not_ambiguous_stay_where_they_are(word):
    assert canonical_tone_marks(word) == word


def test_decomposed_input_is_stored_composed():
    decomposed = unicodedata.normalize("NFD", "Bắc Kạn")
    assert normalize_name(decomposed) == "Bắc Kạn"


def test_slugify_names_people_for_keys():
    assert slugify("Phạm Duy Hưng") == "pham-duy-hung"


@given(st.text())
def test_fold_never_raises_and_gives_ascii(text):
    assert fold(text).isascii()


@given(st.text())
def test_normalization_is_idempotent(text):
    once = normalize_name(text)
    assert normalize_name(once) == once
    assert canonical_tone_marks(canonical_tone_marks(text)) == canonical_tone_marks(text)
