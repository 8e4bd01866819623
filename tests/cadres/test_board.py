"""The early-warning board (预警): every registered source (a fake one included), colours and
weights by policy, risk scores with their parts, filters, scope, export, API, the sweep's
once-only red notification, and the cadre page / integrity file showing the same signals."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.urls import reverse

from cadre_supervision import policy, registry
from cadre_supervision.models import AccessLog, Notification, PolicySetting
from cadre_supervision.notifications import notify
from cadre_supervision.permissions import SYSTEM
from cadres import board
from cadres.models import Cadre
from tests.factories import CadreFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()


def _fake_collect(user, cadre_ids=None):
    """A source of another app: one signal per cadre in the user's scope (one query)."""
    qs = Cadre.objects.restrict(user, "view")
    if cadre_ids is not None:
        qs = qs.filter(pk__in=list(cadre_ids))
    return [
        registry.Warning(
            cadre_id=c.pk,
            kind="fake.signal",
            title="测试预警",
            detail=f"{c.name}的测试预警",
            url=f"/cadres/{c.pk}/",
            since=TODAY,
            uid=f"fake.cadre.{c.pk}",
        )
        for c in qs.only("id", "name")
    ]


def _fake_red(user, cadre_ids=None):
    return [
        registry.Warning(
            cadre_id=w.cadre_id,
            kind="fake.red.sub",  # a finer kind: belongs to the source "fake.red"
            title="测试红色预警",
            url=w.url,
            since=TODAY - dt.timedelta(days=3),
            uid=w.uid + ".red",
        )
        for w in _fake_collect(user, cadre_ids)
        if w.detail.startswith("张伟")
    ]


FAKE = registry.WarningSource("fake.signal", "测试来源", _fake_collect, level="yellow", weight=2)
FAKE_RED = registry.WarningSource("fake.red", "测试红色来源", _fake_red, level="red", weight=5)


@pytest.fixture
def fake_sources(monkeypatch):
    """The fake sources only (the real ones have their own tests below)."""
    monkeypatch.setattr(registry, "warning_sources", [FAKE, FAKE_RED])
    yield
    for key in ("fake.signal", "fake.red"):
        policy.REGISTRY.pop(board.level_key(key), None)
        policy.REGISTRY.pop(board.weight_key(key), None)


@pytest.fixture
def with_fake(monkeypatch):
    """Every registered source plus the fake ones."""
    monkeypatch.setattr(registry, "warning_sources", [*registry.warning_sources, FAKE, FAKE_RED])
    yield
    for key in ("fake.signal", "fake.red"):
        policy.REGISTRY.pop(board.level_key(key), None)
        policy.REGISTRY.pop(board.weight_key(key), None)


def test_policies_registered_for_every_source(city, with_fake):
    board.source_settings()
    for s in registry.warning_sources:
        level = policy.REGISTRY[board.level_key(s.key)]
        weight = policy.REGISTRY[board.weight_key(s.key)]
        assert level.area == weight.area == "预警"
        assert level.default == board.LEVEL_NUMBERS[s.level] and weight.default == s.weight
        assert s.title in level.label
    # the real sources of this issue are registered with their colours
    keys = {s.key: s for s in registry.warning_sources}
    for key in (
        "rotations.tenure_over_limit",
        "interviews.talk_overdue",
        "reports.missing",
        "reports.late",
        "reports.inconsistent",
        "reports.concealment",
        "cadres.portfolio",
        "audits.rectification_overdue",
        "audits.departure_unaudited",
        "audits.cycle_overdue",
    ):
        assert key in keys, key
    assert keys["reports.concealment"].blocks_promotion and keys["reports.concealment"].level == "red"
    assert "reports.reports" not in keys


def test_policies_in_the_admin_areas(city):
    assert any(area == "预警" for area, _p in policy.areas())


def test_levels_and_weights_follow_policy(city, fake_sources):
    signals = board.signals_for(city.staff_all)
    assert {s.cadre_id for s in signals if s.source_key == "fake.signal"} == {
        city.cadre_a.pk,
        city.cadre_a2.pk,
        city.cadre_b.pk,
    }
    red = [s for s in signals if s.source_key == "fake.red"]
    assert [s.cadre_id for s in red] == [city.cadre_a.pk] and red[0].level == "red" and red[0].weight == 5
    assert signals[0].level == "red"  # most urgent first
    policy.set_value(board.level_key("fake.signal"), 1)
    policy.set_value(board.weight_key("fake.signal"), 7)
    signals = board.signals_for(city.staff_all)
    fake = [s for s in signals if s.source_key == "fake.signal"]
    assert {s.level for s in fake} == {"red"} and {s.weight for s in fake} == {7}
    with pytest.raises(ValidationError):
        policy.set_value(board.level_key("fake.signal"), 4)  # 1..3 only
    assert PolicySetting.objects.get(key=board.level_key("fake.signal")).value == 1


def test_risk_score_is_the_sum_of_the_parts(city, fake_sources):
    groups = board.group_by_cadre(board.signals_for(city.staff_all))
    top = groups[0]
    assert top.cadre == city.cadre_a and top.score == 7 and top.level == "red"
    assert sorted(top.parts) == [("测试来源", 2, "yellow"), ("测试红色来源", 5, "red")]
    assert "测试红色来源 5" in top.parts_text and "测试来源 2" in top.parts_text
    assert [g.score for g in groups] == sorted((g.score for g in groups), reverse=True)


def test_scope_and_filters(city, fake_sources):
    ids = {s.cadre_id for s in board.signals_for(city.staff_a)}
    assert city.cadre_b.pk not in ids and city.cadre_a.pk in ids
    assert board.signals_for(city.nobody) == []
    assert {s.source_key for s in board.signals_for(city.staff_all, levels=["red"])} == {"fake.red"}
    assert {s.source_key for s in board.signals_for(city.staff_all, sources=["fake.signal"])} == {
        "fake.signal"
    }
    assert {s.cadre_id for s in board.signals_for(city.staff_all, organization=city.town_b)} == {
        city.cadre_b.pk
    }


def test_board_page(client, city, fake_sources):
    client.force_login(city.staff_a)
    r = client.get(reverse("warnings:board"))
    html = r.content.decode()
    assert r.status_code == 200 and "张伟" in html and "李强" not in html
    assert 'id="count-red">1<' in html and "测试红色来源 5" in html
    r = client.get(reverse("warnings:signals"), {"level": "red"})
    html = r.content.decode()
    assert "测试红色预警" in html and "测试预警<" not in html and f"/cadres/{city.cadre_a.pk}/" in html
    assert client.get(reverse("warnings:signals"), {"level": "purple"}).status_code == 200  # form error shown
    assert (
        "选择一个有效的选项" in client.get(reverse("warnings:signals"), {"level": "purple"}).content.decode()
    )


def test_board_sorting_and_org_filter(client, city, fake_sources):
    client.force_login(city.staff_all)
    r = client.get(reverse("warnings:signals"), {"sort": "-level_rank"})
    assert r.status_code == 200
    r = client.get(reverse("warnings:board"), {"sort": "score"})
    html = r.content.decode()
    assert html.index("李强") < html.index("张伟")  # ascending score: 张伟 (7) last
    r = client.get(reverse("warnings:board"), {"organization": city.town_b.pk})
    html = r.content.decode()
    assert "李强" in html and "张伟" not in html


def test_board_export_is_logged(client, city, fake_sources):
    client.force_login(city.staff_a)
    r = client.get(reverse("warnings:signals"), {"export": "xlsx", "level": "red"})
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    from io import BytesIO

    from openpyxl import load_workbook

    rows = list(load_workbook(BytesIO(r.content)).active.values)
    assert rows[0][0] == "等级" and len(rows) == 2 and rows[1][0] == "红" and "张伟" in rows[1]
    assert AccessLog.objects.filter(user=city.staff_a, action=AccessLog.Action.EXPORT).exists()
    r = client.get(reverse("warnings:board"), {"export": "xlsx"})
    rows = list(load_workbook(BytesIO(r.content)).active.values)
    assert rows[0][:3] == ("干部", "单位", "最高等级") and "李强" not in str(rows)


def test_board_api(api, city, fake_sources):
    assert api.get("/api/v1/warnings/").status_code in (401, 403)
    api.force_authenticate(city.staff_a)
    data = api.get("/api/v1/warnings/").json()
    assert data["counts"] == {"red": 1, "orange": 0, "yellow": 2}
    assert {s["cadre_name"] for s in data["signals"]} == {"张伟", "王芳"}
    top = data["cadres"][0]
    assert top["cadre_name"] == "张伟" and top["score"] == 7 and len(top["signals"]) == 2
    assert {s["source"]: s["total"] for s in data["sources"]} == {"fake.signal": 2, "fake.red": 1}
    red = api.get("/api/v1/warnings/", {"level": "red"}).json()
    assert [s["uid"] for s in red["signals"]] == [f"fake.cadre.{city.cadre_a.pk}.red"]
    bad = api.get("/api/v1/warnings/", {"level": "purple"})
    assert bad.status_code == 400 and "level" in bad.json()
    out = api.get("/api/v1/warnings/", {"organization": city.town_b.pk})
    assert out.status_code == 400  # a unit outside the scope is "选择的对象不存在"


def test_board_queries_bounded(client, city, with_fake, django_assert_max_num_queries):
    """Every source in a constant number of queries: 10 or 100 cadres cost the same."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def measure():
        cache.clear()  # the sources themselves, not the kept reading
        with CaptureQueriesContext(connection) as ctx:
            board.signals_for(city.staff_all)
        return len(ctx.captured_queries)

    for i in range(10):
        CadreFactory(name=f"甲镇干部{i}", organization=city.town_a)
    measure()  # warm the per-process caches (content types, permissions)
    small = measure()
    for i in range(90):
        CadreFactory(name=f"甲镇新干部{i}", organization=city.town_a)
    assert measure() == small
    client.force_login(city.staff_all)
    with django_assert_max_num_queries(small + 15):
        assert client.get(reverse("warnings:board")).status_code == 200


def test_the_scope_reading_is_kept_until_tracked_data_changes(city, with_fake):
    """The board's whole-scope reading comes from the cache while nothing it read changed, and is
    read again after a write to what it read (a transaction's own uncommitted write included,
    and a queryset update, which sends no signal)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cache.clear()
    connection.run_on_commit = []  # the fixture's writes as if committed (a writing transaction keeps nothing)
    first = board.signals_for(city.staff_all)
    with CaptureQueriesContext(connection) as kept:
        again = board.signals_for(city.staff_all)
    assert [s.uid for s in again] == [s.uid for s in first]
    # the policy colours, the tables' versions and the cadres: no source is asked
    assert len(kept.captured_queries) <= 3, [q["sql"][:80] for q in kept.captured_queries]
    before = {s.cadre_id for s in first}
    newcomer = CadreFactory(name="新来的", organization=city.town_a)  # the fake source flags every cadre
    after = {s.cadre_id for s in board.signals_for(city.staff_all)}
    assert after - before == {newcomer.pk}
    # a queryset update (no signal) also shows
    Cadre.objects.filter(pk=newcomer.pk).update(organization=city.town_b)
    moved = board.signals_for(city.staff_a)
    assert newcomer.pk not in {s.cadre_id for s in moved}


def test_a_cadre_page_narrows_the_kept_scope_reading(city, with_fake):
    """Asked for one cadre, each source's part comes from its kept whole-scope reading while that
    is fresh (the same signals as asking the sources live, fewer queries), and from the source
    itself once what it read has changed (here, inside the writing transaction)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cache.clear()
    connection.run_on_commit = []
    one = [city.cadre_a.pk]
    with CaptureQueriesContext(connection) as live:
        asked = board.signals_for(city.staff_all, one)  # nothing kept yet: every source asked
    board.signals_for(city.staff_all)  # the whole-scope reading, kept
    with CaptureQueriesContext(connection) as narrowed:
        again = board.signals_for(city.staff_all, one)
    assert [s.uid for s in again] == [s.uid for s in asked] and asked
    assert len(narrowed.captured_queries) < len(live.captured_queries) - 5
    newcomer = CadreFactory(name="新来的", organization=city.town_a)  # the fake source flags every cadre
    assert {s.cadre_id for s in board.signals_for(city.staff_all, [newcomer.pk])} == {newcomer.pk}


def test_new_red_signal_notified_once(city, fake_sources):
    specs = list(board.red_signal_reminders(TODAY))
    recipients = {s.recipient_id for s in specs}
    assert city.staff_all.pk in recipients and city.staff_a.pk in recipients
    assert city.discipline.pk not in recipients  # not organization staff
    assert {s.object_id for s in specs} == {f"fake.cadre.{city.cadre_a.pk}.red"}
    assert notify(specs) == len(specs)
    assert notify(board.red_signal_reminders(TODAY)) == 0  # already notified
    assert Notification.objects.filter(kind=board.SWEEP_KIND, recipient=city.staff_a).count() == 1
    assert "sweep" not in str(SYSTEM)  # the source ran as the system actor


def test_workbench_figure(city, fake_sources):
    fig = board.workbench_figure(city.staff_a, TODAY)
    assert fig["value"] == "1" and fig["series"][0]["data"] == [1, 0, 2]
    assert board.workbench_figure(city.nobody, TODAY) is None


def test_cadre_page_and_integrity_file_show_the_board_signals(client, city, fake_sources):
    client.force_login(city.staff_all)
    html = client.get(reverse("cadres:cadre_detail", args=[city.cadre_a.pk])).content.decode()
    assert "测试红色预警" in html and 'class="tag tag-red signal-level">红<' in html
    client.force_login(city.discipline)
    html = client.get(reverse("integrity_file", args=[city.cadre_a.pk])).content.decode()
    assert "测试红色预警" in html and "signal-level" in html


# --- the sources written with the board --------------------------------------------------------------


def test_talk_overdue_source(city):
    from interviews.integration import collect_talk_overdue
    from interviews.models import RequiredTalk

    talk = RequiredTalk.objects.create(
        cadre=city.cadre_a,
        year=TODAY.year,
        kind="routine",
        seq=9,
        due_date=TODAY - dt.timedelta(days=5),
        category="top_leader",
    )
    ws = collect_talk_overdue(city.staff_all)
    mine = [w for w in ws if w.uid == f"interviews.requiredtalk.{talk.pk}"]
    assert len(mine) == 1 and mine[0].since == talk.due_date + dt.timedelta(days=1)
    assert mine[0].url == talk.get_absolute_url()
    assert not [w for w in collect_talk_overdue(city.staff_a, [city.cadre_b.pk])]
    assert not [w for w in collect_talk_overdue(city.nobody) if w.uid == mine[0].uid]
    talk.done_on = TODAY
    talk.save()
    assert not [w for w in collect_talk_overdue(city.staff_all) if w.uid == mine[0].uid]


def test_tenure_over_limit_source(city):
    from rotations.integration import collect_tenure_over_limit

    # 李强 has been 党委书记 of 乙镇 since 2016-09-01: past ten years.
    ws = collect_tenure_over_limit(city.staff_all)
    mine = [w for w in ws if w.cadre_id == city.cadre_b.pk]
    assert len(mine) == 1 and mine[0].uid == f"rotations.due.{city.cadre_b.pk}.{city.sec_b.pk}"
    assert mine[0].since <= TODAY and "强制交流日期" in mine[0].detail
    assert not [w for w in collect_tenure_over_limit(city.staff_a) if w.cadre_id == city.cadre_b.pk]


def test_a_signal_whose_cadre_is_out_of_scope_is_not_shown(city, monkeypatch):
    """A source may reach a record through a single-record grant (a talk visible to its
    interviewer) while its cadre is outside the user's scope: the board reads the cadres through
    the same scope and leaves such a signal out, so no out-of-scope name appears."""

    def leaky(user, cadre_ids=None):
        return [
            registry.Warning(
                cadre_id=c.pk, kind="fake.leaky", title="越权预警", url=f"/cadres/{c.pk}/", uid=f"leak.{c.pk}"
            )
            for c in Cadre.objects.all()
        ]

    source = registry.WarningSource("fake.leaky", "越权来源", leaky, level="red", weight=1)
    monkeypatch.setattr(registry, "warning_sources", [source])
    try:
        shown = {s.cadre_id for s in board.signals_for(city.staff_a)}
        assert shown == {city.cadre_a.pk, city.cadre_a2.pk}
        assert {s.cadre_id for s in board.signals_for(city.staff_all)} == {
            city.cadre_a.pk,
            city.cadre_a2.pk,
            city.cadre_b.pk,
        }
        assert board.signals_for(city.nobody) == []
        assert {s.cadre_id for s in board.signals_for(SYSTEM)} >= {city.cadre_b.pk}
    finally:
        policy.REGISTRY.pop(board.level_key("fake.leaky"), None)
        policy.REGISTRY.pop(board.weight_key("fake.leaky"), None)


def test_many_cadres_read_from_the_kept_reading_give_the_same_signals(city, with_fake, monkeypatch):
    """Asked for more than FEW_CADRES cadres, the board narrows the kept whole-scope reading:
    the same signals as asking every source for those cadres."""
    cache.clear()
    for i in range(6):
        CadreFactory(name=f"甲镇干部{i}", organization=city.town_a)
    wanted = list(Cadre.objects.filter(organization=city.town_a).values_list("pk", flat=True))[:5]
    wanted.append(city.cadre_b.pk)  # out of staff_a's scope: absent either way
    monkeypatch.setattr(board, "FEW_CADRES", 2)
    kept = board.signals_for(city.staff_a, wanted)
    monkeypatch.setattr(board, "FEW_CADRES", 1000)
    live = board.signals_for(city.staff_a, wanted)
    assert [s.uid for s in kept] == [s.uid for s in live]
    assert {s.cadre_id for s in kept} == set(wanted) - {city.cadre_b.pk}


@pytest.mark.parametrize("many", [10_000, 0], ids=["by-ids", "whole-scope"])
def test_named_cadres_read_by_ids_or_over_the_scope_agree(city, fake_sources, monkeypatch, many):
    """A city's signals read the scope's cadres and keep those asked (no IN list of tens of
    thousands of ids); either way the same cadres, with their units, and nobody out of scope."""
    monkeypatch.setattr(board, "MANY_IDS", many)
    wide = board.signals_for(city.staff_all)
    assert {(s.cadre_id, s.cadre.name, s.cadre.organization.name) for s in wide} >= {
        (city.cadre_a.pk, "张伟", "甲镇"),
        (city.cadre_b.pk, "李强", "乙镇"),
    }
    assert all(s.cadre.organization.path for s in wide)
    narrow = board.signals_for(city.staff_a)
    assert city.cadre_b.pk not in {s.cadre_id for s in narrow} and narrow
    assert {s.cadre_id for s in board.signals_for(city.staff_all, organization=city.town_b)} == {
        city.cadre_b.pk
    }


def _fake_mixed(user, cadre_ids=None):
    """A yellow source some of whose signals are red (as a doubtful 认定 is)."""
    return [
        registry.Warning(**{**w.__dict__, "kind": "fake.mixed", "uid": w.uid + ".mixed", "level": "red"})
        for w in _fake_collect(user, cadre_ids)
        if w.detail.startswith("张伟")
    ]


FAKE_MIXED = registry.WarningSource(
    "fake.mixed", "测试混合来源", _fake_mixed, level="yellow", weight=1, raises=("red",)
)


@pytest.mark.parametrize(
    "levels, policy_level, expected",
    [
        (["red"], None, {"fake.red", "fake.mixed"}),
        (["yellow"], None, {"fake.signal", "fake.mixed"}),
        (["orange"], None, set()),
        (["red", "yellow"], None, {"fake.signal", "fake.red", "fake.mixed"}),
        (["red"], 1, {"fake.signal", "fake.red", "fake.mixed"}),  # fake.signal made red by policy
        (["yellow"], 2, {"fake.mixed"}),  # fake.signal made orange by policy
    ],
)
def test_sources_of_levels(city, monkeypatch, levels, policy_level, expected):
    monkeypatch.setattr(registry, "warning_sources", [FAKE, FAKE_RED, FAKE_MIXED])
    try:
        board.register_policies()
        if policy_level is not None:
            policy.set_value(board.level_key("fake.signal"), policy_level)
        assert board.sources_of_levels(levels) == expected
    finally:
        for key in ("fake.signal", "fake.red", "fake.mixed"):
            policy.REGISTRY.pop(board.level_key(key), None)
            policy.REGISTRY.pop(board.weight_key(key), None)


def test_a_board_of_one_colour_asks_only_its_sources(city, monkeypatch):
    """Red signals are the red ones of all sources (a raised red included), and the sources that
    cannot show red are not asked at all."""
    asked: list[str] = []

    def counting(source):
        def collect(user, cadre_ids=None):
            asked.append(source.key)
            return source.collect(user, cadre_ids)

        return registry.WarningSource(**{**source.__dict__, "collect": collect})

    monkeypatch.setattr(registry, "warning_sources", [counting(s) for s in (FAKE, FAKE_RED, FAKE_MIXED)])
    try:
        every = board.signals_for(SYSTEM)
        asked.clear()
        red = board.signals_for(SYSTEM, levels=["red"])
        assert sorted(asked) == ["fake.mixed", "fake.red"]
        assert [s.uid for s in red] == [s.uid for s in every if s.level == "red"]
        assert {s.source_key for s in red} == {"fake.red", "fake.mixed"}
        specs = list(board.red_signal_reminders(TODAY))
        assert {s.object_id for s in specs} == {s.uid for s in red}
    finally:
        for key in ("fake.signal", "fake.red", "fake.mixed"):
            policy.REGISTRY.pop(board.level_key(key), None)
            policy.REGISTRY.pop(board.weight_key(key), None)


def test_every_source_raises_only_the_colours_it_declares(city):
    """A source that colours a signal itself must say so (`raises`), or a board of that colour
    and the red-signal reminders would not ask it."""
    for source in registry.warning_sources:
        levels = {w.level for w in source.collect(SYSTEM, None)} - {""}
        assert levels <= set(source.raises), (source.key, levels)
