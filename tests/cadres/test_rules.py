import datetime as dt
import importlib

import pytest

from cadres import rules
from cadres.choices import TOP_LEADER_FORBIDDEN_CODES
from tests.factories import make_citizen_id

TODAY = dt.date(2026, 11, 28)


@pytest.mark.parametrize(
    "raw, error",
    [
        ("11010519491231002X", None),  # the standard's example
        ("11010519491231002x", None),  # lower-case x accepted
        ("110105194912310021", "校验位"),  # wrong check digit
        ("11010519490231002X", "出生日期不存在"),  # 31 Feb... 1949-02-31 impossible
        ("1101051949123100", "18位"),  # too short
        ("1101051949123100211", "18位"),  # too long
        ("11010519491231A02X", "前17位"),  # letter in body
        ("110105209912310021", "不合理"),  # future birth date
        ("", "18位"),
    ],
)
def test_parse_citizen_id(raw, error):
    if error is None:
        parsed = rules.parse_citizen_id(raw, today=TODAY)
        assert parsed.birth_date == dt.date(1949, 12, 31)
        assert parsed.gender == "F"  # 17th digit 2 is even
    else:
        with pytest.raises(rules.CitizenIdError, match=error):
            rules.parse_citizen_id(raw, today=TODAY)


def test_generated_ids_are_valid_and_encode_gender():
    for gender in ("M", "F"):
        value = make_citizen_id(dt.date(1980, 2, 29), gender, seq=7)
        parsed = rules.parse_citizen_id(value, today=TODAY)
        assert parsed.birth_date == dt.date(1980, 2, 29)
        assert parsed.gender == gender


def test_mask_shows_only_the_province_and_the_check_character():
    masked = rules.mask_citizen_id("11010519491231002X")
    assert masked == "11***************X"
    assert "19491231" not in masked and "0105" not in masked and "002" not in masked


@pytest.mark.parametrize(
    "start, on, expected",
    [
        (dt.date(1980, 5, 10), dt.date(2026, 5, 9), 45),
        (dt.date(1980, 5, 10), dt.date(2026, 5, 10), 46),
        (dt.date(1980, 2, 29), dt.date(2025, 2, 28), 44),  # leap-day birthday not yet reached
        (dt.date(1980, 2, 29), dt.date(2025, 3, 1), 45),
        (dt.date(1980, 2, 29), dt.date(2024, 2, 29), 44),
        (None, dt.date(2026, 1, 1), None),
        (dt.date(2027, 1, 1), dt.date(2026, 1, 1), None),
    ],
)
def test_full_years(start, on, expected):
    assert rules.full_years(start, on) == expected


FORBIDDEN = sorted(TOP_LEADER_FORBIDDEN_CODES)


@pytest.mark.parametrize(
    "is_top, areas, forbidden, expected",
    [
        (True, ["finance"], FORBIDDEN, ["finance"]),
        (True, ["personnel", "education"], FORBIDDEN, ["personnel"]),
        (True, ["law_enforcement", "overall", "approval"], FORBIDDEN, ["law_enforcement", "approval"]),
        (True, ["asset_disposal", "licensing"], FORBIDDEN, ["asset_disposal", "licensing"]),
        (True, ["construction", "procurement", "construction"], FORBIDDEN, ["construction", "procurement"]),
        (True, ["party_building", "overall"], FORBIDDEN, []),
        (False, ["finance", "personnel"], FORBIDDEN, []),  # deputies may oversee these
        (True, [], FORBIDDEN, []),
        # The catalogue is policy: an administrator may forbid another area or allow one.
        (True, ["education", "finance"], ["education"], ["education"]),
        (True, ["finance"], [], []),
    ],
)
def test_portfolio_violations(is_top, areas, forbidden, expected):
    assert rules.portfolio_violations(is_top, areas, forbidden) == expected


@pytest.mark.parametrize(
    "areas, expected",
    [(["finance", "overall"], []), (["finance", "nope", "nope"], ["nope"]), ([], [])],
)
def test_unknown_portfolio_areas(areas, expected):
    assert rules.unknown_portfolio_areas(areas, ["finance", "overall"]) == expected


# The one-off migration of free text: only unambiguous mentions, never a negated one.
_seed = importlib.import_module("cadres.migrations.0003_portfolio_area_seed")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("不分管财务、人事", []),
        ("主持全面工作，不再分管财务", []),
        ("分管财务和教育工作", ["finance"]),
        ("负责工程建设、物资采购", ["construction", "procurement"]),
        ("主持全面工作，分管审批服务；不分管人事", ["approval"]),
        ("免去分管执法工作", []),
        ("主持党委全面工作", []),
        ("", []),
    ],
)
def test_migration_maps_free_text_only_where_unambiguous(text, expected):
    assert _seed.areas_from_text(text) == expected


@pytest.mark.parametrize(
    "a, b, overlap",
    [
        ((dt.date(2020, 1, 1), dt.date(2021, 1, 1)), (dt.date(2021, 1, 1), None), False),  # back to back
        ((dt.date(2020, 1, 1), dt.date(2021, 1, 2)), (dt.date(2021, 1, 1), None), True),
        ((dt.date(2020, 1, 1), None), (dt.date(2025, 1, 1), None), True),  # both open
        ((dt.date(2020, 1, 1), dt.date(2020, 6, 1)), (dt.date(2019, 1, 1), dt.date(2020, 1, 1)), False),
        ((dt.date(2020, 1, 1), dt.date(2020, 6, 1)), (dt.date(2020, 2, 1), dt.date(2020, 3, 1)), True),
    ],
)
def test_periods_overlap(a, b, overlap):
    assert rules.periods_overlap(*a, *b) is overlap
    assert rules.periods_overlap(*b, *a) is overlap


@pytest.mark.parametrize(
    "birth, error",
    [
        (dt.date(1980, 1, 1), None),
        (dt.date(2026, 11, 29), "不能晚于今天"),
        (dt.date(1900, 1, 1), "不合理"),
        (None, "请填写"),
    ],
)
def test_birth_date_errors(birth, error):
    errors = rules.birth_date_errors(birth, today=TODAY)
    if error is None:
        assert errors == {}
    else:
        assert error in errors["birth_date"]


def test_tenure_end_must_follow_start():
    assert rules.tenure_errors(dt.date(2020, 1, 1), dt.date(2020, 1, 1), today=TODAY)["end_date"]
    assert rules.tenure_errors(dt.date(2020, 1, 1), dt.date(2019, 1, 1), today=TODAY)["end_date"]
    assert rules.tenure_errors(dt.date(2020, 1, 1), dt.date(2020, 1, 2), today=TODAY) == {}


def test_pinyin_initials():
    assert rules.pinyin_initials("张伟") == "zw"
    assert rules.pinyin_initials("欧阳修") == "oyx"


@pytest.mark.parametrize(
    "age, band", [(30, "35岁以下"), (35, "35-40岁"), (45, "41-45岁"), (60, "56岁以上"), (None, "未知")]
)
def test_age_band(age, band):
    assert rules.age_band(age) == band
