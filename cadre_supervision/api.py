"""API base: pagination, error format, the scoped viewset every app's API builds on."""

from __future__ import annotations

import pghistory
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .history import history_for
from .pagination import DefaultCursorPagination  # noqa: F401  (re-export)


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


class ScopedViewSetMixin(HistoryContextMixin):
    """Every list and detail goes through `Model.objects.restrict(user, action)`.

    Subclasses set `queryset` (with select_related for the list) and implement writes by
    calling the app's services in `perform_create` / `perform_update` / `perform_destroy`.
    """

    view_action = "view"

    def get_queryset(self):
        qs = super().get_queryset()
        return qs.restrict(self.request.user, self.view_action)


class ScopedRelatedField(serializers.PrimaryKeyRelatedField):
    """A primary-key reference whose choices (browsable API, schema) are the caller's scope.

    Lookups resolve against every row so that a reference to a record outside the caller's
    scope reaches the service, which refuses it with PermissionDenied (403) and saves nothing;
    the list of choices never shows names outside the scope.
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
        try:
            return self.model.objects.get(pk=data)
        except self.model.DoesNotExist:
            self.fail("does_not_exist", pk_value=data)
        except (TypeError, ValueError):
            self.fail("incorrect_type", data_type=type(data).__name__)


class HistoryEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    at = serializers.DateTimeField()
    action = serializers.CharField()
    username = serializers.CharField()
    request_id = serializers.CharField()
    changes = serializers.ListField(child=serializers.DictField())


def history_response(obj) -> Response:
    return Response(HistoryEntrySerializer(history_for(obj), many=True).data)


class HistoryActionMixin:
    """`GET <resource>/<id>/history/`: the change history of a record in scope (404 otherwise)."""

    @extend_schema(responses={200: HistoryEntrySerializer(many=True)}, summary="变更历史")
    @action(detail=True, methods=["get"], url_path="history", pagination_class=None, filter_backends=[])
    def history(self, request, *args, **kwargs):
        return history_response(self.get_object())


class ScopedReadOnlyViewSet(ScopedViewSetMixin, HistoryActionMixin, viewsets.ReadOnlyModelViewSet):
    pass


class ScopedModelViewSet(ScopedViewSetMixin, HistoryActionMixin, viewsets.ModelViewSet):
    """Writes must go through services; the default save() path is disabled."""

    def perform_create(self, serializer):  # pragma: no cover - subclasses must override
        raise NotImplementedError

    def perform_update(self, serializer):  # pragma: no cover
        raise NotImplementedError

    def perform_destroy(self, instance):
        # Deleting supervision records is not offered unless a subclass implements it via a service.
        raise exceptions.MethodNotAllowed(self.request.method)
