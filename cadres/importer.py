"""Excel (.xlsx) import of a cadre roster: all rows or nothing.

Every row goes through the same services as the forms and the API (`cadre_create`,
`appointment_create`), each in its own savepoint so that every bad row is reported; if
any row failed, the whole import is rolled back. Used by the import page and available
to the API.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from cadre_supervision.excel import MAX_UPLOAD_BYTES, read_rows, workbook_bytes

from . import services
from .choices import CadreStatus, EducationLevel, Gender, IdentityCategory, ManagementLevel, Rank
from .models import Organization, Post

# (header, field, required)
COLUMNS: list[tuple[str, str, bool]] = [
    ("姓名", "name", True),
    ("性别", "gender", True),
    ("民族", "ethnicity", False),
    ("出生日期", "birth_date", True),
    ("身份证号", "citizen_id", True),
    ("籍贯", "native_place", False),
    ("入党时间", "party_join_date", False),
    ("参加工作时间", "work_start_date", False),
    ("最高学历", "education", False),
    ("身份类别", "identity_category", True),
    ("职级", "rank", True),
    ("管理层级", "management_level", True),
    ("状态", "status", False),
    ("所在单位", "organization", True),
    ("现任岗位", "post", False),
    ("任职开始", "start_date", False),
]
HEADERS = [h for h, _f, _r in COLUMNS]
REQUIRED_HEADERS = [h for h, _f, r in COLUMNS if r]
FIELD_HEADER = {f: h for h, f, _r in COLUMNS}
FIELD_HEADER.update({"end_date": "任职开始", "top_leader_kind": "现任岗位", "effective_date": "任职开始"})

CHOICE_COLUMNS = {
    "gender": Gender,
    "education": EducationLevel,
    "identity_category": IdentityCategory,
    "rank": Rank,
    "management_level": ManagementLevel,
    "status": CadreStatus,
}
DATE_FIELDS = ("birth_date", "party_join_date", "work_start_date", "start_date")


@dataclass(frozen=True)
class RowError:
    row: int | None  # Excel row number (None: the file as a whole)
    column: str
    message: str
    name: str = ""


@dataclass
class ImportResult:
    total_rows: int = 0
    created: int = 0
    appointments: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def bad_rows(self) -> list[int]:
        return sorted({e.row for e in self.errors if e.row is not None})

    def as_dict(self) -> dict:
        return {
            "ok": self.ok,
            "total_rows": self.total_rows,
            "created": self.created,
            "appointments": self.appointments,
            "errors": [e.__dict__ for e in self.errors],
        }


class RowInvalid(Exception):
    def __init__(self, errors: list[tuple[str, str]]):
        self.errors = errors


# --- parsing of cells ------------------------------------------------------------------------------

_DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})(?:\s*[-/.月]\s*(\d{1,2})\s*日?)?\s*月?$")


def parse_date(value: Any) -> dt.date | None:
    """Dates as Excel stores them or as people type them: 1980-01-02, 1980/1/2, 1980.01,
    1980年1月2日, 19800102. A month-only value means the first of the month."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        text = str(int(value))
    if re.fullmatch(r"\d{8}", text):
        text = f"{text[:4]}-{text[4:6]}-{text[6:]}"
    m = _DATE_RE.match(text)
    if not m:
        raise ValueError("日期格式不正确，应为 年-月-日（如 1980-01-02）。")
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3) or 1))
    except ValueError:
        raise ValueError("日期不存在。")


def parse_choice(value: Any, choices) -> str:
    text = str(value).strip() if value is not None else ""
    if not text:
        return ""
    for code, label in choices.choices:
        if text in (str(label), code):
            return code
    allowed = "、".join(str(label) for _c, label in choices.choices)
    raise ValueError(f"“{text}”不是有效选项，可选：{allowed}。")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _messages(exc: ValidationError) -> list[tuple[str, str]]:
    out = []
    if hasattr(exc, "error_dict"):
        for f, errs in exc.message_dict.items():
            column = FIELD_HEADER.get(f, "")
            for m in errs:
                out.append((column, m))
    else:
        out.extend(("", m) for m in exc.messages)
    return out


# --- the service -----------------------------------------------------------------------------------


class _Context:
    def __init__(self, user):
        self.user = user
        orgs = Organization.objects.restrict(user, "change").only("id", "name", "path")
        self.orgs_by_name: dict[str, list[Organization]] = {}
        for o in orgs:
            self.orgs_by_name.setdefault(o.name, []).append(o)
        self.posts: dict[tuple[int, str], list[Post]] = {}
        for p in Post.objects.restrict(user, "change").filter(is_active=True).select_related("organization"):
            self.posts.setdefault((p.organization_id, p.title), []).append(p)

    def organization(self, name: str) -> Organization:
        found = self.orgs_by_name.get(name, [])
        if not found:
            raise ValueError(f"单位“{name}”不存在或不在您的管理范围内。")
        if len(found) > 1:
            raise ValueError(f"有多个名为“{name}”的单位，无法确定，请联系管理员。")
        return found[0]

    def post(self, org: Organization, title: str) -> Post:
        found = self.posts.get((org.pk, title), [])
        if not found:
            raise ValueError(f"“{org.name}”没有名为“{title}”的岗位，请先在岗位管理中建立。")
        if len(found) > 1:
            raise ValueError(f"“{org.name}”有多个名为“{title}”的岗位，无法确定。")
        return found[0]


def _parse_row(values: dict[str, Any], ctx: _Context) -> dict[str, Any]:
    errors: list[tuple[str, str]] = []
    data: dict[str, Any] = {}
    for header, fname, required in COLUMNS:
        raw = values.get(header)
        try:
            if fname in DATE_FIELDS:
                value = parse_date(raw)
            elif fname in CHOICE_COLUMNS:
                value = parse_choice(raw, CHOICE_COLUMNS[fname])
            else:
                value = _text(raw)
            if required and value in (None, ""):
                raise ValueError("必填。")
            if fname == "organization" and value:
                value = ctx.organization(value)
            data[fname] = value
        except ValueError as exc:
            errors.append((header, str(exc)))
    post_title = data.get("post")
    if post_title and isinstance(data.get("organization"), Organization):
        try:
            data["post"] = ctx.post(data["organization"], post_title)
        except ValueError as exc:
            errors.append(("现任岗位", str(exc)))
    if data.get("post") and not data.get("start_date") and "任职开始" not in dict(errors):
        errors.append(("任职开始", "填写了现任岗位时，必须填写任职开始日期。"))
    if data.get("start_date") and not data.get("post"):
        errors.append(("现任岗位", "填写了任职开始日期时，必须填写现任岗位。"))
    if errors:
        raise RowInvalid(errors)
    data["status"] = data.get("status") or CadreStatus.ACTIVE
    data["ethnicity"] = data.get("ethnicity") or "汉族"
    data["citizen_id"] = data["citizen_id"].upper()
    return data


def _import_row(data: dict[str, Any], user) -> bool:
    """Create the cadre (and its current tenure); True if a tenure was created."""
    post = data.pop("post", None) or None
    start = data.pop("start_date", None)
    cadre = services.cadre_create(user=user, **data)
    if post is not None:
        services.appointment_create(user=user, cadre=cadre, post=post, start_date=start)
        return True
    return False


def check_upload(fileobj) -> list[RowError]:
    name = getattr(fileobj, "name", "") or ""
    size = getattr(fileobj, "size", None)
    if name and not name.lower().endswith(".xlsx"):
        return [RowError(None, "", "只支持 .xlsx 格式的 Excel 文件。")]
    if size is not None and size > MAX_UPLOAD_BYTES:
        return [RowError(None, "", f"文件过大（上限 {MAX_UPLOAD_BYTES // (1024 * 1024)} MB）。")]
    return []


def cadre_roster_import(*, user, fileobj) -> ImportResult:
    """Import every row of the roster or none. Returns the result with every bad row."""
    result = ImportResult()
    result.errors = check_upload(fileobj)
    if result.errors:
        return result
    try:
        header, rows = read_rows(fileobj)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError, IndexError):
        result.errors.append(RowError(None, "", "文件无法读取，请使用系统提供的 .xlsx 模板。"))
        return result
    missing = [h for h in REQUIRED_HEADERS if h not in header]
    if missing:
        result.errors.append(RowError(1, "", f"表头缺少以下列：{'、'.join(missing)}。请使用系统提供的模板。"))
        return result
    result.total_rows = len(rows)
    if not rows:
        result.errors.append(RowError(None, "", "文件中没有数据行。"))
        return result

    ctx = _Context(user)
    seen_ids: dict[str, int] = {}
    with transaction.atomic():
        for row_no, values in rows:
            name = _text(values.get("姓名"))
            try:
                data = _parse_row(values, ctx)
                cid = data["citizen_id"]
                if cid in seen_ids:
                    raise RowInvalid([("身份证号", f"与第 {seen_ids[cid]} 行的身份证号重复。")])
                seen_ids[cid] = row_no
                with transaction.atomic():  # a savepoint per row
                    with_appointment = _import_row(data, user)
                result.created += 1
                result.appointments += int(with_appointment)
            except RowInvalid as exc:
                result.errors.extend(RowError(row_no, c, m, name) for c, m in exc.errors)
            except ValidationError as exc:
                result.errors.extend(RowError(row_no, c, m, name) for c, m in _messages(exc))
            except PermissionDenied as exc:
                result.errors.append(
                    RowError(row_no, "所在单位", str(exc) or "无权在该单位下登记干部。", name)
                )
        if result.errors:
            transaction.set_rollback(True)
            result.created = 0
            result.appointments = 0
    return result


# --- files offered for download --------------------------------------------------------------------


def template_bytes() -> bytes:
    def labels(choices) -> str:
        return "、".join(str(label) for _c, label in choices.choices)

    notes = [
        ["姓名", "必填"],
        ["性别", f"必填：{labels(Gender)}"],
        ["民族", "选填，默认汉族"],
        ["出生日期", "必填，格式 1980-01-02，须与身份证号一致"],
        ["身份证号", "必填，18位，最后一位可为X；请将单元格设为文本格式"],
        ["籍贯", "选填"],
        ["入党时间", "选填，格式 2005-07-01 或 2005-07"],
        ["参加工作时间", "选填，格式 2003-08-01 或 2003-08"],
        ["最高学历", f"选填：{labels(EducationLevel)}"],
        ["身份类别", f"必填：{labels(IdentityCategory)}"],
        ["职级", f"必填：{labels(Rank)}"],
        ["管理层级", f"必填：{labels(ManagementLevel)}"],
        ["状态", f"选填，默认在职：{labels(CadreStatus)}"],
        ["所在单位", "必填，单位全称，须在您的管理范围内"],
        ["现任岗位", "选填，所在单位下已建立的岗位名称；填写后将登记现任职务"],
        ["任职开始", "填写现任岗位时必填"],
        ["", "整个文件全部正确才会导入；任何一行有误，将不导入任何数据，并列出所有错误行。"],
    ]
    return workbook_bytes([("干部名册", HEADERS, []), ("填写说明", ["列", "说明"], notes)])


def error_report_bytes(errors: list[dict] | list[RowError]) -> bytes:
    rows = []
    for e in errors:
        d = e if isinstance(e, dict) else e.__dict__
        rows.append([d["row"] or "", d.get("name", ""), d.get("column", ""), d["message"]])
    return workbook_bytes([("错误报告", ["Excel 行号", "姓名", "列", "错误原因"], rows)])
