"""A small city with the assignment table filled in: one cadre for each line of rule 3."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone

from cadres.choices import CadreStatus, LineRole, ManagementLevel, OrgKind, TopLeaderKind
from interviews import services
from interviews.choices import InterviewerRole
from interviews.models import InterviewAssignment
from tests.factories import AppointmentFactory, CadreFactory, OrganizationFactory, PostFactory, make_user

BIRTH = dt.date(1975, 3, 15)


def assign(role, user, org, line_role=""):
    return InterviewAssignment.objects.create(role=role, user=user, organization=org, line_role=line_role)


@pytest.fixture
def talks(city):
    """`city` plus: 丙局 top leader and deputy, a 甲镇 组织委员, a 部管 cadre, a second-line
    cadre, a retired cadre, 丁局 (no city leader in charge: a gap); supervisors shuji
    (principal), fenguan (in charge of 丙局), ganbuke (org dept for 甲镇/乙镇/丙局), zuzhibu
    (org dept, city-wide: escalations), linezz (organization line), unit_head_a (not assigned yet),
    other_sup (a supervisor with no assignment)."""
    c = city
    ns = SimpleNamespace(**vars(c))
    # Explicit birth dates: the shared factory derives party/work dates with replace(year=...),
    # which fails for a random 29 February.
    ns.organ_b = OrganizationFactory(name="丁局", kind=OrgKind.CITY_ORGAN, parent=c.root)
    organ_head = PostFactory(organization=c.organ, title="局长", top_leader_kind=TopLeaderKind.ADMIN)
    organ_dep = PostFactory(organization=c.organ, title="副局长")
    organ_b_dep = PostFactory(organization=ns.organ_b, title="副局长")
    line_post = PostFactory(organization=c.town_a, title="组织委员", line_role=LineRole.ORGANIZATION)
    clerk = PostFactory(organization=c.organ, title="办公室主任", is_leading=False, is_middle_level=True)
    ns.organ_chief = CadreFactory(name="赵局", birth_date=BIRTH, organization=c.organ)
    ns.organ_deputy = CadreFactory(name="钱副", birth_date=BIRTH, organization=c.organ)
    ns.organ_b_deputy = CadreFactory(name="孙副", birth_date=BIRTH, organization=ns.organ_b)
    ns.line_member = CadreFactory(name="周委", birth_date=BIRTH, organization=c.town_a)
    ns.dept_managed = CadreFactory(
        name="吴科", organization=c.organ, management_level=ManagementLevel.DEPARTMENT, rank="zhengke"
    )
    ns.second_line = CadreFactory(
        name="郑老", birth_date=BIRTH, organization=c.town_a, status=CadreStatus.SECOND_LINE
    )
    ns.retired = CadreFactory(
        name="冯退", birth_date=BIRTH, organization=c.town_a, status=CadreStatus.RETIRED
    )
    start = dt.date(2020, 1, 1)
    AppointmentFactory(cadre=ns.organ_chief, post=organ_head, start_date=start)
    AppointmentFactory(cadre=ns.organ_deputy, post=organ_dep, start_date=start)
    AppointmentFactory(cadre=ns.organ_b_deputy, post=organ_b_dep, start_date=start)
    AppointmentFactory(cadre=ns.line_member, post=line_post, start_date=start)
    AppointmentFactory(cadre=ns.dept_managed, post=clerk, start_date=start)

    ns.shuji = make_user("shuji", "supervisor", [], first_name="市委书记")
    ns.fenguan = make_user("fenguan", "supervisor", [], first_name="分管副市长")
    ns.ganbuke = make_user("ganbuke", "supervisor", [], first_name="干部科长", email="ganbuke@example.org")
    ns.zuzhibu = make_user("zuzhibu", "org_staff", [c.root], first_name="组织部长")
    ns.linezz = make_user("linezz", "supervisor", [], first_name="条线领导")
    ns.unit_head_a = make_user("unit_head_a", "supervisor", [], first_name="甲镇书记")
    ns.other_sup = make_user("other_sup", "supervisor", [], first_name="其他谈话人")
    assign(InterviewerRole.PRINCIPAL, ns.shuji, c.root)
    assign(InterviewerRole.IN_CHARGE, ns.fenguan, c.organ)
    for org in (c.town_a, c.town_b, c.organ):
        assign(InterviewerRole.ORG_DEPT, ns.ganbuke, org)
    assign(InterviewerRole.ORG_DEPT, ns.zuzhibu, c.root)
    assign(InterviewerRole.LINE_LEADER, ns.linezz, c.root, LineRole.ORGANIZATION)
    ns.today = timezone.localdate()
    services.plan_refresh(year=ns.today.year)
    return ns


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
