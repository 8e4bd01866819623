"""The due calendar's subscription feed: per-user secret tokens and the iCalendar body.

The items are those of `workbench.dated_items(user, start, end)` (every app's registered
date sources, read with `restrict()`), so the feed holds exactly what the calendar page
shows for that user. Only the SHA-256 of a token is stored.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

import icalendar
from django.db import transaction
from django.utils import timezone

from .models import CalendarFeedToken
from .notifications import absolute_url
from .workbench import dated_items, month_end, shift_month

# The feed spans the previous month to a year ahead: what a calendar client needs.
FEED_MONTHS_BACK = 1
FEED_MONTHS_AHEAD = 12
PRODID = "-//干部管理监督系统//到期日历//ZH"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def calendar_token_regenerate(*, user) -> str:
    """Make a new feed token for `user` (the old address stops working); returns the token,
    which is not stored and cannot be shown again."""
    token = secrets.token_urlsafe(32)
    CalendarFeedToken.objects.update_or_create(
        user=user, defaults={"token_hash": _hash(token), "created_at": timezone.now(), "last_used_at": None}
    )
    return token


@transaction.atomic
def calendar_token_revoke(*, user) -> int:
    """Delete the user's feed token; returns how many were deleted (0 or 1)."""
    return CalendarFeedToken.objects.filter(user=user).delete()[0]


def user_for_token(token: str):
    """The active user owning `token`, or None. Marks the token as used."""
    if not token or len(token) > 100:
        return None
    row = CalendarFeedToken.objects.select_related("user").filter(token_hash=_hash(token)).first()
    if row is None or not row.user.is_active:
        return None
    CalendarFeedToken.objects.filter(pk=row.pk).update(last_used_at=timezone.now())
    return row.user


def feed_range(today: dt.date) -> tuple[dt.date, dt.date]:
    first = today.replace(day=1)
    return shift_month(first, -FEED_MONTHS_BACK), month_end(shift_month(first, FEED_MONTHS_AHEAD))


def feed_ics(user, today: dt.date) -> bytes:
    """The user's dated items as an iCalendar document: one all-day VEVENT per item."""
    start, end = feed_range(today)
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", "干部管理监督到期事项")
    cal.add("x-wr-timezone", "Asia/Shanghai")
    stamp = timezone.now()
    for item in dated_items(user, start, end):
        event = icalendar.Event()
        event.add("uid", f"{item.uid or item.kind}.{item.due.isoformat()}@cadre-supervision")
        event.add("dtstamp", stamp)
        event.add("dtstart", item.due)
        event.add("dtend", item.due + dt.timedelta(days=1))
        event.add("summary", f"【{item.label}】{item.title}")
        if item.detail:
            event.add("description", item.detail)
        if item.url:
            event.add("url", absolute_url(item.url))
        event.add("categories", [item.label])
        event.add("transp", "TRANSPARENT")
        cal.add_component(event)
    return cal.to_ical()
