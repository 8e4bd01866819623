"""Resource table of the framework's own pages: home, notifications, the user's exports, the
integrity file and the administrator's pages under /system/. Checked by tests/kit like every
app's table."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from cadre_supervision import exports
from cadre_supervision.models import ExportJob, Notification, PolicySetting
from tests.conftest import city
from tests.factories import CadreFactory
from tests.kit.grid import grid_tests
from tests.kit.resources import ApiResource as A
from tests.kit.resources import PageResource as P
from tests.kit.world import grown_fixture, world_fixture


def _extra(w):
    w.note_a = Notification.objects.create(recipient=w.staff_a, kind="test", title="甲镇提醒", url="/cadres/")
    w.note_b = Notification.objects.create(
        recipient=w.staff_all, kind="test", title="全市提醒", url="/cadres/"
    )
    w.group_a = w.staff_a.groups.get()
    w.cadre_b_zhang = CadreFactory(name="张强", organization=w.town_b)  # found by "张", out of scope
    _overdue_talks(w)
    _export_jobs(w)
    return w


def _export_jobs(w):
    """A finished export of staff_a's (the dossier) and one of staff_all's (the joint analysis),
    their encrypted files under the world's MEDIA_ROOT."""
    for attr, user, kind, params in (
        ("job_a", w.staff_a, "cadres.dossier", {}),
        ("job_b", w.staff_all, "cadres.joint_analysis", {"year": 2025}),
    ):
        job = exports.export_request(user=user, kind=kind, params=params, inline=False).job
        exports.export_run(job_id=job.pk)
        job.refresh_from_db()
        assert job.status == ExportJob.Status.DONE, job.error
        setattr(w, attr, job)


@pytest.fixture(autouse=True)
def _world_media(world, settings):
    """The export files were written under the world's MEDIA_ROOT: read them from there."""
    settings.MEDIA_ROOT = str(world.media)


def _overdue_talks(w):
    """An overdue required talk of 张伟 (甲镇) and of 李强 (乙镇): a signal on the board each."""
    import datetime as dt

    from interviews.models import RequiredTalk

    for c in (w.cadre_a, w.cadre_b):
        RequiredTalk.objects.create(
            cadre=c,
            year=dt.date.today().year,
            kind="routine",
            seq=9,
            due_date=dt.date.today() - dt.timedelta(days=10),
            category="top_leader",
        )


def _grow(w, n):
    """n notifications for staff_a and n cadres in 甲镇."""
    Notification.objects.bulk_create(
        [
            Notification(recipient=w.staff_a, kind="test", object_id=str(i), title=f"提醒{i}", url="/cadres/")
            for i in range(n)
        ]
    )
    for i in range(n):
        CadreFactory(name=f"甲镇干部{i}", organization=w.town_a)


world = world_fixture(city, extra=_extra)
grown = grown_fixture(_grow)

WATCH = (Notification, Group, PolicySetting, ExportJob)


def rec(attr):
    return lambda w: getattr(w, attr)


def token(attr):
    return lambda w: str(getattr(w, attr).token)


PAGES = [
    # The workbench asks every registered to-do source and figure (about 50 queries for org
    # staff, whatever the number of rows: tests/test_workbench.py grows the items too); the
    # early-warning figure asks every warning source once (about 10 more).
    P("home", ceiling=110),
    P("notifications", shown=lambda w: "甲镇提醒", hidden=lambda w: "全市提醒", ceiling=15),
    P("notifications_read_all", method="post"),
    P(
        "notifications_read_group",
        method="post",
        accept=lambda w: {"kind": "test"},
        refuse=lambda w: {},  # no group named: an error message, nothing marked
        watch=WATCH,
    ),
    P("calendar", params={"month": "2026-12"}, ceiling=30),
    # one day in full (the "+N 项" link of a folded day cell)
    P("calendar", params={"month": "2026-12", "day": "2026-12-31"}, ceiling=30),
    P("calendar_token", method="post", accept=lambda w: {}),
    P("calendar_token_revoke", method="post", accept=lambda w: {}),
    P(
        "notification_read",
        method="post",
        inside=rec("note_a"),
        outside=rec("note_b"),
        refuse=lambda w: {},
        watch=WATCH,
    ),
    P("integrity_index", params={"q": "张"}, shown=lambda w: "张伟", hidden=lambda w: "张强", ceiling=20),
    # the file's sections, the board's signals and one query or two per timeline source, petitions' section and sources
    P("integrity_file", inside=rec("cadre_a"), outside=rec("cadre_b"), ceiling=85),
    P("integrity_file_export", inside=rec("cadre_a"), outside=rec("cadre_b")),
    # the yearly joint analysis: 一把手 of the user's integrity scope (张伟 of 甲镇, not 李强)
    P("integrity_analysis", shown=lambda w: "张伟", hidden=lambda w: "李强", ceiling=60),
    P("integrity_analysis_cadre", inside=rec("cadre_a"), outside=rec("cadre_b"), ceiling=75),
    P("integrity_analysis_docx", ceiling=85),
    # the early-warning board: every source over the user's scope, constant queries
    P("warnings:board", shown=lambda w: "张伟", hidden=lambda w: "李强", export=True, ceiling=50),
    P("warnings:signals", shown=lambda w: "张伟", hidden=lambda w: "李强", export=True, ceiling=50),
    # the user's own exports (tests/test_exports.py): staff_a's, never staff_all's
    P(
        "export_list",
        shown=lambda w: "干部档案导出（导入格式）",
        hidden=lambda w: "联席会议专题分析",
        ceiling=15,
    ),
    P("export_job", inside=token("job_a"), outside=token("job_b")),
    P("export_job_download", inside=token("job_a"), outside=token("job_b")),
    # administrator pages: only the superuser; everyone else 403 (tests/test_admin_pages.py)
    P("admin_roles", user="admin", refuse_url=None),
    P("admin_role_detail", user="admin", inside=rec("group_a")),
    P("admin_policies", user="admin"),
    P("admin_access_log", user="admin", export=True, ceiling=15),
]

APIS = [
    A("exports-api:export-list", shown=token("job_a"), hidden=token("job_b"), ceiling=10),
    A(
        "exports-api:export-list",
        method="post",
        accept=lambda w: {"kind": "cadres.dossier", "params": {}},
        refuse=lambda w: {"kind": "no.such.export", "params": {}},
        refuse_status=400,
        watch=(ExportJob,),
    ),
    A("exports-api:export-detail", inside=token("job_a"), outside=token("job_b")),
    A("exports-api:export-download", inside=token("job_a"), outside=token("job_b")),
    # As the home page: the first read of a day (or after a write) also rebuilds the rotation
    # due snapshot its figures read (about 45 queries, constant in the number of rows).
    A("workbench-api:workbench", ceiling=110),
    A("cadres-api:warnings", shown=lambda w: "张伟", hidden=lambda w: "李强", ceiling=40),
    A("workbench-api:calendar", params={"month": "2026-12"}, ceiling=30),
    # The pickers' lookup endpoint (one URL, one source per argument): staff_a finds the cadres of
    # 甲镇 by name and never 乙镇's; a page of at most 20 rows in constant queries.
    A(
        "lookup",
        inside=lambda w: "cadres",
        params={"q": "张"},
        shown=rec("cadre_a"),
        hidden=rec("cadre_b_zhang"),
        ceiling=10,
    ),
]

(
    test_anonymous,
    test_in_scope,
    test_out_of_scope,
    test_refused,
    test_accepted,
    test_ceiling,
    test_malformed_id,
) = grid_tests(PAGES + APIS)


def test_admin_pages_refused_to_org_staff(world, db, client):
    """The /system/ pages are the administrator's: org staff over the whole city get 403."""
    from django.urls import reverse

    client.force_login(world.staff_all)
    for row in PAGES:
        if row.name.startswith("admin_"):
            args = [row.inside(world).pk] if row.inside else []
            assert client.get(reverse(row.name, args=args)).status_code == 403, row.name
