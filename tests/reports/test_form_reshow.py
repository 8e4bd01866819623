"""Every reports form shown again after a refused post keeps what was entered (text, dates,
selected options, ticked boxes) and saves nothing."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from cadres.models import Publicity
from reports import services
from reports.models import (
    ItemOutcome,
    MajorMatterReport,
    ReportCycle,
    ReportVersion,
)

from .conftest import AFTER_DEADLINE, YEAR, full_answers, open_check, submit
from .test_views import _form_post

pytestmark = pytest.mark.django_db

CODES = ["F1", "F2", "F3", "F4", "F5", "F6", "F7", "F8", "P1", "P2", "P3", "P4", "P5", "P6"]


def selected(body: str, name: str, value) -> bool:
    """The <select name=...> has <option value=...> selected."""
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', body, re.S)
    return (
        bool(select) and re.search(rf'<option value="{value}"[^>]*\bselected\b', select.group(1)) is not None
    )


def test_report_form_keeps_entries(client, rc):
    client.force_login(rc.staff_all)
    bad = full_answers(
        P3={
            "entries": [
                {"owner": "本人", "address": "西湖路8号", "area": "88", "use": "住宅", "share": "150"}
            ]
        }
    )
    r = client.post(
        reverse("reports:report_edit", args=[rc.report_a.pk]), _form_post(bad) | {"action": "save"}
    )
    body = r.content.decode()
    assert r.status_code == 400 and "不能超过 100%" in body
    assert 'value="西湖路8号"' in body
    assert 'value="150"' in body and 'value="李红"' in body
    assert re.search(r'name="none-F2" id="none-F2"\s+checked', body)
    assert not re.search(r'name="none-F1" id="none-F1"\s+checked', body)
    assert not ReportVersion.objects.exists()


def test_cycle_form_keeps_values(client, rc):
    client.force_login(rc.staff_all)
    r = client.post(
        reverse("reports:cycle_create"),
        {"year": YEAR, "deadline": f"{YEAR + 1}-02-15", "notes": "第二次启动的说明"},
    )
    body = r.content.decode()
    assert r.status_code == 400 and "不能重复启动" in body
    assert f'value="{YEAR}"' in body and f'value="{YEAR + 1}-02-15"' in body and "第二次启动的说明" in body
    assert ReportCycle.objects.count() == 1


def test_major_matter_form_keeps_fields_and_ties(client, rc):
    client.force_login(rc.staff_all)
    today = timezone.localdate().isoformat()
    r = client.post(
        reverse("reports:major_create"),
        {
            "cadre": rc.cadre_a.pk,
            "kind": "social_ties",
            "title": "三圈情况",
            "occurred_on": today,
            "reported_on": today,
            "description": "与同学聚会",
            "tie-0-person": "钱某",
            "tie-0-relation": "同学",
            "tie-1-circle": "social",
            "tie-1-person": "孙某",
            "tie-1-relation": "朋友",
        },
    )
    body = r.content.decode()
    assert r.status_code == 400 and "第1名交往对象：请选择所属圈子" in body
    assert selected(body, "cadre", rc.cadre_a.pk) and selected(body, "kind", "social_ties")
    assert 'value="三圈情况"' in body and "与同学聚会" in body and f'value="{today}"' in body
    assert 'value="钱某"' in body and 'value="孙某"' in body and 'value="朋友"' in body
    assert selected(body, "tie-1-circle", "social") and not selected(body, "tie-0-circle", "social")
    assert not MajorMatterReport.objects.exists()


def test_verification_outcome_form_keeps_choices(client, rc):
    submit(rc.staff_all, rc.report_a)
    v = services.sample_draw_create(
        user=rc.staff_all, cycle=rc.cycle, seed="x", today=AFTER_DEADLINE
    ).verifications.get()
    client.force_login(rc.staff_all)
    data = {f"outcome_{c}": "consistent" for c in CODES} | {
        "outcome_P4": "omission",
        "source_P4": "securities",
        "note_P4": "漏报股票一只",
        "evidence_sources": ["securities"],
        "handling": "",
        "handling_note": "待定",
    }
    r = client.post(v.get_absolute_url(), data)
    body = r.content.decode()
    assert r.status_code == 400 and "须填写处理方式" in body
    assert selected(body, "outcome_P4", "omission") and selected(body, "source_P4", "securities")
    assert selected(body, "outcome_P3", "consistent") and not selected(body, "outcome_P3", "omission")
    assert 'value="漏报股票一只"' in body and "待定" in body
    assert re.search(r'<input type="checkbox" name="evidence_sources" value="securities"[^>]*checked', body)
    assert not ItemOutcome.objects.exists()
    v.refresh_from_db()
    assert v.handling == "" and v.handling_note == ""


def test_verification_outcome_errors_land_on_the_item(client, rc):
    """The service's per-item errors are keyed like the form's fields (no remapping)."""
    submit(rc.staff_all, rc.report_a)
    v = services.sample_draw_create(
        user=rc.staff_all, cycle=rc.cycle, seed="x", today=AFTER_DEADLINE
    ).verifications.get()
    client.force_login(rc.staff_all)
    data = {f"outcome_{c}": "consistent" for c in CODES} | {
        "outcome_P4": "omission",
        "evidence_sources": ["securities"],
        "handling": "education",
        "handling_note": "批评教育",
    }
    r = client.post(v.get_absolute_url(), data)
    assert r.status_code == 400
    form = r.context["form"]
    assert form.errors["source_P4"] == ["漏报或瞒报的事项须注明依据来源。"]
    assert "__all__" not in form.errors


def test_assign_verifier_form_keeps_user_name(client, rc):
    submit(rc.staff_all, rc.report_a)
    v = services.sample_draw_create(
        user=rc.staff_all, cycle=rc.cycle, seed="x", today=AFTER_DEADLINE
    ).verifications.get()
    client.force_login(rc.staff_all)
    r = client.post(v.get_absolute_url(), {"action": "assign", "verifier": "no-such-user"})
    body = r.content.decode()
    assert r.status_code == 400 and "请选择有效的查核人员账号" in body and 'value="no-such-user"' in body
    r = client.post(v.get_absolute_url(), {"action": "assign", "verifier": rc.cadre_user.username})
    assert r.status_code == 400 and "不能指派干部本人" in r.content.decode()
    assert r.context["assign_form"].errors["verifier"]
    assert not v.assignments.exists()


def test_notice_form_keeps_values(client, rc):
    submit(rc.staff_all, rc.report_a)
    v = open_check(rc.cadre_a)
    today = timezone.localdate()
    services.notice_create(user=rc.staff_all, verification=v, start_date=today, location="本单位公示栏")
    client.force_login(rc.staff_all)
    r = client.post(
        v.get_absolute_url(),
        {"action": "notice", "start_date": today.isoformat(), "location": "村委会公示栏"},
    )
    body = r.content.decode()
    assert r.status_code == 400 and "重叠" in body
    assert 'value="村委会公示栏"' in body and f'value="{today.isoformat()}"' in body
    assert Publicity.objects.count() == 1


def test_correction_without_reason_is_refused(client, rc):
    submit(rc.staff_all, rc.report_a)
    client.force_login(rc.staff_all)
    r = client.post(reverse("reports:report_correct", args=[rc.report_a.pk]), {"reason": "补"}, follow=True)
    assert r.redirect_chain == [(rc.report_a.get_absolute_url(), 302)]
    assert "不少于 4 个字" in r.content.decode()
    assert rc.report_a.versions.count() == 1
