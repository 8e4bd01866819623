"""Export everything the importer knows, import it into empty tables, export again: the two
workbooks are identical cell by cell. Also the dossier sheets, and the API endpoint."""

from __future__ import annotations

import datetime as dt
import random
import time
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from cadre_supervision.models import AccessLog
from cadres import imports, services
from cadres.models import (
    AnnualAssessment,
    Appointment,
    Cadre,
    EducationRecord,
    FamilyMember,
    Organization,
    Post,
    ResumeLine,
    RewardPunishment,
    Sanction,
)
from tests.cadres.test_import import XLSX, cadre_row, cadres_file, workbook
from tests.factories import CadreFactory, PostFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fixed_seed():
    random.seed(7)


def _dossier(city):
    """A fuller city: more posts and cadres, past tenures with recommenders, every dossier record."""
    admin = city.admin
    extra_posts = [PostFactory(organization=city.town_b, title=f"副镇长{i}") for i in range(3)]
    for i in range(12):
        cadre = CadreFactory(name=f"档案{i:02d}", organization=city.town_b)
        services.appointment_create(
            user=admin,
            cadre=cadre,
            post=extra_posts[i % 3],
            start_date=dt.date(2010 + i % 5, 3, 1),
            end_date=dt.date(2016 + i % 3, 6, 1),
            end_reason="交流",
            recommender_cadre=city.cadre_a,
            portfolio_areas=["economy"],
        )
        services.education_create(
            user=admin,
            cadre=cadre,
            full_time=True,
            level="bachelor",
            school="某大学",
            major="法学",
            degree="法学学士",
            start_date=dt.date(1995, 9, 1),
            end_date=dt.date(1999, 7, 1),
        )
        services.resume_line_create(
            user=admin,
            cadre=cadre,
            start_month=dt.date(1999, 8, 1),
            end_month=dt.date(2009, 12, 1),
            text="某县某乡科员",
        )
        services.assessment_record(user=admin, cadre=cadre, year=2022, grade="competent")
        services.reward_create(
            user=admin,
            cadre=cadre,
            kind="reward",
            title="嘉奖",
            date=dt.date(2021, 1, 5),
            issuing_body="某市人民政府",
        )
        services.family_member_create(
            user=admin,
            cadre=cadre,
            relation="妻子",
            name=f"配偶{i}",
            birth_month=dt.date(1980, 5, 1),
            political_status="cpc",
            employer_post="某中学教师",
        )
        if i % 4 == 0:
            services.sanction_create(
                user=admin,
                cadre=cadre,
                kind="party_warning",
                decision_date=dt.date(2023, 4, 1),
                deciding_body="市纪委",
                reason="违反工作纪律",
            )


def _cells(content: bytes) -> dict[str, list[tuple]]:
    wb = load_workbook(BytesIO(content))
    return {ws.title: [tuple(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}


def _wipe():
    """Empty the registry and everything that refers to it (other apps' rows included)."""
    from django.db import connection

    tables = [
        m._meta.db_table
        for m in (
            Organization,
            Post,
            Cadre,
            Appointment,
            EducationRecord,
            ResumeLine,
            AnnualAssessment,
            RewardPunishment,
            Sanction,
            FamilyMember,
        )
    ]
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # fire the pending deferred checks first
        cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")


def test_export_import_export_round_trips(city, capsys):
    _dossier(city)
    # text typed in a browser's text area has carriage returns, and other characters to escape
    notes = "第一行\r\n第二行 & <三> _x0041_"
    CadreFactory(name="备注多行", organization=city.town_b, notes=notes)
    first, counts = imports.export_bytes(city.admin)
    assert all(counts[s.title] > 0 for s in imports.sheets()), counts
    _wipe()
    assert Cadre.objects.count() == Organization.objects.count() == 0
    upload = SimpleUploadedFile("导出.xlsx", first, content_type=XLSX)
    started = time.monotonic()
    report = imports.run_import(user=city.admin, fileobj=upload, dry_run=False)
    elapsed = time.monotonic() - started
    assert report.ok, report.all_errors[:5]
    assert {s.sheet: s.created for s in report.sheets} == counts
    assert Cadre.objects.get(name="备注多行").notes == notes
    second, counts_again = imports.export_bytes(city.admin)
    assert counts_again == counts
    a, b = _cells(first), _cells(second)
    assert list(a) == list(b)
    for title in a:
        assert a[title] == b[title], title
    with capsys.disabled():
        print(f"\nround trip: {counts} rows, import {elapsed:.2f}s")
    # a second import of the same workbook changes nothing
    upload.seek(0)
    again = imports.run_import(user=city.admin, fileobj=upload, dry_run=True)
    assert all(s.created == s.updated == 0 for s in again.sheets), [
        (s.sheet, s.rows[:2]) for s in again.sheets if s.updated
    ]


def test_export_queries_do_not_grow_with_the_dossier(city):
    def queries():
        imports.export_bytes(city.admin)  # warm the user's scope cache
        with CaptureQueriesContext(connection) as captured:
            _content, counts = imports.export_bytes(city.admin)
        return len(captured), counts

    small, small_counts = queries()
    _dossier(city)  # 12 more cadres, each with a tenure (and its recommender) and every record
    large, large_counts = queries()
    assert all(large_counts[t] > small_counts[t] for t in ("干部", "任职", "学历", "家庭成员"))
    assert large == small <= len(imports.sheets()) + 3, (small, large)


def test_dossier_sheets_with_synonyms(city):
    cid = imports.ImportContext(city.admin).full_citizen_id(city.cadre_a)
    header = [c.header for c in imports.sheets()[4].columns]
    rows = [
        {
            "身份证号": cid,
            "干部姓名": "张伟",
            "学习形式": "全日制",
            "学历": "本科",
            "毕业院校": "某大学",
            "毕业时间": "1999.07",
        },
        {
            "身份证号": cid,
            "干部姓名": "张伟",
            "学习形式": "在职",
            "学历": "研究生",
            "毕业院校": "某党校",
            "入学时间": "2008年9月",
        },
        {"身份证号": cid, "干部姓名": "王芳", "学习形式": "全日制", "学历": "大专", "毕业院校": "某学院"},
    ]
    (sheet,) = imports.run_import(
        user=city.staff_a, fileobj=workbook({"学历": (header, rows)}), dry_run=False
    ).sheets
    assert sheet.bad_rows == [4], sheet.errors
    assert sheet.errors[0].column == "干部姓名"
    rows.pop()
    (sheet,) = imports.run_import(
        user=city.staff_a, fileobj=workbook({"学历": (header, rows)}), dry_run=False
    ).sheets
    assert sheet.ok and sheet.created == 2
    got = {(r.full_time, r.level, r.end_date, r.start_date) for r in city.cadre_a.education_records.all()}
    assert got == {
        (True, "bachelor", dt.date(1999, 7, 1), None),
        (False, "master", None, dt.date(2008, 9, 1)),
    }


def test_tenure_recommender_is_a_person(city):
    cid = imports.ImportContext(city.admin).full_citizen_id(city.cadre_a2)
    rec = imports.ImportContext(city.admin).full_citizen_id(city.cadre_a)
    header = [c.header for c in imports.sheets()[3].columns]
    row = {
        "身份证号": cid,
        "单位": "甲镇",
        "岗位": "副镇长",
        "任职开始": "2021-01-10",
        "推荐人（干部身份证号）": rec,
        "推荐人（用户账号）": "nobody",
    }
    (sheet,) = imports.run_import(
        user=city.staff_a, fileobj=workbook({"任职": (header, [row])}), dry_run=False
    ).sheets
    assert not sheet.ok and any("只能选择一名" in e.message for e in sheet.errors)
    row.pop("推荐人（用户账号）")
    (sheet,) = imports.run_import(
        user=city.staff_a, fileobj=workbook({"任职": (header, [row])}), dry_run=False
    ).sheets
    assert sheet.ok and sheet.updated == 1
    city.appt_a2.refresh_from_db()
    assert city.appt_a2.recommender_cadre == city.cadre_a


# --- the API ---------------------------------------------------------------------------------------

URL = "/api/v1/cadres/import/"


@pytest.mark.parametrize(
    "upload, text",
    [
        (SimpleUploadedFile("a.xlsx", b"", content_type=XLSX), "空"),
        (SimpleUploadedFile("a.csv", b"a,b", content_type="text/csv"), "只支持 .xlsx"),
        (SimpleUploadedFile("a.xlsx", b"not a zip", content_type=XLSX), "无法读取"),
    ],
)
def test_api_bad_files_are_400_with_a_chinese_message(api, city, upload, text):
    api.force_authenticate(city.staff_a)
    resp = api.post(URL, {"file": upload}, format="multipart")
    assert resp.status_code == 400 and text in str(resp.json()["file"])


def test_api_without_file_or_scope(api, city):
    api.force_authenticate(city.staff_a)
    resp = api.post(URL, {}, format="multipart")
    assert resp.status_code == 400 and "file" in resp.json()
    api.force_authenticate(city.discipline)
    assert api.post(URL, {"file": cadres_file([])}, format="multipart").status_code == 403
    api.force_authenticate(None)
    assert api.post(URL, {}, format="multipart").status_code == 401


def test_api_dry_run_then_import(api, city):
    api.force_authenticate(city.staff_a)
    rows = [
        cadre_row("蒋一", dt.date(1984, 6, 7), seq=951),
        cadre_row("蒋二", dt.date(1984, 6, 7), seq=952, 入党时间="明年"),
    ]
    resp = api.post(URL, {"file": cadres_file(rows)}, format="multipart")
    assert resp.status_code == 400
    body = resp.json()
    assert body["dry_run"] is True and body["ok"] is False
    (sheet,) = body["sheets"]
    assert sheet["written"] is False and sheet["errors"] == [
        {
            "sheet": "干部",
            "row": 3,
            "column": "入党时间",
            "value": "明年",
            "message": sheet["errors"][0]["message"],
        }
    ]
    rows.pop()
    resp = api.post(URL, {"file": cadres_file(rows)}, format="multipart")
    assert resp.status_code == 200 and resp.json()["sheets"][0]["created"] == 1
    assert not Cadre.objects.filter(name="蒋一").exists()
    resp = api.post(URL, {"file": cadres_file(rows), "dry_run": "false"}, format="multipart")
    assert resp.status_code == 200
    (sheet,) = resp.json()["sheets"]
    assert (sheet["created"], sheet["written"], sheet["rows"][0]["label"]) == (1, True, "蒋一")
    assert Cadre.objects.filter(name="蒋一").count() == 1
    assert AccessLog.objects.filter(object_type="cadres.import", user=city.staff_a).count() == 3
