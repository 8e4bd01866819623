"""The materialised due list behind /api/v1/stats/rotations/: the snapshot's numbers equal the
live due list's for users of every scope (avoidance cases included, visible through the case
while the appointment is not), and a snapshot missing, of an earlier day, with other
thresholds, marked stale by an exchange or outdated by any write to the tables it is computed
from is refreshed before it is read."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.utils import timezone

from cadre_supervision.models import PolicySetting
from cadre_supervision.notifications import run_sweep
from cadres.choices import CadreStatus, KeyCategory
from cadres.models import Post
from rotations import selectors, services
from rotations.choices import ExchangeKind
from rotations.models import DueSnapshot, DueSnapshotItem
from tests.factories import AppointmentFactory, CadreFactory, PostFactory, make_user

pytestmark = pytest.mark.django_db

URL = "/api/v1/stats/rotations/"


@pytest.fixture
def world(rot):
    """Due items in every unit, and avoidance cases of the three kinds `due_items` handles."""
    c = rot
    today = timezone.localdate()
    # A 甲镇 cadre serving in 丙局 (a key middle-level post for 6 years): the avoidance case is
    # 甲镇's (visible to 甲镇 staff) while the appointment is 丙局's (not visible to them).
    c.organ_key2 = PostFactory(
        organization=c.organ,
        title="审批科科长",
        is_middle_level=True,
        key_categories=[KeyCategory.LICENSING],
        key_reason="审批",
    )
    c.lent = CadreFactory(name="郑远", organization=c.town_a)
    AppointmentFactory(cadre=c.lent, post=c.organ_key2, start_date=today.replace(year=today.year - 6))
    # A cadre not due by any rule, in 丙局's office.
    c.plain = CadreFactory(name="冯平", organization=c.town_a)
    AppointmentFactory(cadre=c.plain, post=c.organ_office, start_date=today.replace(year=today.year - 1))
    # A retired cadre still holding a due post: on the 1 January list, not on today's.
    c.retired = CadreFactory(name="陈退", organization=c.town_b, status=CadreStatus.RETIRED)
    c.retired_post = PostFactory(organization=c.town_b, title="副书记")
    AppointmentFactory(cadre=c.retired, post=c.retired_post, start_date=dt.date(2012, 1, 1))
    # Avoidance: on a cadre already due (merged), on the lent cadre, and on one without a post.
    c.idle = CadreFactory(name="韩闲", organization=c.town_a)
    for cadre in (c.cadre_b, c.lent, c.plain, c.idle):
        services.avoidance_raise(
            user=c.staff_all, cadre=cadre, reason="亲属任职", raised_on=dt.date(2026, 1, 5)
        )
    c.stats_a = make_user("stats_a", "stats_client", [c.town_a])
    c.stats_organ = make_user("stats_organ", "stats_client", [c.organ])
    c.staff_b = make_user("staff_b", "org_staff", [c.town_b])
    return c


def _live(user, on):
    return Counter(
        (
            i.cadre.pk,
            i.post.pk,
            i.organization.pk,
            i.state,
            i.mandatory_date,
            tuple(sorted(f.rule for f in i.findings)),
        )
        for i in selectors.due_items(user=user, action="stats", on=on)
    )


def _summary(user, on):
    s = selectors.due_summary(user=user, action="stats", on=on)
    return s, Counter(
        (i.cadre_id, i.post_id, i.organization_id, i.state, i.mandatory_date, tuple(sorted(i.rules)))
        for i in s.items
    )


USERS = ["admin", "staff_all", "staff_a", "staff_b", "liaison_a", "stats", "stats_a", "stats_organ", "nobody"]


@pytest.mark.parametrize("who", USERS)
def test_snapshot_counts_equal_the_live_due_list(world, who):
    user = getattr(world, who)
    today = timezone.localdate()
    for on in selectors.snapshot_dates(today):
        summary, counted = _summary(user, on)
        assert summary.snapshot is not None and summary.meta()["source"] == "snapshot"
        assert counted == _live(user, on), (who, on)


def test_the_scenario_covers_every_branch(world):
    """The comparison above means something: the avoidance cases land as due_items places them."""
    today = timezone.localdate()
    _s, staff_a = _summary(world.staff_a, today)
    # 甲镇 staff see the lent cadre through the case, on 丙局's post, and the plain cadre too.
    assert {(k[0], k[2]) for k in staff_a} >= {
        (world.lent.pk, world.organ.pk),
        (world.plain.pk, world.organ.pk),
    }
    _s, staff_all = _summary(world.staff_all, today)
    merged = [k for k in staff_all if k[0] == world.cadre_b.pk]
    assert merged and merged[0][3] == "overdue" and "avoidance" in merged[0][5] and len(merged[0][5]) > 1
    assert world.idle.pk not in {k[0] for k in staff_all}  # no current post: not listed
    _s, january = _summary(world.staff_all, dt.date(today.year, 1, 1))
    assert world.retired.pk in {k[0] for k in january} and world.retired.pk not in {k[0] for k in staff_all}
    _s, nobody = _summary(world.nobody, today)
    assert not nobody


@pytest.mark.parametrize("who", ["admin", "staff_a", "stats", "stats_organ", "nobody"])
def test_stats_endpoint_answers_the_live_numbers(api, world, monkeypatch, who):
    api.force_authenticate(getattr(world, who))
    from_snapshot = api.get(URL).json()
    assert from_snapshot["due"]["snapshot"]["source"] == "snapshot"
    assert from_snapshot["due"]["snapshot"]["refresh_seconds"] is not None
    monkeypatch.setattr(selectors, "snapshot_dates", lambda today: ())
    live = api.get(URL).json()
    assert live["due"]["snapshot"]["source"] == "live"
    for part in ("due", "execution"):
        from_snapshot[part].pop("snapshot")
        live[part].pop("snapshot")
    assert from_snapshot == live


def test_a_missing_snapshot_is_refreshed_once_then_read(api, world):
    assert not DueSnapshot.objects.exists()
    api.force_authenticate(world.stats)
    first = api.get(URL).json()["due"]["snapshot"]
    snap = DueSnapshot.objects.get(on=timezone.localdate())
    assert snap.items == DueSnapshotItem.objects.filter(snapshot=snap).count() > 0
    second = api.get(URL).json()["due"]["snapshot"]
    assert second["refreshed_at"] == first["refreshed_at"]  # read, not recomputed
    assert DueSnapshot.objects.get(pk=snap.pk).refreshed_at == snap.refreshed_at


def test_an_exchange_marks_the_snapshot_stale_and_the_next_read_refreshes_it(api, world):
    today = timezone.localdate()
    api.force_authenticate(world.stats)
    before = api.get(URL).json()
    services.exchange_record(
        user=world.staff_all,
        cadre=world.organ_cadre,
        to_post=PostFactory(organization=world.organ, title="副局长（分管审批）"),
        kind=ExchangeKind.WITHIN_UNIT,
        reason="tenure_limit",
        approval_date=today - dt.timedelta(days=3),
        effective_date=today - dt.timedelta(days=1),
    )
    assert all(s.stale for s in DueSnapshot.objects.all())
    assert selectors.fresh_snapshot(today) is None
    after = api.get(URL).json()
    assert after["due"]["snapshot"]["refreshed_at"] != before["due"]["snapshot"]["refreshed_at"]
    assert after["due"]["total"] == before["due"]["total"] - 1
    _s, counted = _summary(world.stats, today)
    assert counted == _live(world.stats, today)


def test_any_write_to_the_source_tables_outdates_the_snapshot(world):
    today = timezone.localdate()
    services.due_snapshot_refresh(on=today)
    assert selectors.fresh_snapshot(today) is not None
    # A bulk update sends no signal; the history triggers still see it.
    Post.objects.filter(pk=world.organ_key2.pk).update(key_categories=[])
    assert selectors.fresh_snapshot(today) is None
    _s, counted = _summary(world.staff_all, today)
    assert counted == _live(world.staff_all, today)
    assert world.lent.pk in {k[0] for k in counted}  # still listed: by its avoidance case


def test_a_snapshot_of_an_earlier_day_or_other_thresholds_is_not_read(world):
    today = timezone.localdate()
    snap = services.due_snapshot_refresh(on=today)
    DueSnapshot.objects.filter(pk=snap.pk).update(computed_on=today - dt.timedelta(days=1))
    assert selectors.fresh_snapshot(today) is None
    services.due_snapshot_refresh(on=today)
    assert selectors.fresh_snapshot(today) is not None
    PolicySetting.objects.create(key="rotations.key_middle_years", value="7")
    assert selectors.fresh_snapshot(today) is None
    _s, counted = _summary(world.staff_all, today)
    assert counted == _live(world.staff_all, today)


def test_the_sweep_step_materialises_both_dates_idempotently(world):
    today = timezone.localdate()
    result = run_sweep(today, deliver=False)
    step = result.steps["rotations.due_snapshot"]
    assert set(step) == {d.isoformat() for d in selectors.snapshot_dates(today)}
    rows = {
        s.on: sorted(s.rows.values_list("appointment_id", "state", "mandatory_date"))
        for s in DueSnapshot.objects.all()
    }
    assert all(rows.values())
    again = run_sweep(today, deliver=False).steps["rotations.due_snapshot"]
    assert {k: v["items"] for k, v in again.items()} == {k: v["items"] for k, v in step.items()}
    assert {
        s.on: sorted(s.rows.values_list("appointment_id", "state", "mandatory_date"))
        for s in DueSnapshot.objects.all()
    } == rows
    assert all(s.refresh_seconds > 0 for s in DueSnapshot.objects.all())


def test_a_refresh_rewrites_only_the_rows_that_changed(world):
    """The forced daily refresh keeps the rows that are still right (same primary keys) and
    replaces only those gone or different; the result equals the live due list."""
    today = timezone.localdate()
    snap = services.due_snapshot_refresh(on=today, force=True)
    before = dict(snap.rows.values_list("appointment_id", "pk"))
    assert len(before) >= 3
    # Untouched data: a forced refresh writes nothing.
    services.due_snapshot_refresh(on=today, force=True)
    assert dict(snap.rows.values_list("appointment_id", "pk")) == before
    # One post no longer key: its row goes (or changes), the others keep their ids.
    changed = DueSnapshotItem.objects.get(snapshot=snap, post=world.organ_key2).appointment_id
    Post.objects.filter(pk=world.organ_key2.pk).update(key_categories=[])
    services.due_snapshot_refresh(on=today, force=True)
    after = dict(snap.rows.values_list("appointment_id", "pk"))
    assert {a: pk for a, pk in after.items() if a != changed} == {
        a: pk for a, pk in before.items() if a != changed
    }
    assert after.get(changed) != before[changed]
    _s, counted = _summary(world.staff_all, today)
    assert counted == _live(world.staff_all, today)
    assert snap.rows.count() == DueSnapshot.objects.get(pk=snap.pk).items
