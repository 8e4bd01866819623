"""The integrity file's timeline and the yearly joint analysis (联席会议专题分析)."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

import pytest
from django.urls import reverse

from cadre_supervision import registry
from cadre_supervision.models import AccessLog
from cadres import joint_analysis, services
from cadres.timeline import timeline_for

pytestmark = pytest.mark.django_db

YEAR = dt.date.today().year


@pytest.fixture
def dossier(city):
    u = city.staff_all
    city.sanction_a = services.sanction_create(
        user=u,
        cadre=city.cadre_a,
        kind="party_warning",
        decision_date=dt.date(YEAR, 3, 1),
        deciding_body="市纪委",
        reason="违规接受宴请",
    )
    services.assessment_record(user=u, cadre=city.cadre_a, year=YEAR - 1, grade="competent")
    services.reward_create(
        user=u,
        cadre=city.cadre_a,
        kind="reward",
        title="先进个人",
        date=dt.date(YEAR, 5, 1),
        issuing_body="市委",
    )
    services.sanction_create(
        user=u,
        cadre=city.cadre_b,
        kind="party_warning",
        decision_date=dt.date(YEAR, 4, 1),
        deciding_body="市纪委",
        reason="乙镇的处分",
    )
    return city


def test_timeline_composes_every_source(dossier, monkeypatch):
    c = dossier
    extra = registry.TimelineEntry(
        date=dt.date(YEAR, 6, 1), kind="petitions.disposal", label="信访举报", title="测试信访"
    )
    monkeypatch.setitem(registry.timeline_sources, "test.petitions", lambda cadre, user: [extra])
    entries = timeline_for(c.cadre_a, c.discipline)
    kinds = [e.kind for e in entries]
    assert {"cadres.sanction", "cadres.assessment", "cadres.reward", "petitions.disposal"} <= set(kinds)
    assert [e.date for e in entries] == sorted((e.date for e in entries), reverse=True)
    assert all(e.title != "乙镇的处分" for e in entries)
    assert {"cadres.sanctions", "cadres.assessments", "cadres.rewards"} <= set(registry.timeline_sources)
    assert {"interviews.talks", "audits.audits", "reports.verifications"} <= set(registry.timeline_sources)
    # restricted like the file: a user without the dossier scope sees nothing of it
    assert timeline_for(c.cadre_a, c.nobody) == [] or all(
        e.kind == "petitions.disposal" for e in timeline_for(c.cadre_a, c.nobody)
    )
    assert [e.kind for e in timeline_for(c.cadre_a, c.discipline, year=YEAR - 1)] == ["cadres.assessment"]


def test_integrity_file_shows_the_timeline(client, dossier):
    client.force_login(dossier.discipline)
    html = client.get(reverse("integrity_file", args=[dossier.cadre_a.pk])).content.decode()
    assert (
        'id="integrity-timeline"' in html and "（市纪委）" in html and 'data-kind="cadres.sanction"' in html
    )
    client.force_login(dossier.staff_a)
    assert client.get(reverse("integrity_file", args=[dossier.cadre_b.pk])).status_code == 404


def test_interview_and_report_timeline_entries(city):
    from interviews.integrity import timeline
    from interviews.models import InterviewRecord

    r = InterviewRecord.objects.create(
        kind="reminder", date=dt.date(YEAR, 2, 1), interviewee=city.cadre_a, summary="提醒谈话内容"
    )
    entries = list(timeline(city.cadre_a, city.staff_all))
    assert [e.url for e in entries] == [r.get_absolute_url()] and entries[0].label == "谈话函询"
    assert list(timeline(city.cadre_a, city.liaison_a)) == []


def test_leaders_and_summary(dossier):
    c = dossier
    tenures = joint_analysis.leader_tenures(c.discipline, YEAR)
    assert {a.cadre_id for a in tenures} == {c.cadre_a.pk, c.cadre_b.pk}  # 一把手 only, not 王芳
    assert {a.cadre_id for a in joint_analysis.leader_tenures(c.staff_a, YEAR)} == {c.cadre_a.pk}
    assert joint_analysis.leader_tenures(c.nobody, YEAR) == []
    assert {a.cadre_id for a in joint_analysis.leader_tenures(c.discipline, YEAR, c.town_b)} == {c.cadre_b.pk}
    assert joint_analysis.leader_tenures(c.discipline, 2010) == []  # before every tenure
    rows, labels = joint_analysis.summary(c.discipline, YEAR)
    row = next(r for r in rows if r.cadre == c.cadre_a)
    assert "处分" in labels and row.channels["处分"] == 1 and row.channels.get("奖惩") == 1
    assert row.channel_values == [row.channels.get(label, 0) for label in labels]


def test_leader_document_keeps_the_year(dossier):
    doc = joint_analysis.leader_document(dossier.discipline, dossier.cadre_a, YEAR - 1)
    assert [e.kind for e in doc.timeline] == ["cadres.assessment"]
    assert all(isinstance(p.rows, list) for p in doc.sections)


def test_analysis_pages_and_docx(client, dossier):
    c = dossier
    client.force_login(c.staff_a)
    r = client.get(reverse("integrity_analysis"), {"year": YEAR})
    html = r.content.decode()
    assert r.status_code == 200 and "张伟" in html and "李强" not in html
    r = client.get(reverse("integrity_analysis_cadre", args=[c.cadre_a.pk]), {"year": YEAR})
    assert r.status_code == 200 and "违规接受宴请" in r.content.decode()
    assert client.get(reverse("integrity_analysis_cadre", args=[c.cadre_b.pk])).status_code == 404
    r = client.get(reverse("integrity_analysis_docx"), {"year": YEAR})
    assert r.status_code == 200 and r["Content-Type"] == joint_analysis.DOCX_TYPE
    from docx import Document

    doc = Document(BytesIO(r.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    cells = "\n".join(cell.text for t in doc.tables for row in t.rows for cell in row.cells)
    assert f"{YEAR}年度一把手廉政情况联席会议专题分析" in text and "张伟" in text + cells
    assert "李强" not in text + cells and "违规接受宴请" in cells
    logs = AccessLog.objects.filter(user=c.staff_a, object_type="cadres.joint_analysis")
    assert logs.filter(action=AccessLog.Action.EXPORT, detail__year=YEAR).exists()
    assert logs.filter(action=AccessLog.Action.VIEW_INTEGRITY_FILE).exists()
    assert AccessLog.objects.filter(
        user=c.staff_a, action=AccessLog.Action.VIEW_INTEGRITY_FILE, object_id=str(c.cadre_a.pk)
    ).exists()


def test_analysis_refused_without_integrity_scope(client, city):
    client.force_login(city.liaison_a)
    html = client.get(reverse("integrity_analysis")).content.decode()
    assert "您没有查阅廉政档案的权限" in html and "张伟" not in html
    r = client.get(reverse("integrity_analysis_docx"))
    cells = " ".join(
        cell.text
        for t in __import__("docx").Document(BytesIO(r.content)).tables
        for row in t.rows
        for cell in row.cells
    )
    assert "张伟" not in cells
    assert client.get(reverse("integrity_analysis_cadre", args=[city.cadre_a.pk])).status_code == 404


def test_bad_year_falls_back_with_a_message(client, city):
    client.force_login(city.discipline)
    r = client.get(reverse("integrity_analysis"), {"year": "abc"})
    assert r.status_code == 200 and "年度应为四位数字" in r.content.decode()


def test_docx_keeps_every_leader_in_order_before_the_section_properties():
    """Each leader's part is written apart and moved into the document: all of them, in order,
    each after its page break, and the body's section properties stay last."""
    from types import SimpleNamespace as NS

    from docx import Document
    from docx.oxml.ns import qn

    section = NS(title="个人有关事项报告", header=["年度", "结果"], rows=[[YEAR, "一致"]])
    docs = [
        NS(
            cadre=NS(name=f"干部{i}"),
            office=f"某镇党委书记{i}",
            signals=[],
            score=0,
            timeline=[],
            sections=[section],
        )
        for i in range(30)
    ]
    content = joint_analysis.docx_bytes(YEAR, "全市", [], [], docs)
    doc = Document(BytesIO(content))
    heads = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert heads == ["汇总表"] + [f"干部{i}（某镇党委书记{i}）" for i in range(30)]
    assert len(doc.tables) == 1 + 30 and doc.tables[-1].cell(1, 1).text == "一致"
    body = list(doc.element.body)
    assert body[-1].tag == qn("w:sectPr") and sum(el.tag == qn("w:sectPr") for el in body) == 1
