"""Excel import of existing records: every bad field in one pass, synonyms, dry run,
all-or-nothing per sheet, scope, template, access log, query counts."""

from __future__ import annotations

import datetime as dt
import random
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from cadre_supervision.history import history_for
from cadre_supervision.models import AccessLog
from cadres import imports
from cadres.imports import spec
from cadres.models import Appointment, Cadre, Organization, Post
from tests.factories import make_citizen_id

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CADRE_HEADERS = [c.header for c in imports.sheets()[2].columns]
TENURE_HEADERS = [c.header for c in imports.sheets()[3].columns]


@pytest.fixture(autouse=True)
def _fixed_seed():
    """CadreFactory draws random birth dates; a fixed seed keeps these tests deterministic."""
    random.seed(1)


def cadre_row(name, birth, gender="男", org="甲镇", seq=0, **over):
    values = {
        "姓名": name,
        "身份证号": make_citizen_id(birth, "M" if gender == "男" else "F", seq=seq),
        "性别": gender,
        "出生日期": birth,
        "民族": "汉族",
        "籍贯": "浙江杭州",
        "入党时间": "2005-07",
        "参加工作时间": dt.date(2004, 8, 1),
        "身份类别": "公务员",
        "职级": "正科",
        "管理层级": "部管",
        "状态": "在职",
        "所在单位": org,
    }
    values.update(over)
    return values


def workbook(sheets: dict[str, tuple[list[str], list[dict]]], name="档案.xlsx") -> SimpleUploadedFile:
    wb = Workbook()
    wb.remove(wb.active)
    for title, (header, rows) in sheets.items():
        ws = wb.create_sheet(title)
        ws.append(header)
        for r in rows:
            ws.append([r.get(h) for h in header])
    buf = BytesIO()
    wb.save(buf)
    return SimpleUploadedFile(name, buf.getvalue(), content_type=XLSX)


def cadres_file(rows, header=None) -> SimpleUploadedFile:
    return workbook({"干部": (header or CADRE_HEADERS, rows)})


def run(user, fileobj, dry_run=False):
    return imports.run_import(user=user, fileobj=fileobj, dry_run=dry_run)


def errors_by_row(result):
    out = {}
    for e in result.errors:
        out.setdefault(e.row, []).append((e.column, e.message))
    return out


# --- one pass ------------------------------------------------------------------------------------


def test_every_bad_field_of_a_row_in_one_pass(city):
    b = dt.date(1980, 5, 6)
    row = cadre_row("陈二", b, seq=502, 身份证号="330102198005060010", 入党时间="明年", 职级="大官")
    report = run(city.staff_a, cadres_file([row]))
    (sheet,) = report.sheets
    found = {(e.column, e.value): e.message for e in sheet.errors}
    assert "校验位" in found[("身份证号", "330102198005060010")]
    assert "日期格式不正确" in found[("入党时间", "明年")]
    assert "大官" in found[("职级", "大官")] and "正科" in found[("职级", "大官")]
    assert {e.sheet for e in sheet.errors} == {"干部"} and {e.row for e in sheet.errors} == {2}


def test_mixed_sheet_imports_nothing_and_reports_every_bad_row(city):
    b = dt.date(1980, 5, 6)
    good = cadre_row("陈一", b, seq=501)
    rows = [
        good,  # row 2: good
        cadre_row("陈二", b, seq=502, 身份证号="330102198005060010"),  # 3: bad check digit
        cadre_row("陈三", b, seq=503, 所在单位="不存在的单位"),  # 4: unknown unit
        cadre_row("陈四", b, seq=504, 所在单位="乙镇"),  # 5: out of staff_a's scope
        cadre_row("陈五", b, seq=505, 身份证号=good["身份证号"]),  # 6: duplicate of row 2
        cadre_row("陈六", b, seq=506, 参加工作时间="2090-01-01"),  # 7: future (service rule)
        cadre_row("陈七", b, seq=507, 职级="大官"),  # 8: unknown rank
        cadre_row("陈九", b, seq=509, 出生日期="1980-05-07"),  # 9: birth date ≠ ID
        cadre_row("陈十", b, seq=510, 性别="女"),  # 10: gender ≠ ID
    ]
    before = Cadre.objects.count()
    (sheet,) = run(city.staff_a, cadres_file(rows)).sheets
    assert not sheet.ok and not sheet.written and sheet.bad_rows == [3, 4, 5, 6, 7, 8, 9, 10]
    by_row = errors_by_row(sheet)
    assert by_row[4] == [("所在单位", "单位“不存在的单位”不存在或不在您的管理范围内。")]
    assert by_row[5] == [("所在单位", "单位“乙镇”不存在或不在您的管理范围内。")]
    assert any(c == "身份证号" and "第 2 行" in m for c, m in by_row[6])
    assert any(c == "参加工作时间" and "晚于今天" in m for c, m in by_row[7])
    assert by_row[9] == [("出生日期", "出生日期与身份证号不一致。")]
    assert by_row[10] == [("性别", "性别与身份证号不一致。")]
    assert Cadre.objects.count() == before and not Cadre.objects.filter(name="陈一").exists()


def test_gender_and_birth_date_come_from_the_citizen_id(city):
    birth = dt.date(1979, 11, 30)
    row = cadre_row("周二", birth, gender="女", seq=602, 性别=None, 出生日期=None)
    (sheet,) = run(city.staff_a, cadres_file([row])).sheets
    assert sheet.ok and sheet.created == 1
    cadre = Cadre.objects.get(name="周二")
    assert (cadre.gender, cadre.birth_date) == ("F", birth)


# --- synonyms ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "header, typed, field, expected",
    [
        ("性别", "男性", "gender", "M"),
        ("职级", "正科级", "rank", "zhengke"),
        ("状态", "退居二线", "status", "second_line"),
        ("身份类别", "参照公务员法管理", "identity_category", "managed_as_cs"),
        ("入党时间", "2018.09", "party_join_date", dt.date(2018, 9, 1)),
        ("入党时间", "2018-09", "party_join_date", dt.date(2018, 9, 1)),
        ("入党时间", "2018年9月", "party_join_date", dt.date(2018, 9, 1)),
        ("入党时间", 2018.09, "party_join_date", dt.date(2018, 9, 1)),
        ("入党时间", "201809", "party_join_date", dt.date(2018, 9, 1)),
    ],
)
def test_synonyms_are_accepted(city, header, typed, field, expected):
    row = cadre_row("黄一", dt.date(1975, 3, 4), seq=640, **{header: typed})
    (sheet,) = run(city.staff_a, cadres_file([row])).sheets
    assert sheet.ok, sheet.errors
    assert getattr(Cadre.objects.get(name="黄一"), field) == expected


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
    assert spec.date(value) == expected


@pytest.mark.parametrize("value", ["1980-13-01", "明年", "1980-02-30"])
def test_parse_date_rejects(value):
    with pytest.raises(ValueError):
        spec.date(value)


# --- dry run, updates, all-or-nothing per sheet ---------------------------------------------------


def _counts():
    return (
        Organization.objects.count(),
        Post.objects.count(),
        Cadre.objects.count(),
        Appointment.objects.count(),
    )


def test_dry_run_writes_nothing_and_shows_changes(city):
    existing = cadre_row("张伟", city.cadre_a.birth_date, seq=0, 职级="正处", 所在单位="甲镇")
    existing["身份证号"] = imports.sheets()[2].cell_of(
        imports.ImportContext(city.admin), imports.sheets()[2].columns[1], city.cadre_a
    )
    new = cadre_row("钱一", dt.date(1982, 2, 3), seq=650)
    tenure = {
        "身份证号": new["身份证号"],
        "姓名": "钱一",
        "单位": "甲镇",
        "岗位": "镇长",
        "任职开始": "2023-06-01",
    }
    fileobj = workbook({"干部": (CADRE_HEADERS, [existing, new]), "任职": (TENURE_HEADERS, [tenure])})
    before, history_before = _counts(), len(history_for(city.cadre_a))
    report = run(city.staff_a, fileobj, dry_run=True)
    assert report.ok and report.dry_run
    cadres, tenures = report.sheets
    assert (cadres.created, cadres.updated, cadres.unchanged, cadres.written) == (1, 1, 0, False)
    # the tenure sheet sees the cadre the dry run would create
    assert (tenures.created, tenures.written) == (1, False)
    updated = next(r for r in cadres.rows if r.action == "updated")
    assert updated.label == "张伟" and ("职级", "副处", "正处") in updated.changes
    assert _counts() == before and len(history_for(city.cadre_a)) == history_before
    assert Cadre.objects.get(pk=city.cadre_a.pk).rank == "fuchu"

    fileobj.seek(0)
    report = run(city.staff_a, fileobj, dry_run=False)
    assert report.ok and all(s.written for s in report.sheets)
    city.cadre_a.refresh_from_db()
    assert city.cadre_a.rank == "zhengchu"
    assert len(history_for(city.cadre_a)) == history_before + 1
    appt = Appointment.objects.get(cadre__name="钱一")
    assert appt.post == city.head_a and appt.is_current()
    # importing the same file again changes nothing
    fileobj.seek(0)
    again = run(city.staff_a, fileobj, dry_run=False)
    assert [(s.created, s.updated, s.unchanged) for s in again.sheets] == [(0, 0, 2), (0, 0, 1)]


def test_each_sheet_is_all_or_nothing(city):
    posts_header = [c.header for c in imports.sheets()[1].columns]
    posts = [{"单位": "甲镇", "岗位名称": "党委副书记", "领导职务": "是"}]
    bad_cadres = [
        cadre_row("孙一", dt.date(1980, 1, 1), seq=660),
        cadre_row("孙二", dt.date(1980, 1, 1), seq=661, 职级=""),
    ]
    report = run(city.staff_a, workbook({"岗位": (posts_header, posts), "干部": (CADRE_HEADERS, bad_cadres)}))
    post_sheet, cadre_sheet = report.sheets
    assert post_sheet.ok and post_sheet.written and post_sheet.created == 1
    assert not cadre_sheet.ok and not cadre_sheet.written and cadre_sheet.created == 0
    assert errors_by_row(cadre_sheet) == {3: [("职级", "必填。")]}
    assert Post.objects.filter(organization=city.town_a, title="党委副书记").exists()
    assert not Cadre.objects.filter(name__in=["孙一", "孙二"]).exists()


def test_service_rules_are_reported_per_row(city):
    """Two rows naming the same 一把手 post: the second clashes with the first (service rule)."""
    b = dt.date(1981, 2, 3)
    cadres = [cadre_row("吴一", b, seq=701), cadre_row("吴二", b, seq=702)]
    tenures = [
        {"身份证号": cadres[0]["身份证号"], "单位": "甲镇", "岗位": "镇长", "任职开始": "2024-01-01"},
        {"身份证号": cadres[1]["身份证号"], "单位": "甲镇", "岗位": "镇长", "任职开始": "2024-02-01"},
        {"身份证号": cadres[1]["身份证号"], "单位": "甲镇", "岗位": "不存在", "任职开始": "2024-02-01"},
    ]
    report = run(city.staff_a, workbook({"干部": (CADRE_HEADERS, cadres), "任职": (TENURE_HEADERS, tenures)}))
    cadre_sheet, tenure_sheet = report.sheets
    assert cadre_sheet.written and not tenure_sheet.written
    by_row = errors_by_row(tenure_sheet)
    assert set(by_row) == {3, 4}
    assert any("只能有一名" in m for _c, m in by_row[3])
    assert by_row[4][0][0] == "岗位" and "没有名为“不存在”的岗位" in by_row[4][0][1]
    assert not Appointment.objects.filter(cadre__name__startswith="吴").exists()


def test_out_of_scope_records_are_refused(city):
    """A unit outside the user's scope is an error on that row; so is a cadre of another unit
    matched by citizen ID (reported like any ID already registered to another cadre)."""
    other = cadre_row("李强", city.cadre_b.birth_date, org="甲镇")
    other["身份证号"] = make_citizen_id(city.cadre_b.birth_date, "M", seq=city.cadre_b.pk)
    (sheet,) = run(city.staff_a, cadres_file([other])).sheets
    assert errors_by_row(sheet) == {2: [("身份证号", "该身份证号已登记在另一名干部名下。")]}
    (sheet,) = run(city.discipline, cadres_file([cadre_row("郑一", dt.date(1980, 1, 1), seq=801)])).sheets
    assert sheet.bad_rows == [2] and "不在您的管理范围内" in sheet.errors[0].message
    assert not Cadre.objects.filter(name="郑一").exists()
    assert Cadre.objects.get(pk=city.cadre_b.pk).organization == city.town_b


# --- the file as a whole -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "upload, text",
    [
        (SimpleUploadedFile("名册.csv", b"a,b\n1,2\n", content_type="text/csv"), "只支持 .xlsx"),
        (SimpleUploadedFile("名册.xlsx", b"not a zip file", content_type=XLSX), "无法读取"),
        (SimpleUploadedFile("名册.xlsx", b"", content_type=XLSX), "文件为空"),
    ],
)
def test_bad_files_are_refused(city, upload, text):
    report = run(city.staff_a, upload)
    assert not report.ok and text in report.errors[0].message and not report.sheets


def test_missing_columns_and_empty_workbook(city):
    (sheet,) = run(city.staff_a, cadres_file([{"姓名": "孙一"}], header=["姓名", "性别"])).sheets
    assert "表头缺少" in sheet.errors[0].message and "身份证号" in sheet.errors[0].message
    report = run(city.staff_a, cadres_file([]))
    assert "没有数据行" in report.errors[0].message
    report = run(city.staff_a, workbook({"别的表": (["a"], [{"a": 1}])}))
    assert "没有可导入的工作表" in report.errors[0].message


def test_oversized_file_is_rejected(city, monkeypatch):
    from cadres.imports import engine

    monkeypatch.setattr(engine, "MAX_UPLOAD_BYTES", 100)
    report = run(city.staff_a, cadres_file([cadre_row("孙二", dt.date(1980, 1, 1))]))
    assert "文件过大" in report.errors[0].message


# --- template ------------------------------------------------------------------------------------


def test_template_has_drop_downs_instructions_and_a_frozen_header(client, city):
    client.force_login(city.staff_a)
    before = AccessLog.objects.filter(action=AccessLog.Action.EXPORT).count()
    resp = client.get(reverse("cadres:cadre_import_template"))
    assert resp.status_code == 200 and resp["Content-Type"] == XLSX
    assert AccessLog.objects.filter(action=AccessLog.Action.EXPORT).count() == before + 1
    wb = load_workbook(BytesIO(resp.content))
    assert wb.sheetnames[:5] == ["填写说明", "单位", "岗位", "干部", "任职"]
    ws = wb["干部"]
    assert [c.value for c in ws[1]] == CADRE_HEADERS and ws.freeze_panes == "A2"
    lists = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    letter = {c.value: c.column_letter for c in ws[1]}
    rank = lists[f"{letter['职级']}2:{letter['职级']}5000"]
    assert rank.type == "list"
    options = wb["选项"]
    assert options.sheet_state == "hidden"
    ref_col = rank.formula1.split("!")[1].split(":")[0].replace("$", "")[0]
    listed = [c.value for c in options[ref_col][1:] if c.value]
    assert listed == [
        "正厅",
        "副厅",
        "正处",
        "副处",
        "正科",
        "副科",
        "一级调研员",
        "二级调研员",
        "一级主任科员",
        "二级主任科员",
        "其他",
    ]
    assert (
        f"{letter['性别']}2:{letter['性别']}5000" in lists
        and f"{letter['姓名']}2:{letter['姓名']}5000" not in lists
    )
    notes = {(r[0], r[1]): r[3] for r in wb["填写说明"].iter_rows(min_row=2, values_only=True) if r[1]}
    assert "本科（=大学本科）" in notes[("学历", "学历")]
    assert "可选：" in notes[("干部", "职级")] and notes[("干部", "姓名")].startswith("必填")


# --- pages ---------------------------------------------------------------------------------------


def test_page_dry_run_then_confirm(client, city):
    client.force_login(city.staff_a)
    rows = [cadre_row("冯一", dt.date(1983, 4, 5), seq=901)]
    logs = AccessLog.objects.filter(object_type="cadres.import", action=AccessLog.Action.OTHER)
    resp = client.post(
        reverse("cadres:cadre_import"), {"file": cadres_file(rows), "dry_run": "on"}, follow=True
    )
    assert resp.redirect_chain[-1][0] == reverse("cadres:cadre_import_report")
    body = resp.content.decode()
    assert "导入预检结果（尚未写入）" in body and "确认导入" in body and "冯一" in body
    assert not Cadre.objects.filter(name="冯一").exists() and logs.count() == 1
    resp = client.post(reverse("cadres:cadre_import_confirm"), follow=True)
    assert "导入完成：干部：新建 1" in resp.content.decode()
    assert Cadre.objects.filter(name="冯一").count() == 1 and logs.count() == 2
    assert history_for(Cadre.objects.get(name="冯一"))[0]["username"] == "staff_a"
    # the pending file is gone: a second confirm writes nothing more
    resp = client.post(reverse("cadres:cadre_import_confirm"), follow=True)
    assert "已过期" in resp.content.decode() and Cadre.objects.filter(name="冯一").count() == 1


def test_page_shows_every_error_and_the_report_downloads(client, city):
    client.force_login(city.staff_a)
    rows = [cadre_row("冯二", dt.date(1983, 4, 5), seq=902, 身份证号="123", 入党时间="明年")]
    resp = client.post(reverse("cadres:cadre_import"), {"file": cadres_file(rows)}, follow=True)
    body = resp.content.decode()
    assert "身份证号应为18位" in body and "日期格式不正确" in body and "确认导入" not in body
    report = client.get(reverse("cadres:cadre_import_errors"))
    ws = load_workbook(BytesIO(report.content)).worksheets[0]
    assert [c.value for c in ws[1]] == ["工作表", "Excel 行号", "列", "原值", "错误原因"]
    assert {r[2] for r in ws.iter_rows(min_row=2, values_only=True)} == {"身份证号", "入党时间"}


def test_page_refuses_a_bad_file_on_the_form(client, city):
    client.force_login(city.staff_a)
    resp = client.post(reverse("cadres:cadre_import"), {"file": SimpleUploadedFile("a.xlsx", b"xx")})
    assert resp.status_code == 200 and "无法读取" in resp.content.decode()


def test_import_pages_refused_without_manage_permission(client, city):
    client.force_login(city.discipline)
    for name in ("cadres:cadre_import", "cadres:cadre_import_template", "cadres:cadre_import_export"):
        assert client.get(reverse(name)).status_code == 403


# --- queries -------------------------------------------------------------------------------------


def _queries(user, fileobj, dry_run):
    with CaptureQueriesContext(connection) as ctx:
        report = run(user, fileobj, dry_run=dry_run)
    assert report.ok, report.all_errors[:3]
    return len(ctx.captured_queries)


def _many(n, start):
    return [cadre_row(f"批{i}", dt.date(1970, 1, 1) + dt.timedelta(days=i), seq=start + i) for i in range(n)]


def test_query_count_is_per_sheet_not_per_cell(city, capsys):
    """Lookups are batched per sheet: re-importing unchanged rows costs the same at 10 and 100
    rows; creating rows costs only the service's own writes per row, a constant."""
    small, large = _many(10, 1000), _many(100, 2000)
    create_small = _queries(city.staff_a, cadres_file(small), False)
    create_large = _queries(city.staff_a, cadres_file(large), False)
    per_row = (create_large - create_small) / 90
    assert per_row <= 12, per_row  # savepoint, scope check, duplicate-ID check, insert, history
    unchanged_small = _queries(city.staff_a, cadres_file(small), False)
    unchanged_large = _queries(city.staff_a, cadres_file(large), False)
    assert unchanged_large == unchanged_small
    with capsys.disabled():
        print(
            f"\nqueries: create 10={create_small} 100={create_large} ({per_row:.1f}/row); unchanged 10={unchanged_small} 100={unchanged_large}"
        )
