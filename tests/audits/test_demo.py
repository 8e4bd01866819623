"""The demo seeder fills a (small) city with audits in every status and findings in every state."""

import datetime as dt
import io
import random

import pytest
from django.utils import timezone

from audits import demo, selectors
from audits.choices import AuditStatus, RectState
from audits.models import Audit, AuditFile, Finding
from cadre_supervision.permissions import SYSTEM
from cadres.choices import KeyCategory, OrgKind, TopLeaderKind
from tests.factories import AppointmentFactory, CadreFactory, OrganizationFactory, PostFactory, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_city(private_media):
    today = timezone.localdate()
    root = OrganizationFactory(name="示范市", kind=OrgKind.CITY)
    for i in range(14):
        org = OrganizationFactory(
            name=f"单位{i}", kind=OrgKind.TOWNSHIP if i % 2 else OrgKind.CITY_ORGAN, parent=root
        )
        for kind, title in ((TopLeaderKind.PARTY, "党委书记"), (TopLeaderKind.ADMIN, "行政正职")):
            post = PostFactory(organization=org, title=title, top_leader_kind=kind)
            start = today - dt.timedelta(days=500 + 190 * i)
            if i % 4 == 0 and kind == TopLeaderKind.ADMIN:
                # a predecessor who left within the last three years
                AppointmentFactory(
                    cadre=CadreFactory(organization=org),
                    post=post,
                    start_date=start - dt.timedelta(days=2000),
                    end_date=today - dt.timedelta(days=200 + 30 * i),
                )
                start = today - dt.timedelta(days=190 + 30 * i)
            AppointmentFactory(cadre=CadreFactory(organization=org), post=post, start_date=start)
        deputy = PostFactory(
            organization=org,
            title="分管财务副职",
            key_categories=[KeyCategory.FINANCE],
            key_reason="分管财务",
        )
        AppointmentFactory(
            cadre=CadreFactory(organization=org), post=deputy, start_date=today - dt.timedelta(days=1500)
        )
    make_user("zuzhibu", "org_staff", [root])
    make_user("ganbuke", "org_staff", [root])
    make_user("shenji", "audit_team", [root])
    make_user("jiwei", "discipline", [root])
    return root


def test_demo_seeder_covers_every_status_and_state(small_city):
    out = io.StringIO()
    demo.seed(today=timezone.localdate(), rng=random.Random(7), stdout=out)
    statuses = set(Audit.objects.values_list("status", flat=True))
    assert statuses == set(AuditStatus.values)
    assert set(Finding.objects.values_list("state", flat=True)) == set(RectState.values)
    assert Finding.objects.overdue(timezone.localdate()).exists()
    assert (
        Audit.objects.filter(kind="departure").exists()
        and Audit.objects.filter(kind="special", is_top_leader=False).exists()
    )
    assert (
        AuditFile.objects.filter(kind="report").exists() and AuditFile.objects.filter(kind="notice").exists()
    )
    # closed audits have every finding verified
    assert not Finding.objects.filter(audit__status="closed").exclude(state="verified").exists()
    assert selectors.departures_without_audit(user=SYSTEM) and any(
        r.state.is_due for r in selectors.cycle_rows(user=SYSTEM)
    )
    assert "三责联审" in out.getvalue()
    # the generated report is a real workbook
    from openpyxl import load_workbook

    f = AuditFile.objects.filter(kind="report").first()
    with f.file.open("rb") as fh:
        assert load_workbook(fh).sheetnames == ["审计报告摘要"]
    # An audit-team member works on a few audits, not all: "only assigned audits" shows.
    from audits.models import AuditMember

    mine = AuditMember.objects.filter(user__username="shenji").values("audit_id").distinct().count()
    assert 1 <= mine <= 6 and mine < Audit.objects.count()
    # second run is a no-op
    n = Audit.objects.count()
    demo.seed(today=timezone.localdate(), rng=random.Random(7), stdout=out)
    assert Audit.objects.count() == n
