"""Table-driven tests of the dossier's pure rules (cadres.rules)."""

from __future__ import annotations

import datetime as dt

import pytest

from cadres import rules
from cadres.choices import SANCTION_BAR_MONTHS_DEFAULT, SanctionKind
from cadres.rules import EducationEntry, ResumeEntry

D = dt.date


@pytest.mark.parametrize(
    "records, full_time, expected",
    [
        ([], True, None),
        ([EducationEntry(True, "bachelor", end_date=D(2000, 7, 1))], False, None),
        (
            [
                EducationEntry(True, "college", end_date=D(1998, 7, 1)),
                EducationEntry(True, "bachelor", end_date=D(2002, 7, 1)),
            ],
            True,
            "bachelor",
        ),
        (
            [
                EducationEntry(True, "bachelor", end_date=D(2000, 7, 1)),
                EducationEntry(False, "master", end_date=D(2008, 7, 1)),
            ],
            True,
            "bachelor",
        ),
        (
            [
                EducationEntry(True, "bachelor", end_date=D(2000, 7, 1)),
                EducationEntry(False, "master", end_date=D(2008, 7, 1)),
            ],
            False,
            "master",
        ),
        (
            [
                EducationEntry(False, "doctor", end_date=D(2012, 7, 1)),
                EducationEntry(False, "master", end_date=D(2015, 7, 1)),
            ],
            False,
            "doctor",
        ),
    ],
)
def test_highest_education_per_track(records, full_time, expected):
    got = rules.highest_education(records, full_time=full_time)
    assert (got.level if got else None) == expected


@pytest.mark.parametrize(
    "records, expected",
    [
        ([], None),
        ([EducationEntry(True, "bachelor"), EducationEntry(False, "master")], "master"),
        ([EducationEntry(True, "master"), EducationEntry(False, "college")], "master"),
        ([EducationEntry(True, "secondary"), EducationEntry(True, "college")], "college"),
    ],
)
def test_highest_overall(records, expected):
    got = rules.highest_overall(records)
    assert (got.level if got else None) == expected


@pytest.mark.parametrize(
    "start, end, text, expected",
    [
        (D(2018, 9, 1), D(2021, 6, 1), "某某镇党委副书记、镇长", "2018.09—2021.06  某某镇党委副书记、镇长"),
        (D(2021, 6, 1), None, "某某镇党委书记", "2021.06—         某某镇党委书记"),
        (D(1995, 9, 1), D(1999, 7, 1), "某某大学学习", "1995.09—1999.07  某某大学学习"),
    ],
)
def test_resume_line_text(start, end, text, expected):
    assert rules.resume_line_text(start, end, text) == expected


@pytest.mark.parametrize(
    "birth, on, expected",
    [
        (D(1973, 10, 5), D(2026, 12, 1), "1973.10（53岁）"),
        (D(1973, 12, 5), D(2026, 12, 1), "1973.12（52岁）"),
        (None, D(2026, 1, 1), ""),
    ],
)
def test_month_with_age(birth, on, expected):
    assert rules.month_with_age(birth, on) == expected


TODAY = D(2026, 12, 1)


@pytest.mark.parametrize(
    "entries, expected",
    [
        # contiguous (the hand-over month on both lines): nothing flagged
        ([ResumeEntry(D(1995, 9, 1), D(1999, 7, 1), "学习"), ResumeEntry(D(1999, 7, 1), None, "工作")], []),
        # one month between leaving and starting: tolerated
        ([ResumeEntry(D(1995, 9, 1), D(1999, 7, 1), "学习"), ResumeEntry(D(1999, 8, 1), None, "工作")], []),
        # a gap of more than a month
        (
            [ResumeEntry(D(1995, 9, 1), D(1999, 7, 1), "学习"), ResumeEntry(D(2001, 3, 1), None, "工作")],
            [("gap", D(1999, 7, 1), D(2001, 3, 1))],
        ),
        # overlap of two main lines
        (
            [
                ResumeEntry(D(2000, 1, 1), D(2005, 6, 1), "甲"),
                ResumeEntry(D(2004, 1, 1), D(2008, 1, 1), "乙"),
            ],
            [("overlap", D(2004, 1, 1), D(2005, 6, 1))],
        ),
        # an open line followed by another
        (
            [ResumeEntry(D(2000, 1, 1), None, "甲"), ResumeEntry(D(2004, 1, 1), None, "乙")],
            [("overlap", D(2004, 1, 1), TODAY)],
        ),
        # a concurrent post (secondary) is never compared
        (
            [
                ResumeEntry(D(2000, 1, 1), None, "甲"),
                ResumeEntry(D(2004, 1, 1), D(2006, 1, 1), "挂职", secondary=True),
            ],
            [],
        ),
        # order of input does not matter
        (
            [ResumeEntry(D(2010, 1, 1), None, "乙"), ResumeEntry(D(2000, 1, 1), D(2005, 1, 1), "甲")],
            [("gap", D(2005, 1, 1), D(2010, 1, 1))],
        ),
    ],
)
def test_resume_issues(entries, expected):
    got = [(i.kind, i.start, i.end) for i in rules.resume_issues(entries, today=TODAY)]
    assert got == expected


MONTHS = {k.value: v for k, v in SANCTION_BAR_MONTHS_DEFAULT.items()}


@pytest.mark.parametrize(
    "kind, decision, expected",
    [
        (SanctionKind.PARTY_WARNING, D(2025, 3, 10), (12, D(2026, 3, 10), False)),
        (SanctionKind.PARTY_SERIOUS_WARNING, D(2025, 3, 10), (18, D(2026, 9, 10), False)),
        (SanctionKind.PARTY_REMOVAL, D(2025, 3, 10), (24, D(2027, 3, 10), False)),
        (SanctionKind.PARTY_PROBATION, D(2025, 3, 10), (24, D(2027, 3, 10), False)),
        (SanctionKind.PARTY_EXPULSION, D(2025, 3, 10), (0, None, True)),
        (SanctionKind.PUBLIC_WARNING, D(2025, 8, 31), (6, D(2026, 2, 28), False)),
        (SanctionKind.PUBLIC_DEMERIT, D(2024, 2, 29), (12, D(2025, 2, 28), False)),
        (SanctionKind.PUBLIC_MAJOR_DEMERIT, D(2025, 1, 1), (18, D(2026, 7, 1), False)),
        (SanctionKind.PUBLIC_DEMOTION, D(2025, 1, 1), (24, D(2027, 1, 1), False)),
        (SanctionKind.PUBLIC_DISMISSAL, D(2025, 1, 1), (24, D(2027, 1, 1), False)),
        (SanctionKind.PUBLIC_EXPULSION, D(2025, 1, 1), (0, None, True)),
    ],
)
def test_sanction_bar_defaults(kind, decision, expected):
    assert rules.sanction_bar(kind, decision, MONTHS) == expected


def test_sanction_bar_follows_the_policy_table():
    assert rules.sanction_bar("party_warning", D(2025, 1, 1), {**MONTHS, "party_warning": 3}) == (
        3,
        D(2025, 4, 1),
        False,
    )
    with pytest.raises(KeyError):
        rules.sanction_bar("unknown", D(2025, 1, 1), MONTHS)


@pytest.mark.parametrize(
    "decision, end, indefinite, on, expected",
    [
        (D(2025, 1, 1), D(2026, 1, 1), False, D(2024, 12, 31), False),
        (D(2025, 1, 1), D(2026, 1, 1), False, D(2025, 1, 1), True),
        (D(2025, 1, 1), D(2026, 1, 1), False, D(2025, 12, 31), True),
        (D(2025, 1, 1), D(2026, 1, 1), False, D(2026, 1, 1), False),
        (D(2025, 1, 1), None, True, D(2040, 1, 1), True),
    ],
)
def test_sanction_bars(decision, end, indefinite, on, expected):
    assert rules.sanction_bars(decision, end, indefinite, on) is expected


ITEMS = ["birth_date", "party_join_date", "work_start_date", "education", "career", "identity"]


@pytest.mark.parametrize(
    "statuses, complete, open_items, doubtful",
    [
        ({}, False, ITEMS, []),
        ({i: "verified" for i in ITEMS}, True, [], []),
        ({**{i: "verified" for i in ITEMS}, "career": "doubtful"}, False, ["career"], ["career"]),
        ({"birth_date": "verified", "education": "pending"}, False, ITEMS[1:], []),
    ],
)
def test_verification_summary(statuses, complete, open_items, doubtful):
    s = rules.verification_summary(statuses, ITEMS)
    assert (s.complete, s.open_items, s.doubtful_items) == (complete, open_items, doubtful)


@pytest.mark.parametrize(
    "old, new, verified, reason, refused",
    [
        ("1975-01-01", "1975-01-01", True, "", False),
        ("1975-01-01", "1976-01-01", True, "", True),
        ("1975-01-01", "1976-01-01", True, "  ", True),
        ("1975-01-01", "1976-01-01", True, "据1993年招工表更正", False),
        ("1975-01-01", "1976-01-01", False, "", False),
    ],
)
def test_verified_change_needs_reason(old, new, verified, reason, refused):
    errors = rules.verified_change_errors(
        "birth_date", old=old, new=new, verified=verified, reason=reason, label="出生日期"
    )
    assert bool(errors) is refused


@pytest.mark.parametrize(
    "text, chars, expected",
    [
        ("2018.09—2021.06  某某镇镇长", 34, 1),
        ("2018.09—2021.06  " + "某" * 60, 34, 3),
        ("2018.09—2021.06  " + "某" * 60, 46, 2),
    ],
)
def test_printed_lines(text, chars, expected):
    assert rules.printed_lines(text, chars) == expected


def test_fit_resume_short_fits_page_one_at_the_largest_font():
    lines = [f"20{i:02d}.01—20{i:02d}.12  某某镇某某职务" for i in range(10)]
    fit = rules.fit_resume(lines)
    assert (fit.font_pt, fit.page_one, fit.continued, fit.fits) == (12, lines, [], True)


def test_fit_resume_long_continues_on_page_two_never_splitting_a_line():
    lines = [f"{1990 + i}.01—{1991 + i}.01  某某县某某镇党委副书记、镇长" for i in range(30)]
    fit = rules.fit_resume(lines)
    assert fit.fits and fit.page_one + fit.continued == lines and fit.continued
    assert fit.font_pt == 12 and len(fit.page_one) == 20


def test_fit_resume_shrinks_the_font_when_needed():
    lines = [f"{1980 + i}.01—{1981 + i}.01  某某县某某镇党委副书记、镇长" for i in range(40)]
    fit = rules.fit_resume(lines)
    assert fit.font_pt < 12 and fit.fits and fit.page_one + fit.continued == lines
