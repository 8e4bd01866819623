"""The sheets of the workbook: 单位, 岗位, 干部, 任职, then the dossier (学历, 简历, 年度考核,
奖惩, 处分, 家庭成员), in that order: later sheets refer to earlier ones by name or citizen ID. Each sheet declares its columns once; lookups
are batched per sheet; every write goes through `cadres.services`."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib.auth import get_user_model

from cadre_supervision import permissions
from cadre_supervision.permissions import has_org_perm

from .. import crypto, rules, services
from ..choices import (
    AppointmentMethod,
    AssessmentGrade,
    CadreStatus,
    EducationLevel,
    Gender,
    IdentityCategory,
    KeyCategory,
    LineRole,
    ManagementLevel,
    OrgKind,
    PoliticalStatus,
    Rank,
    ResumeSource,
    RewardKind,
    SanctionKind,
    TopLeaderKind,
)
from ..models import (
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
    portfolio_catalogue,
)
from .engine import ParsedRow, RowErrors, Sheet
from .spec import Column, blank_if_none, date, integer, text


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
        self._decrypted: dict[int, str] = {}

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
        return self.citizen_id(cadre.pk, cadre.citizen_id_encrypted, cadre.citizen_id_masked)

    def citizen_id(self, pk: int, encrypted: str, masked: str) -> str:
        """`full_citizen_id` from a cadre's stored fields; each ID is decrypted once per run."""
        if self._citizen_ids_ok is None:
            self._citizen_ids_ok = set(
                Cadre.objects.restrict(self.user, "citizen_id").values_list("pk", flat=True)
            )
        if pk not in self._citizen_ids_ok:
            return masked
        found = self._decrypted.get(pk)
        if found is None:
            found = self._decrypted[pk] = crypto.decrypt(encrypted)
        return found

    def citizen_id_reader(self, cadre_path: str = "") -> tuple[tuple[str, ...], Any]:
        """An export reader (see `Sheet.export_reader`) of the citizen ID of the cadre at
        `cadre_path` ("" for the row itself); blank where there is no cadre."""
        prefix = f"{cadre_path}__" if cadre_path else ""

        def cell(pk, encrypted, masked):
            return "" if pk is None else self.citizen_id(pk, encrypted, masked)

        pk = f"{cadre_path}_id" if cadre_path else "pk"
        return (pk, f"{prefix}citizen_id_encrypted", f"{prefix}citizen_id_masked"), cell


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
            export="parent__name",
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
            permissions.clear_cache(ctx.user)  # the new unit is in scope for the next rows
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
            export="organization__name",
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
        Column("出生地", "birth_place"),
        Column("健康状况", "health"),
        Column("专业技术职务", "professional_title"),
        Column("熟悉专业有何专长", "expertise"),
        Column("入党时间", "party_join_date", parser=date),
        Column("参加工作时间", "work_start_date", parser=date),
        Column("身份类别", "identity_category", required=True, choices=IdentityCategory),
        Column("职级", "rank", required=True, choices=Rank),
        Column("管理层级", "management_level", required=True, choices=ManagementLevel),
        Column("状态", "status", choices=CadreStatus, default=CadreStatus.ACTIVE, help="默认在职"),
        Column(
            "所在单位",
            "organization",
            required=True,
            help="单位全称，须在您的管理范围内",
            export="organization__name",
        ),
        Column("联系电话", "phone"),
        Column("备注", "notes"),
    )
    field_headers = {"organization": "所在单位", "__scope__": "所在单位"}
    FIELDS = tuple(c.key for c in columns if c.key not in ("citizen_id", "organization"))

    def export_reader(self, ctx, column):
        if column.key == "citizen_id":
            return ctx.citizen_id_reader()
        return super().export_reader(ctx, column)

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


# --- rows about a cadre, found by citizen ID ----------------------------------------------------


def _resolve_cadres(
    ctx, rows, *, key="citizen_id", header="身份证号", name_key="cadre_name", name_header="干部姓名"
):
    """refs["cadre"] for every row whose citizen ID names a cadre the user may change (one
    query for the sheet); the optional name column must agree."""
    digests = {row.row: crypto.digest(row.data[key]) for row in rows if row.data.get(key)}
    cadres = {
        c.citizen_id_digest: c
        for c in Cadre.objects.restrict(ctx.user, "change").filter(
            citizen_id_digest__in=list(digests.values())
        )
    }
    for row in rows:
        if row.row not in digests:
            continue
        cadre = cadres.get(digests[row.row])
        if cadre is None:
            row.error(
                header, "没有该身份证号的干部，或不在您的管理范围内（新干部请先在“干部”工作表中登记）。"
            )
        elif row.data.get(name_key) and row.data[name_key] != cadre.name:
            row.error(name_header, f"与身份证号对应的干部姓名（{cadre.name}）不一致。")
        else:
            row.refs["cadre"] = cadre
    return list(cadres.values())


def _cadre_columns(name_header="干部姓名", name_key="cadre_name"):
    return (
        Column(
            "身份证号",
            "citizen_id",
            parser=citizen_id,
            required=True,
            help="干部的身份证号（须已登记，或在“干部”工作表中）",
        ),
        Column(
            name_header,
            name_key,
            help="核对用：须与身份证号对应的干部姓名一致",
            export="cadre__name",
        ),
    )


# --- 任职 ----------------------------------------------------------------------------------------

PEOPLE = (
    ("recommender_cadre", "recommender_user", "推荐人"),
    ("reviewer_cadre", "reviewer_user", "考察人"),
)


class TenureSheet(Sheet):
    title = "任职"
    label_header = "姓名"
    match_keys = ("citizen_id", "name", "organization", "post", "start_date")
    columns = (
        *_cadre_columns("姓名", "name"),
        Column(
            "单位",
            "organization",
            required=True,
            help="岗位所在单位全称",
            export="post__organization__name",
        ),
        Column(
            "岗位",
            "post",
            required=True,
            help="该单位下已建立的岗位名称（或在“岗位”工作表中）",
            export="post__title",
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
        Column(
            "推荐人（干部身份证号）",
            "recommender_cadre",
            parser=citizen_id,
            help="谁推荐谁负责：推荐人是干部时填写其身份证号",
        ),
        Column("推荐人（用户账号）", "recommender_user", help="推荐人是系统用户（非干部）时填写其登录账号"),
        Column("推荐人（外部单位）", "recommended_by", help="仅当推荐方为外部单位时填写单位名称"),
        Column("考察人（干部身份证号）", "reviewer_cadre", parser=citizen_id),
        Column("考察人（用户账号）", "reviewer_user"),
        Column("考察人（外部单位）", "reviewed_by"),
        Column("挂职", "is_secondment", boolean=True, default=False),
        Column("离任原因", "end_reason"),
    )
    field_headers = {
        "__scope__": "单位",
        "effective_date": "任职开始",
        "top_leader_kind": "岗位",
        "name": "姓名",
    }
    FIELDS = (
        "method",
        "document_no",
        "portfolio_areas",
        "portfolio_text",
        "recommended_by",
        "reviewed_by",
        "is_secondment",
    )

    def export_reader(self, ctx, column):
        if column.key == "citizen_id":
            return ctx.citizen_id_reader("cadre")
        if column.key in ("recommender_cadre", "reviewer_cadre"):
            return ctx.citizen_id_reader(column.key)
        if column.key in ("recommender_user", "reviewer_user"):
            return (f"{column.key}__{get_user_model().USERNAME_FIELD}",), blank_if_none
        return super().export_reader(ctx, column)

    def _people(self, ctx, rows):
        """Recommenders and reviewers: cadres by citizen ID (visible to the user), users by
        account; one query each for the sheet."""
        ids = {row.data[k] for row in rows for k, _u, _l in PEOPLE if row.data.get(k)}
        cadres = {
            c.citizen_id_digest: c
            for c in Cadre.objects.restrict(ctx.user, "view").filter(
                citizen_id_digest__in=[crypto.digest(v) for v in ids]
            )
        }
        names = {row.data[u] for row in rows for _k, u, _l in PEOPLE if row.data.get(u)}
        users = {
            u.get_username(): u for u in get_user_model().objects.filter(username__in=names, is_active=True)
        }
        for row in rows:
            for ckey, ukey, label in PEOPLE:
                if row.data.get(ckey):
                    person = cadres.get(crypto.digest(row.data[ckey]))
                    if person is None:
                        row.error(
                            self.header_of(ckey), f"没有该身份证号的干部（{label}），或不在您的查看范围内。"
                        )
                    row.refs[ckey] = person
                elif ckey in row.data:
                    row.refs[ckey] = None
                if row.data.get(ukey):
                    person = users.get(row.data[ukey])
                    if person is None:
                        row.error(self.header_of(ukey), f"没有账号为“{row.data[ukey]}”的用户（{label}）。")
                    row.refs[ukey] = person
                elif ukey in row.data:
                    row.refs[ukey] = None

    def current(self, ctx, obj):
        out = super().current(ctx, obj)
        for ckey, ukey, _l in PEOPLE:
            out[ckey] = getattr(obj, f"{ckey}_id")
            out[ukey] = getattr(obj, f"{ukey}_id")
        return out

    def prepare(self, ctx, rows):
        by_name = ctx.organizations_by_name()
        cadres = _resolve_cadres(ctx, rows, name_key="name", name_header="姓名")
        self._people(ctx, rows)
        # compare people by id (the diff sees the ids; the report shows the cells)
        for row in rows:
            for ckey, ukey, _l in PEOPLE:
                for key in (ckey, ukey):
                    if key in row.data:
                        row.data[key] = getattr(row.refs.get(key), "pk", None) if row.data[key] else None
        orgs = {}
        for row in rows:
            org = _resolve_org(ctx, by_name, row, "organization", "单位")
            if org is not None:
                row.refs["organization"] = orgs[org.pk] = org
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
            for a in Appointment.objects.filter(cadre__in=cadres).select_related(
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
        for ckey, ukey, _l in PEOPLE:
            for key in (ckey, ukey):
                if key in row.data:
                    fields[key] = row.refs.get(key)
        end_date, end_reason = row.data.get("end_date"), row.data.get("end_reason", "")
        if row.obj is None:
            return services.appointment_create(
                user=ctx.user,
                cadre=row.refs["cadre"],
                post=row.refs["post"],
                start_date=row.data["start_date"],
                end_date=end_date,
                end_reason=end_reason,
                via="import",
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
            .select_related(
                "cadre",
                "cadre__organization",
                "post",
                "post__organization",
                "recommender_cadre",
                "recommender_user",
                "reviewer_cadre",
                "reviewer_user",
            )
            .order_by("cadre__organization__path", "cadre__name", "cadre_id", "start_date", "id")
        )


# --- the dossier: rows about one cadre, each matched by a natural key -------------------------------


class DossierSheet(Sheet):
    """A sheet of one dossier model: the cadre by citizen ID, the record by `natural_key`
    (keys of the columns); writes through the dossier services."""

    label_header = "干部姓名"
    model = None
    natural_key: tuple[str, ...] = ()
    FIELDS: tuple[str, ...] = ()
    field_headers = {"__scope__": "身份证号", "cadre": "身份证号"}

    @property
    def match_keys(self):
        return ("citizen_id", "cadre_name", *self.natural_key)

    def export_reader(self, ctx, column):
        if column.key == "citizen_id":
            return ctx.citizen_id_reader("cadre")
        return super().export_reader(ctx, column)

    def _key(self, values: dict) -> tuple:
        return tuple(values.get(k) for k in self.natural_key)

    def prepare(self, ctx, rows):
        cadres = _resolve_cadres(ctx, rows)
        existing = {}
        for obj in self.model.objects.filter(cadre__in=cadres).select_related("cadre"):
            existing[(obj.cadre_id, self._key({k: getattr(obj, k) for k in self.natural_key}))] = obj
        seen: dict[tuple, int] = {}
        for row in rows:
            cadre = row.refs.get("cadre")
            if cadre is None or any(
                row.data.get(k) in (None, "") for k in self.natural_key if self.header_required(k)
            ):
                continue
            key = (cadre.pk, self._key(row.data))
            if key in seen:
                row.error(self.header_of(self.natural_key[0]), f"与第 {seen[key]} 行的记录重复。")
                continue
            seen[key] = row.row
            row.obj = existing.get(key)

    def header_required(self, key: str) -> bool:
        return any(c.key == key and c.required for c in self.columns)

    def fields(self, row) -> dict:
        return {k: row.data[k] for k in (*self.natural_key, *self.FIELDS) if k in row.data}

    def export_objects(self, ctx):
        return (
            self.model.objects.restrict(ctx.user, "view")
            .select_related("cadre", "cadre__organization")
            .order_by("cadre__organization__path", "cadre__name", "cadre_id", *self.export_order, "id")
        )

    export_order: tuple[str, ...] = ()


class EducationSheet(DossierSheet):
    title = "学历"
    model = EducationRecord
    natural_key = ("full_time", "level", "school")
    export_order = ("end_date",)
    columns = (
        *_cadre_columns(),
        Column(
            "学习形式",
            "full_time",
            boolean=True,
            synonyms="full_time",
            required=True,
            help="全日制填“是”，在职教育填“否”（也可填写 全日制 / 在职）",
        ),
        Column("学历", "level", choices=EducationLevel, synonyms="education", required=True),
        Column("学位", "degree"),
        Column("毕业院校", "school", required=True),
        Column("院系", "department"),
        Column("专业", "major"),
        Column("入学时间", "start_date", parser=date),
        Column("毕业时间", "end_date", parser=date),
    )
    FIELDS = ("degree", "department", "major", "start_date", "end_date")

    def write(self, ctx, row):
        if row.obj is None:
            return services.education_create(user=ctx.user, cadre=row.refs["cadre"], **self.fields(row))
        return services.education_update(user=ctx.user, record=row.obj, **self.fields(row))


class ResumeSheet(DossierSheet):
    title = "简历"
    model = ResumeLine
    natural_key = ("start_month", "text")
    export_order = ("start_month",)
    columns = (
        *_cadre_columns(),
        Column("起始年月", "start_month", parser=date, required=True, help="如 2018.09"),
        Column("终止年月", "end_month", parser=date, help="至今留空"),
        Column(
            "单位及职务",
            "text",
            required=True,
            help="如“某某镇党委副书记、镇长”；进入本系统后的任职由“任职”工作表生成，无须重复",
        ),
    )
    FIELDS = ("end_month",)

    def write(self, ctx, row):
        if row.obj is None:
            return services.resume_line_create(
                user=ctx.user, cadre=row.refs["cadre"], source=ResumeSource.IMPORTED, **self.fields(row)
            )
        return services.resume_line_update(user=ctx.user, line=row.obj, **self.fields(row))


class AssessmentSheet(DossierSheet):
    title = "年度考核"
    model = AnnualAssessment
    natural_key = ("year",)
    export_order = ("year",)
    columns = (
        *_cadre_columns(),
        Column("年度", "year", parser=integer, required=True, help="如 2023"),
        Column("考核等次", "grade", choices=AssessmentGrade, required=True),
        Column("备注", "notes"),
    )
    FIELDS = ("grade", "notes")

    def write(self, ctx, row):
        data = self.fields(row)
        if row.obj is None:
            return services.assessment_record(user=ctx.user, cadre=row.refs["cadre"], **data)
        data.pop("year")
        data.setdefault("grade", row.obj.grade)
        return services.assessment_update(user=ctx.user, assessment=row.obj, **data)


class RewardSheet(DossierSheet):
    title = "奖惩"
    model = RewardPunishment
    natural_key = ("kind", "title", "date")
    export_order = ("date",)
    columns = (
        *_cadre_columns(),
        Column("类别", "kind", choices=RewardKind, synonyms="kind_reward", required=True),
        Column("名称", "title", required=True, help="如“记三等功”“通报批评”"),
        Column("时间", "date", parser=date, required=True),
        Column("批准机关", "issuing_body", required=True),
        Column("文号", "document_no"),
    )
    FIELDS = ("issuing_body", "document_no")

    def write(self, ctx, row):
        if row.obj is None:
            return services.reward_create(user=ctx.user, cadre=row.refs["cadre"], **self.fields(row))
        return services.reward_update(user=ctx.user, record=row.obj, **self.fields(row))


class SanctionSheet(DossierSheet):
    title = "处分"
    model = Sanction
    natural_key = ("kind", "decision_date")
    export_order = ("decision_date",)
    columns = (
        *_cadre_columns(),
        Column(
            "处分种类",
            "kind",
            choices=SanctionKind,
            synonyms="sanction_kind",
            required=True,
            help="影响期按处分种类自动计算",
        ),
        Column("处分决定时间", "decision_date", parser=date, required=True),
        Column("决定机关", "deciding_body", required=True),
        Column("文号", "document_no"),
        Column("处分事由", "reason", required=True),
    )
    FIELDS = ("deciding_body", "document_no", "reason")

    def write(self, ctx, row):
        if row.obj is None:
            return services.sanction_create(user=ctx.user, cadre=row.refs["cadre"], **self.fields(row))
        return services.sanction_update(user=ctx.user, sanction=row.obj, **self.fields(row))


class FamilySheet(DossierSheet):
    title = "家庭成员"
    model = FamilyMember
    natural_key = ("relation", "name")
    export_order = ("sort_order",)
    columns = (
        *_cadre_columns(),
        Column("称谓", "relation", required=True, help="如 妻子、儿子、父亲"),
        Column("姓名", "name", required=True),
        Column("出生年月", "birth_month", parser=date),
        Column("政治面貌", "political_status", choices=PoliticalStatus),
        Column("工作单位及职务", "employer_post"),
        Column("排序", "sort_order", parser=integer, default=0),
    )
    FIELDS = ("birth_month", "political_status", "employer_post", "sort_order")

    def write(self, ctx, row):
        if row.obj is None:
            return services.family_member_create(user=ctx.user, cadre=row.refs["cadre"], **self.fields(row))
        return services.family_member_update(user=ctx.user, member=row.obj, **self.fields(row))


def registry_sheets() -> list[Sheet]:
    return [
        OrganizationSheet(),
        PostSheet(),
        CadreSheet(),
        TenureSheet(),
        EducationSheet(),
        ResumeSheet(),
        AssessmentSheet(),
        RewardSheet(),
        SanctionSheet(),
        FamilySheet(),
    ]


def has_import_scope(user) -> bool:
    return bool(user.is_superuser or has_org_perm(user, "manage_cadres"))
