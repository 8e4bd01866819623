"""The sheets of the registry workbook: 单位, 岗位, 干部, 任职 (in that order: later sheets
refer to earlier ones by name or citizen ID). Each sheet declares its columns once; lookups
are batched per sheet; every write goes through `cadres.services`."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from cadre_supervision.permissions import has_org_perm

from .. import crypto, rules, services
from ..choices import (
    AppointmentMethod,
    CadreStatus,
    EducationLevel,
    Gender,
    IdentityCategory,
    KeyCategory,
    LineRole,
    ManagementLevel,
    OrgKind,
    Rank,
    TopLeaderKind,
)
from ..models import Appointment, Cadre, Organization, Post, portfolio_catalogue
from .engine import ParsedRow, RowErrors, Sheet
from .spec import SYNONYMS, Column, date, integer, text

SYNONYMS.setdefault(
    "kind",
    {
        "乡镇": "乡镇/街道",
        "街道": "乡镇/街道",
        "镇": "乡镇/街道",
        "市直部门": "市级机关部门",
        "市直机关": "市级机关部门",
        "国企": "国有企业",
    },
)
SYNONYMS.setdefault(
    "top_leader_kind",
    {
        "党委书记": "党委（党组）书记",
        "党组书记": "党委（党组）书记",
        "书记": "党委（党组）书记",
        "党委(党组)书记": "党委（党组）书记",
        "正职": "行政正职",
    },
)
SYNONYMS.setdefault(
    "method", {"选举": "选任", "任命": "委任", "聘用": "聘任", "考试": "考任", "调动": "调任"}
)


def citizen_id(value: Any) -> str:
    t = text(value).upper()
    if not t:
        return ""
    return rules.parse_citizen_id(t).value  # CitizenIdError is a ValueError with a Chinese message


def _catalogue_choices():
    return [(code, name) for code, (name, _f, _a) in portfolio_catalogue().items()]


class ImportContext:
    """What one import run knows about the user's scope; refreshed per sheet (batched)."""

    def __init__(self, user):
        self.user = user
        self._citizen_ids_ok: set[int] | None = None

    def organizations_by_name(self) -> dict[str, list[Organization]]:
        out: dict[str, list[Organization]] = defaultdict(list)
        for org in Organization.objects.restrict(self.user, "change").select_related("parent"):
            out[org.name].append(org)
        return out

    @staticmethod
    def one(found: list, what: str, name: str):
        if not found:
            raise ValueError(f"{what}“{name}”不存在或不在您的管理范围内。")
        if len(found) > 1:
            raise ValueError(f"有多个名为“{name}”的{what}，无法确定，请联系管理员。")
        return found[0]

    def full_citizen_id(self, cadre: Cadre) -> str:
        """The full ID where the user may read it (view_citizen_ids), else the masked one."""
        if self._citizen_ids_ok is None:
            self._citizen_ids_ok = set(
                Cadre.objects.restrict(self.user, "citizen_id").values_list("pk", flat=True)
            )
        if cadre.pk in self._citizen_ids_ok:
            return crypto.decrypt(cadre.citizen_id_encrypted)
        return cadre.citizen_id_masked


def _present(row: ParsedRow, keys) -> dict[str, Any]:
    return {k: row.data[k] for k in keys if k in row.data}


def _resolve_org(ctx, by_name, row: ParsedRow, key: str, header: str) -> Organization | None:
    name = row.data.get(key)
    if not name:
        return None
    try:
        return ctx.one(by_name.get(name, []), "单位", name)
    except ValueError as exc:
        row.error(header, str(exc))
        return None


# --- 单位 ----------------------------------------------------------------------------------------


class OrganizationSheet(Sheet):
    title = "单位"
    label_header = "单位名称"
    match_keys = ("name",)
    columns = (
        Column("单位名称", "name", required=True, help="单位全称；按名称对应已有单位（有则更新，无则新建）"),
        Column(
            "上级单位",
            "parent",
            help="上级单位全称，须已存在或在本表前面的行中；留空为顶级单位（仅系统管理员）",
            export=lambda o: o.parent.name if o.parent_id else "",
        ),
        Column("单位类型", "kind", required=True, choices=OrgKind),
        Column("简称", "short_name"),
        Column("单位代码", "code"),
        Column("排序", "sort_order", parser=integer, default=0),
        Column("启用", "is_active", boolean=True, default=True),
    )
    field_headers = {"__scope__": "上级单位"}
    FIELDS = ("short_name", "code", "sort_order", "is_active")

    def prepare(self, ctx, rows):
        self.by_name = ctx.organizations_by_name()
        seen: dict[str, int] = {}
        for row in rows:
            name = row.data.get("name")
            if not name:
                continue
            if name in seen:
                row.error("单位名称", f"与第 {seen[name]} 行的单位重复。")
                continue
            seen[name] = row.row
            found = self.by_name.get(name, [])
            if len(found) > 1:
                row.error("单位名称", f"有多个名为“{name}”的单位，无法确定，请联系管理员。")
            elif found:
                row.obj = found[0]

    def _parent(self, ctx, row):
        name = row.data.get("parent", "")
        if not name:
            return None
        obj = row.obj
        if obj is not None and obj.parent_id and obj.parent.name == name:
            return obj.parent  # unchanged parent: may lie outside the user's scope
        try:
            return ctx.one(self.by_name.get(name, []), "上级单位", name)
        except ValueError as exc:
            raise RowErrors([("上级单位", str(exc))])

    def write(self, ctx, row):
        parent = self._parent(ctx, row)
        fields = _present(row, self.FIELDS)
        if row.obj is None:
            org = services.organization_create(
                user=ctx.user, name=row.data["name"], kind=row.data["kind"], parent=parent, **fields
            )
            self.by_name[org.name] = [org]
            return org
        if "kind" in row.data:
            fields["kind"] = row.data["kind"]
        if "parent" in row.data:
            fields["parent"] = parent
        return services.organization_update(user=ctx.user, organization=row.obj, **fields)

    def export_objects(self, ctx):
        return Organization.objects.restrict(ctx.user, "view").select_related("parent").order_by("path")


# --- 岗位 ----------------------------------------------------------------------------------------


class PostSheet(Sheet):
    title = "岗位"
    label_header = "岗位名称"
    match_keys = ("organization", "title")
    columns = (
        Column(
            "单位",
            "organization",
            required=True,
            help="单位全称，须在您的管理范围内",
            export=lambda p: p.organization.name,
        ),
        Column("岗位名称", "title", required=True, help="按单位和岗位名称对应已有岗位（有则更新，无则新建）"),
        Column("领导职务", "is_leading", boolean=True, default=True),
        Column("一把手类型", "top_leader_kind", choices=TopLeaderKind, help="党政正职填写；非一把手留空"),
        Column("中层岗位", "is_middle_level", boolean=True, default=False),
        Column("条线职务", "line_role", choices=LineRole),
        Column("关键岗位类别", "key_categories", choices=KeyCategory, multi=True, synonyms="key_categories"),
        Column("认定理由", "key_reason", help="填写关键岗位类别时必填"),
        Column("排序", "sort_order", parser=integer, default=0),
        Column("启用", "is_active", boolean=True, default=True),
    )
    field_headers = {"organization": "单位", "__scope__": "单位"}
    FIELDS = (
        "is_leading",
        "top_leader_kind",
        "is_middle_level",
        "line_role",
        "key_categories",
        "key_reason",
        "sort_order",
        "is_active",
    )

    def prepare(self, ctx, rows):
        by_name = ctx.organizations_by_name()
        orgs = {}
        for row in rows:
            org = _resolve_org(ctx, by_name, row, "organization", "单位")
            if org is not None:
                row.refs["organization"] = orgs[org.pk] = org
        existing = defaultdict(list)
        for post in Post.objects.filter(organization__in=list(orgs)).select_related("organization"):
            existing[(post.organization_id, post.title)].append(post)
        seen: dict[tuple, int] = {}
        for row in rows:
            org = row.refs.get("organization")
            if org is None or not row.data.get("title"):
                continue
            key = (org.pk, row.data["title"])
            if key in seen:
                row.error("岗位名称", f"与第 {seen[key]} 行的岗位重复。")
                continue
            seen[key] = row.row
            found = existing.get(key, [])
            if len(found) > 1:
                row.error("岗位名称", f"“{org.name}”有多个名为“{key[1]}”的岗位，无法确定。")
            elif found:
                row.obj = found[0]

    def write(self, ctx, row):
        fields = _present(row, self.FIELDS)
        if row.obj is None:
            return services.post_create(
                user=ctx.user, organization=row.refs["organization"], title=row.data["title"], **fields
            )
        return services.post_update(user=ctx.user, post=row.obj, **fields)

    def export_objects(self, ctx):
        return (
            Post.objects.restrict(ctx.user, "view")
            .select_related("organization")
            .order_by("organization__path", "sort_order", "id")
        )


# --- 干部 ----------------------------------------------------------------------------------------


class CadreSheet(Sheet):
    title = "干部"
    aliases = ("干部名册",)
    label_header = "姓名"
    match_keys = ("citizen_id",)
    columns = (
        Column("姓名", "name", required=True),
        Column(
            "身份证号",
            "citizen_id",
            parser=citizen_id,
            required=True,
            help="18位，最后一位可为X；按身份证号对应已有干部（有则更新，无则新建）；请将单元格设为文本格式",
        ),
        Column("性别", "gender", choices=Gender, help="可不填：由身份证号得出；填写时须与身份证号一致"),
        Column("出生日期", "birth_date", parser=date, help="可不填：由身份证号得出；填写时须与身份证号一致"),
        Column("民族", "ethnicity", default="汉族", help="默认汉族"),
        Column("籍贯", "native_place"),
        Column("入党时间", "party_join_date", parser=date),
        Column("参加工作时间", "work_start_date", parser=date),
        Column("最高学历", "education", choices=EducationLevel),
        Column("学位", "degree"),
        Column("身份类别", "identity_category", required=True, choices=IdentityCategory),
        Column("职级", "rank", required=True, choices=Rank),
        Column("管理层级", "management_level", required=True, choices=ManagementLevel),
        Column("状态", "status", choices=CadreStatus, default=CadreStatus.ACTIVE, help="默认在职"),
        Column(
            "所在单位",
            "organization",
            required=True,
            help="单位全称，须在您的管理范围内",
            export=lambda c: c.organization.name,
        ),
        Column("联系电话", "phone"),
        Column("备注", "notes"),
    )
    field_headers = {"organization": "所在单位", "__scope__": "所在单位"}
    FIELDS = tuple(c.key for c in columns if c.key not in ("citizen_id", "organization"))

    def cell_of(self, ctx, column, obj):
        if column.key == "citizen_id":
            return ctx.full_citizen_id(obj)
        return super().cell_of(ctx, column, obj)

    def prepare(self, ctx, rows):
        by_name = ctx.organizations_by_name()
        digests = {}
        seen: dict[str, int] = {}
        for row in rows:
            org = _resolve_org(ctx, by_name, row, "organization", "所在单位")
            if org is not None:
                row.refs["organization"] = org
            cid = row.data.get("citizen_id")
            if not cid:
                continue
            if cid in seen:
                row.error("身份证号", f"与第 {seen[cid]} 行的身份证号重复。")
                continue
            seen[cid] = row.row
            digests[row.row] = crypto.digest(cid)
            # gender and birth date come from the ID (row rule; the service checks it again)
            gender, birth, conflicts = rules.facts_from_citizen_id(
                rules.parse_citizen_id(cid),
                gender=row.data.get("gender", ""),
                birth_date=row.data.get("birth_date"),
            )
            for key, message in conflicts.items():
                row.error(self.header_of(key), message)
            row.data["gender"], row.data["birth_date"] = gender, birth
        found = Cadre.objects.filter(citizen_id_digest__in=list(digests.values())).select_related(
            "organization"
        )
        by_digest = {c.citizen_id_digest: c for c in found}
        in_scope = set(
            Cadre.objects.restrict(ctx.user, "change")
            .filter(pk__in=[c.pk for c in by_digest.values()])
            .values_list("pk", flat=True)
        )
        for row in rows:
            cadre = by_digest.get(digests.get(row.row))
            if cadre is None:
                continue
            if cadre.pk not in in_scope:
                row.error("身份证号", "该身份证号已登记在另一名干部名下。")
            else:
                row.obj = cadre

    def write(self, ctx, row):
        fields = _present(row, self.FIELDS)
        if "organization" in row.data:
            fields["organization"] = row.refs.get("organization")
        if row.obj is None:
            return services.cadre_create(user=ctx.user, citizen_id=row.data["citizen_id"], **fields)
        return services.cadre_update(user=ctx.user, cadre=row.obj, **fields)

    def export_objects(self, ctx):
        return (
            Cadre.objects.restrict(ctx.user, "view")
            .select_related("organization")
            .order_by("organization__path", "name", "id")
        )


# --- 任职 ----------------------------------------------------------------------------------------


class TenureSheet(Sheet):
    title = "任职"
    label_header = "姓名"
    match_keys = ("citizen_id", "name", "organization", "post", "start_date")
    columns = (
        Column(
            "身份证号",
            "citizen_id",
            parser=citizen_id,
            required=True,
            help="干部的身份证号（须已登记，或在“干部”工作表中）",
        ),
        Column("姓名", "name", help="核对用：须与身份证号对应的干部姓名一致", export=lambda a: a.cadre.name),
        Column(
            "单位",
            "organization",
            required=True,
            help="岗位所在单位全称",
            export=lambda a: a.post.organization.name,
        ),
        Column(
            "岗位",
            "post",
            required=True,
            help="该单位下已建立的岗位名称（或在“岗位”工作表中）",
            export=lambda a: a.post.title,
        ),
        Column(
            "任职开始",
            "start_date",
            parser=date,
            required=True,
            help="按干部、岗位和任职开始对应已有任职（有则更新，无则新建）",
        ),
        Column("任职结束", "end_date", parser=date, help="现任职务留空"),
        Column(
            "任职方式",
            "method",
            choices=AppointmentMethod,
            default=AppointmentMethod.APPOINTED,
            help="默认委任",
        ),
        Column("任职文号", "document_no"),
        Column("分管领域", "portfolio_areas", choices=_catalogue_choices, multi=True),
        Column("分管事项说明", "portfolio_text"),
        Column("推荐人", "recommended_by", help="谁推荐谁负责"),
        Column("考察审核人", "reviewed_by"),
        Column("挂职", "is_secondment", boolean=True, default=False),
        Column("离任原因", "end_reason"),
    )
    field_headers = {"__scope__": "单位", "effective_date": "任职开始", "top_leader_kind": "岗位"}
    FIELDS = (
        "method",
        "document_no",
        "portfolio_areas",
        "portfolio_text",
        "recommended_by",
        "reviewed_by",
        "is_secondment",
    )

    def cell_of(self, ctx, column, obj):
        if column.key == "citizen_id":
            return ctx.full_citizen_id(obj.cadre)
        return super().cell_of(ctx, column, obj)

    def prepare(self, ctx, rows):
        by_name = ctx.organizations_by_name()
        digests = {
            row.row: crypto.digest(row.data["citizen_id"]) for row in rows if row.data.get("citizen_id")
        }
        cadres = {
            c.citizen_id_digest: c
            for c in Cadre.objects.restrict(ctx.user, "change").filter(
                citizen_id_digest__in=list(digests.values())
            )
        }
        orgs = {}
        for row in rows:
            org = _resolve_org(ctx, by_name, row, "organization", "单位")
            if org is not None:
                row.refs["organization"] = orgs[org.pk] = org
            if row.row in digests:
                cadre = cadres.get(digests[row.row])
                if cadre is None:
                    row.error(
                        "身份证号",
                        "没有该身份证号的干部，或不在您的管理范围内（新干部请先在“干部”工作表中登记）。",
                    )
                elif row.data.get("name") and row.data["name"] != cadre.name:
                    row.error("姓名", f"与身份证号对应的干部姓名（{cadre.name}）不一致。")
                else:
                    row.refs["cadre"] = cadre
        posts = defaultdict(list)
        for post in Post.objects.filter(organization__in=list(orgs)).select_related("organization"):
            posts[(post.organization_id, post.title)].append(post)
        for row in rows:
            org = row.refs.get("organization")
            if org is None or not row.data.get("post"):
                continue
            found = posts.get((org.pk, row.data["post"]), [])
            if not found:
                row.error(
                    "岗位",
                    f"“{org.name}”没有名为“{row.data['post']}”的岗位，请先在“岗位”工作表或岗位管理中建立。",
                )
            elif len(found) > 1:
                row.error("岗位", f"“{org.name}”有多个名为“{row.data['post']}”的岗位，无法确定。")
            else:
                row.refs["post"] = found[0]
        existing = {
            (a.cadre_id, a.post_id, a.start_date): a
            for a in Appointment.objects.filter(cadre__in=list(cadres.values())).select_related(
                "cadre", "post", "post__organization"
            )
        }
        seen: dict[tuple, int] = {}
        for row in rows:
            cadre, post, start = row.refs.get("cadre"), row.refs.get("post"), row.data.get("start_date")
            if cadre is None or post is None or start is None:
                continue
            key = (cadre.pk, post.pk, start)
            if key in seen:
                row.error("任职开始", f"与第 {seen[key]} 行的任职重复。")
                continue
            seen[key] = row.row
            row.obj = existing.get(key)

    def write(self, ctx, row):
        fields = _present(row, self.FIELDS)
        end_date, end_reason = row.data.get("end_date"), row.data.get("end_reason", "")
        if row.obj is None:
            return services.appointment_create(
                user=ctx.user,
                cadre=row.refs["cadre"],
                post=row.refs["post"],
                start_date=row.data["start_date"],
                end_date=end_date,
                end_reason=end_reason,
                **fields,
            )
        appt = row.obj
        if fields:
            appt = services.appointment_update(user=ctx.user, appointment=appt, **fields)
        if "end_date" in row.data:
            if appt.end_date is None and end_date is not None:
                return services.appointment_end(
                    user=ctx.user, appointment=appt, end_date=end_date, reason=end_reason
                )
            if (appt.end_date, appt.end_reason) != (end_date, end_reason):
                return services.appointment_update(
                    user=ctx.user, appointment=appt, end_date=end_date, end_reason=end_reason
                )
        return appt

    def export_objects(self, ctx):
        return (
            Appointment.objects.restrict(ctx.user, "view")
            .select_related("cadre", "cadre__organization", "post", "post__organization")
            .order_by("cadre__organization__path", "cadre__name", "cadre_id", "start_date", "id")
        )


def registry_sheets() -> list[Sheet]:
    return [OrganizationSheet(), PostSheet(), CadreSheet(), TenureSheet()]


def has_import_scope(user) -> bool:
    return bool(user.is_superuser or has_org_perm(user, "manage_cadres"))
