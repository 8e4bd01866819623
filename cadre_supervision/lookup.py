"""Type-ahead lookups: one scoped endpoint per kind of record a form or filter picks.

    GET /api/v1/lookup/<source>/?q=zs&action=manage_rotations&set=active&limit=20
    -> {"results": [{"id": 12, "text": "张三（城关镇）"}, ...], "more": false}

A source is registered by the app that owns the model (`cadres` registers cadres, posts,
appointments and organizations; apps add named `set`s that narrow a source, e.g. the
appointments an audit may be opened on). The rows are read with the same function the form
field uses (`source_queryset`), so a picker never offers a row the form would refuse, and a
form refuses any id outside it ("选择的对象不存在"). Scoped models are read with
`restrict(user, action)`; `action` must be one the source accepts (else 400).

Organizations also answer `parent=<id>` / `parent=root` (the children of a unit, for the
tree picker): each row then carries `has_children`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from . import jurisdiction, params

MAX_LIMIT = 50
DEFAULT_LIMIT = 20
MAX_QUERY = 50


@dataclass(frozen=True)
class LookupSet:
    """A named narrowing of a source: `narrow(qs, user) -> qs`. A set registered with
    `own_scope=True` starts from every row of the model and is its own scope (e.g. the
    people one may name as interviewer: the caller and the assigned supervisors)."""

    name: str
    narrow: Callable[[QuerySet, object], QuerySet]
    own_scope: bool = False


@dataclass
class Source:
    name: str
    model: type
    # (user, action) -> the scoped rows; action is one of `actions`.
    base: Callable[[object, str], QuerySet]
    # (qs, text, user) -> the rows matching the typed text.
    search: Callable[[QuerySet, str, object], QuerySet]
    label: Callable[[object], str]
    actions: tuple[str, ...] = ("view",)
    default_action: str = "view"
    order: tuple[str, ...] = ("pk",)
    sets: dict[str, LookupSet] = field(default_factory=dict)
    # path from the row to its organization, for `under=<organization id>` (subtree)
    org_path: str | None = None
    tree: bool = False  # the rows are organizations: `parent=` answers a level of the tree


_SOURCES: dict[str, Source] = {}


def register_source(source: Source) -> Source:
    _SOURCES[source.name] = source
    return source


def register_set(
    source_name: str, name: str, narrow: Callable[[QuerySet, object], QuerySet], *, own_scope: bool = False
) -> None:
    _SOURCES[source_name].sets[name] = LookupSet(name, narrow, own_scope)


def get_source(name: str) -> Source:
    try:
        return _SOURCES[name]
    except KeyError:
        raise LookupError(name) from None


def sources() -> dict[str, Source]:
    return dict(_SOURCES)


def _check(source: Source, action: str | None, set_name: str | None) -> tuple[str, LookupSet | None]:
    action = action or source.default_action
    if action not in source.actions:
        raise ValidationError({"action": "不支持的权限类型。"})
    chosen = None
    if set_name:
        chosen = source.sets.get(set_name)
        if chosen is None:
            raise ValidationError({"set": "不支持的候选范围。"})
    return action, chosen


def source_queryset(
    name: str, user, *, action: str | None = None, set_name: str | None = None, under=None
) -> QuerySet:
    """The rows a picker of `name` offers `user` (and the only ids its field accepts).

    `under` (an organization instance or id) narrows to that unit's subtree; an
    organization outside the caller's view scope narrows to nothing."""
    source = get_source(name)
    action, chosen = _check(source, action, set_name)
    if chosen is not None and chosen.own_scope:
        qs = chosen.narrow(source.model._default_manager.all(), user)
    else:
        qs = source.base(user, action)
        if chosen is not None:
            qs = chosen.narrow(qs, user)
    if under is not None:
        qs = _under(source, qs, user, under)
    return qs.order_by(*source.order)


def _under(source: Source, qs: QuerySet, user, under) -> QuerySet:
    if source.org_path is None:
        raise ValidationError({"under": "该类对象不能按单位筛选。"})
    orgs = jurisdiction.organization_model().objects.restrict(user, "view")
    if hasattr(under, "pk"):
        org = orgs.filter(pk=under.pk).only("path").first()
    else:
        org = orgs.filter(pk=under).only("path").first()
    if org is None:
        return qs.none()
    prefix = f"{source.org_path}__" if source.org_path else ""
    return qs.filter(**{f"{prefix}path__startswith": org.path})


def label_of(name: str, obj) -> str:
    return get_source(name).label(obj)


def lookup_rows(
    name: str,
    user,
    *,
    q: str = "",
    action: str | None = None,
    set_name: str | None = None,
    under: int | None = None,
    parent: str | None = None,
    limit: int = DEFAULT_LIMIT,
) -> dict:
    """One page of matches: limit + 1 rows are read to tell whether there are more."""
    source = get_source(name)
    qs = source_queryset(name, user, action=action, set_name=set_name, under=under)
    if parent is not None:
        if not source.tree:
            raise ValidationError({"parent": "该类对象没有层级。"})
        if parent == "root":
            # Roots of the visible forest: units whose parent is not visible (or none).
            qs = qs.exclude(parent__in=qs.model.objects.filter(pk__in=qs.values("pk")))
        else:
            qs = qs.filter(parent_id=params.parse_int(parent, field="parent", minimum=1, label="上级单位"))
        # a child counts when it is in the same scope
        scope = source_queryset(name, user, action=action, set_name=set_name)
        qs = qs.annotate(
            has_children=Exists(scope.model.objects.filter(pk__in=scope.values("pk"), parent=OuterRef("pk")))
        )
    text = (q or "").strip()
    if text:
        qs = source.search(qs, text, user)
    rows = list(qs[: limit + 1])
    results = []
    for obj in rows[:limit]:
        row = {"id": obj.pk, "text": source.label(obj)}
        if parent is not None:
            row["has_children"] = bool(obj.has_children)
        results.append(row)
    return {"results": results, "more": len(rows) > limit}


class LookupView(APIView):
    """`GET /api/v1/lookup/<source>/`: a small page of scoped matches for a picker."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["lookup"],
        summary="选择器候选项（按姓名、拼音首字母、身份证后四位搜索）",
        parameters=[
            OpenApiParameter("q", str, description="搜索内容"),
            OpenApiParameter("action", str, description="表单所需的权限"),
            OpenApiParameter("set", str, description="候选范围"),
            OpenApiParameter("under", int, description="单位（含下级）"),
            OpenApiParameter("parent", str, description="上级单位编号，或 root"),
            OpenApiParameter("limit", int, description="条数（1—50）"),
        ],
        responses={200: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT, 404: OpenApiTypes.OBJECT},
    )
    def get(self, request, source: str):
        try:
            get_source(source)
        except LookupError:
            return Response({"detail": "未找到。"}, status=404)
        qp = request.query_params
        q = qp.get("q", "")
        if len(q) > MAX_QUERY:
            raise ValidationError({"q": f"搜索内容不能超过 {MAX_QUERY} 个字。"})
        if "\x00" in q:
            raise ValidationError({"q": "搜索内容含有无效字符。"})
        limit = params.parse_int(
            qp.get("limit"), field="limit", default=DEFAULT_LIMIT, minimum=1, maximum=MAX_LIMIT, label="条数"
        )
        under = qp.get("under")
        if under not in (None, ""):
            under = params.parse_int(under, field="under", minimum=1, label="单位")
        else:
            under = None
        parent = qp.get("parent") or None
        return Response(
            lookup_rows(
                source,
                request.user,
                q=q,
                action=qp.get("action") or None,
                set_name=qp.get("set") or None,
                under=under,
                parent=parent,
                limit=limit,
            )
        )


# --- user accounts ------------------------------------------------------------------------------


def _users_base(user, action):
    """Active accounts, for callers who hold a role (staff who pick colleagues); nobody
    else reads the list of people. Apps narrow it with named sets (interviewers, ...)."""
    from django.contrib.auth import get_user_model

    from .permissions import is_system, role_codes

    User = get_user_model()
    real = user is not None and not is_system(user) and user.is_authenticated and user.is_active
    if not real or not (user.is_superuser or role_codes(user)):
        return User.objects.none()
    return User.objects.filter(is_active=True)


def _search_users(qs, text, user):
    from django.db.models import Q

    return qs.filter(
        Q(username__icontains=text) | Q(first_name__icontains=text) | Q(last_name__icontains=text)
    )


def register_users() -> None:
    from django.contrib.auth import get_user_model

    from .people import display_name

    register_source(
        Source(
            name="users",
            model=get_user_model(),
            base=_users_base,
            search=_search_users,
            label=display_name,
            order=("last_name", "first_name", "username", "id"),
        )
    )
