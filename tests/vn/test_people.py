"""People with honorifics and titles, and abbreviations."""

from __future__ import annotations

import pytest

from app.vn.people import expand_abbreviations, find_people
from tests.vn.conftest import article


def _people(text):
    return {(p.name, p.title) for p in find_people(text)}


def test_honorific_name_then_titles():
    text = (
        "Theo ông Phạm Duy Hưng, Ủy viên Ban thường vụ Tỉnh ủy, Phó Chủ tịch UBND tỉnh Bắc Kạn,"
        " cần tăng cường"
    )
    (p,) = find_people(text)
    assert (p.honorific, p.name) == ("ông", "Phạm Duy Hưng")
    assert p.title == "Ủy viên Ban thường vụ Tỉnh ủy, Phó Chủ tịch UBND tỉnh Bắc Kạn"
    assert p.organization == "Ủy ban nhân dân tỉnh Bắc Kạn"
    assert (
        text[p.start : p.end]
        == "ông Phạm Duy Hưng, Ủy viên Ban thường vụ Tỉnh ủy, Phó Chủ tịch UBND tỉnh Bắc Kạn"
    )


def test_title_then_name_after_dong_chi():
    text = "Theo đồng chí Trưởng Phòng Lao động-Thương binh và Xã hội huyện Đồng Hỷ Lê Thị Thu Hà, địa phương"
    (p,) = find_people(text)
    assert p.name == "Lê Thị Thu Hà"
    assert p.title == "Trưởng Phòng Lao động-Thương binh và Xã hội huyện Đồng Hỷ"
    assert p.organization == "Phòng Lao động-Thương binh và Xã hội huyện Đồng Hỷ"


def test_a_title_without_a_name_is_kept_as_an_unnamed_speaker():
    (p,) = find_people("Đồng chí Trưởng Phòng Lao động-Thương binh và Xã hội huyện Đồng Hỷ cho biết: “...”")
    assert p.name is None and p.title.startswith("Trưởng Phòng")


def test_plain_capitalized_words_are_not_people():
    assert (
        find_people("Chương trình mục tiêu quốc gia giảm nghèo bền vững. Ngân hàng Chính sách xã hội") == []
    )


@pytest.mark.parametrize(
    ("text", "name"),
    [
        # Hmong, Dao, Thai, Tày and Central Highlands family names, in sentences of our own.
        ("Theo ông Giàng Seo Phử, Phó Chủ tịch UBND huyện, cho biết", "Giàng Seo Phử"),
        ("Bà Sùng Thị Mỷ, Chủ tịch Hội Phụ nữ xã, chia sẻ", "Sùng Thị Mỷ"),
        ("ông Vàng A Dình, Bí thư Đảng ủy xã, nói", "Vàng A Dình"),
        ("Chủ tịch UBND xã Lao Chải Thào Mí Sính cho biết: “Năm nay", "Thào Mí Sính"),
        ("ông Chảo Láo Lở, Trưởng thôn, kể", "Chảo Láo Lở"),
        ("Bà Cầm Thị Hoa, Trưởng Phòng Dân tộc huyện, cho hay", "Cầm Thị Hoa"),
        ("ông Tòng Văn Pọm, Phó Chủ tịch UBND xã, nói", "Tòng Văn Pọm"),
        ("Theo ông Ksor Phước, Phó Chủ tịch HĐND tỉnh, cho biết", "Ksor Phước"),
        ("ông Rơ Mah Tuấn, Chủ tịch UBND xã, nói", "Rơ Mah Tuấn"),
        ("Bà Phùng Thị Lan, Phó Giám đốc Sở Lao động, cho biết", "Phùng Thị Lan"),
    ],
)
def test_minority_and_less_common_family_names_are_recognised(text, name):
    assert [p.name for p in find_people(text)] == [name]


@pytest.mark.parametrize(
    "place",
    [
        "tỉnh Hà Giang",
        "tỉnh Bạc Liêu",
        "huyện Quan Hóa",
        "xã La Pán Tẩn",
        "thành phố Cao Bằng",
        "tỉnh Sơn La",
        "Sở Lao động - Thương binh và Xã hội Sơn La",
    ],
)
def test_a_place_named_like_a_family_is_no_person(place):
    assert find_people(f"Chủ tịch UBND {place} cho biết: “Năm nay”") == []
    (p,) = find_people(f"Đồng chí Chủ tịch UBND {place} cho biết: “Năm nay”")
    assert p.name is None and p.title == f"Chủ tịch UBND {place}"
    (p,) = find_people(f"Chủ tịch UBND {place} Lò Văn Pọm cho biết")
    assert p.name == "Lò Văn Pọm" and p.title == f"Chủ tịch UBND {place}"


@pytest.mark.parametrize(
    ("short", "long"),
    [
        ("Phó Chủ tịch UBND huyện", "Phó Chủ tịch Ủy ban nhân dân huyện"),
        ("Đại biểu HĐND tỉnh", "Đại biểu Hội đồng nhân dân tỉnh"),
        ("Phòng LĐ-TB&XH TP. Bạc Liêu", "Phòng Lao động - Thương binh và Xã hội thành phố Bạc Liêu"),
        ("Chương trình MTQG giảm nghèo", "Chương trình mục tiêu quốc gia giảm nghèo"),
    ],
)
def test_usual_abbreviations_expand(short, long):
    assert expand_abbreviations(short) == long


@pytest.mark.parametrize(
    ("stem", "expected"),
    [
        (
            "000",
            {
                ("Phạm Duy Hưng", "Ủy viên Ban thường vụ Tỉnh ủy, Phó Chủ tịch UBND tỉnh Bắc Kạn"),
                ("Trịnh Đức Minh", "Phó Chủ tịch UBND huyện Pác Nặm"),
            },
        ),
        ("002", {("Nông Ngọc Nam", "Phó Chủ tịch UBND huyện Bình Gia")}),
        (
            "003",
            {
                ("Lê Thị Thu Hà", "Trưởng Phòng Lao động-Thương binh và Xã hội huyện Đồng Hỷ"),
                ("Ngô Xuân Huy", "Phó Chủ tịch Ủy ban nhân dân huyện Đồng Hỷ"),
                (None, "Trưởng Phòng Lao động-Thương binh và Xã hội huyện Đồng Hỷ"),
                ("Hoàng Văn Bình", None),
            },
        ),
        ("001", set()),
        ("004", set()),
    ],
)
def test_people_of_the_seed_articles(stem, expected):
    found = _people(article(stem))
    assert expected <= found
    if not expected:
        assert found == set()


def test_a_title_between_dashes_keeps_the_dash_inside_an_office_name():
    text = "bà Lê Thị Bình – Phó Giám đốc Sở Lao động – Thương binh và Xã hội tỉnh Yên Bái – cho biết"
    (p,) = find_people(text)
    assert (p.name, p.title) == (
        "Lê Thị Bình",
        "Phó Giám đốc Sở Lao động – Thương binh và Xã hội tỉnh Yên Bái",
    )
    assert text[p.start : p.end].endswith("tỉnh Yên Bái")
    (p,) = find_people(
        "ông Lò Văn An, Trưởng Phòng Lao động - Thương binh và Xã hội huyện Mù Cang Chải, cho biết"
    )
    assert p.title == "Trưởng Phòng Lao động - Thương binh và Xã hội huyện Mù Cang Chải"
