"""Figures drafted from sentences written for these tests: indicator, status, period, qualifier,
change and baseline, region, and the numbers that are no figures."""

from __future__ import annotations

import pytest

from tests.draft.conftest import FILLER, figure, left_out, page


def test_a_reported_result_is_actual_with_its_year_indicator_and_the_article_region(draft_of):
    m = draft_of(page(f"Năm 2023, toàn tỉnh còn 15.420 hộ nghèo, chiếm tỷ lệ 17,8% tổng số hộ dân. {FILLER}"))
    households = figure(m, "15.420")
    assert households["indicator"] == "poor_households"
    assert (households["value"], households["period"], households["status"]) == (15420, "2023", "actual")
    assert households["region"] == "02"
    rate = figure(m, "17,8%")
    assert (rate["indicator"], rate["value"]) == ("poor_household_rate", 17.8)


@pytest.mark.parametrize(
    ("sentence", "number", "status"),
    [
        (
            "Theo kết quả rà soát sơ bộ, năm 2023 toàn tỉnh còn 14.300 hộ nghèo trên địa bàn.",
            "14.300",
            "preliminary",
        ),
        ("Dự kiến đến cuối năm 2024, toàn tỉnh có thêm 2.100 hộ thoát nghèo bền vững.", "2.100", "expected"),
        ("Năm 2024, tỉnh phấn đấu có 2.500 hộ thoát nghèo theo kế hoạch đã đề ra.", "2.500", "target"),
        ("Chỉ tiêu năm 2024 của tỉnh là 1.900 hộ thoát nghèo trên toàn địa bàn.", "1.900", "target"),
        ("Mục tiêu đến năm 2025 có 3.000 hộ thoát nghèo trong toàn tỉnh.", "3.000", "target"),
        ("Năm 2023, toàn tỉnh có 2.345 hộ thoát nghèo, vượt chỉ tiêu đề ra.", "2.345", "actual"),
    ],
)
def test_status_follows_the_cue_words(draft_of, sentence, number, status):
    m = draft_of(page(f"{sentence} {FILLER}"))
    fig = figure(m, number)
    assert fig["indicator"] == "households_escaped_poverty" or "hộ nghèo" in fig["quote"]
    assert fig["status"] == status


@pytest.mark.parametrize(
    ("sentence", "number", "period"),
    [
        ("Tính đến cuối năm 2019, toàn tỉnh còn 30.150 hộ nghèo theo chuẩn nghèo cũ.", "30.150", "2019"),
        ("Giai đoạn 2021-2025, tỉnh phấn đấu có 9.000 hộ thoát nghèo trên địa bàn.", "9.000", "2021-2025"),
        (
            "Trong 6 tháng đầu năm 2024, toàn tỉnh có 870 hộ thoát nghèo nhờ các chính sách.",
            "870",
            "2024-01-01/2024-06-30",
        ),
        (
            "Từ năm 2022 đến nay, toàn tỉnh đã có 4.120 hộ thoát nghèo bền vững.",
            "4.120",
            "2022-01-01/2024-03-10",
        ),
        (
            "Đến nay, toàn tỉnh đã giải quyết việc làm cho 6.300 lao động nông thôn.",
            "6.300",
            "2024-01-01/2024-03-10",
        ),
        (
            "Giai đoạn 2021-2025, đến nay tỉnh đã đào tạo nghề cho 5.600 lao động nông thôn.",
            "5.600",
            "2021-01-01/2024-03-10",
        ),
    ],
)
def test_period_is_read_from_the_words_before_the_number(draft_of, sentence, number, period):
    m = draft_of(page(f"{sentence} {FILLER}"))
    assert figure(m, number)["period"] == period


def test_a_fall_is_a_signed_change_against_the_year_it_compares_with(draft_of):
    m = draft_of(page(f"Năm 2023, tỷ lệ hộ nghèo của tỉnh là 20,1%, giảm 3,4% so với năm 2022. {FILLER}"))
    change = figure(m, "3,4%")
    assert change["indicator"] == "poor_household_rate_change"
    assert (change["value"], change["baseline"], change["period"]) == (-3.4, "2022", "2023")


def test_a_rise_in_near_poor_households_is_positive(draft_of):
    m = draft_of(page(f"Năm 2023, số hộ cận nghèo của tỉnh tăng 215 hộ so với năm 2022. {FILLER}"))
    change = figure(m, "215")
    assert (change["indicator"], change["value"], change["baseline"]) == (
        "near_poor_households_change",
        215,
        "2022",
    )


def test_falling_to_a_level_is_a_level_not_a_change(draft_of):
    m = draft_of(page(f"Đến hết năm 2023, tỷ lệ hộ nghèo của tỉnh giảm xuống còn 12,5% tổng số hộ. {FILLER}"))
    assert figure(m, "12,5%")["indicator"] == "poor_household_rate"


def test_a_falling_range_is_low_minus_five_high_minus_four(draft_of):
    m = draft_of(page(f"Năm 2024, tỉnh phấn đấu giảm tỷ lệ hộ nghèo thêm 4-5% so với năm 2023. {FILLER}"))
    fig = figure(m, "4-5%")
    assert (fig["value"], fig["value_high"], fig["status"]) == (-5, -4, "target")


@pytest.mark.parametrize(
    ("words", "qualifier"),
    [
        ("hơn", "more_than"),
        ("trên", "more_than"),
        ("gần", "nearly"),
        ("khoảng", "about"),
        ("ít nhất", "at_least"),
        ("tối thiểu", "at_least"),
    ],
)
def test_the_qualifier_is_the_word_before_the_number(draft_of, words, qualifier):
    m = draft_of(
        page(f"Năm 2023, toàn tỉnh có {words} 1.250 hộ thoát nghèo nhờ các chính sách hỗ trợ. {FILLER}")
    )
    fig = figure(m, "1.250")
    assert fig["qualifier"] == qualifier
    assert words in fig["quote"]


def test_both_spellings_of_ty_le_are_the_same_cue(draft_of):
    m = draft_of(page(f"Năm 2023, tỉ lệ hộ cận nghèo của tỉnh là 9,4% tổng số hộ dân cư. {FILLER}"))
    assert figure(m, "9,4%")["indicator"] == "near_poor_household_rate"


@pytest.mark.parametrize(
    ("sentence", "number", "indicator"),
    [
        ("Năm 2023, toàn tỉnh có 312 hộ tái nghèo do thiên tai và ốm đau.", "312", "re_poor_households"),
        (
            "Năm 2023, toàn tỉnh phát sinh 540 hộ nghèo phát sinh mới sau rà soát.",
            "540",
            "newly_poor_households",
        ),
        ("Năm 2023, tỉnh đã xây dựng 640 căn nhà đại đoàn kết cho hộ nghèo.", "640", "great_unity_houses"),
        (
            "Năm 2023, có 12 xã thoát khỏi diện đặc biệt khó khăn trên địa bàn tỉnh.",
            "12",
            "communes_left_extremely_difficult",
        ),
        (
            "Năm 2023, toàn tỉnh cấp 45.000 thẻ bảo hiểm y tế cho người nghèo.",
            "45.000",
            "health_insurance_cards",
        ),
    ],
)
def test_the_indicator_comes_from_its_cue_phrase(draft_of, sentence, number, indicator):
    m = draft_of(page(f"{sentence} {FILLER}"))
    assert figure(m, number)["indicator"] == indicator


def test_a_figure_whose_indicator_is_unknown_is_left_out_not_guessed(draft_of):
    m = draft_of(
        page(f"Năm 2023, tỉnh đã tổ chức 37 hội nghị tuyên truyền về pháp luật cho người dân. {FILLER}")
    )
    assert left_out(m, "37")["reason"] == "indicator not recognised"
    assert not [f for f in m.get("figures", []) if "37" in f["quote"]]


@pytest.mark.parametrize(
    ("sentence", "number", "reason"),
    [
        (
            "Sau 3 năm triển khai, chương trình đã mang lại nhiều kết quả tích cực cho người dân.",
            "3",
            "duration",
        ),
        ("Ông đã 65 tuổi nhưng vẫn tích cực tham gia các hoạt động giúp đỡ hộ nghèo.", "65", "age"),
        ("Tỉnh xếp thứ 5 trong khu vực về kết quả thực hiện công tác giảm nghèo.", "5", "rank"),
    ],
)
def test_durations_ages_and_ranks_are_left_out_with_a_reason(draft_of, sentence, number, reason):
    m = draft_of(page(f"{sentence} {FILLER}"))
    assert reason in left_out(m, f" {number} ")["reason"] or reason in left_out(m, number)["reason"]


def test_a_named_district_in_the_sentence_is_the_region(draft_of):
    m = draft_of(page(f"Năm 2023, huyện Mèo Vạc còn 5.210 hộ nghèo, cao nhất toàn tỉnh. {FILLER}"))
    fig = figure(m, "5.210")
    assert fig["region"] != "02" and fig["region"].startswith("0")


@pytest.mark.parametrize(
    "sentence",
    [
        "Năm 2023, tỷ lệ hộ nghèo cả nước còn 2,93% theo chuẩn nghèo đa chiều.",
        "Năm 2023, tỷ lệ hộ nghèo trên toàn quốc còn 2,93% theo chuẩn nghèo đa chiều.",
        "Năm 2023, tỷ lệ hộ nghèo của Việt Nam còn 2,93% theo chuẩn nghèo đa chiều.",
    ],
)
def test_a_national_figure_in_a_provincial_article_is_the_country_vn(draft_of, sentence):
    m = draft_of(page(f"{sentence} {FILLER}"))
    assert figure(m, "2,93%")["region"] == "VN"
    assert m["defaults"]["region"] == "02"


def test_money_is_a_funding_item_with_source_and_status(draft_of):
    m = draft_of(
        page(
            "Năm 2023, tỉnh được Trung ương phân bổ hơn 450 tỷ đồng để thực hiện các dự án giảm nghèo. "
            + FILLER
        )
    )
    [item] = [f for f in m["funding"] if "450" in f["quote"]]
    assert (item["amount_vnd"], item["qualifier"], item["source"], item["status"]) == (
        450_000_000_000,
        "more_than",
        "central_budget",
        "allocated",
    )


def test_every_figure_says_how_sure_the_drafter_is(draft_of):
    m = draft_of(page(f"Năm 2023, toàn tỉnh còn 15.420 hộ nghèo trên địa bàn. {FILLER}", FILLER))
    assert all(f["confidence"] in ("high", "medium", "low") for f in m["figures"])
    assert m["report"]["drafted_by"].startswith("povertydb draft") and m["report"]["reviewed"] is False


@pytest.mark.parametrize(
    ("sentence", "code"),
    [
        ("Năm 2023, Tây Nguyên có tỷ lệ nghèo đa chiều là 12,1%, cao nhất trong các vùng.", "VN-4"),
        ("Năm 2023, vùng Tây Nguyên có tỷ lệ nghèo đa chiều là 12,1%, cao nhất trong các vùng.", "VN-4"),
        ("Năm 2023, các tỉnh Tây Nguyên có tỷ lệ nghèo đa chiều là 12,1%, cao nhất cả nước.", "VN-4"),
        ("Năm 2023, vùng Trung du và miền núi phía Bắc có tỷ lệ nghèo đa chiều là 12,1%.", "VN-2"),
        ("Năm 2023, tỷ lệ nghèo đa chiều của ĐBSCL là 12,1%, giảm so với năm trước.", "VN-6"),
    ],
)
def test_a_socio_economic_region_is_its_vn_code_with_or_without_vung(draft_of, sentence, code):
    m = draft_of(page(f"{sentence} {FILLER}"))
    assert figure(m, "12,1%")["region"] == code


@pytest.mark.parametrize(
    "sentence",
    [
        "Năm 2023, Ngân hàng Chính sách xã hội Việt Nam chi nhánh tỉnh đã cho 3.250 hộ nghèo vay vốn.",
        "Năm 2023, Quỹ Vì người nghèo Việt Nam đã giúp 3.250 hộ nghèo trong tỉnh vay vốn.",
        "Năm 2023, Tập đoàn Điện lực Việt Nam đã cho 3.250 hộ nghèo trong tỉnh vay vốn.",
    ],
)
def test_viet_nam_inside_an_organisations_name_is_not_the_figures_region(draft_of, sentence):
    m = draft_of(page(f"{sentence} {FILLER}"))
    assert figure(m, "3.250")["region"] == "02"


def test_viet_nam_in_an_organisation_in_the_title_does_not_make_a_national_article(draft_of):
    text = page(
        f"Năm 2023, tỉnh Hà Giang còn 15.420 hộ nghèo trên địa bàn theo kết quả rà soát. {FILLER}",
        f"Năm 2023, toàn tỉnh đã có 3.250 hộ nghèo được vay vốn ưu đãi. {FILLER}",
        title="Ngân hàng Chính sách xã hội Việt Nam dành vốn ưu đãi cho hộ nghèo",
    )
    m = draft_of(text)
    assert m["defaults"]["region"] == "02"


def test_a_province_ranked_against_the_country_keeps_its_own_region(draft_of):
    m = draft_of(page(f"Năm 2023, tỉnh Hà Giang có tỷ lệ hộ nghèo cao nhất cả nước với 20,4%. {FILLER}"))
    assert figure(m, "20,4%")["region"] == "02"


def test_the_poverty_standards_own_period_is_not_the_figures_period(draft_of):
    m = draft_of(
        page(
            "Kết quả rà soát năm 2023 theo chuẩn nghèo đa chiều giai đoạn 2022-2025 cho thấy toàn tỉnh còn"
            f" 8.450 hộ nghèo. {FILLER}"
        )
    )
    assert figure(m, "8.450")["period"] == "2023"


def test_a_national_article_drafts_provincial_figures_for_their_provinces_and_the_rest_for_vn(draft_of):
    text = page(
        f"Năm 2023, tỷ lệ hộ nghèo chung toàn quốc là 2,9%, tổng số hộ nghèo là 812.400 hộ. {FILLER}",
        f"Riêng tỉnh Kon Tum, năm 2023 còn 10.150 hộ nghèo theo kết quả rà soát cuối năm. {FILLER}",
        f"Năm 2023, tỷ lệ hộ nghèo ở vùng Tây Nguyên là 11,4%, cao hơn mức chung. {FILLER}",
        title="Kết quả rà soát hộ nghèo toàn quốc năm 2023",
    )
    m = draft_of(text)
    assert m["defaults"]["region"] == "VN"
    assert figure(m, "2,9%")["region"] == "VN"
    assert figure(m, "812.400")["region"] == "VN"
    assert figure(m, "10.150")["region"] == "62"
    assert figure(m, "11,4%")["region"] == "VN-4"


def test_a_title_naming_only_a_socio_economic_region_makes_it_the_articles_unit(draft_of):
    text = page(
        f"Năm 2023, toàn vùng còn 98.500 hộ nghèo theo kết quả rà soát cuối năm. {FILLER}",
        title="Đồng bằng sông Cửu Long giảm nghèo bền vững",
    )
    m = draft_of(text)
    assert m["defaults"]["region"] == "VN-6"
    assert figure(m, "98.500")["region"] == "VN-6"


def test_since_the_start_of_the_year_runs_to_the_publication_date(draft_of):
    m = draft_of(
        page(f"Từ đầu năm 2024 đến nay, toàn tỉnh đã giải quyết việc làm cho 2.150 lao động. {FILLER}")
    )
    assert figure(m, "2.150")["period"] == "2024-01-01/2024-03-10"


def test_one_households_story_is_left_out_not_counted(draft_of):
    m = draft_of(
        page(
            "Gia đình anh Hoàng Văn Sáng ở xã Lũng Cú từng là hộ nghèo lâu năm của địa phương."
            f" Sau khi được vay 50 triệu đồng để nuôi bò, gia đình anh đã có cuộc sống ổn định hơn. {FILLER}"
        )
    )
    assert "household's story" in left_out(m, "50 triệu")["reason"]
    assert not m.get("funding")


def test_households_over_the_poverty_line_escaped_poverty(draft_of):
    m = draft_of(page("Năm 2023, nguồn vốn vay đã giúp 1.870 hộ vượt qua ngưỡng nghèo. " + FILLER))
    assert figure(m, "1.870")["indicator"] == "households_escaped_poverty"


def test_attaining_more_than_the_plan_is_a_plans_attainment_not_a_share(draft_of):
    m = draft_of(
        page("Năm 2024, các cấp đã vận động Quỹ Vì người nghèo được 52 tỷ đồng, đạt 112% kế hoạch. " + FILLER)
    )
    attained = figure(m, "112%")
    assert (attained["indicator"], attained["value"]) == ("plan_attainment", 112)


def test_poor_households_helped_to_develop_production_are_counted(draft_of):
    m = draft_of(page("Năm 2024, tỉnh đã hỗ trợ 1.480 hộ nghèo phát triển sản xuất. " + FILLER))
    assert figure(m, "1.480")["indicator"] == "households_supported_production"
