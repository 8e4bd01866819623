# ruff: noqa: F811  (fixtures imported from the app test helpers)
"""The integrity file's sections for many cadres at once (`IntegritySection.build_many` /
`export_many`): every registered section gives each cadre asked together what it gives that
cadre alone, in the same scope, and the yearly joint analysis .docx costs the same number of
queries whatever the number of 一把手."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

import pytest
from django.core.cache import cache
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cadre_supervision import registry
from cadres import joint_analysis
from interviews.choices import InterviewKind
from interviews.models import InterviewParticipant, InterviewRecord
from reports import services as report_services
from selection.choices import ExceptionKind
from selection.models import GateException
from tests.audits.helpers import ac, private_media  # noqa: F401  (fixtures)
from tests.cadres.test_timeline_many import _grow, world  # noqa: F401  (fixture)
from tests.evaluations.conftest import ev  # noqa: F401  (fixture)
from tests.selection.conftest import sel_world

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year
SECTIONS = [s.key for s in registry.integrity_sections]


def _section(key) -> registry.IntegritySection:
    return next(s for s in registry.integrity_sections if s.key == key)


@pytest.fixture
def files(world):
    """The timeline world, with candidacies (张伟, 李强), a gate exception (王芳), a major matter
    report (张伟), an admonishment (张伟) and an inquiry (李强): every section has something to
    say about someone."""
    c = sel_world(world)
    for cadre, kind in ((c.cadre_a, InterviewKind.ADMONISHMENT), (c.cadre_b, InterviewKind.WRITTEN_INQUIRY)):
        record = InterviewRecord.objects.create(
            kind=kind, date=dt.date(YEAR, 5, 1), interviewee=cadre, summary=f"{cadre.name}的{kind.label}"
        )
        InterviewParticipant.objects.create(record=record, user=c.staff_all)
    GateException.objects.create(
        kind=ExceptionKind.APPOINTMENT, cadre=c.cadre_a2, post=c.head_a, reason="工作急需", granted_by=c.admin
    )
    today = timezone.localdate()
    report_services.major_matter_create(
        user=c.staff_all,
        cadre=c.cadre_a,
        kind="social_ties",
        title="三圈情况",
        occurred_on=today,
        reported_on=today,
        description="同学聚会",
        ties=[{"circle": "social", "person": "赵某", "relation": "同学", "occupation": "某公司总经理"}],
    )
    return c


def _render(section, context, cadre, user) -> str:
    request = RequestFactory().get("/")
    request.user = user
    context = dict(context or {})
    context.setdefault("cadre", cadre)
    return render_to_string(section.template, context, request=request)


def test_every_section_registers_many():
    assert len(SECTIONS) >= 8
    for s in registry.integrity_sections:
        assert s.build_many is not None and s.export_many is not None, s.key


@pytest.mark.parametrize("key", SECTIONS)
def test_many_gives_what_one_gives(files, key):
    """For every section and reader: the cadres asked together get exactly what each gets alone
    (the same rendered section, the same export rows in the same order); a cadre out of the
    reader's scope gets no rows; the world gives the section something to say."""
    section = _section(key)
    c = files
    out_of_scope = {
        c.staff_a: {c.cadre_b.pk},
        c.staff_b: {c.cadre_a.pk, c.cadre_a2.pk},
        c.disc_a: {c.cadre_b.pk},
        c.nobody: {x.pk for x in c.cadres},
    }
    seen = 0
    for user in (c.staff_all, c.staff_a, c.staff_b, c.discipline, c.disc_a, c.nobody):
        built = section.build_many(c.cadres, user)
        exported = section.export_many(c.cadres, user)
        assert list(built) == list(exported) == [x.pk for x in c.cadres], (key, user.username)
        for cadre in c.cadres:
            alone = section.build(cadre, user)
            assert _render(section, built[cadre.pk], cadre, user) == _render(section, alone, cadre, user), (
                key,
                user.username,
                cadre.name,
            )
            header, rows = exported[cadre.pk]
            assert (header, rows) == section.export(cadre, user), (key, user.username, cadre.name)
            if cadre.pk in out_of_scope.get(user, ()):
                assert rows == [], (key, user.username, cadre.name)
            seen += len(rows)
    assert seen, f"{key}: no rows in the world"


def test_a_finding_and_a_petition_about_two_cadres_are_in_both_files(files):
    c = files
    findings = _section("audits.findings").export_many(c.cadres, c.staff_all)
    petitions = _section("petitions").export_many(c.cadres, c.staff_all)
    text = {pk: str(findings[pk][1]) + str(petitions[pk][1]) for pk in findings}
    for pk in (c.cadre_a.pk, c.cadre_a2.pk):
        assert "王芳负责的问题" in text[pk] and "反映张伟、王芳违规吃喝" in text[pk]
    assert "超标准接待" not in text[c.cadre_a2.pk] and "王芳" not in text[c.cadre_b.pk]


def test_section_parts_match_one_cadre_and_keep_a_section_without_many(files, monkeypatch):
    """The joint analysis' parts for many leaders equal each leader's own document; a section
    registered without `export_many` is asked per cadre."""
    c = files
    extra = registry.IntegritySection(
        key="test.only_one",
        title="测试",
        order=99,
        build=lambda cadre, user: {},
        template="integrity/file.html",
        export=lambda cadre, user: (["名称"], [[cadre.name]] if cadre.pk == c.cadre_a.pk else []),
    )
    monkeypatch.setattr(registry, "integrity_sections", [*registry.integrity_sections, extra])
    for user in (c.staff_all, c.staff_a, c.discipline):
        for year in (YEAR, YEAR - 1):
            parts = joint_analysis.section_parts(user, c.cadres, year)
            for cadre in c.cadres:
                alone = joint_analysis.leader_document(user, cadre, year).sections
                assert parts[cadre.pk] == alone and len(alone) == len(registry.integrity_sections)
    parts = joint_analysis.section_parts(c.staff_all, c.cadres, YEAR)
    assert parts[c.cadre_a.pk][-1].rows == [["张伟"]] and parts[c.cadre_b.pk][-1].rows == []
    assert joint_analysis.section_parts(c.staff_all, [], YEAR) == {}


# --- the .docx: constant queries --------------------------------------------------------------------


def _docx(client) -> tuple[int, str]:
    cache.clear()  # the sources themselves, not a kept reading
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(reverse("integrity_analysis_docx"), {"year": YEAR})
    assert r.status_code == 200
    from docx import Document

    doc = Document(BytesIO(r.content))
    # the styles resolved once per document are still each paragraph's and table's own
    styles = {p.style.name for p in doc.paragraphs}
    assert {"Title", "Heading 1", "Heading 2", "Normal"} <= styles
    assert doc.tables and {t.style.name for t in doc.tables} == {"Table Grid"}
    text = "\n".join(p.text for p in doc.paragraphs)
    text += "\n".join(cell.text for t in doc.tables for row in t.rows for cell in row.cells)
    return len(ctx.captured_queries), text


def test_docx_costs_the_same_for_3_and_12_leaders(world, client):
    user = world.discipline
    _grow(world, 1)  # 张伟, 李强 and one more
    client.force_login(user)
    _docx(client)  # warm the per-process caches (content types, permissions)
    small, text = _docx(client)
    assert "新书记0" in text and "问题0" in text
    _grow(world, 9)
    large, text = _docx(client)
    assert large == small
    # every grown leader's sections are in the document (their audit's finding, their talk)
    assert all(f"新书记{i}" in text and f"问题{i}" in text for i in range(10))
    assert "超标准接待" in text  # 张伟's finding
