"""Login throttling: repeated failures lock a username and an address for a while."""

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.core.exceptions import PermissionDenied


def _keys(username: str, request) -> list[str]:
    keys = [f"login-fail:user:{(username or '').lower()}"]
    ip = request.META.get("REMOTE_ADDR") if request is not None else None
    if ip:
        keys.append(f"login-fail:ip:{ip}")
    return keys


def is_locked(username: str, request) -> bool:
    limit = settings.LOGIN_FAILURE_LIMIT
    return any((cache.get(k) or 0) >= limit for k in _keys(username, request))


def record_failure(username: str, request) -> None:
    for key in _keys(username, request):
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, settings.LOGIN_LOCK_SECONDS)


def clear_failures(username: str, request) -> None:
    cache.delete_many(_keys(username, request))


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
