"""The database's candidate filter of the due list agrees with the pure rule.

`selectors.due_items` lets the database drop the current appointments that cannot be due
(too few years in the post for any rule) and applies `rules.due_findings` to the rest. On a
table of cases around every threshold (warning, soon, overdue, the two-terms rule, runs
joined across short gaps and split by long ones, 29 February, posts no rule applies to, and
thresholds where the reminder window is wider than the warning lead) the due list must be
exactly what the pure rule computes from all the tenures.
"""

from __future__ import annotations

import datetime as dt

import pytest

from cadre_supervision.permissions import SYSTEM
from cadres.choices import KeyCategory
from rotations import rules, selectors
from tests.factories import AppointmentFactory, CadreFactory, PostFactory

D = dt.date
ON = D(2026, 6, 30)
DEFAULT = rules.Thresholds()
WIDE_SOON = rules.Thresholds(leader_years=10, leader_warn_years=10, term_years=5, reminder_days=400)

# (label, post kind, tenures [(start, end or None)], on)
CASES = [
    ("leader warning starts today", "leader", [(D(2017, 6, 30), None)], ON),
    ("leader one day short of warning", "leader", [(D(2017, 7, 1), None)], ON),
    ("leader soon", "leader", [(D(2016, 8, 29), None)], ON),
    ("leader overdue", "leader", [(D(2015, 1, 1), None)], ON),
    ("leader recent", "leader", [(D(2024, 1, 1), None)], ON),
    ("two terms joined over a short gap", "leader", [(D(2017, 1, 1), D(2021, 12, 31)), (D(2022, 1, 10), None)], ON),
    ("two terms, second started 4 years ago", "leader", [(D(2021, 1, 1), D(2022, 6, 1)), (D(2022, 6, 20), None)], ON),
    ("long gap starts a new run", "leader", [(D(2008, 1, 1), D(2016, 1, 1)), (D(2016, 6, 1), None)], ON),
    ("long gap, new run recent", "leader", [(D(2005, 1, 1), D(2015, 1, 1)), (D(2023, 1, 1), None)], ON),
    ("three tenures joined", "leader", [(D(2012, 1, 1), D(2015, 1, 1)), (D(2015, 1, 20), D(2019, 1, 1)), (D(2019, 1, 5), None)], ON),
    ("key middle 29 February overdue on 28 February", "key_middle", [(D(2020, 2, 29), None)], D(2025, 2, 28)),
    ("key middle 29 February, the day before", "key_middle", [(D(2020, 2, 29), None)], D(2025, 2, 27)),
    ("key middle warning from 29 February", "key_middle", [(D(2020, 2, 29), None)], D(2024, 2, 28)),
    ("key middle, one day before warning", "key_middle", [(D(2020, 2, 29), None)], D(2024, 2, 27)),
    ("key middle in a township: no rule", "key_middle_township", [(D(2010, 1, 1), None)], ON),
    ("plain middle-level post: no rule", "middle", [(D(2005, 1, 1), None)], ON),
    ("leading middle-level key post: only the key rule", "leader_key_middle", [(D(2020, 1, 1), None)], ON),
    ("leader 29 February soon", "leader", [(D(2016, 2, 29), None)], D(2025, 12, 1)),
]  # fmt: skip


def _make(city, kind: str):
    if kind == "leader":
        return PostFactory(organization=city.town_a, title="副镇长")
    key = {"key_categories": [KeyCategory.FINANCE], "key_reason": "管财"}
    if kind == "key_middle":
        return PostFactory(organization=city.organ, title="财务科科长", is_middle_level=True, **key)
    if kind == "key_middle_township":
        return PostFactory(organization=city.town_a, title="财政所所长", is_middle_level=True, **key)
    if kind == "leader_key_middle":
        return PostFactory(organization=city.organ, title="审批科科长", is_middle_level=True, **key)
    return PostFactory(organization=city.organ, title="办公室主任", is_middle_level=True, is_leading=False)


def _pure(post, tenures, on, t) -> list[tuple[str, dt.date, str]]:
    run = rules.current_run([rules.Span(s, e) for s, e in tenures], on, t.join_gap_days)
    if run is None:
        return []
    facts = rules.PostFacts(
        is_leading=post.is_leading,
        is_middle_level=post.is_middle_level,
        is_key=bool(post.key_categories),
        org_kind=post.organization.kind,
    )
    return [(f.rule, f.mandatory_date, f.state) for f in rules.due_findings(run, facts, on, t)]


@pytest.mark.django_db
@pytest.mark.parametrize("include_warning", [True, False], ids=["with-warnings", "soon-or-overdue"])
@pytest.mark.parametrize("thresholds", [DEFAULT, WIDE_SOON], ids=["default", "wide-soon"])
def test_due_list_agrees_with_the_pure_rule(city, thresholds, include_warning):
    built = []
    for label, kind, tenures, on in CASES:
        cadre = CadreFactory(name=label[:20], organization=city.organ)
        post = _make(city, kind)
        for start, end in tenures:
            AppointmentFactory(cadre=cadre, post=post, start_date=start, end_date=end)
        built.append((label, cadre, post, tenures, on))
    due_somewhere = 0
    for label, cadre, post, tenures, on in built:
        expected = [f for f in _pure(post, tenures, on, thresholds) if include_warning or f[2] != "warning"]
        items = selectors.due_items(
            user=SYSTEM, on=on, cadre_ids=[cadre.pk], thresholds=thresholds, include_warning=include_warning
        )
        got = [(f.rule, f.mandatory_date, f.state) for i in items for f in i.findings]
        assert got == expected, label
        due_somewhere += bool(expected)
    # The table really exercises both sides of the thresholds.
    assert 0 < due_somewhere < len(CASES)


def test_candidate_bound_is_never_earlier_than_the_earliest_window():
    """For every start date over several years, a run that has any finding on `on` starts no
    later than the bound the database filter uses (the pure check behind the SQL filter)."""
    for t in (DEFAULT, WIDE_SOON):
        for on in (D(2026, 6, 30), D(2025, 2, 28), D(2024, 2, 29), D(2025, 3, 1)):
            facts = rules.PostFacts(is_leading=True)
            start = D(2012, 1, 1)
            while start <= on:
                run = rules.Run(start, None, 1, (start,))
                key = rules.PostFacts(
                    is_leading=True, is_middle_level=True, is_key=True, org_kind="city_organ"
                )
                for post_facts, years in ((facts, t.leader_years), (key, t.key_middle_years)):
                    found = rules.due_findings(run, post_facts, on, t)
                    if found:
                        assert start <= selectors._latest_due_start(on, years, t)
                    if any(f.state != "warning" for f in found):
                        assert start <= selectors._latest_due_start(on, years, t, include_warning=False)
                start += dt.timedelta(days=1)
