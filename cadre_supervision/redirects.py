"""The one check for user-supplied redirect targets (`next` parameters)."""

from __future__ import annotations

from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request, default: str, *, param: str = "next") -> str:
    """`param` from POST (then GET) when it is a URL on this site, otherwise `default`.

    Off-site URLs (`https://evil.example/`, `//evil.example/`, `/\\evil.example`,
    `javascript:`) fall back to `default`; so does a missing or blank value."""
    target = request.POST.get(param) or request.GET.get(param) or ""
    return safe_url(request, target, default)


def safe_url(request, target: str | None, default: str) -> str:
    """`target` if it is a URL on this site (same host, and https when the request is), else `default`."""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default
