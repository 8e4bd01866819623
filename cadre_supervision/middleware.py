"""Request id and history context for every request."""

import uuid

import pghistory

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
