# ruff: noqa: F811  (fixtures imported from the app test helpers)
"""The timeline for many cadres at once (`timeline_for_many`): every registered source's `many`
gives the same entries as its per-cadre `fn`, in the same scope, and the yearly joint analysis
costs the same number of queries whatever the number of 一把手."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audits import services as audit_services
from audits.choices import AuditKind, AuditStatus
from cadre_supervision import registry
from cadres import joint_analysis, services
from cadres.choices import OrgKind, TopLeaderKind
from cadres.timeline import timeline_for, timeline_for_many
from evaluations import services as evaluation_services
from interviews.models import InterviewRecord
from petitions import services as petition_services
from reports import services as report_services
from reports.catalogue import ensure_catalogue
from reports.choices import Handling, Outcome, VerificationKind, VerificationStatus
from reports.models import PersonalReport, Verification
from tests.audits.helpers import ac, advance, make_finding, private_media  # noqa: F401  (fixtures)
from tests.cadres.test_publicity import _open as open_publicity
from tests.cadres.test_training import _course
from tests.evaluations.conftest import ev  # noqa: F401  (fixture)
from tests.factories import AppointmentFactory, CadreFactory, OrganizationFactory, PostFactory, make_user
from tests.petitions.conftest import build_pet

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year
SOURCES = sorted(registry.timeline_sources)


@pytest.fixture
def world(ac, ev):
    """The shared city with records of 张伟 (甲镇), 王芳 (甲镇) and 李强 (乙镇) in every channel:
    the dossier (sanctions, assessments, rewards, training, publicity), audits and findings (one
    finding of 张伟's audit names 王芳 responsible), talks, verifications, petitions (one about
    张伟 and 王芳 together) and evaluations."""
    c = build_pet(ac)
    u = c.staff_all
    for cadre, when in ((c.cadre_a, dt.date(YEAR, 3, 1)), (c.cadre_b, dt.date(YEAR, 4, 1))):
        services.sanction_create(
            user=u,
            cadre=cadre,
            kind="party_warning",
            decision_date=when,
            deciding_body="市纪委",
            reason=f"{cadre.name}的处分",
        )
        services.assessment_record(user=u, cadre=cadre, year=YEAR - 1, grade="competent")
        services.reward_create(
            user=u, cadre=cadre, kind="reward", title="先进个人", date=when, issuing_body="市委"
        )
        _course(c, days_ago=30, length=3, hours=24, cadre=cadre, name=f"{cadre.name}的培训")
        InterviewRecord.objects.create(kind="reminder", date=when, interviewee=cadre, summary="提醒谈话内容")
    open_publicity(c, c.cadre_a)
    c.audit_a = advance(c.audit_a, u, AuditStatus.FIELDWORK)
    c.audit_b = advance(c.audit_b, u, AuditStatus.FIELDWORK)
    make_finding(c.audit_a, u, description="超标准接待")
    make_finding(c.audit_a, u, description="王芳负责的问题", responsible_cadre=c.cadre_a2)
    make_finding(c.audit_b, u, description="乙镇的问题")
    c.pet_ab = petition_services.petition_create(
        user=c.disc_a,
        title="反映张伟、王芳违规吃喝",
        channel="letter",
        received_on=dt.date(2026, 4, 2),
        organization=c.town_a,
        content="反映两人接受宴请。",
        handler=c.disc_a,
        cadres=[c.cadre_a, c.cadre_a2],
        anonymous=True,
        today=dt.date(2026, 6, 1),
    )
    for p in (c.pet_a, c.pet_b, c.pet_ab):  # a disposal date: an entry on the timeline
        type(p).objects.filter(pk=p.pk).update(disposal="talk_inquiry", disposal_on=dt.date(2026, 4, 10))
    evaluation_services.care_letter_send(user=u, letter=c.letter_a, sent_on=timezone.localdate())
    ensure_catalogue()
    cycle = report_services.cycle_open(user=u, year=YEAR - 1, deadline=dt.date(YEAR, 1, 31))
    for i, cadre in enumerate((c.cadre_a, c.cadre_b)):
        Verification.objects.create(
            report=PersonalReport.objects.get(cycle=cycle, cadre=cadre),
            kind=VerificationKind.TARGETED,
            source_type="test.candidate",
            source_id=900 + i,
            status=VerificationStatus.DONE,
            outcome=Outcome.OMISSION,
            handling=Handling.EDUCATION,
            completed_at=timezone.now(),
        )
    c.staff_b = make_user("staff_b_only", "org_staff", [c.town_b])
    c.cadres = [c.cadre_a, c.cadre_a2, c.cadre_b]
    return c


def _many(key, cadres, user) -> dict[int, list]:
    out: dict[int, list] = {c.pk: [] for c in cadres}
    for cadre_id, entry in registry.timeline_sources_many[key]([c.pk for c in cadres], user):
        out[cadre_id].append(entry)
    return out


def test_every_source_registers_many():
    assert len(SOURCES) >= 10 and set(registry.timeline_sources_many) == set(SOURCES)


@pytest.mark.parametrize("key", SOURCES)
def test_many_gives_the_entries_of_fn(world, key):
    """For every source and reader: the cadres asked together get exactly what each gets alone
    (same entries, same order), and the world gives the source something to say."""
    seen = 0
    for user in (world.staff_all, world.staff_a, world.staff_b, world.discipline, world.nobody):
        together = _many(key, world.cadres, user)
        for cadre in world.cadres:
            alone = list(registry.timeline_sources[key](cadre, user) or ())
            assert together[cadre.pk] == alone, (key, user.username, cadre.name)
            seen += len(alone)
        if user is world.nobody:
            assert not any(together.values())
    assert seen, f"{key}: no entries in the world"


def test_timeline_for_many_matches_timeline_for(world):
    for user in (world.staff_all, world.staff_a, world.discipline):
        for year in (None, YEAR, YEAR - 1):
            many = timeline_for_many([c.pk for c in world.cadres], user, year=year)
            assert list(many) == [c.pk for c in world.cadres]
            for cadre in world.cadres:
                assert many[cadre.pk] == timeline_for(cadre, user, year=year)
    assert timeline_for_many([], world.staff_all) == {}


def test_links_to_several_cadres(world):
    """A finding of 张伟's audit naming 王芳 responsible, and a petition about both, are listed for each."""
    many = timeline_for_many([c.pk for c in world.cadres], world.staff_all)
    titles = {pk: [e.title + e.detail for e in entries] for pk, entries in many.items()}
    for pk in (world.cadre_a.pk, world.cadre_a2.pk):
        assert any("王芳负责的问题" in t for t in titles[pk])
        assert any("反映张伟、王芳违规吃喝" in t for t in titles[pk])
    assert not any("超标准接待" in t for t in titles[world.cadre_a2.pk])
    assert not any("王芳" in t for t in titles[world.cadre_b.pk])


def test_a_source_without_many_is_asked_per_cadre(world, monkeypatch):
    extra = registry.TimelineEntry(date=dt.date(YEAR, 6, 1), kind="test.kind", label="测试", title="x")
    monkeypatch.setitem(
        registry.timeline_sources,
        "test.only_fn",
        lambda cadre, user: [extra] if cadre.pk == world.cadre_a.pk else [],
    )
    many = timeline_for_many([world.cadre_a.pk, world.cadre_b.pk], world.staff_all)
    assert extra in many[world.cadre_a.pk] and extra not in many[world.cadre_b.pk]
    assert many[world.cadre_a.pk] == timeline_for(world.cadre_a, world.staff_all)


def test_scope_one_township_never_sees_another(world):
    """staff of 甲镇 get nothing of 李强 (乙镇) and staff of 乙镇 nothing of 张伟 or 王芳."""
    ids = [c.pk for c in world.cadres]
    mine = timeline_for_many(ids, world.staff_a)
    assert mine[world.cadre_a.pk] and mine[world.cadre_b.pk] == []
    theirs = timeline_for_many(ids, world.staff_b)
    assert theirs[world.cadre_b.pk] and theirs[world.cadre_a.pk] == theirs[world.cadre_a2.pk] == []
    urls_b = {e.url for e in timeline_for_many(ids, world.staff_all)[world.cadre_b.pk]}
    assert urls_b and not urls_b & {e.url for entries in mine.values() for e in entries}


# --- the joint analysis: constant queries -----------------------------------------------------------


def _grow(c, n: int) -> None:
    """`n` more 一把手, each in a township of their own with records in several channels."""
    start = getattr(c, "_grown", 0)
    for i in range(start, start + n):
        town = OrganizationFactory(name=f"新镇{i}", kind=OrgKind.TOWNSHIP, parent=c.root)
        post = PostFactory(organization=town, title="党委书记", top_leader_kind=TopLeaderKind.PARTY)
        cadre = CadreFactory(name=f"新书记{i}", organization=town, birth_date=dt.date(1975, 3, 1))
        appt = AppointmentFactory(cadre=cadre, post=post, start_date=dt.date(2020, 1, 1))
        services.sanction_create(
            user=c.staff_all,
            cadre=cadre,
            kind="party_warning",
            decision_date=dt.date(YEAR, 2, 1),
            deciding_body="市纪委",
            reason="违规",
        )
        services.reward_create(
            user=c.staff_all,
            cadre=cadre,
            kind="reward",
            title="先进",
            date=dt.date(YEAR, 3, 1),
            issuing_body="市委",
        )
        InterviewRecord.objects.create(
            kind="reminder", date=dt.date(YEAR, 4, 1), interviewee=cadre, summary="谈话"
        )
        evaluation_services.democratic_record(
            user=c.staff_all,
            cadre=cadre,
            year=YEAR,
            held_on=dt.date(YEAR, 6, 1),
            participants=20,
            ratings={"moral": [18, 2, 0]},
        )
        audit = audit_services.audit_create(
            user=c.staff_all,
            appointment=appt,
            kind=AuditKind.MID_TERM,
            year=YEAR,
            period_start=dt.date(2020, 1, 1),
            period_end=dt.date(YEAR - 1, 12, 31),
            planned_date=dt.date(YEAR, 5, 1),
        )
        make_finding(advance(audit, c.staff_all, AuditStatus.FIELDWORK), c.staff_all, description=f"问题{i}")
    c._grown = start + n


def _summary_queries(user) -> tuple[int, list]:
    cache.clear()  # the sources themselves, not a kept reading
    with CaptureQueriesContext(connection) as ctx:
        rows, _labels = joint_analysis.summary(user, YEAR)
    return len(ctx.captured_queries), rows


def _page_queries(client) -> tuple[int, str]:
    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(reverse("integrity_analysis"), {"year": YEAR})
    assert r.status_code == 200
    return len(ctx.captured_queries), r.content.decode()


def test_summary_costs_the_same_for_3_and_12_leaders(world, client):
    user = world.discipline
    _grow(world, 1)  # 张伟, 李强 and one more
    _summary_queries(user)  # warm the per-process caches (content types, permissions)
    small, rows = _summary_queries(user)
    assert len(rows) == 3
    client.force_login(user)
    _page_queries(client)
    small_page, _html = _page_queries(client)
    _grow(world, 9)
    large, rows = _summary_queries(user)
    assert len(rows) == 12 and large == small
    large_page, html = _page_queries(client)
    assert large_page == small_page
    # the same rows as asking each leader's timeline alone
    for r in rows:
        alone: dict[str, int] = {}
        for e in timeline_for(r.cadre, user, year=YEAR):
            alone[e.label] = alone.get(e.label, 0) + 1
        assert r.channels == alone and r.cadre.name in html
    assert {r.cadre.name for r in rows} >= {"张伟", "李强", "新书记0", "新书记9"}
