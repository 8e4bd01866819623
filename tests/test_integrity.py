"""The integrity file (廉政档案): composed from the registry, scoped, logged, printable, exportable."""

import copy
import datetime as dt
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from audits.choices import AuditStatus
from cadre_supervision import registry
from cadre_supervision.models import AccessLog
from tests.audits import helpers
from tests.audits.helpers import advance, make_finding

# the audits fixtures (a small city with audits), shared with this top-level test module
ac = helpers.ac
private_media = helpers.private_media

pytestmark = pytest.mark.django_db


@pytest.fixture
def extra_section(monkeypatch):
    """A section registered by "another app" (e.g. talks) appears in order."""
    section = registry.IntegritySection(
        key="test.talks",
        title="诫勉谈话与函询（测试）",
        order=20,
        build=lambda cadre, user: {"n": 7},
        template="integrity/test_section.html",
        export=lambda cadre, user: (["次数"], [[7]]),
    )
    sections = sorted([*registry.integrity_sections, section], key=lambda s: s.order)
    monkeypatch.setattr(registry, "integrity_sections", sections)
    return section


@pytest.fixture
def test_template(settings, tmp_path):
    d = tmp_path / "tpl" / "integrity"
    d.mkdir(parents=True)
    (d / "test_section.html").write_text("<p id='talks'>谈话 {{ n }} 次，干部 {{ cadre.name }}</p>")
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["DIRS"] = [tmp_path / "tpl", *templates[0]["DIRS"]]
    settings.TEMPLATES = templates
    return d


@pytest.fixture
def history(ac):
    audit = advance(ac.audit_a, ac.staff_all, AuditStatus.RECTIFICATION)
    make_finding(audit, ac.staff_all, description="超标准接待", due=dt.date(2024, 6, 1))  # overdue
    return audit


@pytest.mark.parametrize(
    "who,status",
    [
        ("admin", 200),
        ("staff_all", 200),
        ("staff_a", 200),
        ("discipline", 200),
        ("discipline_b", 404),  # 甲镇 is outside 乙镇
        ("auditor", 404),  # audit team has no view_integrity
        ("liaison_a", 404),
        ("stats", 404),
        ("nobody", 404),
    ],
)
def test_integrity_grid_and_access_log(client, ac, who, status):
    user = getattr(ac, who)
    client.force_login(user)
    r = client.get(reverse("integrity_file", args=[ac.cadre_a.pk]))
    assert r.status_code == status
    logs = AccessLog.objects.filter(action=AccessLog.Action.VIEW_INTEGRITY_FILE, object_id=str(ac.cadre_a.pk))
    assert logs.count() == (1 if status == 200 else 0)
    if status == 200:
        assert logs.get().username == user.username
    r = client.get(reverse("integrity_file_export", args=[ac.cadre_a.pk]))
    assert r.status_code == status


def test_integrity_page_composes_sections_in_order(client, ac, history, extra_section, test_template):
    client.force_login(ac.discipline)
    r = client.get(reverse("integrity_file", args=[ac.cadre_a.pk]))
    html = r.content.decode()
    assert "张伟 廉政档案" in html
    # basic facts and tenures
    assert "甲镇" in html and "党委书记" in html and "身份证号" in html
    # sections in registry order: the test section (order 20) before audits (30) and findings (31)
    i_talks, i_audits, i_findings = (
        html.index("谈话 7 次，干部 张伟"),
        html.index("section-auditsaudits"),
        html.index("section-auditsfindings"),
    )
    assert i_talks < i_audits < i_findings
    assert history.title in html and "超标准接待" in html
    # warnings from the registry: overdue rectification is flagged
    assert "审计问题整改逾期" in html
    # printable: print CSS linked for print media, actions hidden in print
    assert 'print-integrity.css" media="print"' in html and 'css/print.css" media="print"' in html
    assert 'class="actions no-print"' in html


def test_integrity_export_one_sheet_per_section_logged(client, ac, history, extra_section, test_template):
    client.force_login(ac.discipline)
    r = client.get(reverse("integrity_file_export", args=[ac.cadre_a.pk]))
    assert r.status_code == 200
    wb = load_workbook(BytesIO(r.content))
    # the fixed sheets, then one sheet per registered section with an export, in registry order
    exported = [s.title for s in registry.integrity_sections if s.export is not None]
    assert wb.sheetnames == ["基本信息", "任职经历", "预警", "时间轴", *exported]
    assert {"诫勉谈话与函询（测试）", "三责联审", "审计发现问题及整改"} <= set(wb.sheetnames)
    rows = list(wb["审计发现问题及整改"].values)
    assert rows[0][0] == "联审项目" and rows[1][2] == "超标准接待" and rows[1][8] == "是"
    assert list(wb["三责联审"].values)[1][0] == history.title
    log = AccessLog.objects.get(action=AccessLog.Action.EXPORT, object_id=str(ac.cadre_a.pk))
    assert log.username == "discipline" and "三责联审" in log.detail["sheets"]


def test_sections_are_scoped_for_the_reader(client, ac, history):
    """staff_a sees 甲镇's file; an audit of the same cadre held by another unit stays hidden."""
    client.force_login(ac.staff_a)
    html = client.get(reverse("integrity_file", args=[ac.cadre_a.pk])).content.decode()
    assert history.title in html
    assert ac.audit_b.title not in html


def test_index_search_only_in_scope(client, ac):
    client.force_login(ac.discipline_b)
    html = client.get(reverse("integrity_index") + "?q=李").content.decode()
    assert "李强" in html
    html = client.get(reverse("integrity_index") + "?q=张").content.decode()
    assert "张伟" not in html
