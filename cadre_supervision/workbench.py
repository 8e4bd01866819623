"""The workbench (工作台): the signed-in user's to-do list, headline figures and due calendar,
composed from what each app registers in `cadre_supervision.registry` (todo_sources,
figures, date_sources) so the framework imports no domain app.

Each app's sources live in `<app>/workbench.py` and read with the same selectors and
`restrict()` as its pages; a source answers in a constant number of queries.
"""

from __future__ import annotations

import calendar
import datetime as dt
import logging
from dataclasses import dataclass, field
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError

from . import keep, registry
from .registry import TodoItem

logger = logging.getLogger(__name__)

# How far ahead the to-do list looks: what is due within this many days is "本月".
HORIZON_DAYS = 30

GROUPS = (("overdue", "逾期"), ("week", "本周"), ("month", "本月"))
GROUP_LABELS = dict(GROUPS)


def horizon(today: dt.date) -> dt.date:
    """The last due date a to-do source lists."""
    return today + dt.timedelta(days=HORIZON_DAYS)


def week_end(today: dt.date) -> dt.date:
    return today + dt.timedelta(days=6 - today.weekday())


def urgency(item: TodoItem, today: dt.date) -> str:
    """逾期 (due before today), 本周 (due by Sunday, or with no date: to do now), 本月."""
    if item.due is None:
        return "week"
    if item.due < today:
        return "overdue"
    if item.due <= week_end(today):
        return "week"
    return "month"


@dataclass
class TodoGroup:
    key: str
    label: str
    items: list[TodoItem] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.items)


def _sort_key(item: TodoItem):
    return (item.due or dt.date.min, item.kind, item.title)


def todo_items(user, today: dt.date) -> list[TodoItem]:
    """Every registered source's items for `user`, soonest first, nothing past the horizon; each
    source's part from the cache while the tables it read are unchanged (`keep.kept_many`)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    last = horizon(today)
    parts = keep.kept_many(
        [
            (f"workbench:todo:{user.pk}:{today.isoformat()}:{key}", partial(_todo_part, source, user, today))
            for key, source in list(registry.todo_sources.items())
        ],
        ttl=FIGURES_TTL,
    )
    return sorted((i for part in parts for i in part if i.due is None or i.due <= last), key=_sort_key)


def _todo_part(source, user, today: dt.date) -> list[TodoItem]:
    return list(source(user, today))


def todo_groups(user, today: dt.date) -> list[TodoGroup]:
    """The user's to-do items grouped by urgency (逾期 / 本周 / 本月); every group is
    returned (with its count), empty ones included."""
    groups = {key: TodoGroup(key, label) for key, label in GROUPS}
    for item in todo_items(user, today):
        groups[urgency(item, today)].items.append(item)
    return list(groups.values())


def figures_for(user, today: dt.date) -> list[dict]:
    """The headline figures the user has scope for; a figure whose build answers None (no
    scope) or has no data is left out, so no tile is empty."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    return [f for f in (_figure(figure, user, today) for figure in registry.figures) if f is not None]


# --- the figures' cache -----------------------------------------------------------------------------
# Each figure is an aggregate over the whole scope: it is kept per user and day for FIGURES_TTL
# seconds while the tables it read are unchanged (`keep.kept_many`: a saved record shows at once
# in the figures that read its table, and leaves the others as they were).

FIGURES_TTL = getattr(settings, "WORKBENCH_FIGURES_TTL", 120)


def _figure(figure, user, today: dt.date) -> dict | None:
    data = figure.build(user, today)
    if not data or not data.get("categories"):
        return None
    return {"key": figure.key, "title": figure.title, **data}


def _figure_key(user, today: dt.date, figure) -> str:
    return f"workbench:figure:{user.pk}:{today.isoformat()}:{figure.key}"


def figure_by_key(key: str):
    """The registered figure of `key`, or None."""
    return next((f for f in registry.figures if f.key == key), None)


def cached_figure(user, today: dt.date, figure) -> dict | None:
    """One figure, from the cache while what it read is unchanged (a workbench tile's own request)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    [data] = keep.kept_many(
        [(_figure_key(user, today, figure), partial(_figure, figure, user, today))], ttl=FIGURES_TTL
    )
    return data


def inline_budget() -> float:
    """How long the home page computes figures that are not kept, from its start (the to-do list
    included): each figure left is a placeholder whose tile fetches itself (`cached_figure` behind
    /workbench/figures/<key>/), so the page answers quickly after a write that made every reading
    stale, and the tiles fill in (settings.WORKBENCH_INLINE_SECONDS)."""
    return float(getattr(settings, "WORKBENCH_INLINE_SECONDS", 0.12))


@dataclass(frozen=True)
class PendingFigure:
    """A tile the page did not compute: its key and title, fetched by the browser."""

    key: str
    title: str
    pending: bool = True


def figures_within(user, today: dt.date, *, started: float, budget: float | None = None) -> list:
    """The user's figures in registry order: each a figure dict (kept, or computed while the
    request is within `budget` seconds of `started`, a `time.perf_counter()` reading) or a
    `PendingFigure`; a figure with nothing to show is left out."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    budget = inline_budget() if budget is None else budget
    items = [(_figure_key(user, today, f), partial(_figure, f, user, today)) for f in registry.figures]
    values = keep.kept_many(items, ttl=FIGURES_TTL, until=started + budget)
    out: list = []
    for figure, data in zip(registry.figures, values, strict=True):
        if data is keep.MISSING:
            out.append(PendingFigure(figure.key, figure.title))
        elif data is not None:
            out.append(data)
    return out


def cached_figures(user, today: dt.date) -> list[dict]:
    """`figures_for(user, today)`, each figure from the cache while what it read is unchanged."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    items = [(_figure_key(user, today, f), partial(_figure, f, user, today)) for f in registry.figures]
    return [f for f in keep.kept_many(items, ttl=FIGURES_TTL) if f is not None]


# --- the calendar ----------------------------------------------------------------------------


def parse_month(value: str | None, today: dt.date) -> dt.date:
    """`YYYY-MM` -> the first day of that month; empty -> this month; anything else is a
    ValidationError with a Chinese message."""
    if value in (None, ""):
        return today.replace(day=1)
    try:
        year_s, month_s = str(value).split("-")
        if len(year_s) != 4 or len(month_s) != 2:
            raise ValueError
        first = dt.date(int(year_s), int(month_s), 1)
    except ValueError:
        raise ValidationError({"month": "月份格式应为 YYYY-MM，例如 2026-12。"}) from None
    if not 2000 <= first.year <= 2100:
        raise ValidationError({"month": "月份应在 2000 年至 2100 年之间。"})
    return first


def month_end(first: dt.date) -> dt.date:
    return first.replace(day=calendar.monthrange(first.year, first.month)[1])


def shift_month(first: dt.date, delta: int) -> dt.date:
    n = first.year * 12 + first.month - 1 + delta
    return dt.date(n // 12, n % 12 + 1, 1)


def dated_items(user, start: dt.date, end: dt.date) -> list[TodoItem]:
    """Every registered date source's items of the user's scope with start <= due <= end."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    items: list[TodoItem] = []
    for _key, source in list(registry.date_sources.items()):
        items.extend(i for i in source(user, start, end) if i.due is not None and start <= i.due <= end)
    return sorted(items, key=_sort_key)


# A day cell of the month page shows this many items, then "+N 项" (a link to the whole day).
DAY_ITEMS = 3


def parse_day(value: str | None, first: dt.date) -> dt.date | None:
    """`YYYY-MM-DD` of the month starting `first` -> that date; empty -> None; anything else is
    a ValidationError with a Chinese message."""
    if value in (None, ""):
        return None
    try:
        day = dt.date.fromisoformat(str(value))
        if len(str(value)) != 10:
            raise ValueError
    except ValueError:
        raise ValidationError({"day": "日期格式应为 YYYY-MM-DD，例如 2026-12-01。"}) from None
    if (day.year, day.month) != (first.year, first.month):
        raise ValidationError({"day": f"日期应在所查看的月份（{first.year}年{first.month}月）内。"})
    return day


def month_weeks(first: dt.date, items: list[TodoItem], *, fold: int | None = None) -> list[list[dict]]:
    """The month as weeks (Monday first) of day cells {date, in_month, items, shown, more}:
    `shown` is the first `fold` items of the day (all when fold is None), `more` how many
    are left out of the cell."""
    by_day: dict[dt.date, list[TodoItem]] = {}
    for i in items:
        by_day.setdefault(i.due, []).append(i)
    weeks = []
    for week in calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month):
        cells = []
        for d in week:
            day_items = by_day.get(d, [])
            shown = day_items if fold is None else day_items[:fold]
            cells.append(
                {
                    "date": d,
                    "in_month": d.month == first.month,
                    "items": day_items,
                    "shown": shown,
                    "more": len(day_items) - len(shown),
                }
            )
        weeks.append(cells)
    return weeks


def day_summary(items: list[TodoItem]) -> list[dict]:
    """Per day with items: {date, count, by_label: [(label, n)]}, in date order."""
    days: dict[dt.date, dict] = {}
    for i in items:
        d = days.setdefault(i.due, {"date": i.due, "count": 0, "labels": {}})
        d["count"] += 1
        d["labels"][i.label] = d["labels"].get(i.label, 0) + 1
    return [
        {"date": d["date"], "count": d["count"], "by_label": list(d["labels"].items())}
        for d in sorted(days.values(), key=lambda d: d["date"])
    ]
