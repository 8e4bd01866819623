"""The one publicity mechanism (cadres.publicity): services refuse bad input with nothing
saved, check the kind's permission in scope; pages list, filter, print and export; reminders."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from cadres import publicity, rules
from cadres.models import Publicity, PublicityFeedback
from cadres.timeline import timeline_for
from tests.factories import make_user

TODAY = timezone.localdate()


def _open(w, cadre, *, kind="appointment", location="甲镇公示栏", start=None, user=None, source_id=1):
    return publicity.publicity_open(
        user=user or w.staff_all,
        kind=kind,
        persons=[(cadre, "镇长")],
        source_type="test.source",
        source_id=source_id,
        start_date=start or TODAY,
        location=location,
    )


@pytest.mark.django_db
def test_open_computes_the_period_by_policy_and_writes_the_notice(city):
    (p,) = _open(city, city.cadre_a, start=TODAY - dt.timedelta(days=1))
    assert p.end_date == rules.publicity_end(TODAY - dt.timedelta(days=1), 5, rules.china_is_workday)
    assert p.working_days == 5 and p.posted_by == city.staff_all
    assert "张伟" in p.notice_text and "拟任镇长" in p.notice_text and "甲镇公示栏" in p.notice_text
    assert p.is_running(TODAY)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change,key",
    [
        ({"start_date": None}, "start_date"),
        ({"start_date": TODAY - dt.timedelta(days=90)}, "start_date"),
        ({"location": "  "}, "location"),
        ({"persons": []}, "__all__"),
        ({"source_type": ""}, "__all__"),
        ({"kind": "other"}, "kind"),
    ],
)
def test_open_refuses_bad_input_and_saves_nothing(city, change, key):
    kw = dict(
        user=city.staff_all,
        kind="appointment",
        persons=[(city.cadre_a, "镇长")],
        source_type="test.source",
        source_id=1,
        start_date=TODAY,
        location="公示栏",
    )
    kw.update(change)
    with pytest.raises(ValidationError) as e:
        publicity.publicity_open(**kw)
    assert key in e.value.message_dict
    assert not Publicity.objects.exists()


@pytest.mark.django_db
def test_overlap_and_scope_and_the_kinds_permission(city):
    _open(city, city.cadre_a)
    with pytest.raises(ValidationError) as e:
        _open(city, city.cadre_a, start=TODAY + dt.timedelta(days=1))
    assert "重叠" in str(e.value)
    with pytest.raises(PermissionDenied):  # 乙镇's cadre, 甲镇's staff
        _open(city, city.cadre_b, user=city.staff_a)
    lead = make_user("lead_a", "selection_lead", [city.town_a])
    with pytest.raises(PermissionDenied):  # the selection lead may not post a 报告表公示
        _open(city, city.cadre_a, kind="report", user=lead, source_id=2)
    assert Publicity.objects.count() == 1


@pytest.mark.django_db
def test_feedback_add_and_handle(city):
    (p,) = _open(city, city.cadre_a, start=TODAY - dt.timedelta(days=1))
    with pytest.raises(ValidationError) as e:
        publicity.publicity_feedback_add(
            user=city.staff_all, publicity=p, received_on=TODAY, channel="", content=" "
        )
    assert set(e.value.message_dict) == {"channel", "content"} and not PublicityFeedback.objects.exists()
    with pytest.raises(PermissionDenied):
        publicity.publicity_feedback_add(
            user=city.discipline,
            publicity=p,
            received_on=TODAY,
            channel="phone",
            content="反映",
        )
    fb = publicity.publicity_feedback_add(
        user=city.staff_a, publicity=p, received_on=TODAY, channel="phone", content="反映其作风问题"
    )
    assert fb.status == "open" and fb.recorded_by == city.staff_a
    with pytest.raises(ValidationError):
        publicity.publicity_feedback_handle(user=city.staff_a, feedback=fb, handling="")
    fb.refresh_from_db()
    assert fb.status == "open"
    publicity.publicity_feedback_handle(user=city.staff_a, feedback=fb, handling="经核实不属实")
    fb.refresh_from_db()
    assert fb.handled and fb.handled_by == city.staff_a and fb.handled_at


@pytest.mark.django_db
def test_reminders_and_calendar(city):
    (p,) = _open(city, city.cadre_a, start=TODAY - dt.timedelta(days=1))
    ending = list(publicity.sweep_publicity_ending(p.end_date))
    assert [(x.kind, x.object_id) for x in ending] == [("cadres.publicity_ending", str(p.pk))]
    assert not list(publicity.sweep_feedback_open(p.end_date + dt.timedelta(days=1)))
    publicity.publicity_feedback_add(
        user=city.staff_all, publicity=p, received_on=TODAY, channel="web", content="x"
    )
    after = list(publicity.sweep_feedback_open(p.end_date + dt.timedelta(days=1)))
    assert [(x.kind, x.recipient_id) for x in after] == [
        ("cadres.publicity_feedback_open", city.staff_all.pk)
    ]
    assert [i.uid for i in publicity.publicity_dates(city.staff_a, TODAY, p.end_date)] == [
        f"cadres.publicity.{p.pk}"
    ]
    staff_b = make_user("staff_b_only", "org_staff", [city.town_b])
    assert not list(publicity.publicity_dates(staff_b, TODAY, p.end_date))
    # the integrity file's timeline shows it, to those in scope
    assert [e.url for e in timeline_for(city.cadre_a, city.staff_a) if e.kind == "cadres.publicity"] == [
        p.get_absolute_url()
    ]
    assert not [e for e in timeline_for(city.cadre_a, staff_b) if e.kind == "cadres.publicity"]


@pytest.mark.django_db
def test_pages_list_filter_detail_print_docx(client, city):
    (pa,) = _open(city, city.cadre_a, location="甲镇公示栏")
    (pb,) = _open(
        city, city.cadre_b, kind="report", location="乙镇公示栏", start=TODAY - dt.timedelta(days=20)
    )
    client.force_login(city.staff_a)
    body = client.get(reverse("cadres:publicity_list")).content.decode()
    assert "甲镇公示栏" in body and "乙镇公示栏" not in body
    client.force_login(city.staff_all)
    url = reverse("cadres:publicity_list")
    assert "乙镇公示栏" not in client.get(url, {"kind": "appointment"}).content.decode()
    assert "甲镇公示栏" not in client.get(url, {"state": "ended"}).content.decode()
    assert "甲镇公示栏" in client.get(url, {"state": "running"}).content.decode()
    assert client.get(url, {"export": "xlsx"})["Content-Type"].startswith("application/vnd.openxml")
    detail = client.get(pa.get_absolute_url()).content.decode()
    assert "拟任镇长" in detail and "变更记录" in detail
    assert "拟任镇长" in client.get(reverse("cadres:publicity_print", args=[pa.pk])).content.decode()
    r = client.get(reverse("cadres:publicity_docx", args=[pa.pk]))
    assert r.status_code == 200 and r.content[:2] == b"PK"
    client.force_login(city.staff_a)
    assert client.get(pb.get_absolute_url()).status_code == 404
    r = client.post(
        reverse("cadres:publicity_feedback", args=[pa.pk]), {"received_on": "", "channel": "", "content": ""}
    )
    assert r.status_code == 400 and "请" in r.content.decode() and not PublicityFeedback.objects.exists()
