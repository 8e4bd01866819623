"""The due calendar: the month page, its .ics feed (per-user secret token) and the API."""

from __future__ import annotations

import datetime as dt

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from cadre_supervision import duecalendar, workbench
from cadre_supervision.models import CalendarFeedToken

from . import workbench_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def wb(city):
    return workbench_world.build(city)


def month_of(day: dt.date) -> str:
    return f"{day:%Y-%m}"


def uids(user, start, end):
    return {i.uid for i in workbench.dated_items(user, start, end)}


def test_dated_items_follow_scope(wb):
    start, end = duecalendar.feed_range(wb.today)
    staff_a = uids(wb.staff_a, start, end)
    staff_all = uids(wb.staff_all, start, end)
    assert f"audits.finding.{wb.finding_b.pk}" in staff_all
    assert f"audits.finding.{wb.finding_b.pk}" not in staff_a
    assert f"reports.reportcycle.{wb.cycle.pk}" in staff_a  # the report deadline
    sup = uids(wb.sup_a, start, end)
    assert {f"interviews.requiredtalk.{t.pk}" for t in wb.talks_a} & sup
    assert not {f"interviews.requiredtalk.{t.pk}" for t in wb.talks_b} & sup
    assert f"audits.auditfileshare.{wb.share.pk}" in uids(wb.discipline, start, end)
    own = uids(wb.wangfang, start, end)
    assert f"reports.personalreport.{wb.report_a.pk}" in own
    assert f"reports.personalreport.{wb.report_b.pk}" not in own
    assert uids(wb.nobody, start, end) == set()


def test_month_page_lists_the_month_and_navigates(client, wb):
    client.force_login(wb.staff_all)
    finding_month = wb.finding_b.due_date
    r = client.get(reverse("calendar"), {"month": month_of(finding_month)})
    assert r.status_code == 200
    html = r.content.decode()
    assert wb.finding_b.get_absolute_url() in html
    prev = workbench.shift_month(finding_month.replace(day=1), -1)
    nxt = workbench.shift_month(finding_month.replace(day=1), 1)
    assert f"?month={month_of(prev)}" in html and f"?month={month_of(nxt)}" in html
    # another month does not list it
    far = workbench.shift_month(finding_month.replace(day=1), 6)
    assert (
        wb.finding_b.get_absolute_url()
        not in client.get(reverse("calendar"), {"month": month_of(far)}).content.decode()
    )


def test_month_page_bad_month_is_a_message(client, wb):
    client.force_login(wb.staff_a)
    r = client.get(reverse("calendar"), {"month": "2026-13"})
    assert r.status_code == 200
    assert "月份格式应为 YYYY-MM" in r.content.decode()


def test_month_page_out_of_scope_absent(client, wb):
    client.force_login(wb.staff_a)
    r = client.get(reverse("calendar"), {"month": month_of(wb.finding_b.due_date)})
    assert wb.finding_b.get_absolute_url() not in r.content.decode()


def _new_feed(client, user) -> str:
    client.force_login(user)
    r = client.post(reverse("calendar_token"), follow=True)
    assert r.status_code == 200
    msg = next(str(m) for m in r.context["messages"] if "/calendar/feed/" in str(m))
    url = msg[msg.index("http") :].split("。", 1)[0]
    return url[url.index("/calendar/feed/") :]


def test_feed_contains_exactly_the_users_items(client, wb):
    path = _new_feed(client, wb.staff_a)
    token = path.rsplit("/", 1)[1].removesuffix(".ics")
    assert not CalendarFeedToken.objects.filter(token_hash=token).exists()  # stored hashed only
    client.logout()
    r = client.get(path)  # no session: the token is the credential
    assert r.status_code == 200 and r["Content-Type"].startswith("text/calendar")
    cal = icalendar.Calendar.from_ical(r.content)
    events = list(cal.walk("VEVENT"))
    start, end = duecalendar.feed_range(wb.today)
    expected = workbench.dated_items(wb.staff_a, start, end)
    assert len(events) == len(expected) > 0
    got = {str(e["UID"]) for e in events}
    assert got == {f"{i.uid}.{i.due.isoformat()}@cadre-supervision" for i in expected}
    assert not any(f"audits.finding.{wb.finding_b.pk}." in u for u in got)  # 乙镇: out of scope
    for e in events:
        assert isinstance(e.decoded("DTSTART"), dt.date) and str(e["SUMMARY"]).startswith("【")
    assert CalendarFeedToken.objects.get(user=wb.staff_a).last_used_at is not None


def test_feed_regenerate_and_revoke(client, wb):
    first = _new_feed(client, wb.staff_a)
    second = _new_feed(client, wb.staff_a)
    assert first != second
    client.logout()
    assert client.get(first).status_code == 404  # the old address stops working
    assert client.get(second).status_code == 200
    client.force_login(wb.staff_a)
    client.post(reverse("calendar_token_revoke"))
    client.logout()
    assert client.get(second).status_code == 404
    assert not CalendarFeedToken.objects.filter(user=wb.staff_a).exists()


def test_feed_unknown_token_and_inactive_user(client, wb):
    assert client.get("/calendar/feed/" + "x" * 43 + ".ics").status_code == 404
    path = _new_feed(client, wb.sup_a)
    wb.sup_a.is_active = False
    wb.sup_a.save(update_fields=["is_active"])
    client.logout()
    assert client.get(path).status_code == 404


def test_token_is_per_user(client, wb):
    path_a = _new_feed(client, wb.staff_a)
    path_all = _new_feed(client, wb.staff_all)
    client.logout()
    ev_a = list(icalendar.Calendar.from_ical(client.get(path_a).content).walk("VEVENT"))
    ev_all = list(icalendar.Calendar.from_ical(client.get(path_all).content).walk("VEVENT"))
    assert len(ev_a) < len(ev_all)


# --- API ----------------------------------------------------------------------------------------


def test_api_calendar(api, wb):
    api.force_authenticate(wb.staff_all)
    month = month_of(wb.finding_b.due_date)
    r = api.get(reverse("workbench-api:calendar"), {"month": month})
    assert r.status_code == 200
    body = r.json()
    assert body["month"] == month and body["count"] == len(body["items"])
    assert f"audits.finding.{wb.finding_b.pk}" in {i["uid"] for i in body["items"]}
    api.force_authenticate(wb.staff_a)
    body_a = api.get(reverse("workbench-api:calendar"), {"month": month}).json()
    assert f"audits.finding.{wb.finding_b.pk}" not in {i["uid"] for i in body_a["items"]}


@pytest.mark.parametrize("month", ["2026-13", "abc", "1999-01", "2026-1"])
def test_api_calendar_bad_month(api, wb, month):
    api.force_authenticate(wb.staff_a)
    r = api.get(reverse("workbench-api:calendar"), {"month": month})
    assert r.status_code == 400
    assert "月份" in r.json()["month"][0]


def test_api_workbench(api, wb):
    api.force_authenticate(wb.sup_a)
    body = api.get(reverse("workbench-api:workbench")).json()
    assert [g["key"] for g in body["groups"]] == ["overdue", "week", "month"]
    assert body["total"] == sum(g["count"] for g in body["groups"]) > 0
    kinds = {i["kind"] for g in body["groups"] for i in g["items"]}
    assert kinds == {"interviews.talk"}
    assert "interviews.coverage" in {f["key"] for f in body["figures"]}
    api.force_authenticate(None)
    assert api.get(reverse("workbench-api:workbench")).status_code == 401


# --- a crowded day folds to its first items -------------------------------------------------------


@pytest.fixture
def crowded(monkeypatch):
    """A date source with 12 items on the 10th of next month (and one on the 11th)."""
    from cadre_supervision import registry
    from cadre_supervision.registry import TodoItem

    first = workbench.shift_month(timezone.localdate().replace(day=1), 1)
    day = first.replace(day=10)

    def source(user, start, end):
        for n in range(12):
            yield TodoItem("test.crowd", "测试", f"拥挤事项{n:02d}", f"/x/{n}/", day, uid=f"test.crowd.{n}")
        yield TodoItem("test.crowd", "测试", "次日事项", "/y/", day + dt.timedelta(days=1), uid="test.next")

    monkeypatch.setitem(registry.date_sources, "test.crowd", source)
    return first, day


def test_month_page_folds_a_crowded_day(client, wb, crowded):
    first, day = crowded
    client.force_login(wb.staff_a)
    html = client.get(reverse("calendar"), {"month": month_of(first)}).content.decode()
    shown = [n for n in range(12) if f"拥挤事项{n:02d}" in html]
    assert shown == list(range(workbench.DAY_ITEMS))
    assert f"+{12 - workbench.DAY_ITEMS} 项" in html and "次日事项" in html
    assert f"day={day:%Y-%m-%d}" in html
    # the whole day, from the "+N 项" link
    html = client.get(
        reverse("calendar"), {"month": month_of(first), "day": f"{day:%Y-%m-%d}"}
    ).content.decode()
    assert all(f"拥挤事项{n:02d}" in html for n in range(12))
    assert "（12 项）" in html


def test_day_list_pages(client, wb, crowded, monkeypatch):
    from cadre_supervision import workbench_views

    monkeypatch.setattr(workbench_views, "DAY_PAGE_SIZE", 5)
    first, day = crowded
    client.force_login(wb.staff_a)
    q = {"month": month_of(first), "day": f"{day:%Y-%m-%d}"}
    html = client.get(reverse("calendar"), {**q, "page": 3}).content.decode()
    assert "拥挤事项10" in html and "拥挤事项11" in html and "拥挤事项09" not in html
    assert "共 12 条，第 3 / 3 页" in html


def test_feed_and_api_keep_a_crowded_day_whole(client, wb, crowded):
    from rest_framework.test import APIClient

    first, day = crowded
    api = APIClient()
    api.force_authenticate(wb.staff_a)
    items = api.get(reverse("workbench-api:calendar"), {"month": month_of(first)}).json()["items"]
    assert sum(1 for i in items if i["title"].startswith("拥挤事项")) == 12
    path = _new_feed(client, wb.staff_a)
    events = list(icalendar.Calendar.from_ical(client.get(path).content).walk("VEVENT"))
    assert sum(1 for e in events if str(e["SUMMARY"]).find("拥挤事项") >= 0) == 12


@pytest.mark.parametrize(
    "value,message", [("2026-1-3", "日期格式应为 YYYY-MM-DD"), ("x", "日期格式应为 YYYY-MM-DD")]
)
def test_bad_day_is_a_message(client, wb, value, message):
    client.force_login(wb.staff_a)
    r = client.get(reverse("calendar"), {"day": value})
    assert r.status_code == 200 and message in r.content.decode()


def test_day_outside_the_month_is_a_message(client, wb):
    client.force_login(wb.staff_a)
    r = client.get(reverse("calendar"), {"month": "2026-12", "day": "2026-11-03"})
    assert "日期应在所查看的月份（2026年12月）内" in r.content.decode()
