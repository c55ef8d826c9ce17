"""Place mentions and their resolution against the gazetteer, in context."""

from __future__ import annotations

import datetime as dt

import pytest

from app.vn.places import find_places, recognize_places, resolve_places
from tests.vn.conftest import article

BEFORE = dt.date(2024, 6, 1)
AFTER = dt.date(2025, 8, 1)


def _resolved(text, index, on=BEFORE, context=()):
    return {
        text[r.mention.start : r.mention.end]: (r.unit.code if r.unit else None)
        for r in recognize_places(text, index, on, context)
    }


@pytest.mark.parametrize(
    ("text", "type_word", "name"),
    [
        ("tại tỉnh Bắc Kạn.", "tỉnh", "Bắc Kạn"),
        ("UBND huyện Bình Gia xung quanh", "huyện", "Bình Gia"),
        ("TP. Bạc Liêu: Nhiều nỗ lực", "TP.", "Bạc Liêu"),
        ("thành phố Bắc Kạn;", "thành phố", "Bắc Kạn"),
        ("thị xã Sơn Tây", "thị xã", "Sơn Tây"),
        ("Phường 5 (TP. Bạc Liêu)", "Phường", "5"),
        ("thị trấn Bằng Lũng", "thị trấn", "Bằng Lũng"),
        ("ở xóm Khe Mong, xã Văn Lăng", "xóm", "Khe Mong"),
        ("thôn Nà Pài", "thôn", "Nà Pài"),
        ("bản Phiêng Phàng", "bản", "Phiêng Phàng"),
    ],
)
def test_type_words_introduce_place_mentions(text, type_word, name):
    mention = find_places(text)[0]
    assert (mention.type_word, mention.name) == (type_word, name)
    assert text[mention.start : mention.end] == f"{type_word} {name}"


def test_a_type_word_with_no_name_after_it_is_no_mention():
    assert find_places("công tác rà soát tại cấp xã, thôn và Tỉnh ủy đã chỉ đạo") == []


def test_a_list_of_names_shares_its_type_word_until_another_type_word(index):
    text = "như huyện Na Rì, Chợ Đồn, Chợ Mới, Bạch Thông, thành phố Bắc Kạn."
    assert _resolved(text, index) == {
        "huyện Na Rì": "066",
        "Chợ Đồn": "064",
        "Chợ Mới": "065",
        "Bạch Thông": "063",
        "thành phố Bắc Kạn": "058",
    }


def test_both_tone_mark_conventions_resolve_to_the_commune_of_the_articles_province(index):
    for spelling in ("Trung Hòa", "Trung Hoà"):
        text = f"Người dân xã {spelling}, huyện Ngân Sơn, tỉnh Bắc Kạn"
        assert _resolved(text, index)[f"xã {spelling}"] == "01948"


def test_without_context_an_ambiguous_name_stays_unresolved(index):
    (only,) = resolve_places(find_places("xã Trung Hòa"), index, BEFORE)
    assert only.unit is None and len(only.candidates) > 1
    (with_context,) = resolve_places(find_places("xã Trung Hòa"), index, BEFORE, context=("062",))
    assert with_context.unit.code == "01948"


def test_the_date_picks_the_era_of_a_reused_name(index):
    assert _resolved("huyện Chợ Đồn", index, BEFORE) == {"huyện Chợ Đồn": "064"}
    assert _resolved("xã Chợ Đồn, tỉnh Thái Nguyên", index, AFTER)["xã Chợ Đồn"] == "02020"
    assert _resolved("tỉnh Bắc Kạn", index, AFTER) == {"tỉnh Bắc Kạn": None}  # merged away


def test_a_run_of_capitals_that_runs_into_a_name_is_trimmed_to_the_unit(index):
    text = "Trưởng Phòng Lao động-Thương binh và Xã hội huyện Đồng Hỷ Lê Thị Thu Hà cho biết"
    assert _resolved(text, index) == {"huyện Đồng Hỷ": "169"}


def test_a_persons_name_is_not_read_as_a_bare_place_name(index):
    assert "Hòa Bình" not in _resolved("Phó Thủ tướng Nguyễn Hòa Bình dự lễ", index)


@pytest.mark.parametrize(
    ("stem", "expected"),
    [
        (
            "000",
            {
                "tỉnh Bắc Kạn": "06",
                "huyện Na Rì": "066",
                "Ngân Sơn": "062",
                "Chợ Mới": "065",
                "thành phố Bắc Kạn": "058",
                "huyện Ba Bể": "061",
                "xã Bằng Lãng": "02065",
                "huyện Chợ Đồn": "064",
                "huyện Pác Nặm": "060",
            },
        ),
        ("001", {"TP. Bạc Liêu": "954", "xã Vĩnh Trạch Đông": "31837", "Phường 5": "31819"}),
        ("002", {"huyện Bình Gia": "181", "tỉnh Lạng Sơn": "20", "Lạng Sơn": "20"}),
        ("003", {"huyện Đồng Hỷ": "169", "Thái Nguyên": "19", "xã Văn Lăng": "05665", "xóm Khe Mong": None}),
        ("004", {"Tỉnh Bắc Kạn": "06", "xã Trung Hòa": "01948", "huyện Ngân Sơn": "062", "Bắc Kạn": "06"}),
    ],
)
def test_places_of_the_seed_articles_resolve_to_their_official_units(index, stem, expected):
    found = _resolved(article(stem), index)
    assert {k: found.get(k, "missing") for k in expected} == expected


@pytest.mark.parametrize(
    ("text", "words", "code"),
    [
        ("Tỷ lệ hộ nghèo cả nước còn 2,93%", "cả nước", "VN"),
        ("Hội nghị toàn quốc tổng kết giảm nghèo", "toàn quốc", "VN"),
        ("Việt Nam hoàn thành sớm mục tiêu", "Việt Nam", "VN"),
        ("Vùng Tây Nguyên có tỷ lệ nghèo cao", "Vùng Tây Nguyên", "VN-4"),
        ("các tỉnh Tây Nguyên giảm nhanh", "Tây Nguyên", "VN-4"),
        ("vùng Đồng bằng sông Cửu Long giảm 1,2%", "vùng Đồng bằng sông Cửu Long", "VN-6"),
        ("13 tỉnh ĐBSCL đều đạt", "ĐBSCL", "VN-6"),
        ("các tỉnh miền núi phía Bắc còn nhiều hộ nghèo", "miền núi phía Bắc", "VN-2"),
        ("vùng Trung du và miền núi phía Bắc dẫn đầu", "vùng Trung du và miền núi phía Bắc", "VN-2"),
        ("Đồng bằng sông Hồng thấp nhất", "Đồng bằng sông Hồng", "VN-1"),
        ("Bắc Trung Bộ và duyên hải miền Trung giảm", "Bắc Trung Bộ và duyên hải miền Trung", "VN-3"),
        ("vùng Đông Nam Bộ gần như không còn hộ nghèo", "vùng Đông Nam Bộ", "VN-5"),
    ],
)
def test_the_country_and_the_macro_regions_resolve_by_their_names(index, text, words, code):
    for on in (BEFORE, AFTER):
        (resolved,) = [r for r in recognize_places(text, index, on) if r.unit is not None]
        assert text[resolved.mention.start : resolved.mention.end] == words
        assert (resolved.unit.code, resolved.unit.valid_on(on)) == (code, True)


def test_a_macro_region_is_the_version_of_the_texts_era(index):
    (before,) = recognize_places("Tây Nguyên", index, BEFORE)
    (after,) = recognize_places("Tây Nguyên", index, AFTER)
    assert (before.unit.valid_to, after.unit.valid_from) == (dt.date(2025, 6, 30), dt.date(2025, 7, 1))


def test_a_province_name_inside_a_region_name_is_not_a_second_mention(index):
    text = "vùng Đồng bằng sông Cửu Long và tỉnh Gia Lai"
    assert _resolved(text, index) == {"vùng Đồng bằng sông Cửu Long": "VN-6", "tỉnh Gia Lai": "64"}
