"""Writing the append-only access log of sensitive reads and exports."""

from __future__ import annotations

from django.db import models

from .models import AccessLog


def client_ip(request) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def log_access(
    *,
    user,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    detail: dict | None = None,
    request=None,
) -> AccessLog:
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:300]
    authed = user is not None and getattr(user, "is_authenticated", False)
    return AccessLog.objects.create(
        user=user if authed else None,
        username=user.get_username() if authed else "",
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr[:300],
        detail=detail or {},
        request_id=getattr(request, "request_id", "") if request is not None else "",
        ip=client_ip(request),
    )


def access_entries_for(obj: models.Model):
    return AccessLog.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
