"""Pages and API end to end, exports, bad input over HTTP, query-count ceilings."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from cadre_supervision.models import AccessLog
from interviews import services
from interviews.choices import InterviewKind
from interviews.models import (
    FollowUp,
    InterviewAssignment,
    InterviewParticipant,
    InterviewRecord,
    RequiredTalk,
)
from tests.factories import AppointmentFactory, CadreFactory, PostFactory


def open_task(talks, cadre):
    return (
        RequiredTalk.objects.filter(cadre=cadre, done_on__isnull=True, cancelled_at__isnull=True)
        .order_by("due_date")
        .first()
    )


def test_log_a_talk_from_my_tasks_page(talks, client):
    client.force_login(talks.ganbuke)
    task = open_task(talks, talks.cadre_a2)
    page = client.get("/interviews/").content.decode()
    assert f"/interviews/records/new/?task={task.pk}" in page
    form = client.get(f"/interviews/records/new/?task={task.pk}")
    assert form.status_code == 200 and "保存后该任务记为已完成" in form.content.decode()
    data = {
        "task": task.pk,
        "interviewee": talks.cadre_a2.pk,
        "kind": "routine",
        "date": talks.today.isoformat(),
        "interviewers": [talks.ganbuke.pk],
        "place": "组织部谈话室",
        "summary": "谈了思想和工作",
        "fu-TOTAL_FORMS": "2",
        "fu-INITIAL_FORMS": "0",
        "fu-0-action": "提交书面报告",
        "fu-0-owner_name": "王芳",
        "fu-0-due_date": (talks.today + dt.timedelta(days=20)).isoformat(),
        "attachments": [SimpleUploadedFile("谈话提纲.docx", b"PK\x03\x04 docx")],
    }
    resp = client.post(f"/interviews/records/new/?task={task.pk}", data)
    assert resp.status_code == 302 and resp["Location"].startswith("/interviews/")
    task.refresh_from_db()
    assert task.done_on == talks.today
    rec = task.fulfilled_by
    assert rec.follow_ups.get().owner_name == "王芳" and rec.attachments.count() == 1
    # Attachment download is logged.
    att = rec.attachments.get()
    assert client.get(f"/interviews/attachments/{att.pk}/").status_code == 200
    assert AccessLog.objects.filter(action="download_file", object_id=str(att.pk)).exists()
    # Viewing the record is logged too.
    client.get(rec.get_absolute_url())
    assert AccessLog.objects.filter(
        action="view_interview", object_type="interviews.interviewrecord", object_id=str(rec.pk)
    ).exists()


def test_bad_input_on_the_form_shows_chinese_messages_and_saves_nothing(talks, client):
    client.force_login(talks.ganbuke)
    data = {
        "interviewee": talks.cadre_a2.pk,
        "kind": "routine",
        "date": (talks.today + dt.timedelta(days=3)).isoformat(),
        "interviewers": [talks.ganbuke.pk, talks.linezz.pk],
        "summary": "x",
        "fu-TOTAL_FORMS": "1",
        "fu-INITIAL_FORMS": "0",
        "fu-0-action": "整改",
        "fu-0-owner_name": "王芳",
        "fu-0-due_date": "2000-01-01",
        "attachments": [SimpleUploadedFile("恶意.exe", b"MZ")],
    }
    resp = client.post("/interviews/records/new/", data)
    html = resp.content.decode()
    assert resp.status_code == 200
    for msg in (
        "谈话日期不能晚于今天。",
        "条线领导不是王芳的谈话责任人",
        "后续措施的完成期限不能早于谈话日期。",
        "附件“恶意.exe”的类型不允许",
    ):
        assert msg in html
    assert InterviewRecord.objects.count() == 0 and FollowUp.objects.count() == 0


def test_attachment_upload_and_follow_up_on_the_detail_page(talks, client):
    rec = services.record_create(
        user=talks.ganbuke,
        interviewee=talks.cadre_a2,
        interviewers=[talks.ganbuke],
        kind="routine",
        date=talks.today,
        summary="x",
    )
    client.force_login(talks.ganbuke)
    big = SimpleUploadedFile("大文件.pdf", b"x" * (10 * 1024 * 1024 + 1))
    resp = client.post(f"/interviews/records/{rec.pk}/attachments/", {"file": big}, follow=True)
    assert "过大" in resp.content.decode() and rec.attachments.count() == 0
    resp = client.post(
        f"/interviews/records/{rec.pk}/follow-ups/",
        {
            "action": "回访",
            "owner_name": "王芳",
            "due_date": (talks.today - dt.timedelta(days=1)).isoformat(),
        },
        follow=True,
    )
    assert "后续措施的完成期限不能早于谈话日期。" in resp.content.decode() and rec.follow_ups.count() == 0
    client.force_login(talks.other_sup)  # not theirs: 404
    assert client.post(f"/interviews/records/{rec.pk}/follow-ups/", {"action": "x"}).status_code == 404


def test_staff_pages_and_exports(talks, client):
    client.force_login(talks.staff_all)
    for url in [
        "/interviews/coverage/",
        "/interviews/required/",
        "/interviews/gaps/",
        "/interviews/assignments/",
        "/interviews/special/new/",
        "/interviews/assignments/new/",
        "/interviews/records/",
    ]:
        assert client.get(url).status_code == 200, url
    resp = client.get("/interviews/coverage/?export=xlsx")
    wb = load_workbook(BytesIO(resp.content))
    assert wb.sheetnames == ["按单位", "按谈话人"]
    assert {r[0] for r in wb["按单位"].iter_rows(min_row=2, values_only=True)} == {
        "甲镇",
        "乙镇",
        "丙局",
        "丁局",
    }
    resp = client.get("/interviews/required/?export=xlsx&status=overdue")
    assert resp.status_code == 200
    resp = client.get("/interviews/gaps/?export=xlsx")
    rows = list(load_workbook(BytesIO(resp.content)).active.iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in rows] == ["孙副"]
    assert AccessLog.objects.filter(action="export").count() == 3
    html = client.get(f"/interviews/required/?year={talks.today.year}&status=overdue").content.decode()
    assert "张伟" in html  # the 30 June talk of a 党政正职 is overdue (today is after June)  # noqa: E501
    html = client.get(f"/interviews/coverage/?year={talks.today.year}&org_kind=township").content.decode()
    assert "甲镇" in html and "丙局" not in html


def test_assignment_pages(talks, client):
    client.force_login(talks.staff_all)
    resp = client.post(
        "/interviews/assignments/new/",
        {"role": "in_charge", "interviewer": talks.fenguan.pk, "organization": talks.organ_b.pk},
    )
    assert resp.status_code == 302
    assert open_task(talks, talks.organ_b_deputy).responsible == talks.fenguan
    resp = client.post(
        "/interviews/assignments/new/",
        {"role": "line_leader", "interviewer": talks.linezz.pk, "organization": talks.root.pk},
    )
    assert "条线领导须选择负责的条线。" in resp.content.decode()
    client.force_login(talks.other_sup)
    assert client.get("/interviews/assignments/new/").status_code == 403


def test_special_topic_page_and_cancel(talks, client):
    client.force_login(talks.staff_all)
    resp = client.post(
        "/interviews/special/new/",
        {
            "cadre": talks.cadre_b.pk,
            "trigger": "violation_sign",
            "trigger_date": talks.today.isoformat(),
            "note": "群众反映",
        },
    )
    talk = RequiredTalk.objects.get(kind="special_topic", cadre=talks.cadre_b)
    assert resp.status_code == 302 and talk.responsible == talks.shuji
    resp = client.post(f"/interviews/required/{talk.pk}/cancel/", {"reason": ""}, follow=True)
    assert "请填写取消原因。" in resp.content.decode()
    client.post(f"/interviews/required/{talk.pk}/cancel/", {"reason": "经核实不属实"})
    talk.refresh_from_db()
    assert talk.cancelled_at is not None


# --- API ----------------------------------------------------------------------------------------------


def test_api_record_lifecycle(talks, api):
    api.force_authenticate(talks.shuji)
    payload = {
        "interviewee": talks.cadre_b.pk,
        "interviewers": [talks.shuji.pk],
        "kind": "routine",
        "date": talks.today.isoformat(),
        "summary": "谈话",
        "follow_ups": [{"action": "报送材料", "owner_name": "李强", "due_date": talks.today.isoformat()}],
    }
    bad = api.post(
        "/api/v1/interview-records/",
        {**payload, "date": (talks.today + dt.timedelta(days=1)).isoformat()},
        format="json",
    )
    assert bad.status_code == 400 and bad.json()["date"] == ["谈话日期不能晚于今天。"]
    resp = api.post("/api/v1/interview-records/", payload, format="json")
    assert resp.status_code == 201, resp.json()
    body = resp.json()
    assert body["fulfils"] == open_task_done(talks, talks.cadre_b).pk
    assert body["follow_ups"][0]["owner_name"] == "李强"
    rid = body["id"]
    assert (
        api.patch(f"/api/v1/interview-records/{rid}/", {"place": "市委"}, format="json").json()["place"]
        == "市委"
    )
    assert len(api.get(f"/api/v1/interview-records/{rid}/history/").json()) >= 2
    fu = body["follow_ups"][0]["id"]
    resp = api.post(
        f"/api/v1/interview-follow-ups/{fu}/complete/", {"done_on": talks.today.isoformat()}, format="json"
    )
    assert resp.status_code == 200 and resp.json()["status"] == "done"
    resp = api.post(
        f"/api/v1/interview-records/{rid}/attachments/",
        {"file": SimpleUploadedFile("a.sh", b"x")},
        format="multipart",
    )
    assert resp.status_code == 400 and "类型不允许" in resp.json()["file"][0]
    assert api.delete(f"/api/v1/interview-records/{rid}/").status_code == 204
    assert open_task(talks, talks.cadre_b).done_on is None


def test_api_record_from_last_years_task_fulfils_it_late(talks, api):
    y = talks.today.year
    services.plan_refresh(year=y - 1)
    old = RequiredTalk.objects.filter(cadre=talks.cadre_b, year=y - 1).order_by("seq").first()
    api.force_authenticate(talks.shuji)
    payload = {
        "task": old.pk,
        "interviewee": talks.cadre_b.pk,
        "interviewers": [talks.shuji.pk],
        "kind": "routine",
        "date": talks.today.isoformat(),
        "summary": "补谈",
    }
    resp = api.post("/api/v1/interview-records/", payload, format="json")
    assert resp.status_code == 201, resp.json()
    assert resp.json()["fulfils"] == old.pk and resp.json()["task"] == old.pk
    assert not RequiredTalk.objects.filter(cadre=talks.cadre_b, year=y, done_on__isnull=False).exists()
    body = api.get(f"/api/v1/required-talks/{old.pk}/").json()
    assert body["done_on"] == talks.today.isoformat() and body["late"] is True
    again = api.post("/api/v1/interview-records/", payload, format="json")
    assert again.status_code == 400 and again.json()["task"] == ["该谈话任务已由其他谈话记录完成。"]


def open_task_done(talks, cadre):
    return RequiredTalk.objects.filter(cadre=cadre, done_on__isnull=False).first()


def test_api_tasks_assignments_and_stats(talks, api):
    api.force_authenticate(talks.ganbuke)
    mine = api.get("/api/v1/required-talks/mine/?status=overdue").json()["results"]
    assert all(r["responsible"] == talks.ganbuke.pk and r["status"] == "overdue" for r in mine)
    api.force_authenticate(talks.staff_all)
    resp = api.post(
        "/api/v1/required-talks/",
        {"cadre": talks.cadre_a.pk, "trigger": "family_event", "trigger_date": talks.today.isoformat()},
        format="json",
    )
    assert resp.status_code == 201 and resp.json()["status"] in ("due_soon", "pending")
    resp = api.post(
        "/api/v1/interview-assignments/",
        {"role": "in_charge", "user": talks.fenguan.pk, "organization": talks.organ_b.pk},
        format="json",
    )
    assert resp.status_code == 201, resp.json()
    aid = resp.json()["id"]
    assert api.delete(f"/api/v1/interview-assignments/{aid}/").status_code == 204
    assert not InterviewAssignment.objects.get(pk=aid).is_active
    api.force_authenticate(talks.staff_a)
    before = InterviewAssignment.objects.count()
    refused = api.post(
        "/api/v1/interview-assignments/",
        {"role": "in_charge", "user": talks.fenguan.pk, "organization": talks.organ_b.pk},
        format="json",
    )
    # an organization outside the caller's scope is answered like a nonexistent one
    assert refused.status_code == 400 and "organization" in refused.json()
    assert InterviewAssignment.objects.count() == before
    stats = api.get(f"/api/v1/stats/interviews/?year={talks.today.year}").json()
    assert stats["year"] == talks.today.year and {"required", "done", "overdue", "rate"} <= set(
        stats["totals"]
    )
    assert api.get("/api/v1/stats/interviews/?year=abc").status_code == 400


# --- query-count ceilings ------------------------------------------------------------------------------


def build(talks, n):
    """n township deputies in 甲镇 (ganbuke's tasks), half of them talked to."""
    post = PostFactory(organization=talks.town_a, title="副镇长X")
    cadres = [
        CadreFactory(organization=talks.town_a, birth_date=dt.date(1970, 1, 1) + dt.timedelta(days=7 * i))
        for i in range(n)
    ]
    for c in cadres:
        AppointmentFactory(cadre=c, post=post, start_date=dt.date(2021, 1, 1))
    services.plan_refresh(year=talks.today.year, cadre_ids=[c.pk for c in cadres])
    recs = InterviewRecord.objects.bulk_create(
        [
            InterviewRecord(kind=InterviewKind.ROUTINE, date=talks.today, interviewee=c, summary="x")
            for c in cadres[::2]
        ]
    )
    InterviewParticipant.objects.bulk_create(
        [InterviewParticipant(record=r, user=talks.ganbuke) for r in recs]
    )
    for c in cadres[::2]:
        services.fulfilment_sync(c.pk)


@pytest.mark.parametrize("n", [10, 100])
def test_query_ceilings(talks, client, api, django_assert_max_num_queries, n):
    build(talks, n)
    client.force_login(talks.ganbuke)
    with django_assert_max_num_queries(18):
        assert client.get("/interviews/").status_code == 200
    with django_assert_max_num_queries(18):
        assert client.get("/interviews/records/").status_code == 200
    client.force_login(talks.staff_all)
    with django_assert_max_num_queries(18):
        assert client.get("/interviews/coverage/").status_code == 200
    with django_assert_max_num_queries(18):
        assert client.get("/interviews/required/").status_code == 200
    with django_assert_max_num_queries(18):
        assert client.get("/interviews/gaps/").status_code == 200
    api.force_authenticate(talks.staff_all)
    with django_assert_max_num_queries(10):
        assert api.get("/api/v1/required-talks/?page_size=200").status_code == 200
    with django_assert_max_num_queries(10):
        assert api.get("/api/v1/interview-records/?page_size=200").status_code == 200
    with django_assert_max_num_queries(10):
        assert api.get("/api/v1/interview-follow-ups/").status_code == 200
    with django_assert_max_num_queries(10):
        assert api.get("/api/v1/stats/interviews/").status_code == 200
