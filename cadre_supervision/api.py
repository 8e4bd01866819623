"""API base: pagination, error format, the scoped viewset every app's API builds on."""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import exceptions, mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from . import keep, memo, params, representation
from .history import history_for
from .pagination import DefaultCursorPagination  # noqa: F401  (re-export)
from .people import display_name
from .permissions import has_any_scope


def django_validation_to_drf(exc: DjangoValidationError) -> exceptions.ValidationError:
    if hasattr(exc, "error_dict"):
        detail = {k: [str(m) for e in v for m in e.messages] for k, v in exc.error_dict.items()}
        if "__all__" in detail:
            detail["non_field_errors"] = detail.pop("__all__")
        return exceptions.ValidationError(detail)
    return exceptions.ValidationError({"non_field_errors": [str(m) for m in exc.messages]})


def exception_handler(exc, context):
    """Service-layer errors become DRF errors: field-keyed JSON, Chinese messages."""
    if isinstance(exc, DjangoValidationError):
        exc = django_validation_to_drf(exc)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound("记录不存在或无权查看")
    return drf_exception_handler(exc, context)


ERROR_RESPONSES = {
    "400": "参数或请求内容有误：按字段给出中文消息（{字段: [消息]}）",
    "401": "未登录或令牌无效",
    "403": "无权进行此操作",
    "404": "记录不存在或无权查看（编号格式错误同样视为不存在）",
    "429": "请求过于频繁，请稍后再试",
}


class AutoSchema(SpectacularAutoSchema):
    """The project's schema generator (REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"]): what the API
    really answers.

    * Filter parameters allow an empty value (an empty filter is no filter).
    * Every operation documents the error answers it can give (400/401/403/404/429, a JSON
      object: `{"detail": "..."}` or field-keyed message lists).
    * A read-only field is nullable when its model column is, or when it falls back to
      `default=None` (DRF drops allow_null/allow_blank from read-only model fields); a
      read-only choice field whose column allows blank admits "".
    """

    def _get_parameters(self):
        # Filter forms are shared with the pages, whose GET forms send every field, empty
        # ones included: an empty query value means "no filter" / "the default" and is
        # documented as allowed.
        parameters = super()._get_parameters()
        for parameter in parameters:
            if parameter.get("in") == "query":
                parameter["allowEmptyValue"] = True
        return parameters

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code, description in ERROR_RESPONSES.items():
            responses.setdefault(
                code,
                {
                    "description": description,
                    "content": {
                        "application/json": {"schema": {"type": "object", "additionalProperties": {}}}
                    },
                },
            )
        return responses

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        result = super()._map_serializer_field(field, direction, bypass_extensions)
        if not getattr(field, "read_only", False) or not isinstance(result, dict):
            return result
        nullable = field.default is None
        blank = False
        model = getattr(getattr(getattr(field, "parent", None), "Meta", None), "model", None)
        source = getattr(field, "source", None)
        if model is not None and source and "." not in source and source != "*":
            try:
                column = model._meta.get_field(source)
            except Exception:  # noqa: BLE001 - an annotation or property, not a column
                column = None
            if column is not None and not column.is_relation:
                nullable = nullable or column.null
                blank = bool(column.blank and column.choices)
        if not (nullable or blank):
            return result
        if "$ref" in result or "oneOf" in result:
            options = list(result["oneOf"]) if "oneOf" in result and "$ref" not in result else [result]
            if blank and not any(o.get("enum") == [""] for o in options):
                options.append({"type": "string", "enum": [""]})
            if nullable and not any(o.get("enum") == [None] for o in options):
                options.append({"enum": [None], "nullable": True})
            extra = (
                {k: v for k, v in result.items() if k not in ("$ref", "oneOf")}
                if "$ref" not in result
                else {}
            )
            return {"oneOf": options, **extra, "readOnly": True}
        if blank and "enum" in result and "" not in result["enum"]:
            result = {**result, "enum": [*result["enum"], ""]}
        if nullable:
            result = {**result, "nullable": True}
            if "enum" in result and None not in result["enum"]:
                result["enum"] = [*result["enum"], None]
        return result


@csrf_exempt
def api_not_found(request, *args, **kwargs):
    """Any /api/ path no route matches (`/api/v1/cadres/0.5/`): a JSON 404 like every other."""
    from django.http import JsonResponse

    return JsonResponse({"detail": "记录不存在或无权查看"}, status=404)


class HistoryContextMixin:
    """Token-authenticated requests are only known after DRF auth: add them to history context."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if request.method not in ("GET", "HEAD", "OPTIONS") and request.user.is_authenticated:
            pghistory.context(
                user=request.user.pk,
                username=request.user.get_username(),
                request_id=getattr(request._request, "request_id", ""),
            )


# The API's serializers: DRF's, with the cheap `to_representation` of
# `cadre_supervision.representation` (the same bodies). In a `SerializerMethodField` that
# serialises related rows, `self.nested(X, items)` answers what `X(items, many=True).data`
# does, building `X` once per page. No docstrings here: drf-spectacular would describe every
# serializer without one of its own by its nearest base's docstring.


class Serializer(representation.FastRepresentationMixin, serializers.Serializer):
    pass


class ModelSerializer(representation.FastRepresentationMixin, serializers.ModelSerializer):
    pass


class ScopedViewSetMixin(HistoryContextMixin):
    """Every list and detail goes through `Model.objects.restrict(user, action)`.

    Subclasses set `queryset` (with select_related for the list) and implement writes by
    calling the app's services in `perform_create` / `perform_update` / `perform_destroy`.

    `get_object()` runs before any body is validated (DRF's update and every detail action
    call it first), so a record outside the caller's scope is a 404 whatever the body. A
    malformed id (`abc`) never reaches the database: it, and an id too
    large for the column is "not found" (a JSON 404) as well.
    """

    view_action = "view"

    def get_queryset(self):
        qs = super().get_queryset()
        return qs.restrict(self.request.user, self.view_action)

    def list(self, request, *args, **kwargs):
        # Values a row's serialisation reads from the cache (a catalogue) are read once per page.
        with memo.memo_scope():
            return super().list(request, *args, **kwargs)

    def get_object(self):
        lookup = self.lookup_url_kwarg or self.lookup_field
        if lookup in self.kwargs and params.parse_pk(self.kwargs[lookup]) is None:
            raise Http404
        return super().get_object()


class ScopedRelatedField(serializers.PrimaryKeyRelatedField):
    """A primary-key reference resolved inside the caller's scope.

    An id outside the caller's scope gets exactly the answer a nonexistent id gets (400,
    "does_not_exist"), so a write can never probe which records exist elsewhere; the list of
    choices (browsable API) is the same scope. Services still re-check what they write.
    """

    def __init__(self, model=None, action: str = "view", **kwargs):
        self.model = model
        self.scope_action = action
        if not kwargs.get("read_only"):
            kwargs.setdefault("queryset", model.objects.all())
        super().__init__(**kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        qs = self.model.objects.all()
        if request is None:
            return qs.none()
        return qs.restrict(request.user, self.scope_action)

    def to_internal_value(self, data):
        if self.pk_field is not None:
            data = self.pk_field.to_internal_value(data)
        if isinstance(data, bool) or not isinstance(data, (int, str)):
            self.fail("incorrect_type", data_type=type(data).__name__)
        try:
            pk = params.parse_int(data, field=self.field_name or "id")
        except DjangoValidationError:
            self.fail("incorrect_type", data_type=type(data).__name__)
        try:
            return self.get_queryset().get(pk=pk)
        except self.model.DoesNotExist:
            self.fail("does_not_exist", pk_value=data)


@extend_schema_field(OpenApiTypes.STR)
class PersonNameField(serializers.Field):
    """A person (a user account) as pages name them: full name, never the login name; "" for none."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        kwargs.setdefault("default", "")
        super().__init__(**kwargs)

    def to_representation(self, value) -> str:
        return display_name(value)


class HistoryChangeSerializer(Serializer):
    """One changed column: the raw values as stored, and the same in plain Chinese beside them."""

    field = serializers.CharField(help_text="字段（内部名称）")
    label = serializers.CharField(help_text="字段名称")
    before = serializers.JSONField(allow_null=True, help_text="修改前（原始值）")
    after = serializers.JSONField(allow_null=True, help_text="修改后（原始值）")
    before_label = serializers.CharField(allow_null=True, help_text="修改前（显示值）")
    after_label = serializers.CharField(allow_null=True, help_text="修改后（显示值）")


class HistoryEntrySerializer(Serializer):
    id = serializers.IntegerField()
    at = serializers.DateTimeField()
    at_label = serializers.CharField(help_text="时间（本地时间，精确到秒）")
    action = serializers.CharField()
    action_label = serializers.CharField(help_text="操作（新建、修改、删除）")
    actor_id = serializers.IntegerField(source="user_id", allow_null=True, help_text="操作人账号编号")
    actor = serializers.CharField(help_text="操作人（职务 姓名；系统操作为空）")
    request_id = serializers.CharField()
    changes = HistoryChangeSerializer(many=True)


def history_response(obj) -> Response:
    return Response(HistoryEntrySerializer(history_for(obj), many=True).data)


class HistoryActionMixin:
    """`GET <resource>/<id>/history/`: the change history of a record in scope (404 otherwise).

    Declared here once; viewsets get it from the scoped bases and never re-declare it."""

    @extend_schema(
        request=None, responses={200: HistoryEntrySerializer(many=True)}, summary="变更历史", filters=False
    )
    @action(detail=True, methods=["get"], url_path="history", pagination_class=None, filter_backends=[])
    def history(self, request, *args, **kwargs):
        return history_response(self.get_object())


class ServiceWritesMixin:
    """Writes go through services: the default `serializer.save()` path is disabled.

    Placed before DRF's mixins in the bases so that these refusals, not `save()`, are what a
    subclass inherits; a subclass offering a write implements the hook by calling its service."""

    def perform_create(self, serializer):  # pragma: no cover - subclasses must override
        raise NotImplementedError

    def perform_update(self, serializer):  # pragma: no cover
        raise NotImplementedError

    def perform_destroy(self, instance):
        # Deleting supervision records is not offered unless a subclass implements it via a service.
        raise exceptions.MethodNotAllowed(self.request.method)


class ServiceUpdateMixin(mixins.UpdateModelMixin):
    """DRF's update, answering with the whole record: the response of a PATCH is serialized
    afresh (not partially), so read-only fields with defaults are never dropped from it."""

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        instance = self.get_object()  # 404 before the body is looked at
        serializer = self.get_serializer(instance, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        self.perform_update(serializer)
        return Response(self.get_serializer(serializer.instance).data)


class ScopedReadOnlyViewSet(
    ServiceWritesMixin,
    ScopedViewSetMixin,
    HistoryActionMixin,
    mixins.RetrieveModelMixin,
    mixins.ListModelMixin,
    viewsets.GenericViewSet,
):
    """List, detail and `history`. For the writes a resource offers, put DRF's mixins first:
    `class X(mixins.CreateModelMixin, ScopedReadOnlyViewSet)` and implement `perform_create`."""


class ScopedModelViewSet(
    ServiceWritesMixin,
    ScopedViewSetMixin,
    HistoryActionMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    ServiceUpdateMixin,
    mixins.DestroyModelMixin,
    mixins.ListModelMixin,
    viewsets.GenericViewSet,
):
    """Create, read, update (and destroy only where a subclass implements it via a service)."""


# A statistics answer is computed again after a write to any table it read (at once) and at the
# latest after this many seconds (a table written without the ORM's signals or a history trigger).
STATS_TTL = getattr(settings, "STATS_KEEP_SECONDS", 300)


class StatsView(HistoryContextMixin, APIView):
    """The base of every `GET /api/v1/stats/<area>/`: aggregates only, over the caller's scope.

    A subclass sets `scope_model` (a scoped model whose `"stats"` action is the area's
    statistics scope; the rows themselves are read by the area's selectors through
    `restrict(user, "stats")`), `require_scope` (True: a caller with no such scope is refused
    with 403; False: the answer is the empty aggregate), `year_default` ("current" for this
    year, None for the area's own default) and implements `compute(request, year=)`.
    The year is parsed by `params.parse_year` (2000..2100) after the scope check, so a bad
    year is a 400 for a caller in scope. The schema gets the `year` parameter from here.
    The answer is kept (`kept_key`) until a table it read changes, at most STATS_TTL seconds.
    """

    scope_model = None  # set by every subclass
    scope_action = "stats"
    require_scope = True
    denied_message = "您无权查看统计数据。"
    year_param = True
    year_default: str | None = "current"

    def may_see(self, user) -> bool:
        return has_any_scope(self.scope_model, user, self.scope_action)

    def get_year(self, request) -> int | None:
        if not self.year_param:
            return None
        default = timezone.localdate().year if self.year_default == "current" else None
        return params.parse_year(request.query_params.get("year"), default=default)

    def compute(self, request, *, year: int | None) -> dict:  # pragma: no cover - subclasses
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        in_scope = self.may_see(request.user)
        if self.require_scope and not in_scope:
            raise exceptions.PermissionDenied(self.denied_message)
        year = self.get_year(request)
        if not in_scope:  # the empty aggregate: computed from the grants alone, nothing to keep
            return Response(self.compute(request, year=year))
        return Response(
            keep.kept(self.kept_key(request, year), lambda: self.compute(request, year=year), ttl=STATS_TTL)
        )

    def kept_key(self, request, year) -> str:
        """The answer is kept per caller, day, language and year until a table it read changes
        (`cadre_supervision.keep`: a grant, a unit, a record of the area) or for STATS_TTL."""
        view = f"{type(self).__module__}.{type(self).__qualname__}"
        return f"stats:{view}:{request.user.pk}:{timezone.localdate().isoformat()}:{get_language()}:{year}"

    @classmethod
    def describe(cls, *, tag: str, summary: str, responses=OpenApiTypes.OBJECT):
        """`@StatsView.describe(tag=..., summary=...)` on a subclass: its `get` in the schema."""

        def decorate(view):
            year = [
                OpenApiParameter(
                    "year",
                    OpenApiTypes.INT,
                    description=f"年度（{params.YEAR_MIN}–{params.YEAR_MAX}；留空为默认年度）",
                    required=False,
                )
            ]
            return extend_schema_view(
                get=extend_schema(
                    tags=[tag],
                    summary=summary,
                    responses={200: responses, 400: OpenApiTypes.OBJECT, 403: OpenApiTypes.OBJECT},
                    parameters=year if view.year_param else [],
                )
            )(view)

        return decorate
