"""Excel import of a cadre roster: all rows or nothing, every bad row reported."""

from __future__ import annotations

import datetime as dt
import random
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from cadres import importer
from cadres.models import Appointment, Cadre
from tests.factories import make_citizen_id

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_feb29_birth_dates():
    """tests/factories.CadreFactory draws random birth dates and fails on 29 February
    (party_join_date = birth + 22 years); a fixed seed keeps these tests deterministic."""
    random.seed(1)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _row(name, birth, gender="男", org="甲镇", seq=0, **over):
    g = "M" if gender == "男" else "F"
    values = {
        "姓名": name,
        "性别": gender,
        "民族": "汉族",
        "出生日期": birth,
        "身份证号": make_citizen_id(birth, g, seq=seq),
        "籍贯": "浙江杭州",
        "入党时间": "2005-07",
        "参加工作时间": dt.date(2004, 8, 1),
        "最高学历": "大学本科",
        "身份类别": "公务员",
        "职级": "正科",
        "管理层级": "部管",
        "状态": "在职",
        "所在单位": org,
        "现任岗位": "",
        "任职开始": None,
    }
    values.update(over)
    return values


def _xlsx(rows, header=None, name="名册.xlsx") -> SimpleUploadedFile:
    header = header or importer.HEADERS
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for r in rows:
        ws.append([r.get(h) for h in header])
    buf = BytesIO()
    wb.save(buf)
    return SimpleUploadedFile(name, buf.getvalue(), content_type=XLSX)


def _mixed_rows(city):
    b = dt.date(1980, 5, 6)
    good1 = _row("陈一", b, seq=501)
    return [
        good1,  # row 2: good
        _row("陈二", b, seq=502, 身份证号="330102198005060010"),  # 3: bad check digit
        _row("陈三", b, seq=503, 所在单位="不存在的单位"),  # 4: unknown unit
        _row("陈四", b, seq=504, 所在单位="乙镇"),  # 5: out of staff_a's scope
        _row("陈五", b, seq=505, 身份证号=good1["身份证号"]),  # 6: duplicate of row 2
        _row("陈六", dt.date(2090, 1, 1), seq=506),  # 7: future birth date
        _row("陈七", b, seq=507, 职级="大官"),  # 8: unknown rank
        _row("陈八", b, seq=508, 现任岗位="党委书记", 任职开始="2024-01-01"),  # 9: second 一把手
        _row("陈九", b, seq=509, 出生日期="1980-05-07"),  # 10: birth date ≠ ID
        _row("陈十", b, seq=510, 现任岗位="镇长", 任职开始="2023-06-01"),  # 11: good, with tenure
    ]


def test_mixed_file_imports_nothing_and_reports_every_bad_row(client, city):
    before_cadres, before_appts = Cadre.objects.count(), Appointment.objects.count()
    client.force_login(city.staff_a)
    resp = client.post(reverse("cadres:cadre_import"), {"file": _xlsx(_mixed_rows(city))})
    assert resp.status_code == 200
    result = resp.context["result"]
    assert not result.ok and result.total_rows == 10
    assert result.bad_rows == [3, 4, 5, 6, 7, 8, 9, 10]
    by_row = {}
    for e in result.errors:
        by_row.setdefault(e.row, []).append((e.column, e.message))
    assert any("校验位" in m for _c, m in by_row[3])
    assert by_row[4] == [("所在单位", "单位“不存在的单位”不存在或不在您的管理范围内。")]
    assert any("不在您的管理范围内" in m for _c, m in by_row[5])
    assert any(c == "身份证号" and "第 2 行" in m for c, m in by_row[6])
    assert any(c == "出生日期" for c, _m in by_row[7])
    assert any(c == "职级" and "大官" in m for c, m in by_row[8])
    assert any("只能有一名" in m for _c, m in by_row[9])
    assert any(c == "出生日期" and "不一致" in m for c, m in by_row[10])
    # nothing at all was saved, not even the good rows
    assert (Cadre.objects.count(), Appointment.objects.count()) == (before_cadres, before_appts)
    assert not Cadre.objects.filter(name__in=["陈一", "陈十"]).exists()
    body = resp.content.decode()
    assert "未导入任何数据" in body
    for n in (3, 4, 5, 6, 7, 8, 9, 10):
        assert f"第 {n} 行" in body
    assert "第 2 行</td>" not in body and "第 11 行</td>" not in body

    # the downloadable error report lists the same rows and reasons
    report = client.get(reverse("cadres:cadre_import_errors"))
    assert report.status_code == 200 and report["Content-Type"] == XLSX
    ws = load_workbook(BytesIO(report.content)).worksheets[0]
    assert [c.value for c in ws[1]] == ["Excel 行号", "姓名", "列", "错误原因"]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert sorted({r[0] for r in rows}) == [3, 4, 5, 6, 7, 8, 9, 10]
    assert len(rows) == len(result.errors)
    assert ("陈七" in {r[1] for r in rows}) and any("只能有一名" in r[3] for r in rows)


def test_good_file_imports_every_row(client, city):
    b = dt.date(1979, 11, 30)
    rows = [
        _row("周一", b, seq=601),
        _row("周二", b, gender="女", seq=602, 状态="二线", 入党时间=None, 最高学历=""),
        _row("周三", b, seq=603, 现任岗位="镇长", 任职开始=dt.date(2023, 6, 1), 出生日期="1979/11/30"),
    ]
    client.force_login(city.staff_a)
    resp = client.post(reverse("cadres:cadre_import"), {"file": _xlsx(rows)}, follow=True)
    assert resp.redirect_chain[-1][0] == reverse("cadres:cadre_list")
    assert "导入成功：共 3 名干部" in resp.content.decode()
    created = {c.name: c for c in Cadre.objects.filter(name__in=["周一", "周二", "周三"])}
    assert len(created) == 3
    assert created["周二"].status == "second_line" and created["周二"].party_join_date is None
    assert created["周一"].party_join_date == dt.date(2005, 7, 1)  # month-only date
    assert created["周一"].citizen_id_masked.endswith(rows[0]["身份证号"][-1:])
    appt = Appointment.objects.get(cadre=created["周三"])
    assert appt.post == city.head_a and appt.start_date == dt.date(2023, 6, 1) and appt.is_current()
    # imported through the services: history rows carry the importing user
    from cadre_supervision.history import history_for

    assert history_for(created["周一"])[0]["username"] == "staff_a"


def test_conflicting_rows_within_one_file(city):
    """Two rows naming the same 一把手 post: the second clashes with the first (same transaction)."""
    b = dt.date(1981, 2, 3)
    rows = [
        _row("吴一", b, seq=701, 现任岗位="镇长", 任职开始="2024-01-01"),
        _row("吴二", b, seq=702, 现任岗位="镇长", 任职开始="2024-02-01"),
    ]
    result = importer.cadre_roster_import(user=city.staff_a, fileobj=_xlsx(rows))
    assert result.bad_rows == [3] and "只能有一名" in result.errors[0].message
    assert not Cadre.objects.filter(name__startswith="吴").exists()


def test_service_refuses_user_without_scope(city):
    result = importer.cadre_roster_import(
        user=city.discipline, fileobj=_xlsx([_row("郑一", dt.date(1980, 1, 1), seq=801)])
    )
    assert result.bad_rows == [2] and "不在您的管理范围内" in result.errors[0].message
    assert not Cadre.objects.filter(name="郑一").exists()


@pytest.mark.parametrize(
    "upload, text",
    [
        (SimpleUploadedFile("名册.csv", b"a,b\n1,2\n", content_type="text/csv"), "只支持 .xlsx"),
        (SimpleUploadedFile("名册.xlsx", b"not a zip file", content_type=XLSX), "无法读取"),
    ],
)
def test_bad_file_type_is_rejected(client, city, upload, text):
    client.force_login(city.staff_a)
    resp = client.post(reverse("cadres:cadre_import"), {"file": upload})
    assert resp.status_code == 200 and text in resp.content.decode()


def test_missing_columns_and_empty_file(city):
    result = importer.cadre_roster_import(
        user=city.staff_a, fileobj=_xlsx([{"姓名": "孙一"}], header=["姓名", "性别"])
    )
    assert not result.ok and "表头缺少" in result.errors[0].message and "身份证号" in result.errors[0].message
    result = importer.cadre_roster_import(user=city.staff_a, fileobj=_xlsx([]))
    assert not result.ok and "没有数据行" in result.errors[0].message


def test_oversized_file_is_rejected(city, monkeypatch):
    monkeypatch.setattr(importer, "MAX_UPLOAD_BYTES", 100)
    result = importer.cadre_roster_import(
        user=city.staff_a, fileobj=_xlsx([_row("孙二", dt.date(1980, 1, 1))])
    )
    assert not result.ok and "文件过大" in result.errors[0].message


def test_template_download_has_chinese_header(client, city):
    client.force_login(city.staff_a)
    resp = client.get(reverse("cadres:cadre_import_template"))
    assert resp.status_code == 200 and resp["Content-Type"] == XLSX
    wb = load_workbook(BytesIO(resp.content))
    header = [c.value for c in wb.worksheets[0][1]]
    assert header[:14] == [
        "姓名",
        "性别",
        "民族",
        "出生日期",
        "身份证号",
        "籍贯",
        "入党时间",
        "参加工作时间",
        "最高学历",
        "身份类别",
        "职级",
        "管理层级",
        "状态",
        "所在单位",
    ]
    assert header[14:] == ["现任岗位", "任职开始"]
    assert wb.worksheets[1].title == "填写说明"


def test_error_report_without_import_is_404(client, city):
    client.force_login(city.staff_a)
    assert client.get(reverse("cadres:cadre_import_errors")).status_code == 404


def test_import_page_refused_without_manage_permission(client, city):
    client.force_login(city.discipline)
    assert client.get(reverse("cadres:cadre_import")).status_code == 403


@pytest.mark.parametrize(
    "value, expected",
    [
        (dt.datetime(1980, 1, 2, 0, 0), dt.date(1980, 1, 2)),
        ("1980-01-02", dt.date(1980, 1, 2)),
        ("1980/1/2", dt.date(1980, 1, 2)),
        ("1980.01", dt.date(1980, 1, 1)),
        ("1980年1月2日", dt.date(1980, 1, 2)),
        ("19800102", dt.date(1980, 1, 2)),
        (19800102, dt.date(1980, 1, 2)),
        ("", None),
        (None, None),
    ],
)
def test_parse_date(value, expected):
    assert importer.parse_date(value) == expected


@pytest.mark.parametrize("value", ["1980-13-01", "明年", "1980-02-30"])
def test_parse_date_rejects(value):
    with pytest.raises(ValueError):
        importer.parse_date(value)
