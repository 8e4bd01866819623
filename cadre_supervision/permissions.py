"""The one permission path.

Jurisdiction: roles are Django groups; a group (or, exceptionally, a user) holds guardian
object permissions on `cadres.Organization` rows. A grant on an organization covers its
whole subtree. Every scoped model declares a `Scope` saying which field leads to its
organization and which organization permission each action needs; `restrict(user,
action)` on its queryset turns that into one indexed `organization_id IN (...)` filter,
optionally widened by the model's own exceptions (single-record grants, e.g. an
interview visible to its interviewer).

Every page, viewset, export, statistic and reminder calls `Model.objects.restrict()`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

# Organization-level permissions (declared on cadres.Organization.Meta.permissions).
ORG_PERMISSIONS: list[tuple[str, str]] = [
    ("view_cadres", "查看干部信息"),
    ("manage_cadres", "维护干部信息"),
    ("view_citizen_ids", "查看完整身份证号"),
    ("view_interviews", "查看谈心谈话"),
    ("manage_interviews", "管理谈心谈话"),
    ("view_discipline_interviews", "查看诫勉谈话与函询"),
    ("view_audits", "查看三责联审"),
    ("manage_audits", "管理三责联审"),
    ("view_rotations", "查看轮岗交流"),
    ("manage_rotations", "管理轮岗交流"),
    ("view_secondline", "查看二线干部"),
    ("manage_secondline", "管理二线干部日常"),
    ("view_personal_reports", "查看个人有关事项报告"),
    ("manage_personal_reports", "管理个人有关事项报告"),
    ("view_integrity", "查看廉政档案"),
    ("view_stats", "查看统计数据"),
]
ORG_PERMISSION_LABELS = dict(ORG_PERMISSIONS)


@dataclass(frozen=True)
class Role:
    code: str
    label: str
    permissions: tuple[str, ...]
    description: str = ""


ROLES: dict[str, Role] = {
    r.code: r
    for r in [
        Role(
            "org_staff",
            "组织部工作人员",
            tuple(p for p, _l in ORG_PERMISSIONS),
            "干部科、干部监督科：维护干部信息、轮岗、联审、个人事项报告",
        ),
        Role(
            "discipline",
            "纪检监察干部",
            ("view_cadres", "view_audits", "view_integrity", "view_discipline_interviews"),
            "阅看审计档案、问题整改、廉政档案",
        ),
        Role("supervisor", "谈话人", ("view_cadres",), "查看谈话任务、记录谈心谈话"),
        Role("audit_team", "审计组成员", ("view_cadres",), "参与被指派的联审项目"),
        Role(
            "unit_liaison",
            "单位干部专管员",
            ("view_cadres", "view_secondline", "manage_secondline"),
            "维护本单位二线干部考勤、请销假",
        ),
        Role("stats_client", "统计接口用户", ("view_stats",), "只读汇总统计，不含个人信息"),
    ]
}


@dataclass(frozen=True)
class Scope:
    """How a model is scoped: organization field path and the permission per action."""

    org_field: str
    perms: dict[str, str]
    # Optional widening: a callable (user, action) -> Q of extra visible rows, or None.
    extra: Callable[[object, str], Q | None] | None = None
    # If True, org-level permission alone is not enough; only `extra` grants access.
    extra_only_actions: tuple[str, ...] = field(default_factory=tuple)


def _organization_model():
    return apps.get_model("cadres", "Organization")


def _cache(user) -> dict:
    return user.__dict__.setdefault("_cs_scope_cache", {})


def _grants(user) -> dict[str, frozenset[int]]:
    """All organization permissions of `user`, expanded to subtrees: {codename: org ids}.

    Three queries per request whatever the number of codenames asked for (group grants,
    user grants, the organization paths), cached on the user object.
    """
    cache = _cache(user)
    if "_grants" in cache:
        return cache["_grants"]
    Organization = _organization_model()
    orgs = list(Organization.objects.values_list("id", "path"))
    if user.is_superuser:
        all_ids = frozenset(i for i, _p in orgs)
        grants = {codename: all_ids for codename, _label in ORG_PERMISSIONS}
    else:
        GroupPerm = apps.get_model("cadres", "OrganizationGroupObjectPermission")
        UserPerm = apps.get_model("cadres", "OrganizationUserObjectPermission")
        rows = list(
            GroupPerm.objects.filter(group__user=user).values_list(
                "permission__codename", "content_object__path"
            )
        )
        rows += list(
            UserPerm.objects.filter(user=user).values_list("permission__codename", "content_object__path")
        )
        paths: dict[str, set[str]] = {}
        for codename, path in rows:
            paths.setdefault(codename, set()).add(path)
        grants = {}
        for codename, prefixes in paths.items():
            prefix_tuple = tuple(prefixes)
            grants[codename] = frozenset(i for i, p in orgs if p.startswith(prefix_tuple))
    cache["_grants"] = grants
    return grants


def org_ids(user, codename: str) -> frozenset[int]:
    """Ids of organizations where `user` holds `codename` (a grant covers the subtree)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return frozenset()
    return _grants(user).get(codename, frozenset())


def has_org_perm(user, codename: str, organization_id: int | None = None) -> bool:
    ids = org_ids(user, codename)
    return bool(ids) if organization_id is None else organization_id in ids


def clear_cache(user) -> None:
    user.__dict__.pop("_cs_scope_cache", None)


def scope_q(model: type[models.Model], user, action: str = "view") -> Q:
    scope: Scope = model.scope
    if user is None or not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if user.is_superuser:
        return Q()
    clauses: list[Q] = []
    codename = scope.perms.get(action)
    if codename and action not in scope.extra_only_actions:
        ids = org_ids(user, codename)
        if ids:
            clauses.append(Q(**{f"{scope.org_field}__in": ids}))
    if scope.extra is not None:
        extra = scope.extra(user, action)
        if extra is not None:
            clauses.append(extra)
    if not clauses:
        return Q(pk__in=[])
    return reduce(or_, clauses)


class ScopedQuerySet(models.QuerySet):
    def restrict(self, user, action: str = "view"):
        return self.filter(scope_q(self.model, user, action))


ScopedManager = models.Manager.from_queryset(ScopedQuerySet)


def get_scoped_or_404(model_or_qs, user, action: str = "view", **lookup):
    """The detail-page lookup: out of scope is indistinguishable from absent."""
    qs = model_or_qs if isinstance(model_or_qs, models.QuerySet) else model_or_qs.objects.all()
    try:
        return qs.restrict(user, action).get(**lookup)
    except (qs.model.DoesNotExist, ValueError, TypeError, ValidationError):
        # A malformed id (`abc`, an overflowing number) is a record that does not exist.
        raise Http404(_("记录不存在或无权查看")) from None


def ensure_org_perm(user, codename: str, organization) -> None:
    """Write re-check: nobody creates or moves a record into an organization outside scope."""
    org_id = getattr(organization, "pk", organization)
    if org_id is None or not has_org_perm(user, codename, org_id):
        raise PermissionDenied(_("您无权在该单位下进行此操作。"))


def ensure_can(user, obj: models.Model, action: str) -> None:
    """Re-check inside a write that `user` may perform `action` on the stored `obj`."""
    if not type(obj).objects.restrict(user, action).filter(pk=obj.pk).exists():
        raise PermissionDenied(_("您无权对该记录进行此操作。"))


def role_codes(user) -> set[str]:
    if not user.is_authenticated:
        return set()
    cache = _cache(user)
    if "_roles" not in cache:
        from django.contrib.auth.models import Group

        names = Group.objects.filter(user=user).values_list("name", flat=True)
        cache["_roles"] = {n.split(":", 1)[0] for n in names}
    return cache["_roles"]


def role_group_name(role: str, jurisdiction: str) -> str:
    """Group names are '<role code>:<jurisdiction label>', e.g. 'org_staff:全市'."""
    return f"{role}:{jurisdiction}"


def grant_role(group, role_code: str, organizations: Iterable) -> None:
    """Give `group` every permission of `role_code` on each organization (and its subtree)."""
    from guardian.shortcuts import assign_perm

    role = ROLES[role_code]
    for org in organizations:
        for codename in role.permissions:
            assign_perm(f"cadres.{codename}", group, org)


def revoke_grant(group_or_user, codename: str, organization) -> None:
    from guardian.shortcuts import remove_perm

    remove_perm(f"cadres.{codename}", group_or_user, organization)


def users_with_org_perm(organization_ids, codename: str, *, role: str | None = None) -> dict[int, set[int]]:
    """The reverse of `org_ids`: for each organization, the ids of active users holding
    `codename` over it (a grant on the organization or an ancestor covers it), through
    role groups and direct user grants. With `role`, only groups of that role count.
    Used to address reminders; four queries whatever the number of organizations."""
    from collections import defaultdict

    from django.contrib.auth import get_user_model

    Organization = _organization_model()
    GroupPerm = apps.get_model("cadres", "OrganizationGroupObjectPermission")
    UserPerm = apps.get_model("cadres", "OrganizationUserObjectPermission")
    orgs = list(Organization.objects.filter(pk__in=set(organization_ids)).values_list("id", "path"))
    if not orgs:
        return {}
    ancestors = {oid: [int(p) for p in path.split(".") if p] for oid, path in orgs}
    all_ids = {a for ids in ancestors.values() for a in ids}
    granted: dict[int, set[int]] = defaultdict(set)  # granting organization id -> user ids
    group_rows = GroupPerm.objects.filter(permission__codename=codename, content_object_id__in=all_ids)
    if role:
        group_rows = group_rows.filter(group__name__startswith=f"{role}:")
    group_orgs: dict[int, set[int]] = defaultdict(set)
    for org_id, group_id in group_rows.values_list("content_object_id", "group_id"):
        group_orgs[group_id].add(org_id)
    if group_orgs:
        memberships = (
            get_user_model()
            .groups.through.objects.filter(group_id__in=group_orgs, user__is_active=True)
            .values_list("user_id", "group_id")
        )
        for user_id, group_id in memberships:
            for org_id in group_orgs[group_id]:
                granted[org_id].add(user_id)
    if not role:
        for org_id, user_id in UserPerm.objects.filter(
            permission__codename=codename, content_object_id__in=all_ids, user__is_active=True
        ).values_list("content_object_id", "user_id"):
            granted[org_id].add(user_id)
    return {oid: set().union(*(granted.get(a, set()) for a in anc)) for oid, anc in ancestors.items()}
