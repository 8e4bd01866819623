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
