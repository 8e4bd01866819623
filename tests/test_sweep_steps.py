# ruff: noqa: F811  (fixtures imported from the interviews and audits test helpers)
"""Reads that write: a sweep source only reads; the writes are the sweep's explicit steps."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from audits import services as audit_services
from audits.choices import AuditStatus
from audits.models import AuditFileShare, AuditFileUserObjectPermission
from cadre_supervision import registry
from cadre_supervision.models import Notification
from cadre_supervision.notifications import run_sweep
from interviews.models import RequiredTalk
from tests.audits.helpers import ac, advance, private_media  # noqa: F401  (fixtures)
from tests.interviews.conftest import talks  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def table_digests() -> dict[str, tuple[int, str]]:
    """(row count, md5 of every row's text) of every table: any insert, update or delete shows."""
    out = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            qn = connection.ops.quote_name(table)
            cursor.execute(
                f"SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM {qn} t"
            )
            out[table] = cursor.fetchone()
    return out


@pytest.fixture
def pending_writes(talks, ac):
    """A sweep next January has two writes to do: plan the new year's talks, and drop the
    guardian grant of a share that has ended."""
    advance(ac.audit_a, ac.staff_all, AuditStatus.FIELDWORK)
    file = audit_services.audit_file_upload(
        user=ac.staff_all,
        audit=ac.audit_a,
        kind="report",
        title="甲镇联审报告",
        uploaded_file=SimpleUploadedFile("a.pdf", b"%PDF-a"),
    )
    share = audit_services.audit_file_share(
        user=ac.staff_all,
        file=file,
        officer=ac.discipline_b,
        until=timezone.localdate() + dt.timedelta(days=3),
        reason="案件核查",
    )
    AuditFileShare.objects.filter(pk=share.pk).update(expires_at=timezone.now() - dt.timedelta(days=1))
    day = dt.date(talks.today.year + 1, 1, 5)
    assert not RequiredTalk.objects.filter(year=day.year).exists()
    assert AuditFileUserObjectPermission.objects.filter(content_object=file).exists()
    return day, file


def test_the_steps_are_registered():
    assert {"interviews.plan_refresh", "audits.purge_expired_shares"} <= set(registry.sweep_steps)
    assert {"interviews.talks", "audits.share_expiring"} <= set(registry.sweep_sources)


def test_running_every_source_alone_changes_no_row(pending_writes):
    day, _file = pending_writes
    before = table_digests()
    produced = {key: list(source(day)) for key, source in registry.sweep_sources.items()}
    assert table_digests() == before
    # The sources did read something: this year's talks are overdue next January.
    assert produced["interviews.talks"]


def test_the_sweep_performs_the_writes_as_steps(pending_writes):
    day, file = pending_writes
    result = run_sweep(day, deliver=False)
    assert not result.errors
    assert RequiredTalk.objects.filter(year=day.year).exists()
    assert result.steps["interviews.plan_refresh"]["created"] > 0
    assert not AuditFileUserObjectPermission.objects.filter(content_object=file).exists()
    assert result.steps["audits.purge_expired_shares"] == 1
    assert Notification.objects.exists()


def test_a_failing_step_is_reported_and_the_sources_still_run(talks, monkeypatch):
    def broken(today):
        raise RuntimeError("boom")

    monkeypatch.setitem(registry.sweep_steps, "zz.broken", broken)
    result = run_sweep(dt.date(talks.today.year, 12, 31), deliver=False)
    assert result.errors == {"zz.broken": "RuntimeError: boom"}
    assert result.by_source["interviews.talks"]["considered"] > 0


@pytest.mark.parametrize(
    "steps, sources, after, expected",
    [
        ([], [], {}, [(None, [])]),
        (["s1"], ["a", "b"], {}, [(None, ["a", "b"]), ("s1", [])]),
        (
            ["s1", "s2"],
            ["a", "b", "c"],
            {"b": "s2", "c": "s2"},
            [(None, ["a"]), ("s1", []), ("s2", ["b", "c"])],
        ),
        (
            ["s1"],
            ["a", "b"],
            {"a": "s1", "b": "gone"},
            [(None, ["b"]), ("s1", ["a"])],
        ),  # unknown step: no wait
        (["s1", "s2"], ["c", "a"], {"c": "s1", "a": "s1"}, [(None, []), ("s1", ["c", "a"]), ("s2", [])]),
    ],
)
def test_sweep_plan(steps, sources, after, expected):
    from cadre_supervision.notifications import sweep_plan

    assert sweep_plan(steps, sources, after) == expected


def test_every_source_waits_for_a_registered_step_of_its_own_app():
    assert registry.sweep_source_after, "some sources read the writes of a step"
    for source, step in registry.sweep_source_after.items():
        assert source in registry.sweep_sources and step in registry.sweep_steps, (source, step)
        assert source.split(".")[0] == step.split(".")[0], (source, step)
    assert registry.sweep_source_after["interviews.talks"] == "interviews.plan_refresh"


def test_the_worker_sweep_sends_each_step_before_its_sources(pending_writes, monkeypatch):
    """The Celery sweep (tasks eager): every step and every source runs once, each source that
    names a step after it, and the reminders equal those of the in-process sweep."""
    from cadre_supervision import tasks
    from cadre_supervision.notifications import run_source, run_step

    day, _file = pending_writes
    order: list[str] = []
    monkeypatch.setattr(
        "cadre_supervision.notifications.run_step",
        lambda key, today, result: (order.append(key), run_step(key, today, result)),
    )
    monkeypatch.setattr(
        "cadre_supervision.notifications.run_source",
        lambda key, today: (order.append(key), run_source(key, today))[1],
    )
    from cadre_supervision.celery import app

    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True  # the fanned-out steps and chunks run here, in order sent
    try:
        tasks.run_sweep.apply(kwargs={"today": day.isoformat(), "deliver": False})
    finally:
        app.conf.task_always_eager = eager
    assert sorted(order) == sorted([*registry.sweep_steps, *registry.sweep_sources])
    for source, step in registry.sweep_source_after.items():
        assert order.index(step) < order.index(source), (step, source)
    worker_rows = set(Notification.objects.values_list("recipient_id", "kind", "period", "object_id"))
    assert worker_rows and RequiredTalk.objects.filter(year=day.year).exists()
    Notification.objects.all().delete()
    run_sweep(day, deliver=False)
    in_process = set(Notification.objects.values_list("recipient_id", "kind", "period", "object_id"))
    assert in_process and in_process <= worker_rows
    # The rest are the notices the plan refresh sent as it assigned the new year's talks (its
    # writes happened the first time; the second refresh had nothing left to assign).
    assert {kind for _r, kind, _p, _o in worker_rows - in_process} <= {"interviews.special_assigned"}
