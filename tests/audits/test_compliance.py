"""离任必审 and 轮审 lists, the yearly plan, warnings, the cadre-page panel and the reminder sweeps."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from audits import selectors, services
from audits.choices import AuditKind, AuditStatus, RectState
from cadre_supervision import registry
from cadre_supervision.models import Notification
from cadre_supervision.notifications import run_sweep
from cadres.choices import OrgKind, TopLeaderKind
from tests.factories import AppointmentFactory, CadreFactory, OrganizationFactory, PostFactory, make_user

from .helpers import D, advance, make_finding

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def leaders(ac):
    """Extra 一把手 to give the lists something to find.

    - 丙局 head: in office since 2 years ago, never audited (not due).
    - 甲镇 mayor: ended 1 year ago, no departure audit (离任未审).
    - 乙镇 mayor: ended 1 year ago, departure audit planned (covered).
    - 丁企业 chairman: ended 8 years ago (before the look-back window).
    """
    ns = ac
    organ_head = PostFactory(organization=ns.organ, title="局长", top_leader_kind=TopLeaderKind.ADMIN)
    ns.appt_organ = AppointmentFactory(
        cadre=CadreFactory(name="赵磊", organization=ns.organ),
        post=organ_head,
        start_date=TODAY - dt.timedelta(days=700),
    )
    ns.appt_left = AppointmentFactory(
        cadre=CadreFactory(name="周杰", organization=ns.town_a),
        post=ns.head_a,
        start_date=D(2018, 1, 1),
        end_date=TODAY - dt.timedelta(days=365),
    )
    head_b = PostFactory(organization=ns.town_b, title="镇长", top_leader_kind=TopLeaderKind.ADMIN)
    ns.appt_left_b = AppointmentFactory(
        cadre=CadreFactory(name="吴刚", organization=ns.town_b),
        post=head_b,
        start_date=D(2018, 1, 1),
        end_date=TODAY - dt.timedelta(days=365),
    )
    services.audit_create(
        user=ns.staff_all, appointment=ns.appt_left_b, kind=AuditKind.DEPARTURE, year=TODAY.year
    )
    soe = OrganizationFactory(name="丁企业", kind=OrgKind.SOE, parent=ns.root)
    old = PostFactory(organization=soe, title="董事长", top_leader_kind=TopLeaderKind.PARTY)
    AppointmentFactory(
        cadre=CadreFactory(name="黄敏", organization=soe),
        post=old,
        start_date=D(2010, 1, 1),
        end_date=TODAY - dt.timedelta(days=8 * 366),
    )
    return ns


def test_departures_without_audit(leaders):
    rows = selectors.departures_without_audit(user=leaders.staff_all)
    assert [a.cadre.name for a in rows] == ["周杰"]
    assert selectors.departures_without_audit(user=leaders.discipline_b) == []  # 甲镇 outside scope
    assert selectors.counts_by_org_kind(a.post.organization for a in rows) == [("乡镇/街道", 1)]


def test_cycle_due(leaders):
    # 张伟 (甲镇 since 2019, audit_a only planned) and 李强 (乙镇 since 2016, planned) are due;
    # 赵磊 has served 2 years.
    rows = selectors.cycle_rows(user=leaders.staff_all)
    due = {r.cadre.name: r for r in rows if r.state.is_due}
    assert set(due) == {"张伟", "李强"}
    assert due["张伟"].pending_audit == leaders.audit_a  # listed as planned already
    assert due["张伟"].last_audit_date is None
    # once fieldwork happens the cycle restarts
    advance(leaders.audit_a, leaders.staff_all, AuditStatus.FIELDWORK, start=TODAY - dt.timedelta(days=30))
    rows = selectors.cycle_rows(user=leaders.staff_all)
    assert {r.cadre.name for r in rows if r.state.is_due} == {"李强"}
    # a shorter cycle policy makes 赵磊 due as well
    from cadre_supervision import policy

    policy.set_value("audits.cycle_years", 1)
    assert {r.cadre.name for r in selectors.cycle_rows(user=leaders.staff_all) if r.state.is_due} == {
        "李强",
        "赵磊",
    }


def test_compliance_pages_and_export(client, leaders):
    client.force_login(leaders.staff_all)
    html = client.get(reverse("audits:compliance_departures")).content.decode()
    assert (
        "周杰" in html
        and "吴刚" not in html
        and "黄敏" not in html
        and "乡镇/街道：<strong>1</strong>" in html
    )
    html = client.get(reverse("audits:compliance_cycle")).content.decode()
    assert "张伟" in html and "李强" in html and "已列入" in html
    r = client.get(reverse("audits:compliance_cycle") + "?export=xlsx")
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")
    from cadre_supervision.models import AccessLog

    assert AccessLog.objects.filter(action=AccessLog.Action.EXPORT, object_type="audits.compliance").exists()


def test_plan_proposed_and_created(client, leaders):
    client.force_login(leaders.staff_all)
    html = client.get(reverse("audits:plan") + f"?year={TODAY.year}").content.decode()
    # 张伟/李强 already have pending audits → not proposed again; 周杰's departure is proposed
    assert "周杰" in html and f"{leaders.appt_left.pk}:departure" in html
    assert f"{leaders.appt_a.pk}:mid_term" not in html
    r = client.post(
        reverse("audits:plan"), {"year": TODAY.year, "item": [f"{leaders.appt_left.pk}:departure"]}
    )
    assert r.status_code == 302
    audit = leaders.appt_left.audits.get()
    assert (
        audit.kind == AuditKind.DEPARTURE and audit.status == AuditStatus.PLANNED and audit.year == TODAY.year
    )
    assert selectors.departures_without_audit(user=leaders.staff_all) == []


def test_plan_proposal_table_and_export(client, leaders):
    """The proposal is one table (tick boxes on the page, the same rows exported)."""
    from io import BytesIO

    from openpyxl import load_workbook

    from cadre_supervision.models import AccessLog

    client.force_login(leaders.staff_all)
    url = reverse("audits:plan")
    html = client.get(url, {"year": TODAY.year}).content.decode()
    assert 'id="plan-items"' in html and 'data-check-all="input[name=item]"' in html
    assert f'name="item" value="{leaders.appt_left.pk}:departure" checked' in html
    x = client.get(url, {"year": TODAY.year, "export": "xlsx"})
    rows = list(load_workbook(BytesIO(x.content)).active.iter_rows(values_only=True))
    assert rows[0] == ("干部", "单位 / 职务", "审计类型", "理由")
    left = leaders.appt_left
    assert (
        left.cadre.name,
        f"{left.post.organization.name} {left.post.title}",
        str(AuditKind.DEPARTURE.label),
    ) in [r[:3] for r in rows[1:]]
    assert AccessLog.objects.filter(action="export", object_type="audits.plan").exists()


@pytest.fixture
def overdue(ac):
    audit = advance(ac.audit_a, ac.staff_all, AuditStatus.RECTIFICATION, start=D(2024, 2, 1))
    acct = make_user("wangfang")
    ac.cadre_a2.user = acct
    ac.cadre_a2.save()
    ac.acct_a2 = acct
    ac.f_overdue = make_finding(
        audit, ac.staff_all, due=TODAY - dt.timedelta(days=3), responsible_cadre=ac.cadre_a2
    )
    ac.f_soon = make_finding(audit, ac.staff_all, due=TODAY + dt.timedelta(days=5), description="即将到期")
    return ac


def test_overdue_rectification_selector_and_warnings(overdue):
    ac = overdue
    assert selectors.cadre_ids_with_overdue_rectification(ac.staff_all) == {ac.cadre_a.pk, ac.cadre_a2.pk}
    assert selectors.cadre_ids_with_overdue_rectification(ac.discipline_b) == set()
    ws = registry.warnings_for(ac.discipline, [ac.cadre_a.pk], blocks_promotion=False)
    kinds = {w.kind for w in ws}
    # audited in 2024 (fieldwork): within the 3-year cycle, so no cycle warning
    assert kinds == {"audits.rectification_overdue"}
    # the open finding is also a 带病提拔 signal (selection's pre-review)
    blocking = registry.warnings_for(ac.discipline, [ac.cadre_a.pk], sources=["audits.open_finding"])
    assert {w.kind for w in blocking} == {"audits.open_finding"}
    assert all(w.cadre_id == ac.cadre_a.pk for w in ws)
    # out of scope: no warnings leak
    assert [
        w for w in registry.warnings_for(ac.discipline_b, [ac.cadre_a.pk]) if w.kind.startswith("audits.")
    ] == []
    # verified: the flag goes away
    for state, note in ((RectState.IN_PROGRESS, ""), (RectState.SUBMITTED, "done")):
        services.finding_transition(user=ac.staff_all, finding=ac.f_overdue, to_state=state, note=note)
    services.finding_transition(user=ac.auditor, finding=ac.f_overdue, to_state=RectState.VERIFIED)
    assert selectors.cadre_ids_with_overdue_rectification(ac.staff_all) == set()


def test_audit_list_filter_has_overdue(client, overdue):
    client.force_login(overdue.staff_all)
    html = client.get(reverse("audits:audit_list") + "?has_overdue=true").content.decode()
    assert overdue.audit_a.title in html and overdue.audit_b.title not in html
    html = client.get(reverse("audits:finding_list") + "?overdue=true").content.decode()
    assert "即将到期" not in html and "公务接待超标准" in html


def test_cadre_panel(overdue):
    ac = overdue
    panel = registry.cadre_page_panels[0](ac.cadre_a, ac.staff_all)
    assert panel["title"] == "三责联审" and panel["template"] == "audits/panels/cadre_panel.html"
    assert [f.pk for f in panel["context"]["overdue"]] == [ac.f_overdue.pk]
    assert registry.cadre_page_panels[0](ac.cadre_a, ac.liaison_a) is None
    from django.template.loader import render_to_string

    html = render_to_string(panel["template"], panel["context"])
    assert "整改逾期 1 项" in html


def test_sweep_recipients_and_idempotence(overdue):
    ac = overdue
    # a manager of 甲镇 found through guardian (group grant on an ancestor) and one directly on 甲镇
    managers = selectors.audit_manager_user_ids(ac.town_a)
    assert {ac.staff_all.pk, ac.staff_a.pk} <= managers
    assert ac.discipline.pk not in managers and ac.staff_a.pk not in selectors.audit_manager_user_ids(
        ac.town_b
    )
    share = services.audit_file_share
    from django.core.files.uploadedfile import SimpleUploadedFile

    f = services.audit_file_upload(
        user=ac.staff_all,
        audit=ac.audit_a,
        kind="report",
        title="报告",
        uploaded_file=SimpleUploadedFile("r.pdf", b"%PDF"),
    )
    share(user=ac.staff_all, file=f, officer=ac.discipline_b, until=TODAY + dt.timedelta(days=1))

    run_sweep(TODAY, deliver=False)
    n = Notification.objects.count()
    by_kind = {}
    for kind, uid in Notification.objects.values_list("kind", "recipient_id"):
        by_kind.setdefault(kind, set()).add(uid)
    # overdue: managers, the team (not the observer), the responsible cadre's account
    assert by_kind["audits.rectification_overdue"] >= {
        ac.staff_all.pk,
        ac.staff_a.pk,
        ac.auditor.pk,
        ac.acct_a2.pk,
    }
    assert ac.discipline.pk not in by_kind["audits.rectification_overdue"]
    assert ac.auditor.pk in by_kind["audits.rectification_due_soon"]
    # 李强 (乙镇, since 2016, planned audit) → no cycle reminder; departures none here
    assert "audits.share_expiring" in by_kind and ac.discipline_b.pk in by_kind["audits.share_expiring"]
    # a second sweep sends nothing twice
    run_sweep(TODAY, deliver=False)
    assert Notification.objects.count() == n


def test_cycle_and_departure_reminders(leaders):
    run_sweep(TODAY, deliver=False)
    kinds = set(Notification.objects.values_list("kind", flat=True))
    # 周杰's departure: reminded to staff_all and staff_a (managers of 甲镇)
    dep = Notification.objects.filter(kind="audits.departure_unaudited")
    assert {n.recipient.username for n in dep} == {"staff_all", "staff_a"}
    assert "周杰" in dep.first().title
    # cycle: all due leaders have pending audits → none; make 李强's audit go away
    assert "audits.cycle_due" not in kinds
    services.audit_delete(user=leaders.staff_all, audit=leaders.audit_b)
    run_sweep(TODAY, deliver=False)
    cyc = Notification.objects.filter(kind="audits.cycle_due")
    assert {n.recipient.username for n in cyc} == {"staff_all"} and "李强" in cyc.first().title
