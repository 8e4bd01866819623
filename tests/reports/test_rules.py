"""Pure rules, table-driven."""

import datetime as dt
from collections import Counter
from decimal import Decimal

import pytest

from reports import rules
from reports.catalogue import read

ITEMS = {it["code"]: it for it in read("2017")["items"]}
P3 = ITEMS["P3"]["fields"]
P1 = ITEMS["P1"]["fields"]
F2 = ITEMS["F2"]["fields"]
P4 = ITEMS["P4"]["fields"]


def test_catalogue_is_the_2017_list():
    cats = Counter(it["category"] for it in ITEMS.values())
    assert cats == {"family": 8, "property": 6}
    assert ITEMS["P3"]["title"].startswith("本人、配偶、共同生活的子女为所有权人或者共有人的房产")


@pytest.mark.parametrize(
    "fields,data,key,message",
    [
        (P1, {"income_kind": "工资", "amount": "-1"}, "amount", "不能为负数"),
        (P1, {"income_kind": "工资", "amount": "5000000"}, "amount", "超出合理范围"),
        (P1, {"income_kind": "工资", "amount": "abc"}, "amount", "应为数字"),
        (P1, {"income_kind": "工资", "amount": "NaN"}, "amount", "应为数字"),
        (P1, {"income_kind": "股息", "amount": "1"}, "income_kind", "不在可选范围"),
        (P1, {"income_kind": "工资"}, "amount", "请填写"),
        (
            P3,
            {"owner": "本人", "address": "某地", "area": "90", "use": "住宅", "share": "120"},
            "share",
            "不能超过 100%",
        ),
        (
            P3,
            {"owner": "本人", "address": "某地", "area": "90", "use": "住宅", "share": "0"},
            "share",
            "应大于 0%",
        ),
        (
            P3,
            {"owner": "本人", "address": "某地", "area": "0", "use": "住宅", "share": "100"},
            "area",
            "不合理",
        ),
        (
            P3,
            {
                "owner": "本人",
                "address": "某地",
                "area": "90",
                "use": "住宅",
                "share": "100",
                "acquired_on": "2031-01-01",
            },
            "acquired_on",
            "不能晚于报告年度末",
        ),
        (F2, {"record_type": "出行", "trip_start": "2019-12-31"}, "trip_start", "须在报告年度（2020年）内"),
        (F2, {"record_type": "出行", "trip_start": "2020-13-01"}, "trip_start", "日期格式不正确"),
        (P1, {"income_kind": "工资", "amount": "1", "bogus": "x"}, "bogus", "未知的填报栏目"),
    ],
)
def test_validate_entry_rejects(fields, data, key, message):
    _clean, errors = rules.validate_entry(fields, data, year=2020)
    assert key in errors and message in errors[key]


def test_validate_entry_cleans():
    clean, errors = rules.validate_entry(
        P3,
        {
            "owner": "本人",
            "address": " 某地 ",
            "area": "89.5",
            "use": "住宅",
            "share": "50",
            "price": "1,200",
        },
        year=2020,
    )
    assert errors == {}
    assert clean["address"] == "某地" and clean["area"] == "89.50" and clean["price"] == "1200.00"
    _c, errors = rules.validate_entry(
        F2, {"record_type": "出行", "trip_start": "2020-06-01", "trip_end": "2020-06-09"}, year=2020
    )
    assert errors == {}


def test_max_amount_is_a_parameter():
    _c, errors = rules.validate_entry(
        P1, {"income_kind": "工资", "amount": "60"}, year=2020, max_amount=Decimal(50)
    )
    assert "amount" in errors


@pytest.mark.parametrize(
    "status,submitted,today,expected",
    [
        ("not_started", None, dt.date(2021, 1, 10), "not_started"),
        ("draft", None, dt.date(2021, 1, 31), "draft"),
        ("draft", None, dt.date(2021, 2, 1), "overdue"),
        ("not_started", None, dt.date(2021, 2, 1), "overdue"),
        ("submitted", dt.date(2021, 1, 31), dt.date(2021, 3, 1), "submitted"),
        ("submitted", dt.date(2021, 2, 1), dt.date(2021, 3, 1), "submitted_late"),
    ],
)
def test_display_status(status, submitted, today, expected):
    assert rules.display_status(status, submitted, dt.date(2021, 1, 31), today) == expected


@pytest.mark.parametrize(
    "year,month,day,expected",
    [
        (2024, 1, 31, dt.date(2025, 1, 31)),
        (2023, 2, 30, dt.date(2024, 2, 29)),
        (2024, 2, 30, dt.date(2025, 2, 28)),
    ],
)
def test_default_deadline(year, month, day, expected):
    assert rules.default_deadline(year, month, day) == expected


@pytest.mark.parametrize(
    "none,count,expected",
    [(True, 0, None), (False, 2, None), (True, 1, "不能同时填写条目"), (False, 0, None)],
)
def test_answer_errors(none, count, expected):
    msg = rules.answer_errors(none, count, title="房产")
    assert (msg is None) if expected is None else (expected in msg)


def test_completeness_requires_explicit_answer_per_item():
    items = [("F1", "婚姻"), ("F2", "护照"), ("P1", "工资")]
    missing = rules.completeness_errors(items, {"F1": (False, 1), "F2": (True, 0), "P1": (False, 0)})
    assert len(missing) == 1 and "“工资”未填报" in missing[0]


def test_compare_entries_added_removed_changed_amounts():
    prev = [
        {"holder": "本人", "product_kind": "股票", "product_name": "贵州茅台", "amount": "10.00"},
        {"holder": "配偶", "product_kind": "基金", "product_name": "沪深300", "amount": "5.00"},
    ]
    cur = [
        {"holder": "本人", "product_kind": "股票", "product_name": "贵州茅台", "amount": "12.50"},
        {"holder": "本人", "product_kind": "投资型保险", "product_name": "平安福", "amount": "3.00"},
    ]
    cmp = rules.compare_entries(P4, prev, cur)
    assert [e["product_name"] for e in cmp.added] == ["平安福"]
    assert [e["product_name"] for e in cmp.removed] == ["沪深300"]
    assert len(cmp.changed) == 1 and cmp.changed[0].changed == ["amount"]
    assert cmp.changed[0].amount_deltas == {"amount": "+2.50"}
    assert cmp.has_changes


def test_compare_entries_without_identity_matches_by_position():
    f1 = ITEMS["F1"]["fields"]
    cmp = rules.compare_entries(
        f1, [{"marital_status": "未婚"}], [{"marital_status": "已婚", "spouse_name": "李红"}]
    )
    assert not cmp.added and not cmp.removed and cmp.changed[0].changed == ["marital_status", "spouse_name"]


def test_compare_reports_answer_change_and_identical():
    items = [{"code": "P4", "fields": P4}, {"code": "P6", "fields": ITEMS["P6"]["fields"]}]
    prev = {"P4": (True, []), "P6": (True, [])}
    cur = {
        "P4": (False, [{"holder": "本人", "product_kind": "股票", "product_name": "A", "amount": "1"}]),
        "P6": (True, []),
    }
    out = {c.code: c for c in rules.compare_reports(items, prev, cur)}
    assert out["P4"].answer_changed and len(out["P4"].added) == 1
    assert not out["P6"].has_changes


# --- sampling ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "n,share,expected", [(0, 10, 0), (1, 10, 1), (10, 10, 1), (11, 10, 2), (100, 10, 10), (5, 100, 5)]
)
def test_sample_size(n, share, expected):
    assert rules.sample_size(n, share) == expected


def test_draw_is_reproducible_from_its_seed():
    pool = list(range(1, 201))
    a = rules.draw_sample(pool, [], 10, "seed-2024")
    b = rules.draw_sample(list(reversed(pool)), [], Decimal("10"), "seed-2024")
    c = rules.draw_sample(pool, [], 10, "another")
    assert a == b and len(a.selected) == 20
    assert a.selected != c.selected


def test_draw_is_fair_over_many_seeds():
    pool = list(range(1, 101))
    counts = Counter()
    runs = 2000
    for i in range(runs):
        counts.update(rules.draw_sample(pool, [], 10, f"s{i}").selected)
    # each cadre expected 10% of draws = 200; binomial sd ~ 13.4: allow ±5 sd
    assert all(abs(counts[c] - 200) < 67 for c in pool), counts.most_common(3)
    # the whole distribution is flat: chi-square with 99 dof well under the 0.1% critical value (~148)
    chi2 = sum((counts[c] - 200) ** 2 / 200 for c in pool)
    assert chi2 < 148


def test_no_cadre_sampled_two_years_running():
    pool = list(range(1, 61))
    previous: list[int] = []
    for year in range(2015, 2035):
        draw = rules.draw_sample(pool, previous, 10, f"y{year}")
        assert not set(draw.selected) & set(previous)
        assert not draw.repeat_allowed and len(draw.selected) == 6
        previous = draw.selected


def test_small_pool_allows_repeat_and_says_so():
    draw = rules.draw_sample([1, 2, 3], [1, 2, 3], 50, "x")
    assert draw.repeat_allowed and len(draw.selected) == 2
    draw = rules.draw_sample([1, 2, 3], [1, 2], 50, "x")
    assert draw.repeat_allowed and 3 in draw.selected and len(draw.selected) == 2
    assert rules.draw_sample([1, 2, 3], [1], 50, "x").selected == [2, 3]


# --- verification, candidates, publicity, major matters -----------------------------------------


@pytest.mark.parametrize(
    "outcomes,expected",
    [
        ([], "consistent"),
        (["consistent"], "consistent"),
        (["omission", "consistent"], "omission"),
        (["omission", "concealment"], "concealment"),
    ],
)
def test_overall_outcome(outcomes, expected):
    assert rules.overall_outcome(outcomes) == expected


@pytest.mark.parametrize(
    "kwargs,key",
    [
        (
            dict(outcome="consistent", handling="", handling_note="", evidence_sources=[], item_outcomes={}),
            "evidence_sources",
        ),
        (
            dict(
                outcome="omission",
                handling="education",
                handling_note="已批评教育",
                evidence_sources=["banking"],
                item_outcomes={"P4": ("omission", "")},
            ),
            "source_P4",
        ),
        (
            dict(
                outcome="consistent",
                handling="",
                handling_note="",
                evidence_sources=["banking"],
                item_outcomes={"P4": ("omission", "securities")},
            ),
            "outcome",
        ),
        (
            dict(
                outcome="omission",
                handling="none",
                handling_note="x",
                evidence_sources=["banking"],
                item_outcomes={"P4": ("omission", "securities")},
            ),
            "handling",
        ),
        (
            dict(
                outcome="omission",
                handling="education",
                handling_note="",
                evidence_sources=["banking"],
                item_outcomes={"P4": ("omission", "securities")},
            ),
            "handling_note",
        ),
        (
            dict(
                outcome="consistent",
                handling="admonish",
                handling_note="",
                evidence_sources=["banking"],
                item_outcomes={},
            ),
            "handling",
        ),
    ],
)
def test_verification_errors(kwargs, key):
    assert key in rules.verification_errors(**kwargs)


def test_verification_ok():
    assert not rules.verification_errors(
        outcome="concealment",
        handling="admonish",
        handling_note="诫勉",
        evidence_sources=["real_estate"],
        item_outcomes={"P3": ("concealment", "real_estate"), "P4": ("consistent", "")},
    )


D = dt.date


@pytest.mark.parametrize(
    "kw,key",
    [
        (
            dict(
                is_top_leader=False,
                occurred_on=D(2025, 1, 1),
                reported_on=D(2025, 1, 2),
                kind="other",
                tie_count=0,
            ),
            "cadre",
        ),
        (
            dict(
                is_top_leader=True,
                occurred_on=D(2025, 1, 3),
                reported_on=D(2025, 1, 2),
                kind="other",
                tie_count=0,
            ),
            "occurred_on",
        ),
        (
            dict(
                is_top_leader=True,
                occurred_on=D(2025, 1, 1),
                reported_on=D(2025, 9, 2),
                kind="other",
                tie_count=0,
            ),
            "reported_on",
        ),
        (
            dict(
                is_top_leader=True,
                occurred_on=D(2025, 1, 1),
                reported_on=D(2025, 1, 2),
                kind="social_ties",
                tie_count=0,
            ),
            "ties",
        ),
    ],
)
def test_major_matter_errors(kw, key):
    assert key in rules.major_matter_errors(today=D(2025, 3, 1), **kw)
