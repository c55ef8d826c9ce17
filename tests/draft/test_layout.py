"""The article on the page: metadata as printed, and page chrome kept out of the body."""

from __future__ import annotations

from app.draft.body import layout
from tests.draft.conftest import page

LEAD = (
    "Năm 2023, toàn tỉnh còn 15.420 hộ nghèo, chiếm tỷ lệ 17,8% tổng số hộ dân, "
    "giảm 2,1% so với năm 2022 nhờ sự vào cuộc của cả hệ thống chính trị."
)
MORE = "Các cấp, các ngành trong tỉnh đã vào cuộc quyết liệt để thực hiện các mục tiêu giảm nghèo đề ra."


def test_title_author_and_date_come_from_the_byline_not_the_site_clock():
    text = "\n".join(
        [
            "Thứ Hai, ngày 20 tháng 05 năm 2024, 10:12:45",  # the site's clock, above the headline
            "",
            "Tỉnh Hà Giang đẩy mạnh công tác giảm nghèo bền vững",
            "",
            "04/03/2024 | Tác giả: Ngọc Lan Lượt xem: 1.532",
            "",
            LEAD,
            "",
            MORE,
        ]
    )
    found = layout(text)
    assert found.title == "Tỉnh Hà Giang đẩy mạnh công tác giảm nghèo bền vững"
    assert (found.published, found.author) == ("04/03/2024", "Ngọc Lan")
    assert text[found.body[0] : found.body[1]].startswith("Năm 2023")


def test_comment_boxes_teasers_polls_and_footers_stay_outside_the_body():
    text = page(LEAD, MORE) + "\n".join(
        [
            "Ý kiến bạn đọc",
            "Bạn có hài lòng với chất lượng dịch vụ công của tỉnh?",
            "Bình chọn",
            "Tin cùng chuyên mục",
            "Lào Cai có thêm 2.000 hộ thoát nghèo - 5 giờ trước",
            "Bản quyền thuộc về Báo Thử Nghiệm. Lượt truy cập: 1.234.567",
        ]
    )
    found = layout(text)
    body = text[found.body[0] : found.body[1]]
    assert body.startswith("Năm 2023") and body.endswith("giảm nghèo đề ra.")
    for chrome in ("Bình luận", "Tin liên quan", "2.000", "1.234.567", "Bình chọn", "12:30"):
        assert chrome not in body


def test_a_lead_with_the_outlets_mark_names_the_publisher():
    text = page("NDT - " + LEAD, MORE)
    assert layout(text).publisher == "NDT"


def test_a_page_without_prose_has_no_body():
    assert layout("Trang chủ\nĐăng nhập\n09:15 10/03/2024\n").body is None


def test_photo_captions_inside_the_body_are_left_out_not_drafted(draft_of):
    text = page(LEAD, "anh-ho-ngheo-2024.jpg", "Ảnh: 35 hộ nghèo xã Lũng Cú nhận bò giống", MORE)
    m = draft_of(text)
    assert not [f for f in m.get("figures", []) if "35" in f["quote"]]
    assert any("caption" in x["reason"] for x in m["left_out"] if "35" in x["quote"])


def test_a_page_without_a_printed_date_drafts_with_a_guessed_validity_date(drafter):
    text = page(LEAD, MORE, byline="Theo Báo Thử Nghiệm")
    result = drafter.draft(text)
    report = result.mapping["report"]
    assert "published" not in report and report["regions_valid_on"] == "2023-01-01"
    assert any("no printed date" in r for r in result.reviews)


def test_widgets_between_the_byline_and_the_body_are_not_the_title():
    text = "\n".join(
        [
            "Tỉnh Hà Giang đẩy mạnh công tác giảm nghèo bền vững",
            "Ngày đăng: 06/03/2024 16:49",
            "Mặc định Cỡ chữ In bài",
            LEAD,
            "",
            MORE,
        ]
    )
    found = layout(text)
    assert found.title == "Tỉnh Hà Giang đẩy mạnh công tác giảm nghèo bền vững"
    assert found.published == "06/03/2024 16:49"


def test_an_inline_link_to_another_story_neither_ends_the_body_nor_is_drafted(draft_of):
    text = page(LEAD, "Xem thêm: Yên Bái có thêm 1.300 hộ thoát nghèo trong năm 2023", MORE)
    m = draft_of(text)
    found = layout(text)
    assert text[found.body[0] : found.body[1]].endswith("giảm nghèo đề ra.")
    assert not [f for f in m.get("figures", []) if "1.300" in f["quote"]]
    assert any(x["reason"] == "a link to another story" for x in m["left_out"])


def test_a_weekday_before_the_printed_date_is_not_the_author():
    found = layout(page(LEAD, MORE, byline="Thứ Năm, 12/12/2024 - 09:15"))
    assert (found.published, found.author) == ("12/12/2024 - 09:15", None)
    found = layout(page(LEAD, MORE, byline="Chủ nhật, 08/12/2024 - 07:30"))
    assert found.author is None
