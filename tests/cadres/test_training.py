"""教育培训 (training records): services reject bad input with nothing saved, the cadre page
shows the records and the five-year total against the norm (policy settings), the API
answers field-keyed Chinese errors, the integrity timeline lists each course."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from cadre_supervision import policy
from cadre_supervision.history import history_for
from cadres import selectors, services
from cadres.models import TrainingRecord
from cadres.timeline import timeline_for
from tests.conftest import login

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()

GOOD = {
    "name": "中青年干部培训班",
    "organizer": "中共某市委党校",
    "kind": "party_school",
    "start_date": TODAY - dt.timedelta(days=60),
    "end_date": TODAY - dt.timedelta(days=31),
    "hours": Decimal("180"),
}


def _course(city, *, days_ago: int, length: int, hours, cadre=None, **extra) -> TrainingRecord:
    start = TODAY - dt.timedelta(days=days_ago)
    return services.training_create(
        user=city.staff_all,
        cadre=cadre or city.cadre_a,
        **{
            **GOOD,
            "start_date": start,
            "end_date": start + dt.timedelta(days=length - 1) if length > 1 else None,
            "hours": hours,
            **extra,
        },
    )


# --- services -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "over, field",
    [
        ({"name": "  "}, "name"),
        ({"organizer": ""}, "organizer"),
        ({"kind": ""}, "kind"),
        ({"kind": "holiday"}, "kind"),
        ({"start_date": None}, "start_date"),
        ({"start_date": TODAY + dt.timedelta(days=1), "end_date": None}, "start_date"),
        ({"end_date": GOOD["start_date"] - dt.timedelta(days=1)}, "end_date"),
        ({"hours": None}, "hours"),
        ({"hours": ""}, "hours"),
        ({"hours": "abc"}, "hours"),
        ({"hours": Decimal("0")}, "hours"),
        ({"hours": Decimal("-8")}, "hours"),
        ({"hours": Decimal("2000.5")}, "hours"),
        ({"hours": Decimal("12.25")}, "hours"),
        ({"hours": Decimal("NaN")}, "hours"),
    ],
)
def test_bad_input_is_refused_in_chinese_and_nothing_saved(city, over, field):
    record = _course(city, days_ago=400, length=3, hours=24)
    before = list(TrainingRecord.objects.values_list("pk", "name", "hours", "start_date", "end_date"))
    with pytest.raises(ValidationError) as exc:
        services.training_create(user=city.staff_a, cadre=city.cadre_a, **{**GOOD, **over})
    errors = exc.value.message_dict
    assert field in errors, errors
    assert "\u4e00" <= errors[field][0][0] <= "\u9fff", errors[field]
    with pytest.raises(ValidationError) as exc:
        services.training_update(user=city.staff_a, record=record, **{**GOOD, **over})
    assert field in exc.value.message_dict
    assert list(TrainingRecord.objects.values_list("pk", "name", "hours", "start_date", "end_date")) == before


def test_create_update_delete_are_tracked_and_scoped(city):
    rec = services.training_create(user=city.staff_a, cadre=city.cadre_a, **{**GOOD, "end_date": None})
    assert rec.days == 1 and rec.hours == Decimal("180")
    services.training_update(user=city.staff_a, record=rec, hours="176.5", notes="结业")
    rec.refresh_from_db()
    assert rec.hours == Decimal("176.5") and rec.notes == "结业"
    assert [r["action_label"] for r in history_for(rec)] == ["修改", "新建"]
    for user, cadre in ((city.staff_a, city.cadre_b), (city.discipline, city.cadre_a)):
        with pytest.raises(PermissionDenied):
            services.training_create(user=user, cadre=cadre, **GOOD)
    with pytest.raises(PermissionDenied):
        services.training_delete(user=city.liaison_a, record=rec)
    services.training_delete(user=city.staff_a, record=rec)
    assert not TrainingRecord.objects.filter(pk=rec.pk).exists()


# --- the five-year total ----------------------------------------------------------------------------


def test_summary_counts_the_window_against_the_norm_in_one_query(city, django_assert_num_queries):
    _course(city, days_ago=300, length=30, hours=200)
    _course(city, days_ago=100, length=15, hours=112)
    _course(city, days_ago=6 * 365, length=5, hours=500)  # before the five-year window
    _course(city, days_ago=50, length=5, hours=40, cadre=city.cadre_b)  # another cadre
    norm = selectors.training_norm()
    selectors.training_summary(user=city.staff_a, cadre_id=city.cadre_b.pk, today=TODAY, norm=norm)
    with django_assert_num_queries(1):  # the reader's grants are already read (cached per user)
        summary = selectors.training_summary(
            user=city.staff_a, cadre_id=city.cadre_a.pk, today=TODAY, norm=norm
        )
    assert (summary.hours, summary.days, summary.met) == (312, 45, False)
    assert summary.line == "近五年累计 312 学时、45 天，未达到 5 年 550 学时或 3 个月的要求"
    # out of the reader's scope: nothing counted
    other = selectors.training_summary(user=city.staff_a, cadre_id=city.cadre_b.pk, today=TODAY)
    assert not other.any


def test_the_norm_is_a_policy_setting(city):
    _course(city, days_ago=300, length=30, hours=200)
    policy.set_value("cadres.training.min_hours", 200)
    summary = selectors.training_summary(user=city.staff_a, cadre_id=city.cadre_a.pk, today=TODAY)
    assert summary.met and "达到 5 年 200 学时或 3 个月的要求" in summary.line
    policy.set_value("cadres.training.min_hours", 550)
    policy.set_value("cadres.training.min_days", 45)
    policy.set_value("cadres.training.years", 3)
    summary = selectors.training_summary(user=city.staff_a, cadre_id=city.cadre_a.pk, today=TODAY)
    assert not summary.met and summary.line.startswith("近三年累计 200 学时、30 天")
    assert "3 年 550 学时或 45 天" in summary.line
    with pytest.raises(ValidationError):
        policy.set_value("cadres.training.years", 0)


# --- pages ----------------------------------------------------------------------------------------------


def test_cadre_page_lists_the_courses_and_the_five_year_total(client, city):
    _course(city, days_ago=300, length=30, hours=200, name="县处级干部进修班")
    _course(city, days_ago=100, length=15, hours=Decimal("112.5"), kind="special", name="乡村振兴专题培训")
    login(client, city.staff_a)
    html = client.get(reverse("cadres:cadre_detail", args=[city.cadre_a.pk])).content.decode()
    assert 'id="training"' in html and "教育培训" in html
    assert "近五年累计 312.5 学时、45 天，未达到 5 年 550 学时或 3 个月的要求" in html
    assert "县处级干部进修班" in html and "乡村振兴专题培训" in html and "112.5 学时" in html
    assert "专题培训" in html and "中共某市委党校" in html
    assert reverse("cadres:training_create", args=[city.cadre_a.pk]) in html
    login(client, city.liaison_a)  # may read the cadre, not change it
    html = client.get(reverse("cadres:cadre_detail", args=[city.cadre_a.pk])).content.decode()
    assert "近五年累计 312.5 学时" in html
    assert reverse("cadres:training_create", args=[city.cadre_a.pk]) not in html


def test_cadre_page_says_when_the_norm_is_met(client, city):
    _course(city, days_ago=400, length=92, hours=560)
    login(client, city.staff_a)
    html = client.get(reverse("cadres:cadre_detail", args=[city.cadre_a.pk])).content.decode()
    assert "近五年累计 560 学时、92 天，达到 5 年 550 学时或 3 个月的要求" in html


def test_form_page_reshows_errors_and_saves(client, city):
    login(client, city.staff_a)
    url = reverse("cadres:training_create", args=[city.cadre_a.pk])
    data = {
        "name": "专题培训",
        "organizer": "市委组织部",
        "kind": "special",
        "start_date": "2025-04-07",
        "end_date": "2025-04-01",
        "hours": "-3",
    }
    resp = client.post(url, data)
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "结束日期不能早于开始日期" in html and "学时须大于 0" in html
    assert not TrainingRecord.objects.exists()
    resp = client.post(url, {**data, "end_date": "2025-04-11", "hours": "40"})
    assert resp.status_code == 302 and resp["Location"].endswith("#training")
    rec = TrainingRecord.objects.get()
    assert (rec.hours, rec.days, rec.kind) == (Decimal("40"), 5, "special")
    resp = client.post(reverse("cadres:training_delete", args=[rec.pk]))
    assert resp.status_code == 302 and not TrainingRecord.objects.exists()


# --- API ------------------------------------------------------------------------------------------------


def test_api_refuses_bad_input_per_field_in_chinese(api, city):
    api.force_authenticate(city.staff_a)
    url = reverse("cadres-api:training-record-list")
    body = {
        "cadre": city.cadre_a.pk,
        "name": "专题培训",
        "organizer": "市委组织部",
        "kind": "special",
        "start_date": (TODAY + dt.timedelta(days=3)).isoformat(),
        "hours": "0",
    }
    resp = api.post(url, body, format="json")
    assert resp.status_code == 400, resp.content
    assert set(resp.json()) >= {"start_date", "hours"}
    assert not TrainingRecord.objects.exists()
    resp = api.post(url, {**body, "start_date": "2025-04-07", "hours": "40"}, format="json")
    assert resp.status_code == 201, resp.content
    data = resp.json()
    assert data["kind_label"] == "专题培训" and data["days"] == 1 and data["cadre_name"] == city.cadre_a.name
    resp = api.get(url, {"kind": "nonsense"})
    assert resp.status_code == 400


# --- the integrity file's timeline ------------------------------------------------------------------------


def test_timeline_lists_each_course(city):
    _course(city, days_ago=100, length=5, hours=40, kind="special", name="基层治理专题培训")
    entries = [e for e in timeline_for(city.cadre_a, city.staff_a) if e.kind == "cadres.training"]
    assert len(entries) == 1
    e = entries[0]
    assert e.label == "教育培训" and e.title == "专题培训：基层治理专题培训" and "40 学时" in e.detail
    assert not [e for e in timeline_for(city.cadre_b, city.staff_a) if e.kind == "cadres.training"]
