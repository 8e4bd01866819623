# ruff: noqa: F811  (fixtures imported from the app test helpers)
"""The one scope path: restrict()/scope_q, fail-closed, the system actor, named
multi-permission actions, and the source-tree rules that keep it the only path."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from audits.models import Audit
from cadre_supervision import jurisdiction
from cadre_supervision.permissions import (
    SYSTEM,
    AllOf,
    AnyOf,
    Scope,
    ensure_can,
    get_scoped_or_404,
    has_any_scope,
    has_org_perm,
    scope_q,
)
from cadres.models import Cadre, Organization
from interviews.models import RequiredTalk
from rotations import selectors as rotation_selectors
from rotations.models import Exchange
from tests.audits.helpers import ac, private_media  # noqa: F401  (fixtures)
from tests.factories import make_user
from tests.interviews.conftest import talks  # noqa: F401  (fixture)

ROOT = Path(__file__).resolve().parent.parent
A, A2, B = "张伟", "王芳", "李强"  # 甲镇, 甲镇, 乙镇 in the `city` fixture
ALL = {A, A2, B}
TOWN_A = {A, A2}
NONE: set[str] = set()

# --- scope_q, table-driven ------------------------------------------------------------------------

ACTIONS = [
    "view",
    "change",
    "integrity",
    "stats",
    "manage_rotations",  # a codename as an action on a jurisdiction record
    AnyOf("view_stats", "view_integrity"),
    AllOf("view_cadres", "view_stats"),
    "no_such_action",
]

# actor -> expected cadre names per action, in the order of ACTIONS
TABLE = {
    "none": [NONE] * 8,
    "anonymous": [NONE] * 8,
    "inactive": [NONE] * 8,
    "system": [ALL] * 8,
    "admin": [ALL] * 8,
    "staff_a": [TOWN_A] * 7 + [NONE],
    "stats": [NONE, NONE, NONE, ALL, NONE, ALL, NONE, NONE],
    "discipline": [ALL, NONE, ALL, NONE, NONE, ALL, NONE, NONE],
    "nobody": [NONE] * 8,
}


def actor(city, name):
    if name == "none":
        return None
    if name == "anonymous":
        return AnonymousUser()
    if name == "inactive":
        return make_user("inactive", "org_staff", [city.root], is_active=False)
    if name == "system":
        return SYSTEM
    return getattr(city, name)


@pytest.mark.django_db
@pytest.mark.parametrize("who", list(TABLE))
def test_scope_q_table(city, who):
    user = actor(city, who)
    for action, expected in zip(ACTIONS, TABLE[who], strict=True):
        names = set(Cadre.objects.filter(scope_q(Cadre, user, action)).values_list("name", flat=True))
        assert names == expected, (who, action)
        assert set(Cadre.objects.restrict(user, action).values_list("name", flat=True)) == expected


@pytest.mark.django_db
@pytest.mark.parametrize(
    "who,action,expected",
    [
        ("staff_a", "view", True),
        ("staff_a", "stats", True),
        ("stats", "view", False),
        ("stats", "stats", True),
        ("discipline", "integrity", True),
        ("nobody", "view", False),
        ("none", "view", False),
        ("inactive", "view", False),
        ("admin", "no_such_action", True),
        ("system", "stats", True),
        ("staff_a", "no_such_action", False),
    ],
)
def test_has_any_scope(city, who, action, expected):
    assert has_any_scope(Cadre, actor(city, who), action) is expected


@pytest.mark.django_db
def test_an_action_naming_another_action_includes_its_extra(talks):
    """RequiredTalk "stats" = AnyOf("view", "view_stats"): a supervisor counts their own tasks."""
    own = set(RequiredTalk.objects.filter(responsible=talks.shuji).values_list("pk", flat=True))
    assert own
    assert set(RequiredTalk.objects.restrict(talks.shuji, "stats").values_list("pk", flat=True)) == own
    everything = set(RequiredTalk.objects.values_list("pk", flat=True))
    assert set(RequiredTalk.objects.restrict(talks.stats, "stats").values_list("pk", flat=True)) == everything
    assert not RequiredTalk.objects.restrict(talks.stats, "view").exists()


@pytest.mark.django_db
def test_a_multi_permission_action_does_not_consult_the_extra(ac):
    """Audit "stats" = AnyOf("view_audits", "view_stats"): a team member's single-record
    grant shows the audit on pages, not in the statistics."""
    assert Audit.objects.restrict(ac.auditor, "view").filter(pk=ac.audit_a.pk).exists()
    assert not Audit.objects.restrict(ac.auditor, "stats").exists()
    assert Audit.objects.restrict(ac.stats, "stats").count() == Audit.objects.count() > 0


@pytest.mark.django_db
def test_several_org_fields_any_of_them(city):
    q = str(scope_q(Exchange, city.staff_a, "view"))
    assert "from_organization__path__startswith" in q and "to_organization__path__startswith" in q


# --- declaring a Scope -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "perms,error",
    [
        ({"view": ("view_cadres", "view_stats")}, TypeError),  # say AnyOf or AllOf
        ({"view": "view_everything"}, ValueError),
        ({"stats": AnyOf("view", "view_stats")}, ValueError),  # "view" is not an action here
        ({"view": AnyOf("view")}, ValueError),  # an action cannot name itself
        ({"view": AllOf()}, TypeError),
    ],
)
def test_bad_scope_declarations_fail_at_import(perms, error):
    with pytest.raises(error):
        Scope(org_field="organization", perms=perms)


def test_good_scope_declaration():
    scope = Scope(
        org_field=("a", "b"),
        perms={"view": "view_cadres", "stats": AnyOf("view", "view_stats")},
        codename_actions=True,
    )
    assert scope.org_fields == ("a", "b")
    assert scope.spec_for("stats") == AnyOf("view", "view_stats")
    assert scope.spec_for("manage_audits") == "manage_audits"
    assert scope.spec_for(AllOf("view_cadres", "view_stats")) == AllOf("view_cadres", "view_stats")
    assert scope.spec_for("nothing") is None
    plain = Scope(org_field="a", perms={"view": "view_cadres"})
    assert plain.spec_for("manage_audits") is None  # codenames are actions only where declared


# --- the system actor ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_system_actor_reads_everything_and_writes_nothing(city):
    assert SYSTEM.pk is None and not SYSTEM.is_authenticated and not SYSTEM.is_superuser
    assert get_scoped_or_404(Cadre, SYSTEM, pk=city.cadre_b.pk) == city.cadre_b
    assert not has_org_perm(SYSTEM, "manage_cadres", city.root.pk)
    with pytest.raises(PermissionDenied):
        ensure_can(SYSTEM, city.cadre_b, "view")
    ensure_can(city.staff_all, city.cadre_b, "change")  # a real user passes the same check


@pytest.mark.django_db
def test_rotation_selectors_fail_closed(city):
    from tests.factories import AppointmentFactory, PostFactory

    post = PostFactory(organization=city.town_a, title="副镇长（轮岗）")
    AppointmentFactory(cadre=city.cadre_a2, post=post, start_date=dt.date(2010, 1, 1))
    everyone = {(i.cadre.pk, i.post.pk) for i in rotation_selectors.due_items(user=SYSTEM)}
    assert (city.cadre_a2.pk, post.pk) in everyone
    assert {(i.cadre.pk, i.post.pk) for i in rotation_selectors.due_items(user=city.admin)} == everyone
    assert rotation_selectors.due_items(user=None) == []
    assert rotation_selectors.due_items(user=AnonymousUser()) == []
    assert rotation_selectors.execution_by_org(user=None, year=2026) == []


# --- the jurisdiction interface --------------------------------------------------------------------


def test_the_framework_reaches_the_tree_through_one_setting(settings):
    assert jurisdiction.organization_model() is Organization
    assert jurisdiction.group_permission_model().__name__ == "OrganizationGroupObjectPermission"
    assert jurisdiction.user_permission_model().__name__ == "OrganizationUserObjectPermission"
    assert (
        jurisdiction.permission_name("view_stats")
        == f"{settings.CS_JURISDICTION_MODEL.split('.')[0]}.view_stats"
    )
    assert jurisdiction.ancestor_ids("000001.000007.") == [1, 7]


# --- source-tree rules -----------------------------------------------------------------------------


def production_sources():
    skip = {".venv", "tests", "migrations", "node_modules", "static", "templates", "scripts"}
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT)
        if skip.isdisjoint(rel.parts[:-1]):
            yield rel, path.read_text(encoding="utf-8")


def test_the_source_tree_is_scanned():
    files = {str(rel) for rel, _text in production_sources()}
    assert "cadre_supervision/permissions.py" in files and "rotations/selectors.py" in files


def test_org_ids_is_used_only_inside_permissions():
    offenders = [
        f"{rel}:{n}"
        for rel, text in production_sources()
        if str(rel) != "cadre_supervision/permissions.py"
        for n, line in enumerate(text.splitlines(), 1)
        if re.search(r"(?<![\w.])org_ids\(|import[^\n]*\borg_ids\b", line)
    ]
    assert offenders == [], "read scoped rows through restrict() (or org_q() in a Scope extra)"


def test_the_framework_names_no_domain_model():
    domain = r"(cadres|interviews|audits|rotations|reports)"
    pattern = re.compile(rf"get_model\(\s*[\"']{domain}\b|^\s*(from|import)\s+{domain}\b", re.M)
    offenders = [
        str(rel)
        for rel, text in production_sources()
        if rel.parts[0] == "cadre_supervision" and pattern.search(text)
    ]
    assert offenders == [], "use cadre_supervision.jurisdiction or a registry"


@pytest.mark.django_db
def test_a_union_over_the_same_units_is_one_organization_filter(ac):
    """Audit "stats" = AnyOf("view_audits", "view_stats") for a user holding both over the same
    unit: one organization subquery per field in the SQL, not one per codename; the rows are
    those of either grant."""
    both = make_user("both_grants", "org_staff", [ac.root])  # org staff hold both codenames
    from cadre_supervision.permissions import _grants

    assert _grants(both)["view_audits"] == _grants(both)["view_stats"]
    sql = str(Audit.objects.restrict(both, "stats").query)
    # one path prefix per organization field (each grant root once), nothing else filtered by LIKE
    assert sql.count("LIKE") == sql.count('"path"::text LIKE') == len(Audit.scope.org_fields)
    assert Audit.objects.restrict(both, "stats").count() == Audit.objects.count() > 0
