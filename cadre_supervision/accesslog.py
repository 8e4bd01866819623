"""Writing the append-only access log of sensitive reads and exports."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.db import models

from .models import AccessLog


def _valid_ip(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    """The client's address: REMOTE_ADDR, or, only when settings.TRUSTED_PROXY_HEADER names
    the header the site's reverse proxy sets, the right-most address in that header (the one
    the proxy saw; entries further left are whatever the client sent)."""
    if request is None:
        return None
    header = settings.TRUSTED_PROXY_HEADER
    if header:
        meta_key = "HTTP_" + header.upper().replace("-", "_")
        forwarded = request.META.get(meta_key, "")
        if forwarded:
            ip = _valid_ip(forwarded.split(",")[-1])
            if ip:
                return ip
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
