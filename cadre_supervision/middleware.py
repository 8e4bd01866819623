"""Request id and history context for every request."""

import uuid

import pghistory
from django.utils.cache import patch_cache_control

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = request.headers.get("X-Request-ID") or uuid.uuid4().hex
        if request.method in SAFE_METHODS:
            response = self.get_response(request)
        else:
            user = getattr(request, "user", None)
            authed = user is not None and user.is_authenticated
            with pghistory.context(
                user=user.pk if authed else None,
                username=user.get_username() if authed else "",
                url=request.path,
                method=request.method,
                request_id=request.request_id,
            ):
                response = self.get_response(request)
        response["X-Request-ID"] = request.request_id
        return response


class NoStoreMiddleware:
    """`Cache-Control: no-store` on every response the application itself produces (pages,
    exports, API answers, file downloads): they may hold personal data and must not be kept
    by a browser or a shared cache. Static files are served by WhiteNoise before this runs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        patch_cache_control(response, no_store=True)
        return response
