"""The workbench (工作台): per-role to-do items and figures, scope, groups, query ceilings."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from cadre_supervision import workbench
from cadre_supervision.registry import TodoItem

from . import workbench_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def wb(city):
    return workbench_world.build(city)


def titles(user, today):
    return {(i.kind, i.title) for i in workbench.todo_items(user, today)}


def kinds(user, today):
    return {i.kind for i in workbench.todo_items(user, today)}


# --- grouping (pure) ------------------------------------------------------------------------


TODAY = dt.date(2026, 12, 2)  # a Wednesday


@pytest.mark.parametrize(
    ("due", "group"),
    [
        (TODAY - dt.timedelta(days=1), "overdue"),
        (dt.date(2020, 1, 1), "overdue"),
        (TODAY, "week"),
        (dt.date(2026, 12, 6), "week"),  # the Sunday
        (dt.date(2026, 12, 7), "month"),
        (TODAY + dt.timedelta(days=30), "month"),
        (None, "week"),  # to do now
    ],
)
def test_urgency(due, group):
    assert workbench.urgency(TodoItem("k", "l", "t", "/", due), TODAY) == group


@pytest.mark.parametrize(
    ("value", "first"),
    [("2026-12", dt.date(2026, 12, 1)), ("", dt.date(2026, 12, 1)), (None, dt.date(2026, 12, 1))],
)
def test_parse_month(value, first):
    assert workbench.parse_month(value, TODAY) == first


@pytest.mark.parametrize("value", ["2026-13", "2026-1", "abc", "2026-12-01", "1999-12", "12-2026"])
def test_parse_month_rejects(value):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        workbench.parse_month(value, TODAY)
    assert "月份" in str(exc.value)


def test_shift_month():
    assert workbench.shift_month(dt.date(2026, 12, 1), 1) == dt.date(2027, 1, 1)
    assert workbench.shift_month(dt.date(2026, 1, 1), -1) == dt.date(2025, 12, 1)


# --- per role --------------------------------------------------------------------------------


def test_supervisor_sees_own_talks_only(wb):
    from interviews.models import RequiredTalk

    items = [i for i in workbench.todo_items(wb.sup_a, wb.today) if i.kind == "interviews.talk"]
    open_talks = RequiredTalk.objects.open().filter(
        responsible=wb.sup_a, due_date__lte=workbench.horizon(wb.today)
    )
    own = {f"interviews.requiredtalk.{pk}" for pk in open_talks.values_list("pk", flat=True)}
    assert {i.uid for i in items} == own and own
    assert all(i.url.startswith(reverse("interviews:record_create")) for i in items)
    other = {f"interviews.requiredtalk.{t.pk}" for t in wb.talks_b}
    assert not other & {i.uid for i in workbench.todo_items(wb.sup_a, wb.today)}
    groups = {g.key: g.count for g in workbench.todo_groups(wb.sup_a, wb.today)}
    assert groups["overdue"] >= 1 and groups["week"] >= 1


def test_audit_team_member_sees_findings_of_their_audit(wb):
    uids = {i.uid for i in workbench.todo_items(wb.auditor, wb.today)}
    assert {f"audits.finding.{f.pk}" for f in wb.findings_a} <= uids
    assert f"audits.finding.{wb.finding_b.pk}" not in uids  # another audit: out of scope


def test_discipline_sees_share_expiring_and_findings(wb):
    items = workbench.todo_items(wb.discipline, wb.today)
    assert f"audits.auditfileshare.{wb.share.pk}" in {i.uid for i in items}
    assert {"audits.finding", "audits.share"} <= {i.kind for i in items}
    # No leave to approve, no report cycle to chase for a discipline officer.
    assert not {"rotations.leave", "reports.cycle"} & {i.kind for i in items}


def test_unit_head_sees_leave_of_own_unit(wb):
    uids = {i.uid for i in workbench.todo_items(wb.head_user, wb.today)}
    assert f"rotations.leaverequest.{wb.leave_a.pk}" in uids
    assert f"rotations.leaverequest.{wb.leave_b.pk}" not in uids


def test_liaison_records_returns_but_does_not_approve_leave(wb):
    # A unit liaison records leave and returns (销假) but does not decide it.
    items = workbench.todo_items(wb.liaison_a, wb.today)
    assert "rotations.leave" not in {i.kind for i in items}
    assert [i.uid for i in items if i.kind == "rotations.return"] == [
        f"rotations.leavereturn.{wb.leave_back.pk}"
    ]


def test_staff_scope(wb):
    all_items = {i.uid for i in workbench.todo_items(wb.staff_all, wb.today)}
    a_items = {i.uid for i in workbench.todo_items(wb.staff_a, wb.today)}
    assert f"rotations.leaverequest.{wb.leave_b.pk}" in all_items
    assert f"rotations.leaverequest.{wb.leave_a.pk}" in a_items
    assert f"rotations.leaverequest.{wb.leave_b.pk}" not in a_items  # 乙镇: out of 甲镇 staff's scope
    assert f"audits.finding.{wb.finding_b.pk}" in all_items
    assert f"audits.finding.{wb.finding_b.pk}" not in a_items
    assert f"reports.reportcycle.{wb.cycle.pk}" in all_items
    cycle_item = next(i for i in workbench.todo_items(wb.staff_a, wb.today) if i.kind == "reports.cycle")
    from reports.models import PersonalReport

    n_a = PersonalReport.objects.filter(cycle=wb.cycle, cadre__organization=wb.town_a).count()
    n_all = PersonalReport.objects.filter(cycle=wb.cycle).count()
    assert n_a < n_all
    assert f"{n_a} 人尚未提交" in cycle_item.title  # 甲镇's reports only, not 乙镇's


def test_cadre_own_account(wb):
    items = workbench.todo_items(wb.wangfang, wb.today)
    uids = {i.uid for i in items}
    assert f"reports.personalreport.{wb.report_a.pk}" in uids
    assert f"audits.finding.{wb.findings_a[0].pk}" in uids  # the finding they are responsible for
    assert f"reports.personalreport.{wb.report_b.pk}" not in uids
    assert not {"rotations.leave", "reports.cycle", "interviews.talk"} & {i.kind for i in items}
    assert workbench.figures_for(wb.wangfang, wb.today) == [] or all(
        f["categories"] for f in workbench.figures_for(wb.wangfang, wb.today)
    )


def test_verifier_sees_assigned_verification(wb):
    items = workbench.todo_items(wb.verifier, wb.today)
    assert [i.uid for i in items] == [f"reports.verification.{wb.verification.pk}"]
    assert items[0].url == reverse("reports:verification_detail", args=[wb.verification.pk])


def test_nobody_and_anonymous_see_nothing(wb):
    from django.contrib.auth.models import AnonymousUser

    assert workbench.todo_items(wb.nobody, wb.today) == []
    assert workbench.todo_items(AnonymousUser(), wb.today) == []
    assert workbench.figures_for(wb.nobody, wb.today) == []


# --- figures ----------------------------------------------------------------------------------


def test_figures_per_role(wb):
    staff = {f["key"] for f in workbench.figures_for(wb.staff_all, wb.today)}
    assert {
        "interviews.coverage",
        "audits.compliance",
        "audits.rectification",
        "reports.submission",
        "warnings.board",
    } <= staff
    sup = {f["key"] for f in workbench.figures_for(wb.sup_a, wb.today)}
    assert "interviews.coverage" in sup and "audits.compliance" not in sup
    team = {f["key"] for f in workbench.figures_for(wb.auditor, wb.today)}
    assert team == {"audits.rectification"}
    liaison = {f["key"] for f in workbench.figures_for(wb.liaison_a, wb.today)}
    assert "rotations.utilisation" in liaison and "reports.submission" not in liaison
    for user in (wb.staff_all, wb.sup_a, wb.auditor, wb.liaison_a, wb.discipline):
        for f in workbench.figures_for(user, wb.today):
            assert f["categories"] and f["series"] and f["url"] and f["table_rows"], f["key"]
            assert all(len(s["data"]) == len(f["categories"]) for s in f["series"])


def test_figure_numbers_follow_scope(wb):
    def fig(user, key):
        return next(f for f in workbench.figures_for(user, wb.today) if f["key"] == key)

    from reports.models import PersonalReport

    rows_all = dict(map(tuple, fig(wb.staff_all, "reports.submission")["table_rows"]))
    rows_a = dict(map(tuple, fig(wb.staff_a, "reports.submission")["table_rows"]))
    assert sum(rows_all.values()) == PersonalReport.objects.filter(cycle=wb.cycle).count()
    assert (
        sum(rows_a.values())
        == PersonalReport.objects.filter(cycle=wb.cycle, cadre__organization=wb.town_a).count()
    )
    assert sum(rows_a.values()) < sum(rows_all.values())
    team = fig(wb.auditor, "audits.rectification")
    assert sum(r[1] for r in team["table_rows"]) == len(wb.findings_a)


# --- the page ----------------------------------------------------------------------------------


def test_home_page_shows_groups_items_and_chart_data(client, wb):
    client.force_login(wb.staff_all)
    r = client.get("/")
    assert r.status_code == 200
    html = r.content.decode()
    for label in ("逾期", "本周", "本月"):
        assert label in html
    assert wb.finding_b.get_absolute_url() in html
    assert 'id="workbench-charts"' in html and "vendor/echarts/echarts.min.js" in html
    assert "<script>" not in html  # no inline script: the data block is JSON
    assert 'data-chart="interviews.coverage"' in html


def _as_committed():
    from django.db import connection

    connection.run_on_commit = []


def test_home_page_leaves_figures_past_its_budget_to_their_tiles(client, wb, settings):
    """With no time left, every figure not kept is a placeholder that names its tile's address;
    each tile answers the same figure the page would have drawn, and is kept for the next page."""
    import re

    from cadre_supervision import keep

    settings.WORKBENCH_INLINE_SECONDS = 0
    _as_committed()
    keep.forget_all()
    client.force_login(wb.staff_all)
    html = client.get("/").content.decode()
    expected = {f["key"]: f for f in workbench.figures_for(wb.staff_all, wb.today)}
    keep.forget_all()
    html = client.get("/").content.decode()
    sources = re.findall(r'data-figure-src="([^"]+)"', html)
    assert len(sources) == len(workbench.registry.figures)  # nothing kept: every tile pending
    assert 'class="card figure"' not in html and "正在统计" in html
    assert "vendor/echarts/echarts.min.js" in html and "js/workbench.js" in html
    answered = {}
    for src in sources:
        _as_committed()  # the test's transaction: the previous request's session write
        r = client.get(src)
        key = src.rstrip("/").rsplit("/", 1)[1]
        if r.status_code == 204:
            assert key not in expected  # no scope, no data: the page drops the tile
            continue
        assert r.status_code == 200
        tile = r.content.decode()
        assert f'id="figure-{key}"' in tile and 'id="figure-chart"' in tile
        assert expected[key]["caption"] in tile
        answered[key] = tile
    assert set(answered) == set(expected)
    # the tiles' readings are kept: the next page draws them all, nothing pending
    _as_committed()
    html = client.get("/").content.decode()
    assert "data-figure-src" not in html
    assert html.count('class="card figure"') == len(expected)


def test_home_page_within_its_budget_draws_every_figure(client, wb, settings):
    from cadre_supervision import keep

    settings.WORKBENCH_INLINE_SECONDS = 60
    _as_committed()
    keep.forget_all()
    client.force_login(wb.staff_all)
    html = client.get("/").content.decode()
    assert "data-figure-src" not in html
    assert html.count('class="card figure"') == len(workbench.figures_for(wb.staff_all, wb.today))


def test_a_figure_tile_is_for_signed_in_users_and_known_keys(client, wb):
    url = reverse("workbench_figure", args=["interviews.coverage"])
    r = client.get(url)
    assert r.status_code == 302 and "/login/" in r["Location"]
    client.force_login(wb.staff_all)
    assert client.get(reverse("workbench_figure", args=["no.such.figure"])).status_code == 404
    assert client.get(url).status_code == 200
    client.force_login(wb.nobody)
    assert client.get(url).status_code == 204  # no scope: nothing to show, no empty tile


def test_kept_many_computes_nothing_after_its_deadline(wb):
    import time

    from cadre_supervision import keep

    _as_committed()
    keep.forget_all()
    calls = []

    def compute(n):
        calls.append(n)
        return n

    items = [(f"test:deadline:{n}", lambda n=n: compute(n)) for n in range(3)]
    assert keep.kept_many(items, ttl=60, until=time.perf_counter() - 1) == [keep.MISSING] * 3
    assert calls == []
    assert keep.kept_many(items[:1], ttl=60) == [0]
    # a kept reading answers after the deadline too; the others are not computed
    assert keep.kept_many(items, ttl=60, until=time.perf_counter() - 1) == [0, keep.MISSING, keep.MISSING]
    assert calls == [0]


def test_kept_many_does_not_start_what_would_overrun_its_deadline(wb):
    """A reading gone stale is recomputed before a deadline only if its last computation would
    end by then."""
    import time

    from cadre_supervision import keep

    _as_committed()
    keep.forget_all()
    calls = []

    def slow():
        calls.append(1)
        time.sleep(0.2)
        return "slow"

    item = [("test:deadline:slow", slow)]
    assert keep.kept_many(item, ttl=60) == ["slow"]
    keep.forget_all()  # stale now; its last computation took 0.2 s
    assert keep.kept_many(item, ttl=60, until=time.perf_counter() + 0.1) == [keep.MISSING]
    assert calls == [1]
    assert keep.kept_many(item, ttl=60, until=time.perf_counter() + 5) == ["slow"]
    assert calls == [1, 1]


def test_home_page_anonymous_redirects(client, db):
    r = client.get("/")
    assert r.status_code == 302 and "/login/" in r["Location"]


def test_home_page_cadre_has_no_empty_tile(client, wb):
    client.force_login(wb.wangfang)
    html = client.get("/").content.decode()
    assert reverse("reports:report_edit", args=[wb.report_a.pk]) in html
    assert html.count('class="card figure"') == len(workbench.figures_for(wb.wangfang, wb.today))


@pytest.mark.parametrize("user_attr", ["staff_all", "sup_a", "auditor", "head_user"])
def test_home_query_count_does_not_grow_with_items(client, city, django_assert_max_num_queries, user_attr):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    wb = workbench_world.build(city, n_findings=2)
    user = getattr(wb, user_attr)
    client.force_login(user)
    with CaptureQueriesContext(connection) as small:
        assert client.get("/").status_code == 200
    from audits import services as audit_services
    from audits.choices import Stream

    for i in range(25):
        audit_services.finding_create(
            user=wb.staff_all,
            audit=wb.audit_a,
            stream=wb.audit_a.streams.get(stream=Stream.MONEY),
            description=f"问题{i}",
            severity="minor",
            responsible_name="办公室主任",
            rectification_required="整改",
            due_date=wb.today + dt.timedelta(days=i % 10),
        )
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get("/").status_code == 200


# --- the figures' cache -------------------------------------------------------------------------


def _as_committed():
    """The fixture's writes as if their transaction had committed (the test's transaction
    never does): its pending on-commit callbacks are dropped."""
    from django.db import connection

    connection.run_on_commit = []


def test_cached_figures_answer_from_cache_until_a_write(
    wb, django_assert_num_queries, django_capture_on_commit_callbacks
):
    from django.core.cache import cache

    from audits import services as audit_services
    from audits.choices import Stream
    from cadre_supervision import keep

    def rectification(figures):
        return sum(r[1] for r in next(f for f in figures if f["key"] == "audits.rectification")["table_rows"])

    _as_committed()
    first = workbench.cached_figures(wb.staff_all, wb.today)
    assert first == workbench.figures_for(wb.staff_all, wb.today)
    with django_assert_num_queries(1):  # the tables' history versions; no figure is computed
        assert workbench.cached_figures(wb.staff_all, wb.today) == first
    before = rectification(first)
    key = f"workbench:figure:{wb.staff_all.pk}:{wb.today.isoformat()}:audits.rectification"
    stored = cache.get(key)
    assert isinstance(stored, keep.Entry) and "audits_finding" in stored.stamps
    _as_committed()  # the due list materialised by the figures' first computation, committed
    with django_capture_on_commit_callbacks(execute=True):
        audit_services.finding_create(
            user=wb.staff_all,
            audit=wb.audit_a,
            stream=wb.audit_a.streams.get(stream=Stream.MONEY),
            description="新问题",
            severity="minor",
            responsible_name="办公室主任",
            rectification_required="整改",
            due_date=wb.today + dt.timedelta(days=5),
        )
        # the writing transaction reads its own write, and keeps nothing it computed: another
        # request must not be answered from rows that may never be committed
        assert rectification(workbench.cached_figures(wb.staff_all, wb.today)) == before + 1
        assert cache.get(key) == stored
    _as_committed()
    # after the commit the figure is computed again, counts the finding, and is kept
    assert rectification(workbench.cached_figures(wb.staff_all, wb.today)) == before + 1
    assert cache.get(key) != stored


def test_a_write_recomputes_only_the_figures_that_read_its_table(wb, django_capture_on_commit_callbacks):
    """A committed write to one table recomputes the figures that read it; the others answer
    from the cache."""
    from audits.models import Finding
    from cadre_supervision import keep, registry
    from cadre_supervision.models import Notification

    _as_committed()
    workbench.cached_figures(wb.staff_all, wb.today)
    _as_committed()
    calls = []
    originals = {f.key: f.build for f in registry.figures}

    def spy(key):
        return lambda u, d: (calls.append(key), originals[key](u, d))[1]

    try:
        for f in registry.figures:
            object.__setattr__(f, "build", spy(f.key))
        with django_capture_on_commit_callbacks(execute=True):
            Notification.objects.create(recipient=wb.staff_all, kind="x", title="t", period="p")
        _as_committed()
        workbench.cached_figures(wb.staff_all, wb.today)
        assert calls == []  # no figure reads the notifications
        with django_capture_on_commit_callbacks(execute=True):
            keep.note_write(sender=Finding)
        _as_committed()
        workbench.cached_figures(wb.staff_all, wb.today)
        assert "audits.rectification" in calls
        assert "interviews.coverage" not in calls and "reports.submission" not in calls
    finally:
        for f in registry.figures:
            object.__setattr__(f, "build", originals[f.key])


def test_cached_figures_are_per_user(wb):
    staff = {f["key"] for f in workbench.cached_figures(wb.staff_all, wb.today)}
    team = {f["key"] for f in workbench.cached_figures(wb.auditor, wb.today)}
    assert team == {"audits.rectification"} and team < staff
    from django.contrib.auth.models import AnonymousUser

    assert workbench.cached_figures(AnonymousUser(), wb.today) == []


def test_writes_set_their_tables_generation_once_per_transaction(wb, django_capture_on_commit_callbacks):
    from django.contrib.sessions.models import Session

    from cadre_supervision import keep
    from cadre_supervision.models import Notification

    _as_committed()
    table = Notification._meta.db_table
    gen = keep._generations([table, keep.GLOBAL])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        for _ in range(3):
            keep.note_write(sender=Notification)
        keep.note_write(sender=TodoItem)  # not a model: counts as a write to everything
    assert len(callbacks) == 1 and keep._generations([table, keep.GLOBAL]) == gen  # not before the commit
    callbacks[0]()
    after = keep._generations([table, keep.GLOBAL])
    assert after[table] != gen[table] and after[keep.GLOBAL] != gen[keep.GLOBAL]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        keep.note_write(sender=Session)  # sessions change no reading
    assert not callbacks
