"""One parser for request parameters (query strings, form fields, URL ids).

Each parser takes the raw value (a string, or None / "" when absent) and returns a typed
value or raises `django.core.exceptions.ValidationError({field: "中文消息"})`. The API's
exception handler turns that into a 400 with the message under the field name; pages show
it as a filter or form error. Nothing downstream ever sees an out-of-range year or a
malformed id, so no query or `datetime.date(...)` call can fail with a 500.

    year = parse_year(request.query_params.get("year"), default=today.year)
    org = parse_int(request.GET.get("organization"), field="organization", minimum=1)
"""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError

YEAR_MIN = 2000
YEAR_MAX = 2100
# PostgreSQL integer columns: ids and counts beyond this overflow the query.
INT_MAX = 2**31 - 1

_MISSING = object()
_INT_RE = re.compile(r"[-+]?[0-9]{1,18}")


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def parse_int(
    value,
    *,
    field: str = "id",
    default=_MISSING,
    minimum: int | None = None,
    maximum: int | None = INT_MAX,
    label: str = "",
):
    """An integer within [minimum, maximum]; `default` when blank (required if no default)."""
    name = label or field
    if _blank(value):
        if default is _MISSING:
            raise ValidationError({field: f"请填写{name}。"})
        return default
    if isinstance(value, bool):
        raise ValidationError({field: f"{name}应为整数。"})
    if isinstance(value, int):
        number = value
    else:
        text = str(value).strip()
        if not _INT_RE.fullmatch(text):
            raise ValidationError({field: f"{name}应为整数。"})
        number = int(text)
    if minimum is not None and number < minimum:
        raise ValidationError({field: f"{name}不能小于 {minimum}。"})
    if maximum is not None and number > maximum:
        raise ValidationError({field: f"{name}不能大于 {maximum}。"})
    return number


def parse_year(
    value, *, field: str = "year", default=_MISSING, minimum: int = YEAR_MIN, maximum: int = YEAR_MAX
):
    """A four-digit year between 2000 and 2100 (or the bounds given)."""
    if _blank(value):
        if default is _MISSING:
            raise ValidationError({field: "请填写年度。"})
        return default
    try:
        year = parse_int(value, field=field, minimum=None, maximum=None, label="年度")
    except ValidationError:
        raise ValidationError({field: "年度应为四位数字，例如 2026。"}) from None
    if not minimum <= year <= maximum:
        raise ValidationError({field: f"年度应在 {minimum} 至 {maximum} 之间。"})
    return year


def parse_date(value, *, field: str = "date", default=_MISSING):
    """An ISO date (YYYY-MM-DD) whose year is within the year bounds."""
    if _blank(value):
        if default is _MISSING:
            raise ValidationError({field: "请填写日期。"})
        return default
    if isinstance(value, dt.date):
        return value
    try:
        day = dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValidationError({field: "日期格式应为 YYYY-MM-DD。"}) from None
    if not YEAR_MIN <= day.year <= YEAR_MAX:
        raise ValidationError({field: f"日期应在 {YEAR_MIN} 至 {YEAR_MAX} 年之间。"})
    return day


def parse_pk(value) -> int | None:
    """A URL id: a positive integer, or None when malformed (callers answer 404)."""
    try:
        return parse_int(value, field="pk", minimum=1)
    except ValidationError:
        return None


def page_year(request, value, *, default: int | None = None) -> int:
    """Pages: a bad year shows its message once and the page falls back to `default`
    (this year), instead of failing. The API uses `parse_year` directly (400)."""
    from django.contrib import messages
    from django.utils import timezone

    fallback = default if default is not None else timezone.localdate().year
    try:
        return parse_year(value, default=fallback)
    except ValidationError as exc:
        shown = request.__dict__.setdefault("_cs_param_errors", set())
        for message in exc.message_dict.get("year", []):
            if message not in shown:
                shown.add(message)
                messages.error(request, message)
        return fallback
