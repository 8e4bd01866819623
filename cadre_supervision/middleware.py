"""Request id and history context for every request; sessions kept alive without a write each time."""

import uuid

import pghistory
from django.conf import settings
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.utils import timezone
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


# When the session was last saved (a Unix time, in the session itself: shared by every node).
SESSION_TOUCHED_KEY = "_cs_touched"


def touch_session(session) -> None:
    """Mark `session` for saving when its idle timer should be restarted.

    Sessions expire `SESSION_COOKIE_AGE` seconds after the last save (the database row's
    `expire_date`), and a request restarts that timer. Instead of a write on every request
    (`SESSION_SAVE_EVERY_REQUEST`), the session is saved when it is modified anyway or when more
    than `SESSION_REFRESH_SECONDS` have passed since its last save: an idle session then expires
    at most that much earlier than the full idle time after its last request, never later.
    """
    if session.is_empty():  # no session at all (no cookie, or signed out): nothing to keep alive
        return
    accessed = session.accessed  # reading the stamp must not add `Vary: Cookie` by itself
    last = session.get(SESSION_TOUCHED_KEY)
    session.accessed = accessed
    if session.is_empty():  # the cookie named a session that has expired or been deleted
        return
    now = int(timezone.now().timestamp())
    stale = not isinstance(last, int) or not 0 <= now - last < settings.SESSION_REFRESH_SECONDS
    if session.modified or stale:
        session[SESSION_TOUCHED_KEY] = now


class SessionMiddleware(DjangoSessionMiddleware):
    """Django's session middleware, saving an unmodified session only when its idle timer is due
    for a restart (`touch_session`); everything else (the cookie, deletion when emptied, no save
    on a 5xx answer) is Django's own."""

    def process_response(self, request, response):
        session = getattr(request, "session", None)
        if session is not None:
            touch_session(session)
        return super().process_response(request, response)
