"""Statements: quoted words and interview answers are direct quotes, reported speech paraphrase."""

from __future__ import annotations

from tests.draft.conftest import page

INTRO = (
    "Năm 2023, công tác giảm nghèo của tỉnh đạt nhiều kết quả quan trọng nhờ sự vào cuộc của cả hệ thống"
    " chính trị."
)


def test_reported_speech_is_a_paraphrase_with_speaker_title_and_organization(draft_of):
    m = draft_of(
        page(
            INTRO,
            "Ông Lò Văn Thắng, Phó Chủ tịch UBND tỉnh Hà Giang cho biết, tỉnh sẽ tiếp tục ưu tiên "
            "nguồn lực cho các xã đặc biệt khó khăn trong thời gian tới.",
        )
    )
    [person] = m["people"]
    assert (person["name"], person["title"]) == ("Lò Văn Thắng", "Phó Chủ tịch UBND tỉnh Hà Giang")
    assert person["organization"] == "Ủy ban nhân dân tỉnh Hà Giang"
    [st] = m["statements"]
    assert st["kind"] == "paraphrase" and st["quote"].startswith("tỉnh sẽ tiếp tục")


def test_words_in_quotation_marks_are_a_direct_quote(draft_of):
    m = draft_of(
        page(
            INTRO,
            "Bà Nguyễn Thị Mai, Giám đốc Sở Lao động - Thương binh và Xã hội tỉnh Hà Giang nhấn mạnh: "
            "“Chúng tôi sẽ rà soát kỹ từng hộ để hỗ trợ đúng người, đúng nhu cầu”.",
        )
    )
    [st] = m["statements"]
    assert st["kind"] == "direct_quote" and st["quote"].startswith("Chúng tôi sẽ rà soát")
    assert m["people"][0]["name"] == "Nguyễn Thị Mai"


def test_an_interview_answer_is_one_direct_quote_until_the_next_question(draft_of):
    m = draft_of(
        page(
            INTRO,
            "PV: Xin ông cho biết những khó khăn trong công tác giảm nghèo của huyện hiện nay?",
            "Ông Hoàng Văn Pó, Chủ tịch UBND huyện Đồng Văn: Khó khăn lớn nhất là địa hình chia cắt, "
            "đất sản xuất ít và nhiều hộ còn thiếu vốn để phát triển sản xuất.",
            "Bên cạnh đó, trình độ của một bộ phận người dân còn hạn chế nên việc áp dụng khoa học kỹ thuật"
            " còn chậm.",
            "PV: Huyện có giải pháp gì trong thời gian tới để giảm nghèo bền vững, thưa ông?",
        )
    )
    [st] = m["statements"]
    assert st["kind"] == "direct_quote" and st["person"] == "hoang-van-po"
    assert st["quote"].startswith("Khó khăn lớn nhất") and st["until"].endswith("còn chậm.")


def test_a_title_between_dashes_and_its_quote(draft_of):
    m = draft_of(
        page(
            INTRO,
            "Bà Sùng Thị Mỷ – Chủ tịch Hội Liên hiệp Phụ nữ huyện Mèo Vạc – chia sẻ: “Chị em đã mạnh dạn "
            "vay vốn để phát triển chăn nuôi, nhiều hộ đã thoát nghèo bền vững”.",
        )
    )
    [person] = m["people"]
    assert (person["name"], person["title"]) == ("Sùng Thị Mỷ", "Chủ tịch Hội Liên hiệp Phụ nữ huyện Mèo Vạc")
    [st] = m["statements"]
    assert st["kind"] == "direct_quote" and st["quote"].startswith("Chị em đã mạnh dạn")


def test_a_quote_printed_before_its_speaker_is_theirs(draft_of):
    m = draft_of(
        page(
            INTRO,
            "“Chúng tôi xác định giảm nghèo là nhiệm vụ chính trị trọng tâm của cả nhiệm kỳ”, "
            "ông Vàng A Dình, Bí thư Đảng ủy xã Lũng Cú cho biết.",
        )
    )
    [st] = m["statements"]
    assert (st["person"], st["kind"]) == ("vang-a-dinh", "direct_quote")
    assert st["quote"].startswith("Chúng tôi xác định") and "Vàng" not in st.get("until", "")
