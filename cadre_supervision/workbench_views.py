"""Pages of the workbench (工作台): the home page, the due calendar and its .ics feed."""

from __future__ import annotations

import time

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from . import duecalendar, registry, workbench
from .models import CalendarFeedToken
from .views import ActionView, validation_messages

DAY_PAGE_SIZE = 100
WEEKDAYS = ["一", "二", "三", "四", "五", "六", "日"]


class WorkbenchView(LoginRequiredMixin, TemplateView):
    """The home page: the user's to-do list by urgency and the figures of their scope."""

    template_name = "home.html"

    def get_context_data(self, **kwargs):
        started = time.perf_counter()
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        today = timezone.localdate()
        groups = workbench.todo_groups(user, today)
        # The figures kept, and those computed within the page's time budget; the others are
        # placeholders that fetch their tile (WorkbenchFigureView).
        figures = workbench.figures_within(user, today, started=started)
        ctx.update(
            today=today,
            groups=groups,
            todo_total=sum(g.count for g in groups),
            figures=figures,
            charts={f["key"]: chart_data(f) for f in figures if isinstance(f, dict)},
            nav_items=[i for i in registry.nav_items if i.visible(user)],
        )
        return ctx


class WorkbenchFigureView(LoginRequiredMixin, View):
    """One workbench tile (`/workbench/figures/<key>/`), for a figure the home page left to be
    fetched: the tile's HTML and its chart's data; 204 when the figure has nothing to show for the
    user (the page then drops the tile), 404 for a key no app registered."""

    def get(self, request, key: str):
        figure = workbench.figure_by_key(key)
        if figure is None:
            raise Http404("没有这项数据")
        data = workbench.cached_figure(request.user, timezone.localdate(), figure)
        if data is None:
            return HttpResponse(status=204)
        return TemplateResponse(request, "workbench/figure_tile.html", {"f": data, "chart": chart_data(data)})


def chart_data(figure: dict) -> dict:
    """What static/js/workbench.js needs to draw a figure's chart (nothing else)."""
    return {
        "title": figure["title"],
        "type": figure.get("chart", "bar"),
        "unit": figure.get("unit", ""),
        "categories": figure["categories"],
        "series": figure["series"],
    }


class CalendarView(LoginRequiredMixin, TemplateView):
    """The due calendar by month (`?month=YYYY-MM`, one day in full: `&day=YYYY-MM-DD`) over
    the user's scope."""

    template_name = "calendar/month.html"

    def get(self, request, *args, **kwargs):
        today = timezone.localdate()
        try:
            self.first = workbench.parse_month(request.GET.get("month"), today)
        except ValidationError as exc:
            validation_messages(request, exc)
            self.first = today.replace(day=1)
        try:
            self.day = workbench.parse_day(request.GET.get("day"), self.first)
        except ValidationError as exc:
            validation_messages(request, exc)
            self.day = None
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        first = self.first
        last = workbench.month_end(first)
        items = workbench.dated_items(user, first, last)
        # A day cell shows its first few items and "+N 项" (?day=): the month of a whole-city
        # user holds hundreds of talks. The list below is the chosen day's items in full, or
        # else a count per day; the .ics feed and the API keep every item.
        ctx.update(
            month=first,
            today=timezone.localdate(),
            items=items,
            day=self.day,
            **self.day_page([i for i in items if i.due == self.day] if self.day else []),
            days=workbench.day_summary(items),
            weeks=workbench.month_weeks(first, items, fold=workbench.DAY_ITEMS),
            weekdays=WEEKDAYS,
            prev_month=workbench.shift_month(first, -1),
            next_month=workbench.shift_month(first, 1),
            feed=CalendarFeedToken.objects.filter(user=user).first(),
        )
        return ctx

    def day_page(self, day_items) -> dict:
        """The chosen day's items, DAY_PAGE_SIZE a page (`&page=`; a bad page is the last)."""
        paginator = Paginator(day_items, DAY_PAGE_SIZE)
        page = paginator.get_page(self.request.GET.get("page"))
        return {
            "day_items": page.object_list,
            "day_total": len(day_items),
            "paginator": paginator if paginator.num_pages > 1 else None,
            "is_paginated": paginator.num_pages > 1,
            "page_obj": page,
            "querystring": f"month={self.first:%Y-%m}&day={self.day:%Y-%m-%d}" if self.day else "",
        }


class CalendarFeedView(View):
    """The subscription feed: `/calendar/feed/<token>.ics`, no session needed; an unknown or
    revoked token is a 404."""

    def get(self, request, token: str):
        user = duecalendar.user_for_token(token)
        if user is None:
            raise Http404("日历订阅地址无效或已失效")
        body = duecalendar.feed_ics(user, timezone.localdate())
        response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = 'inline; filename="calendar.ics"'
        response["Cache-Control"] = "private, no-store"
        return response


class CalendarTokenView(ActionView):
    """Make (or remake) the feed address; shown once in the page message."""

    success_message = ""

    def perform(self, obj, form):
        token = duecalendar.calendar_token_regenerate(user=self.request.user)
        return self.request.build_absolute_uri(reverse("calendar_feed", args=[token]))

    def get_success_message(self, obj, result) -> str:
        return f"已生成新的订阅地址（原地址已失效），请复制到日历客户端：{result}。此地址仅显示一次，请妥善保管。"

    def get_success_url(self, obj, result) -> str:
        return reverse("calendar")


class CalendarTokenRevokeView(ActionView):
    success_message = "已停用日历订阅地址。"

    def perform(self, obj, form):
        return duecalendar.calendar_token_revoke(user=self.request.user)

    def get_success_url(self, obj, result) -> str:
        return reverse("calendar")
