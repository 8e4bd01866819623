"""Login throttling, in the shared cache (Redis) so every worker counts together.

- LOGIN_FAILURE_LIMIT failures of one user name from one client address lock that
  (user name, address) pair; other accounts from the same address are not affected.
- LOGIN_IP_FAILURE_LIMIT failures from one address, whatever the user names, lock the address.
- Both locks last LOGIN_LOCK_SECONDS from the first counted failure.
- A successful login clears only its own (user name, address) pair, never the address count.
- The address is `accesslog.client_ip` (REMOTE_ADDR, or the configured proxy header).

Every way in (`/login/`, `/admin/login/`, the API token endpoint) authenticates through
`ThrottledModelBackend`, so all of them count towards the same locks, and every failure,
locked attempts included, is written to the access log by the `user_login_failed` handler.

django-axes was considered: it locks on configurable parameter combinations, but with one
failure limit for all of them, so it cannot express the separate, higher per-address limit.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.signals import user_login_failed
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from .accesslog import client_ip

LOCK_MESSAGE = "登录失败次数过多，账号已临时锁定，请 15 分钟后再试。"


def _pair_key(username: str, ip: str) -> str:
    name = hashlib.sha256((username or "").strip().lower().encode()).hexdigest()[:32]
    return f"login-fail:pair:{name}:{ip}"


def _ip_key(ip: str) -> str:
    return f"login-fail:ip:{ip}"


def _ip(request) -> str:
    return client_ip(request) or "unknown"


def failure_counts(username: str, request) -> tuple[int, int]:
    """(failures of this user name from this address, failures from this address)."""
    ip = _ip(request)
    values = cache.get_many([_pair_key(username, ip), _ip_key(ip)])
    return int(values.get(_pair_key(username, ip)) or 0), int(values.get(_ip_key(ip)) or 0)


def is_locked(username: str, request) -> bool:
    pair, per_ip = failure_counts(username, request)
    return pair >= settings.LOGIN_FAILURE_LIMIT or per_ip >= settings.LOGIN_IP_FAILURE_LIMIT


def _incr(key: str) -> None:
    # add() starts the window only if the key is new; incr() keeps the key's expiry.
    cache.add(key, 0, settings.LOGIN_LOCK_SECONDS)
    try:
        cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, settings.LOGIN_LOCK_SECONDS)


def record_failure(username: str, request) -> None:
    ip = _ip(request)
    _incr(_pair_key(username, ip))
    _incr(_ip_key(ip))


def clear_failures(username: str, request) -> None:
    """After a success: only this user name's count at this address."""
    cache.delete(_pair_key(username, _ip(request)))


class ThrottledModelBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get("username")
        if is_locked(username, request):
            # PermissionDenied stops Django trying other backends.
            raise PermissionDenied("locked")
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            record_failure(username, request)
        else:
            clear_failures(username, request)
        return user


@receiver(user_login_failed, dispatch_uid="cadre_supervision.auth.log_login_failure")
def log_login_failure(sender, credentials, request=None, **kwargs):
    """Every failed authentication (page, admin, token endpoint) lands in the access log."""
    from .accesslog import log_access
    from .models import AccessLog

    username = str(credentials.get("username") or "")
    log_access(
        user=None,
        action=AccessLog.Action.LOGIN_FAILED,
        object_type="auth.user",
        object_repr=username[:150],
        detail={"path": request.path} if request is not None else {},
        request=request,
    )


class _ClientIpMixin:
    """DRF's own get_ident trusts any X-Forwarded-For a client sends; use the configured one."""

    def get_ident(self, request):
        return client_ip(request) or "unknown"


class AnonThrottle(_ClientIpMixin, AnonRateThrottle):
    pass


class UserThrottle(_ClientIpMixin, UserRateThrottle):
    pass
