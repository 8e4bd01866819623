"""The one permission path.

Jurisdiction: roles are Django groups; a group (or, exceptionally, a user) holds guardian
object permissions on organization rows (the model named by `CS_JURISDICTION_MODEL`,
reached only through `jurisdiction.py`). A grant on an organization covers its
whole subtree. Every scoped model declares a `Scope` saying which field leads to its
organization and which organization permission each action needs; `restrict(user,
action)` on its queryset turns that into one `organization_id IN (SELECT ... path LIKE
'<root>%')` filter over the user's grant roots (its size follows the grants, not the tree),
optionally widened by the model's own exceptions (single-record grants, e.g. an
interview visible to its interviewer).

Every page, viewset, export, statistic, form choice and reminder source calls
`Model.objects.restrict(user, action)`; `org_ids()` is private to this module. The path is
fail-closed: None, anonymous and inactive users see nothing; sweeps and reminder sources
pass the explicit `SYSTEM` actor to see everything.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import reduce
from operator import and_, or_
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from . import jurisdiction

# Organization-level permissions (declared on the jurisdiction model's Meta.permissions).
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
    ("view_sanctions", "查看处分记录"),
    ("view_family", "查看家庭成员及社会关系"),
    ("view_photos", "查看干部照片"),
    # --- petitions (信访举报) ---
    ("view_petitions", "查看信访举报"),
    ("manage_petitions", "受理办理信访举报"),
    ("handle_12380", "受理办理12380选人用人举报"),
    # --- evaluations (阳光评议、民主测评、关爱提醒函) ---
    ("view_evaluations", "查看阳光评议与民主测评"),
    ("manage_evaluations", "管理阳光评议、民主测评与关爱提醒函"),
    # --- selection (选人用人监督) ---
    ("view_selection", "查看选拔任用"),
    ("manage_selection", "管理选拔任用"),
    ("override_selection", "记录选拔任用例外（越过凡提四必）"),
]
# Discipline-only permissions: organization staff handle only 12380 selection-matter petitions.
DISCIPLINE_ONLY_PERMISSIONS = ("view_petitions", "manage_petitions")
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
            tuple(
                p
                for p, _l in ORG_PERMISSIONS
                if p not in DISCIPLINE_ONLY_PERMISSIONS and p != "override_selection"
            ),
            "干部科、干部监督科：维护干部信息、轮岗、联审、个人事项报告",
        ),
        Role(
            "discipline",
            "纪检监察干部",
            (
                "view_cadres",
                "view_audits",
                "view_integrity",
                "view_discipline_interviews",
                "view_sanctions",
                "view_family",
                "view_photos",
                "view_petitions",
                "manage_petitions",
                "view_evaluations",
            ),
            "阅看审计档案、问题整改、廉政档案；受理办理信访举报",
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
        # --- selection (选人用人监督) ---
        Role(
            "selection_lead",
            "选任工作负责人",
            ("view_cadres", "view_selection", "manage_selection", "override_selection"),
            "主持选拔任用，可记录越过凡提四必的例外（须写明理由，留痕）",
        ),
        Role(
            "agency_liaison",
            "意见征求联络员",
            (),
            "纪委监委、检察院、公安局、审计局的联络员：只看、只答复发给本单位的廉政意见征求函",
        ),
    ]
}


class SystemActor:
    """The actor of the daily sweep and of reminder sources: sees every scoped row.

    Never a user and never None: `scope_q` recognises exactly this object (by identity),
    while None, anonymous and inactive users see nothing. It has no primary key, so nothing
    can be written in its name, and `is_authenticated` is False, so every page and API
    view (which check authentication first) refuses it.
    """

    pk = id = None
    is_authenticated = False
    is_anonymous = False
    is_active = False
    is_superuser = False
    is_staff = False

    def __repr__(self) -> str:
        return "SYSTEM"

    def __reduce__(self):
        return "SYSTEM"


SYSTEM = SystemActor()


def is_system(user) -> bool:
    return user is SYSTEM


def _is_real_active_user(user) -> bool:
    return user is not None and user is not SYSTEM and user.is_authenticated and user.is_active


@dataclass(frozen=True)
class AnyOf:
    """An action allowed where the user holds any of these organization permissions
    (the union of their subtrees), e.g. statistics: `AnyOf("view_audits", "view_stats")`."""

    codenames: tuple[str, ...]

    def __init__(self, *codenames: str):
        object.__setattr__(self, "codenames", tuple(codenames))


@dataclass(frozen=True)
class AllOf:
    """An action allowed only where the user holds every one of these organization
    permissions (the intersection of their subtrees)."""

    codenames: tuple[str, ...]

    def __init__(self, *codenames: str):
        object.__setattr__(self, "codenames", tuple(codenames))


PermSpec = str | AnyOf | AllOf


def _check_spec(spec: PermSpec, actions=()) -> None:
    codenames = (spec,) if isinstance(spec, str) else getattr(spec, "codenames", None)
    if not codenames or not isinstance(spec, str | AnyOf | AllOf):
        raise TypeError(f"a permission is a codename, AnyOf(...) or AllOf(...), not {spec!r}")
    unknown = [c for c in codenames if c not in ORG_PERMISSION_LABELS and c not in actions]
    if unknown:
        raise ValueError(f"unknown organization permission(s) or action(s): {', '.join(unknown)}")


@dataclass(frozen=True)
class Scope:
    """How a model is scoped: organization field path(s) and the permission per action.

    - `org_field`: the path from the model to its organization, or a tuple of paths (a row
      is in scope when any of them is, e.g. an exchange by its old or its new unit).
    - `perms`: action -> a codename, `AnyOf(...)` or `AllOf(...)`. Besides "view" and
      "change", models name the actions that need more than one permission
      ("stats", "integrity"). An element of AnyOf/AllOf is an organization permission
      codename or another action of the same scope (then that action's whole filter,
      its `extra` included): `"stats": AnyOf("view", "view_stats")` = everything the user
      may view plus the units where they hold view_stats.
    - `extra`: optional widening, a callable (user, action) -> Q of extra visible rows, or None.
      Consulted for single-permission actions; an AnyOf/AllOf action is organization-level
      and only sees an `extra` through an action it names.
    - `extra_only_actions`: actions where the organization permission alone is not enough.
    - `codename_actions`: on the jurisdiction records other apps pick from (organizations,
      posts, cadres, appointments) every organization permission codename is an action
      too: `Cadre.objects.restrict(user, "manage_rotations")` = cadres of the organizations
      where the user holds manage_rotations.
    An unknown action grants nothing.
    """

    org_field: str | tuple[str, ...]
    perms: dict[str, PermSpec]
    extra: Callable[[object, str], Q | None] | None = None
    extra_only_actions: tuple[str, ...] = field(default_factory=tuple)
    codename_actions: bool = False

    def __post_init__(self):
        for action, spec in self.perms.items():
            _check_spec(spec, actions=set(self.perms) - {action})

    @property
    def org_fields(self) -> tuple[str, ...]:
        return (self.org_field,) if isinstance(self.org_field, str) else tuple(self.org_field)

    def spec_for(self, action: str | AnyOf | AllOf) -> PermSpec | None:
        if isinstance(action, AnyOf | AllOf):
            # On jurisdiction records a permission combination may be passed as the action.
            if self.codename_actions and all(c in ORG_PERMISSION_LABELS for c in action.codenames):
                return action
            return None
        spec = self.perms.get(action)
        if spec is None and self.codename_actions and action in ORG_PERMISSION_LABELS:
            spec = action
        return spec


def _organization_model():
    return jurisdiction.organization_model()


def _cache(user) -> dict:
    return user.__dict__.setdefault("_cs_scope_cache", {})


def _minimal_roots(paths) -> tuple[str, ...]:
    """The grant roots without those inside another root's subtree, sorted."""
    roots: list[str] = []
    for path in sorted(set(paths)):
        if not (roots and jurisdiction.in_subtrees(path, tuple(roots))):
            roots.append(path)
    return tuple(roots)


def _grants(user) -> dict[str, tuple[str, ...]]:
    """All organization permissions of `user` as subtree roots: {codename: root paths}.

    One query per request whatever the number of codenames asked for (group grants and user
    grants in one UNION ALL; each row carries its organization's path), none for a superuser; cached on the
    user object. The cost follows the number of grants, never the number of organizations:
    a subtree is a path prefix, filtered in the database.
    """
    cache = _cache(user)
    if "_grants" in cache:
        return cache["_grants"]
    if user.is_superuser:
        grants = {codename: ("",) for codename, _label in ORG_PERMISSIONS}
    else:
        GroupPerm = jurisdiction.group_permission_model()
        UserPerm = jurisdiction.user_permission_model()
        # Group grants and user grants in one statement (UNION ALL). The groups are a semi-join
        # on the membership table, not a join through auth_group: the statement runs on every
        # request, and planning the extra join cost more than executing the whole statement.
        memberships = get_user_model().groups.through.objects.filter(user_id=user.pk).values("group_id")
        rows = list(
            GroupPerm.objects.filter(group_id__in=memberships)
            .values_list("permission__codename", "content_object__path")
            .order_by()
            .union(
                UserPerm.objects.filter(user=user)
                .values_list("permission__codename", "content_object__path")
                .order_by(),
                all=True,
            )
        )
        paths: dict[str, set[str]] = {}
        for codename, path in rows:
            paths.setdefault(codename, set()).add(path)
        grants = {codename: _minimal_roots(prefixes) for codename, prefixes in paths.items()}
    cache["_grants"] = grants
    return grants


def _roots(user, codename: str) -> tuple[str, ...]:
    if not _is_real_active_user(user):
        return ()
    return _grants(user).get(codename, ())


def _spec_org_filter(user, spec: PermSpec, via: str = "") -> Q | None:
    """A filter on the organization model (or, with `via` = "<path to Organization>__", on a
    model reaching it): the organizations where `user` holds `spec` (None = none). A union is
    one OR of path prefixes; an intersection ANDs them."""
    if isinstance(spec, AllOf):
        parts = [_spec_org_filter(user, c, via) for c in spec.codenames]
        return reduce(and_, parts) if all(p is not None for p in parts) else None
    codenames = (spec,) if isinstance(spec, str) else spec.codenames
    roots = _minimal_roots(r for c in codenames for r in _roots(user, c))
    if not roots:
        return None
    return reduce(or_, (Q(**{f"{via}path__startswith": r}) for r in roots))


def _spec_orgs(user, spec: PermSpec) -> models.QuerySet | None:
    org_filter = _spec_org_filter(user, spec)
    if org_filter is None:
        return None
    return _organization_model()._default_manager.filter(org_filter)


def org_ids(user, codename: str) -> frozenset[int]:
    """Ids of organizations where `user` holds `codename` (a grant covers the subtree).

    Reads the subtree from the database (one query); nothing on the request path needs the
    whole set. Internal to this module: everything else reads through `restrict()` (or,
    inside a Scope's `extra`, `org_q()`); a test keeps it that way."""
    orgs = _spec_orgs(user, codename)
    return frozenset() if orgs is None else frozenset(orgs.values_list("pk", flat=True))


def org_count(user, spec: PermSpec) -> int:
    """How many organizations `user` holds `spec` over (e.g. the "organizations" figure of a
    statistics answer); one COUNT, cached per request."""
    cache = _cache(user) if _is_real_active_user(user) else {}
    key = ("_count", spec)
    if key not in cache:
        orgs = _spec_orgs(user, spec)
        cache[key] = 0 if orgs is None else orgs.count()
    return cache[key]


def _org_path(user, organization_id) -> str | None:
    """The path of one organization, cached per request (None when it does not exist)."""
    paths = _cache(user).setdefault("_paths", {})
    if organization_id not in paths:
        paths.update(jurisdiction.paths_of([organization_id]))
        paths.setdefault(organization_id, None)
    return paths[organization_id]


def prime_org_paths(user, organization_ids) -> None:
    """Load the paths of many organizations in one query before `has_org_perm` is asked about
    each of them (a loop over rows of several units)."""
    if not _is_real_active_user(user):
        return
    paths = _cache(user).setdefault("_paths", {})
    missing = {i for i in organization_ids if i is not None and i not in paths}
    if missing:
        found = jurisdiction.paths_of(missing)
        paths.update({i: found.get(i) for i in missing})


def has_org_perm(user, codename: str, organization_id: int | None = None) -> bool:
    roots = _roots(user, codename)
    if not roots or organization_id is None:
        return bool(roots)
    try:
        path = _org_path(user, int(organization_id))
    except (TypeError, ValueError):
        return False
    return path is not None and jurisdiction.in_subtrees(path, roots)


def has_any_scope(model: type[models.Model], user, action: str = "view") -> bool:
    """Whether `user` holds the organization permission(s) of `action` anywhere (for showing
    a menu entry or an empty-state hint; rows are still read through `restrict()`)."""
    if is_system(user):
        return True
    if not _is_real_active_user(user):
        return False
    if user.is_superuser:
        return True
    spec = model.scope.spec_for(action)
    if spec is None:
        return False
    codenames = (spec,) if isinstance(spec, str) else spec.codenames
    held = [
        has_any_scope(model, user, c) if c in model.scope.perms else bool(_roots(user, c)) for c in codenames
    ]
    return all(held) if isinstance(spec, AllOf) else any(held)


def per_user(user, key: str, compute):
    """`compute()` once per user object (in practice once per request), kept beside the scope
    cache and dropped with it by `clear_cache` (a grant or membership change)."""
    cache = _cache(user)
    if key not in cache:
        cache[key] = compute()
    return cache[key]


# --- personal jurisdiction ---------------------------------------------------------------------
# Organizations a user answers for in person rather than by a grant: today the units whose
# 一把手 post the user's own cadre holds (HEADED), who approve their second-line cadres' leave
# and see their records. The app that knows the relation registers it (cadres: appointments);
# the others read it here, kept per request beside the scope and dropped with it.

HEADED = "headed"
_personal: dict[str, Callable[[Any], Iterable[int]]] = {}


def register_personal_jurisdiction(name: str, fn: Callable[[Any], Iterable[int]]) -> None:
    """`fn(user)` → the ids of the organizations `user` answers for in person as `name`."""
    _personal[name] = fn


def personal_jurisdiction(user, name: str) -> frozenset[int]:
    """The organizations `user` answers for in person as `name` (empty for the anonymous, the
    inactive and the system actor, which acts by grants only). An unregistered name is a
    programming error, not an empty answer."""
    if name not in _personal:
        raise LookupError(f"no personal jurisdiction {name!r} is registered")
    if not _is_real_active_user(user):
        return frozenset()
    return per_user(user, f"_personal_{name}", lambda: frozenset(_personal[name](user)))


def personal_q(user, name: str, org_field: str) -> Q | None:
    """Q(`org_field` in `user`'s personal jurisdiction `name`), or None when it is empty: the
    building block of a Scope's `extra` for what a unit's head may see of their own unit."""
    ids = personal_jurisdiction(user, name)
    return Q(**{f"{org_field}__in": sorted(ids)}) if ids else None


def clear_cache(user) -> None:
    user.__dict__.pop("_cs_scope_cache", None)


def org_q(user, spec: PermSpec, org_field: str) -> Q | None:
    """Q(`org_field` in the organizations where `user` holds `spec`), or None when there are
    none: the row's organization joined by its key and `path LIKE 'root.%' OR ...`, one prefix
    per grant root, so the SQL is as small as the user's grants.

    A join, not `org_field IN (SELECT id FROM organization WHERE ...)`: inside an OR (a
    Scope's `extra`, several org fields) PostgreSQL keeps such an IN as a hashed subplan and
    charges its cost again on every loop of a nested loop, so a list's first page was sorted
    out of every row in scope instead of read off the index of its order (the interview
    records: 40 ms instead of 2 at 16k rows, growing with the table).

    The building block of a Scope's `extra` (e.g. discipline talks visible to holders of
    view_discipline_interviews over the interviewee's unit)."""
    if org_field in ("id", "pk"):
        via = ""
    else:
        via = (org_field[: -len("_id")] if org_field.endswith("_id") else org_field) + "__"
    return _spec_org_filter(user, spec, via)


def _field_q(scope: Scope, user, codename: str) -> Q | None:
    clauses = [q for path in scope.org_fields if (q := org_q(user, codename, path)) is not None]
    return reduce(or_, clauses) if clauses else None


def _action_q(scope: Scope, user, action, seen: frozenset = frozenset()) -> Q | None:
    """The filter of one action for a real, active, non-superuser user; None = nothing."""
    spec = scope.spec_for(action)
    clauses: list[Q] = []
    if spec is not None and action not in scope.extra_only_actions:
        if isinstance(spec, str):
            if (q := _field_q(scope, user, spec)) is not None:
                clauses.append(q)
        else:

            def nested(c):
                return c in scope.perms and c not in seen and c != action

            if isinstance(spec, AllOf):
                parts = [
                    _action_q(scope, user, c, seen | {action}) if nested(c) else _field_q(scope, user, c)
                    for c in spec.codenames
                ]
                if all(p is not None for p in parts):
                    return reduce(and_, parts)
                return None
            # A union: the plain codenames' grant roots are merged into one organization filter
            # per field (two codenames granted over the same unit give one clause, not two).
            parts = [_action_q(scope, user, c, seen | {action}) for c in spec.codenames if nested(c)]
            plain = [c for c in spec.codenames if not nested(c)]
            if plain:
                parts.append(_field_q(scope, user, plain[0] if len(plain) == 1 else AnyOf(*plain)))
            held = [p for p in parts if p is not None]
            return reduce(or_, held) if held else None
    if scope.extra is not None:
        extra = scope.extra(user, action)
        if extra is not None:
            clauses.append(extra)
    return reduce(or_, clauses) if clauses else None


def scope_q(model: type[models.Model], user, action: str | AnyOf | AllOf = "view") -> Q:
    """The filter behind `restrict()`: fail-closed.

    SYSTEM → everything; None, anonymous, inactive → nothing; superuser → everything;
    otherwise the organizations where the user holds the action's permission(s), widened by
    the model's `extra`. An action the model does not name grants nothing."""
    scope: Scope = model.scope
    if is_system(user):
        return Q()
    if not _is_real_active_user(user):
        return Q(pk__in=[])
    if user.is_superuser:
        return Q()
    q = _action_q(scope, user, action)
    return Q(pk__in=[]) if q is None else q


class ScopedQuerySet(models.QuerySet):
    def restrict(self, user, action: str | AnyOf | AllOf = "view"):
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
    """Re-check inside a write that `user` may perform `action` on the stored `obj`.
    The system actor only reads: it never passes a write re-check."""
    if is_system(user) or not type(obj).objects.restrict(user, action).filter(pk=obj.pk).exists():
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
            assign_perm(jurisdiction.permission_name(codename), group, org)


def revoke_grant(group_or_user, codename: str, organization) -> None:
    from guardian.shortcuts import remove_perm

    remove_perm(jurisdiction.permission_name(codename), group_or_user, organization)


def users_with_org_perm(organization_ids, codename: str, *, role: str | None = None) -> dict[int, set[int]]:
    """The reverse of `org_ids`: for each organization, the ids of active users holding
    `codename` over it (a grant on the organization or an ancestor covers it), through
    role groups and direct user grants. With `role`, only groups of that role count.
    Used to address reminders; four queries whatever the number of organizations."""
    from collections import defaultdict

    from django.contrib.auth import get_user_model

    Organization = _organization_model()
    GroupPerm = jurisdiction.group_permission_model()
    UserPerm = jurisdiction.user_permission_model()
    orgs = list(Organization.objects.filter(pk__in=set(organization_ids)).values_list("id", "path"))
    if not orgs:
        return {}
    ancestors = {oid: jurisdiction.ancestor_ids(path) for oid, path in orgs}
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
