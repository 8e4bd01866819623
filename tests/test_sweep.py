# ruff: noqa: F811  (the `talks` fixture is imported from tests/interviews/conftest.py)
"""The reminder sweep (shared core + the interviews sources): idempotent, no reminder after
the talk is logged, monthly escalation, overdue follow-ups, delivery, isolation of failures."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command

from cadre_supervision import registry
from cadre_supervision.models import Notification
from cadre_supervision.notifications import ReminderSpec, deliver_pending, notify, run_sweep
from interviews import services
from interviews.choices import InterviewKind, ReminderKind
from interviews.models import RequiredTalk
from tests.interviews.conftest import talks  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def year():
    from django.utils import timezone

    return timezone.localdate().year


def kinds(user, kind):
    return list(Notification.objects.filter(recipient=user, kind=kind).order_by("id"))


def first_talk(cadre):
    return RequiredTalk.objects.filter(cadre=cadre, kind="routine").order_by("seq").first()


def test_sweep_twice_creates_nothing_new(talks):
    day = dt.date(year(), 7, 15)
    first = run_sweep(day, deliver=False)
    count = Notification.objects.count()
    assert first.created == count > 0
    second = run_sweep(day, deliver=False)
    assert second.created == 0 and second.considered == first.considered
    assert Notification.objects.count() == count
    assert first.by_source["interviews.talks"]["created"] > 0


def test_overdue_talk_reminds_weekly_and_escalates_monthly(talks):
    y = year()
    talk = first_talk(talks.cadre_a)  # 甲镇 党委书记: shuji, due 30 June
    assert talk.due_date == dt.date(y, 6, 30)
    # Sweeps every day for five weeks: July 1 .. August 4.
    for offset in range(35):
        run_sweep(dt.date(y, 7, 1) + dt.timedelta(days=offset), deliver=False)
    overdue = [n for n in kinds(talks.shuji, ReminderKind.OVERDUE) if n.object_id == str(talk.pk)]
    assert len(overdue) == len({n.period for n in overdue}) == 6  # ISO weeks 27..32 touched
    # Escalation goes to the org-department official covering 甲镇 (ganbuke), once a month.
    esc = [n for n in kinds(talks.ganbuke, ReminderKind.ESCALATION) if n.object_id == str(talk.pk)]
    assert [n.period for n in esc] == [f"{y}-07", f"{y}-08"]
    assert "张伟" in esc[0].title and "市委书记" in esc[0].body
    # Nobody escalates to the responsible person themself.
    assert not kinds(talks.shuji, ReminderKind.ESCALATION)


def test_escalation_of_the_org_department_officials_own_talk_goes_up(talks):
    y = year()
    talk = first_talk(talks.cadre_a2)  # ganbuke's, due 31 December
    run_sweep(dt.date(y + 1, 1, 10), deliver=False)
    esc = [n for n in kinds(talks.zuzhibu, ReminderKind.ESCALATION) if n.object_id == str(talk.pk)]
    assert len(esc) == 1  # the city-wide official, not ganbuke himself


def test_no_reminder_after_the_talk_is_logged(talks):
    y = year()
    talk = first_talk(talks.cadre_a)
    run_sweep(dt.date(y, 7, 6), deliver=False)
    (n,) = [n for n in kinds(talks.shuji, ReminderKind.OVERDUE) if n.object_id == str(talk.pk)]
    assert n.read_at is None
    services.record_create(
        user=talks.shuji,
        interviewee=talks.cadre_a,
        interviewers=[talks.shuji],
        kind=InterviewKind.ROUTINE,
        date=dt.date(y, 7, 8),
        summary="谈话",
    )
    earlier = Notification.objects.filter(object_type="interviews.requiredtalk", object_id=str(talk.pk))
    assert earlier.count() == 2  # the overdue reminder and the escalation of 6 July
    assert not earlier.filter(read_at__isnull=True).exists()  # both settled by the record
    for day in (dt.date(y, 7, 14), dt.date(y, 8, 20)):
        run_sweep(day, deliver=False)
    assert earlier.count() == 2


def test_due_soon_once_per_due_date(talks):
    y = year()
    talk = first_talk(talks.organ_deputy)  # fenguan, 31 December
    for day in range(17, 32):
        run_sweep(dt.date(y, 12, day), deliver=False)
    (n,) = [n for n in kinds(talks.fenguan, ReminderKind.DUE_SOON) if n.object_id == str(talk.pk)]
    assert n.period == f"due:{y}-12-31" and n.url.endswith(f"?task={talk.pk}")
    run_sweep(dt.date(y, 12, 16), deliver=False)  # outside the 14-day window: nothing more
    assert len(kinds(talks.fenguan, ReminderKind.DUE_SOON)) == 1


def test_gap_talks_escalate_to_the_org_department(talks):
    talk = first_talk(talks.organ_b_deputy)  # 丁局: no city leader in charge, no org-dept for 丁局
    run_sweep(dt.date(year() + 1, 1, 5), deliver=False)
    assert [n.object_id for n in kinds(talks.zuzhibu, ReminderKind.ESCALATION) if n.object_id == str(talk.pk)]


def test_overdue_follow_up_reminds_its_owner_weekly(talks):
    y = year()
    rec = services.record_create(
        user=talks.ganbuke,
        interviewee=talks.cadre_a2,
        interviewers=[talks.ganbuke],
        kind=InterviewKind.ROUTINE,
        date=dt.date(y, 3, 1),
        summary="x",
        follow_ups=[{"action": "提交整改报告", "owner_name": "王芳", "due_date": dt.date(y, 3, 31)}],
    )
    fu = rec.follow_ups.get()
    for day in range(1, 15):
        run_sweep(dt.date(y, 4, day), deliver=False)
    got = [n for n in kinds(talks.ganbuke, ReminderKind.FOLLOW_UP_OVERDUE) if n.object_id == str(fu.pk)]
    assert len(got) == 3  # ISO weeks of 1-5, 6-12 and 13-14 April (or similar): one per week
    assert len({n.period for n in got}) == 3
    services.follow_up_complete(user=talks.ganbuke, follow_up=fu, done_on=dt.date(y, 4, 20))
    run_sweep(dt.date(y, 5, 1), deliver=False)
    assert len(kinds(talks.ganbuke, ReminderKind.FOLLOW_UP_OVERDUE)) == 3


def test_a_failing_source_does_not_stop_the_others(talks, monkeypatch):
    def broken(today):
        raise RuntimeError("boom")

    monkeypatch.setitem(registry.sweep_sources, "zz.broken", broken)
    result = run_sweep(dt.date(year(), 7, 15), deliver=False)
    assert "zz.broken" in result.errors and result.created > 0
    with pytest.raises(Exception, match="部分提醒来源执行失败"):
        call_command("run_sweep", "--date", f"{year()}-07-16", "--no-deliver")


def test_notify_counts_only_new_rows_and_deduplicates(talks):
    spec = ReminderSpec(talks.shuji.pk, "x.test", "2025-01", "标题", object_type="t", object_id="1")
    assert notify([spec, spec]) == 1
    assert notify([spec]) == 0
    assert notify([ReminderSpec(0, "x.test", "p", "no recipient")]) == 0


def test_delivery_emails_once_and_skips_users_without_address(talks, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    run_sweep(dt.date(year(), 7, 15), deliver=False)
    pending = Notification.objects.filter(emailed_at__isnull=True).count()
    with_address = Notification.objects.filter(recipient__email__gt="")
    recipients = set(with_address.values_list("recipient__email", flat=True))
    assert with_address.count() > len(recipients) > 0  # several reminders for one person
    # One digest per recipient, listing every one of their new reminders.
    assert deliver_pending() == len(recipients) == len(mail.outbox)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(recipients)
    for m in mail.outbox:
        rows = with_address.filter(recipient__email=m.to[0])
        assert f"共 {rows.count()} 项" in m.subject
        assert all(n.title in m.body for n in rows)
    assert Notification.objects.filter(emailed_at__isnull=True).count() == 0 < pending
    # A re-run sends nothing twice.
    assert deliver_pending() == 0 and len(mail.outbox) == len(recipients)
    assert mail.outbox[0].to == ["ganbuke@example.org"]


def test_delivery_failure_keeps_the_row_pending(talks, settings, monkeypatch):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    from django.core.mail.backends import locmem

    def fail(self, messages):
        raise OSError("smtp down")

    notify([ReminderSpec(talks.ganbuke.pk, "x.test", "p", "标题")])
    monkeypatch.setattr(locmem.EmailBackend, "send_messages", fail)
    assert deliver_pending() == 0
    n = Notification.objects.get(kind="x.test")
    assert n.emailed_at is None and n.email_attempts == 1
    monkeypatch.undo()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert deliver_pending() == 1


def test_run_sweep_command(talks, capsys):
    call_command("run_sweep", "--date", f"{year()}-07-15", "--no-deliver")
    out = capsys.readouterr().out
    assert "扫描完成" in out and "interviews.talks" in out and "查询" in out
    call_command("run_sweep", "--date", f"{year()}-07-15", "--json", "--no-deliver")
    assert '"created": 0' in capsys.readouterr().out


def test_sweep_makes_next_years_plan_on_new_year(talks):
    assert not RequiredTalk.objects.filter(year=year() + 1).exists()
    run_sweep(dt.date(year() + 1, 1, 1), deliver=False)
    assert RequiredTalk.objects.filter(year=year() + 1, cadre=talks.cadre_a).count() == 2


def test_writes_do_not_fail_when_the_broker_is_down(
    talks, api, django_capture_on_commit_callbacks, monkeypatch
):
    from django.utils import timezone
    from kombu.exceptions import OperationalError

    from cadre_supervision import tasks

    attempts = []

    def down(*args, **kwargs):
        attempts.append(kwargs)
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.deliver_pending, "apply_async", down)
    api.force_authenticate(talks.staff_all)
    with django_capture_on_commit_callbacks(execute=True):
        resp = api.post(
            "/api/v1/required-talks/",
            {
                "cadre": talks.cadre_a2.pk,
                "trigger": "family_event",
                "trigger_date": timezone.localdate().isoformat(),
            },
            format="json",
        )
    assert resp.status_code == 201
    assert attempts  # the delivery task was tried after commit; its failure was swallowed
    # The row is the truth: the in-app notification exists and the next delivery run e-mails it.
    n = Notification.objects.get(kind=ReminderKind.ASSIGNED, recipient=talks.ganbuke)
    assert n.emailed_at is None
