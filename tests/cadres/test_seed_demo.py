"""manage.py seed_demo: a consistent small city, demo users with their roles, seeders called, --if-empty."""

from __future__ import annotations

import io
from collections import defaultdict

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from cadre_supervision import registry
from cadre_supervision.history import history_for
from cadre_supervision.permissions import has_org_perm, role_codes
from cadres import crypto, rules
from cadres.models import Appointment, Cadre, Organization

pytestmark = pytest.mark.django_db

DEMO_USERS = [
    "admin",
    "zuzhibu",
    "jiwei",
    "shuji",
    "shizhang",
    "fenguan",
    "ganbuke",
    "shenji",
    "zhuanguanyuan",
    "tongji",
    "ganbu",
]


@pytest.fixture
def cadres_only(monkeypatch):
    """The registry's city alone: other apps' seeders (exchanges, second line) have their own tests."""
    monkeypatch.setattr(registry, "demo_seeders", [])


def test_seed_demo_small_scale_is_consistent_and_idempotent(cadres_only):
    calls = []

    def seeder(*, today, rng, stdout):
        calls.append((today, rng.random()))
        stdout.write("seeder ran")

    registry.register_demo_seeder(999, seeder)
    try:
        out = io.StringIO()
        call_command("seed_demo", "--scale", "0.05", stdout=out)
    finally:
        registry.demo_seeders[:] = [(o, f) for o, f in registry.demo_seeders if f is not seeder]
    text = out.getvalue()
    assert len(calls) == 1 and "seeder ran" in text
    assert "http://127.0.0.1:8000/" in text and "demo12345" in text
    for username in DEMO_USERS:
        assert username in text

    # organizations: a tree under the city, paths consistent
    root = Organization.objects.get(parent=None)
    assert root.name == "某市"
    kinds = set(Organization.objects.values_list("kind", flat=True))
    assert kinds == {"city", "township", "city_organ", "institution", "soe"}
    for org in Organization.objects.exclude(pk=root.pk):
        assert org.path == f"{root.path}{org.pk:06d}." and org.depth == 1

    # cadres: valid, unique citizen IDs agreeing with birth date and gender
    cadres = list(Cadre.objects.all())
    assert 40 <= len(cadres) <= 150
    ids = set()
    for c in cadres:
        value = crypto.decrypt(c.citizen_id_encrypted)
        parsed = rules.parse_citizen_id(value)
        assert parsed.birth_date == c.birth_date and parsed.gender == c.gender
        assert c.citizen_id_digest == crypto.digest(value) and c.citizen_id_masked == rules.mask_citizen_id(
            value
        )
        assert 1965 <= c.birth_date.year <= 1995
        ids.add(value)
    assert len(ids) == len(cadres)
    assert {c.status for c in cadres} >= {"active", "second_line", "retired"}
    assert {c.management_level for c in cadres} == {"city", "department"}

    # tenures: end after start; one 一把手 per organization and kind at any time
    by_top = defaultdict(list)
    for a in Appointment.objects.select_related("post"):
        assert a.end_date is None or a.end_date > a.start_date
        if a.post.top_leader_kind:
            by_top[(a.post.organization_id, a.post.top_leader_kind)].append(a)
    for tenures in by_top.values():
        for i, x in enumerate(tenures):
            for y in tenures[i + 1 :]:
                assert not rules.periods_overlap(x.start_date, x.end_date, y.start_date, y.end_date)
    # every active cadre holds a current post in their organization; others hold none
    for c in Cadre.objects.with_current():
        if c.status == "active":
            assert (
                c.primary_appointment is not None
                and c.primary_appointment.post.organization_id == c.organization_id
            )
        else:
            assert c.current_appointment_list == []
    tops = [c for c in Cadre.objects.with_current() if c.is_top_leader_now]
    assert any(c.years_in_current_post() >= 10 for c in tops)
    assert any(c.portfolio_violations for c in tops)

    # history rows written by the triggers, attributed to the command
    assert history_for(root)[0]["username"] == "seed_demo"

    # users and roles
    users = {u.username: u for u in User.objects.filter(username__in=DEMO_USERS)}
    assert set(users) == set(DEMO_USERS)
    assert users["admin"].is_superuser and users["admin"].check_password("demo12345")
    assert role_codes(users["zuzhibu"]) == {"org_staff"}
    assert role_codes(users["ganbuke"]) == {"org_staff", "supervisor"}
    assert role_codes(users["tongji"]) == {"stats_client"}
    assert role_codes(users["ganbu"]) == set()
    assert Cadre.objects.get(user=users["ganbu"]).organization.kind == "township"
    first_town = Organization.objects.filter(kind="township").order_by("sort_order").first()
    assert has_org_perm(users["zhuanguanyuan"], "manage_secondline", first_town.pk)
    assert not has_org_perm(users["zhuanguanyuan"], "view_cadres", root.pk)
    assert has_org_perm(users["tongji"], "view_stats", root.pk)
    assert not has_org_perm(users["tongji"], "view_cadres", root.pk)
    assert all(
        n.startswith(("org_staff:", "supervisor:"))
        for n in users["ganbuke"].groups.values_list("name", flat=True)
    )

    # --if-empty: nothing happens the second time; without it, refuse
    counts = (Organization.objects.count(), Cadre.objects.count(), Appointment.objects.count())
    out = io.StringIO()
    call_command("seed_demo", "--if-empty", stdout=out)
    assert "跳过" in out.getvalue()
    assert (Organization.objects.count(), Cadre.objects.count(), Appointment.objects.count()) == counts
    with pytest.raises(CommandError):
        call_command("seed_demo", "--scale", "0.05", stdout=io.StringIO())


def test_seed_demo_is_deterministic(cadres_only):
    call_command("seed_demo", "--scale", "0.05", stdout=io.StringIO())
    first = list(Cadre.objects.order_by("id").values_list("name", "birth_date", "citizen_id_tail"))
    Appointment.objects.all().delete()
    Cadre.objects.all().delete()
    from cadres.models import Post

    Post.objects.all().delete()
    Organization.objects.exclude(parent=None).delete()
    Organization.objects.all().delete()
    call_command("seed_demo", "--scale", "0.05", stdout=io.StringIO())
    second = list(Cadre.objects.order_by("id").values_list("name", "birth_date", "citizen_id_tail"))
    assert first == second


def test_seed_demo_with_every_app_seeder_then_a_sweep():
    """What `make run` does on a fresh database: the whole demo, then reminders."""
    from cadre_supervision.models import Notification
    from cadre_supervision.notifications import run_sweep

    out = io.StringIO()
    call_command("seed_demo", "--scale", "0.05", stdout=out)
    assert "demo12345" in out.getvalue()
    run_sweep(deliver=False)
    assert Notification.objects.exists()
    # Each warning source colours its own signals only as it declares (`raises`): the boards of
    # one colour and the red-signal reminders ask only the sources that may show that colour.
    from cadre_supervision.permissions import SYSTEM

    raised = {}
    for source in registry.warning_sources:
        levels = {w.level for w in source.collect(SYSTEM, None)} - {""}
        assert levels <= set(source.raises), (source.key, levels)
        raised[source.key] = levels


def test_demo_dossiers_have_a_few_resume_gaps_and_overlaps(monkeypatch):
    """Most demo résumés are continuous; a handful carry a gap, a few an overlap (for the 认定
    to clear up) — not a third of the city."""
    from cadres import demo
    from cadres.models import ResumeLine
    from cadres.selectors import cadre_resume

    monkeypatch.setattr(registry, "demo_seeders", [(20, demo.seed_dossier)])
    call_command("seed_demo", "--scale", "0.05", stdout=io.StringIO())
    cadres = list(Cadre.objects.all())
    assert ResumeLine.objects.filter(cadre__in=cadres).exists()
    kinds = [{i.kind for i in cadre_resume(cadre=c).issues} for c in cadres]
    gaps = sum("gap" in k for k in kinds) / len(cadres)
    overlaps = sum("overlap" in k for k in kinds) / len(cadres)
    assert 0.01 <= gaps <= 0.15, gaps
    assert 0.01 <= overlaps <= 0.15, overlaps
    assert sum(not k for k in kinds) / len(cadres) >= 0.75


def test_demo_leading_cadres_have_training_some_meeting_the_norm(monkeypatch):
    """Each cadre in a leading post has a few courses of the last six years; some meet the
    five-year norm, most do not (the pre-review has both to show)."""
    import datetime as dt

    from cadre_supervision.permissions import SYSTEM
    from cadres import demo
    from cadres.models import Appointment, TrainingRecord
    from cadres.selectors import training_norm, training_summary

    monkeypatch.setattr(registry, "demo_seeders", [(20, demo.seed_dossier)])
    call_command("seed_demo", "--scale", "0.05", stdout=io.StringIO())
    today = dt.date.today()
    leading = set(
        Appointment.objects.current(today).filter(post__is_leading=True).values_list("cadre_id", flat=True)
    )
    trained = set(TrainingRecord.objects.values_list("cadre_id", flat=True))
    assert leading and trained == leading
    assert not TrainingRecord.objects.filter(start_date__gt=today).exists()
    norm = training_norm()
    met = [training_summary(user=SYSTEM, cadre_id=c, today=today, norm=norm).met for c in sorted(leading)]
    assert 0 < sum(met) < len(met)
