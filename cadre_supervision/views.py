"""Generic page views. Every one of them goes through `restrict()`.

The page kit:
- `ScopedListView` (queryset lists) and `ComputedListView` (lists of computed rows) render one
  `table_class`; a `ComputedListView` whose selector returns a queryset or `PagedRows` pages in the
  database (only one page of rows is read and built), (see `cadre_supervision.tables`) with filter, paging, header sorting and `?export=xlsx`
  (the same columns, with an access-log row).
- `ServiceFormView`: every form page; valid data goes to one service call, a `ValidationError` lands on
  the bound form (so every entered value is shown again).
- `ActionView`: every POST-only state change; scoped lookup first, one service call, a message, a
  redirect to a safe `next` or the object's page.
- `ExportView`: a download of a whole scope (a `registry.ExportKind`): the file while the scope
  is small, a background job beyond (`cadre_supervision.exports`).
- `apply_validation_error`: the one way a service's `ValidationError` becomes form errors;
  `validation_messages` the one way it becomes page messages.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import EmptyResultSet, ImproperlyConfigured, PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models.query import QuerySet
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views import View
from django.views.generic import DetailView, FormView, ListView, TemplateView
from django_tables2.data import TableQuerysetData
from django_tables2.rows import BoundRows

from . import keyset, registry
from .accesslog import log_access
from .auth import LOCK_MESSAGE, is_locked
from .excel import xlsx_multi_response
from .history import history_for
from .models import AccessLog
from .permissions import get_scoped_or_404
from .redirects import safe_next

DENIED = "您无权进行此操作。"


def apply_validation_error(form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form, field by field where possible."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else None
            for e in errors:
                for m in e.messages:
                    form.add_error(target, m)
    else:
        for m in exc.messages:
            form.add_error(None, m)


def validation_messages(request, exc: ValidationError | PermissionDenied) -> None:
    """Show a service's ValidationError (or a refusal) as page messages."""
    if isinstance(exc, ValidationError):
        for m in exc.messages:
            messages.error(request, m)
    else:
        messages.error(request, str(exc) or DENIED)


def form_error_messages(request, form) -> None:
    """Show an invalid POST-only form's errors as page messages (field label first)."""
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        for e in errors:
            messages.error(request, f"{label}：{e}" if label else e)


class PagedRows:
    """Rows computed from a queryset one page at a time: `build(objects) -> rows` turns the page's
    model instances into the table's rows (a dataclass per appointment, say), so a page reads and
    builds only its own rows while counting, sorting (`?sort=` on the queryset's fields) and
    slicing stay in the database. Iterating (the export) reads the queryset in chunks."""

    chunk_size = 2000

    def __init__(self, queryset: QuerySet, build, *, count: int | None = None):
        self.queryset = queryset
        self.build = build
        self._count = count  # known already (from the page's own totals): no COUNT query

    @property
    def model(self):
        return self.queryset.model

    @property
    def query(self):
        return self.queryset.query

    def count(self) -> int:
        if self._count is None:
            self._count = self.queryset.count()
        return self._count

    def __len__(self) -> int:
        return self.count()

    def order_by(self, *fields) -> PagedRows:
        return PagedRows(self.queryset.order_by(*fields), self.build, count=self._count)

    def __getitem__(self, key):
        if isinstance(key, slice):
            return list(self.build(list(self.queryset[key])))
        return list(self.build([self.queryset[key]]))[0]

    def __iter__(self):
        chunk: list = []
        for obj in self.queryset.iterator(chunk_size=self.chunk_size):
            chunk.append(obj)
            if len(chunk) >= self.chunk_size:
                yield from self.build(chunk)
                chunk = []
        if chunk:
            yield from self.build(chunk)


class KeysetPager:
    """One page of a lazily paged table (queryset or `PagedRows`): by number (OFFSET, for a page
    typed in), or after / before a cursor (keyset: what 下一页, 上一页 and 末页 link to), with
    the cursors of the pages next to it. The page's own query carries the ordering keys as
    annotations, so the cursors cost no query; the count is the paginator's COUNT as before."""

    def __init__(self, table, paginator, params, fields, source, build, keys):
        self.table, self.paginator, self.params, self.fields = table, paginator, params, fields
        self.source, self.build, self.keys = source, build, keys
        self.names = [f"_keyset_{i}" for i in range(len(keys))]
        self.invalid = False
        self.first_values = self.last_values = None

    @classmethod
    def for_table(cls, table, paginator, params, fields) -> KeysetPager | None:
        data = getattr(table.data, "data", None)
        if isinstance(data, PagedRows):
            source, build = data.queryset, data.build
        elif isinstance(data, QuerySet):
            source, build = data, None
        else:
            return None  # rows listed in Python: paged in Python
        keys = keyset.keys_for(source)
        if keys is None:
            return None
        return cls(table, paginator, params, fields, source, build, keys)

    def _fetch(self, where, keys, limit, offset=0) -> list:
        qs = self.source.annotate(**{n: models.F(k.path) for n, k in zip(self.names, self.keys, strict=True)})
        if where is not None:
            qs = qs.filter(where)
        objs = list(qs.order_by(*keyset.order_by(keys))[offset : offset + limit])
        return objs

    def _values(self, obj) -> list:
        return [getattr(obj, n) for n in self.names]

    def _page(self, objs, number):
        if objs:
            self.first_values, self.last_values = self._values(objs[0]), self._values(objs[-1])
        records = list(self.build(objs)) if self.build is not None else objs
        return Page(BoundRows(records, table=self.table), number, self.paginator)

    def page(self):
        per_page, get = self.paginator.per_page, self.params.get
        raw_page, after, before = (
            get(self.fields["page"]),
            get(self.fields["after"]),
            get(self.fields["before"]),
        )
        try:
            if after or before:
                values, number = keyset.decode(after or before, keys=self.keys)
                if after:
                    objs = self._fetch(keyset.after(self.keys, values), self.keys, per_page)
                else:
                    back = keyset.reversed_keys(self.keys)
                    objs = self._fetch(keyset.after(back, values), back, per_page)[::-1]
                # Rows added or removed since the cursor was made: the number is the guide then.
                if objs and (after or len(objs) == per_page or number == 1):
                    return self._page(objs, min(number, self.paginator.num_pages))
                return self._by_number(number)
        except keyset.InvalidCursor:
            self.invalid = True
            return self._by_number(1)
        if raw_page == "last" and self.paginator.num_pages > 1:
            number = self.paginator.num_pages
            on_last = self.paginator.count - (number - 1) * per_page
            objs = self._fetch(None, keyset.reversed_keys(self.keys), on_last)[::-1]
            return self._page(objs, number)
        return self._by_number(raw_page)

    def _by_number(self, raw):
        number = self.paginator.get_page(raw).number  # Django's reading of a page number (lazy)
        return self._page(
            self._fetch(None, self.keys, self.paginator.per_page, (number - 1) * self.paginator.per_page),
            number,
        )

    def links(self, query) -> dict[str, str]:
        """首页 / 上一页 / 下一页 / 末页 URLs (query strings) for the page just read."""
        page = self.table.page

        def url(**extra) -> str:
            q = query.copy()
            for k, v in extra.items():
                q[self.fields[k]] = v
            return "?" + q.urlencode()

        links = {"first": url(page=1), "last": url(page="last")}
        if page.has_previous():
            number = page.number - 1
            links["previous"] = (
                url(before=keyset.encode(keys=self.keys, values=self.first_values, number=number))
                if number > 1 and self.first_values is not None
                else url(page=number)
            )
        if page.has_next() and self.last_values is not None:
            links["next"] = url(
                after=keyset.encode(keys=self.keys, values=self.last_values, number=page.number + 1)
            )
        return links


def kept_count(queryset: QuerySet) -> int:
    """A list's COUNT, kept until a table it reads changes (`keep`): paging through a list, or
    coming back to it from a record, does not count the whole scope again (43 ms for the city's
    98,536 cadres). Keyed by the COUNT's own SQL and parameters, which carry the scope (grant
    paths, the user's id in an `extra`), the filters and the day: two requests share a count
    only when they would run the same statement. Bounded by STATS_KEEP_SECONDS for a table
    written without the ORM's signals or history."""
    from django.conf import settings

    from . import keep

    try:
        sql, params = queryset.order_by().query.sql_with_params()
    except EmptyResultSet:
        return 0
    digest = hashlib.sha256(repr((queryset.db, sql, params)).encode()).hexdigest()
    return keep.kept(f"count:{digest}", queryset.count, ttl=settings.STATS_KEEP_SECONDS)


def is_lazy_rows(data) -> bool:
    """A queryset or `PagedRows`: counted, sorted and sliced in the database."""
    return isinstance(data, QuerySet | PagedRows)


class TableListMixin:
    """Filter, sort (by `?sort=`, in the database for querysets, pk as tiebreak), page and export
    one `table_class`. Subclasses provide `get_table_data()`."""

    table_class = None
    paginate_by = 50
    export_filename: str = "export.xlsx"
    export_object_type: str = ""
    exportable = True

    def get_table_class(self):
        if self.table_class is None:
            raise ImproperlyConfigured(f"{type(self).__name__} needs a table_class")
        return self.table_class

    def get_table_kwargs(self) -> dict[str, Any]:
        return {}

    def filters_invalid(self) -> bool:
        return False

    def build_table(self, data):
        table = self.get_table_class()(data, **self.get_table_kwargs())
        sort = self.request.GET.get(table.prefixed_order_by_field)
        if sort:
            table.order_by = sort
            if table.order_by and isinstance(table.data, TableQuerysetData):
                qs = table.data.data
                table.data.data = qs.order_by(*qs.query.order_by, "pk")
        return table

    def get_export_object_type(self) -> str:
        if self.export_object_type:
            return self.export_object_type
        model = getattr(self, "model", None)
        return model._meta.label_lower if model is not None else ""

    def export(self, request):
        data = self.get_table_data()
        if self.filters_invalid():
            messages.error(request, "筛选条件有误，未导出。")
            return HttpResponseRedirect(request.path)
        sheets = [
            (title, table.export_header(), list(table.export_values()))
            for title, table in self.get_export_tables(self.build_table(data))
        ]
        log_access(
            user=request.user,
            action=AccessLog.Action.EXPORT,
            object_type=self.get_export_object_type(),
            object_repr=self.get_export_filename(),
            detail={"filters": request.GET.dict(), "rows": sum(len(rows) for _t, _h, rows in sheets)},
            request=request,
        )
        return xlsx_multi_response(self.get_export_filename(), sheets)

    def get_export_filename(self) -> str:
        return self.export_filename

    def get_export_tables(self, table) -> list[tuple[str, Any]]:
        """(sheet title, table) pairs written by `?export=xlsx`: by default the page's table."""
        return [("Sheet1", table)]

    def table_context(self, data) -> dict[str, Any]:
        table = self.build_table(data)
        # Marks the table as paginated before the paginator counts it: django-tables2 then
        # counts a queryset with COUNT(*) instead of fetching (and prefetching) every row.
        table.paginator = None
        paginator = Paginator(table.rows, self.paginate_by)
        counted = getattr(table.data, "data", None)
        if isinstance(counted, PagedRows) and counted._count is None:
            counted = counted.queryset
        if isinstance(counted, QuerySet):
            paginator.__dict__["count"] = kept_count(counted)  # Paginator.count is a cached_property
        fields = self.page_fields(table)
        pager = KeysetPager.for_table(table, paginator, self.request.GET, fields)
        if pager is not None:
            page = pager.page()
            if pager.invalid:
                messages.warning(self.request, keyset.INVALID)
        else:
            page = paginator.get_page(self.request.GET.get(table.prefixed_page_field))
        table.paginator, table.page = paginator, page
        query = self.request.GET.copy()
        for name in fields.values():
            query.pop(name, None)
        query.pop("export", None)
        sort_query = query.copy()
        sort_query.pop(table.prefixed_order_by_field, None)
        return {
            "table": table,
            "paginator": paginator,
            "page_obj": page,
            "is_paginated": paginator.num_pages > 1,
            "object_list": [row.record for row in page.object_list],
            "querystring": query.urlencode(),
            "sort_querystring": sort_query.urlencode(),
            "page_links": pager.links(query) if pager is not None else None,
            "can_export": self.exportable,
        }

    def page_fields(self, table) -> dict[str, str]:
        """The query parameters of the pager: page number, and the cursors of 下一页 / 上一页."""
        return {
            "page": table.prefixed_page_field,
            "after": f"{table.prefix}after",
            "before": f"{table.prefix}before",
        }


class ScopedListView(TableListMixin, LoginRequiredMixin, ListView):
    """A filtered, paginated, sortable table scoped by `restrict(user, action)`; `?export=xlsx`
    exports exactly the filtered rows (no pagination) in the table's columns and writes an
    access-log row."""

    action = "view"
    filterset_class = None

    def get_base_queryset(self):
        return super().get_queryset().restrict(self.request.user, self.action)

    def get_queryset(self):
        qs = self.get_base_queryset()
        if self.filterset_class is not None:
            self.filterset = self.filterset_class(self.request.GET or None, queryset=qs, request=self.request)
            qs = self.filterset.qs if self.filterset.is_bound else qs
        else:
            self.filterset = None
        return qs

    def get_table_data(self):
        return self.get_queryset()

    def filters_invalid(self) -> bool:
        fs = self.filterset
        return fs is not None and fs.is_bound and not fs.is_valid()

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "xlsx" and self.exportable:
            return self.export(request)
        self.object_list = self.get_queryset()
        return self.render_to_response(self.get_context_data())

    def paginate_queryset(self, queryset, page_size):  # the table pages itself
        return None, None, queryset, False

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(self.table_context(self.object_list))
        ctx["filter"] = self.filterset
        return ctx


class ComputedListView(TableListMixin, LoginRequiredMixin, TemplateView):
    """A table over computed rows (due lists, coverage, compliance): the same filter, paging,
    sorting (in Python, stable over the selector's order), export and access log as a queryset
    list. Subclasses implement `get_rows()` from the app's selector (scope stays in the selector)
    and may declare `filter_form_class`, a plain form bound to `request.GET`."""

    filter_form_class = None

    def get_filter_form(self):
        if not hasattr(self, "_filter_form"):
            self._filter_form = (
                self.filter_form_class(**self.get_filter_form_kwargs()) if self.filter_form_class else None
            )
        return self._filter_form

    def get_filter_form_kwargs(self) -> dict[str, Any]:
        return {"data": self.request.GET or None}

    def filters(self) -> dict[str, Any]:
        """The filter form's cleaned data ({} when unbound or invalid)."""
        form = self.get_filter_form()
        if form is not None and form.is_bound and form.is_valid():
            return form.cleaned_data
        return {}

    def filters_invalid(self) -> bool:
        form = self.get_filter_form()
        return form is not None and form.is_bound and not form.is_valid()

    def get_rows(self) -> Iterable[Any]:  # pragma: no cover - subclasses implement
        raise NotImplementedError

    def get_table_data(self):
        """The selector's rows, computed once per request: a queryset or `PagedRows` is kept lazy
        (the page reads one page in the database), anything else is listed and paged in Python."""
        if not hasattr(self, "_rows"):
            rows = self.get_rows()
            self._rows = rows if is_lazy_rows(rows) else list(rows)
        return self._rows

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "xlsx" and self.exportable:
            return self.export(request)
        return self.render_to_response(self.get_context_data())

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        table_ctx = self.table_context(self.get_table_data())
        ctx.update(table_ctx)
        ctx["filter_form"] = self.get_filter_form()
        # Lazy rows: only the page's records reach the template (never every row).
        ctx["rows"] = table_ctx["object_list"] if is_lazy_rows(self._rows) else self._rows
        return ctx


class ScopedDetailView(LoginRequiredMixin, DetailView):
    """Out of scope is a 404, exactly like a missing record."""

    action = "view"

    def get_queryset(self):
        return super().get_queryset().restrict(self.request.user, self.action)


class HistoryView(ScopedDetailView):
    template_name = "partials/history_page.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["history"] = history_for(self.object)
        ctx["back_url"] = self.object.get_absolute_url() if hasattr(self.object, "get_absolute_url") else ""
        return ctx


class ServiceFormView(LoginRequiredMixin, FormView):
    """A form page whose valid data goes to one service call (`perform`); a service's
    ValidationError lands on the bound form, which is shown again with every entered value."""

    success_message = "已保存。"

    def perform(self, form) -> Any:  # pragma: no cover - subclasses implement
        raise NotImplementedError

    def get_success_message(self) -> str:
        return self.success_message

    def form_valid(self, form):
        try:
            self.result = self.perform(form)
        except ValidationError as exc:
            apply_validation_error(form, exc)
            return self.form_invalid(form)
        except PermissionDenied as exc:
            form.add_error(None, str(exc) or DENIED)
            return self.form_invalid(form)
        message = self.get_success_message()
        if message:
            messages.success(self.request, message)
        return HttpResponseRedirect(self.get_success_url())


class ActionView(LoginRequiredMixin, View):
    """Every POST-only state change.

    1. Login required; the object (`model`/`queryset`, `pk_url_kwarg`) is looked up through
       `restrict(user, action)` FIRST, so an out-of-scope id is a 404 whatever the body.
    2. An optional `form_class` validates the body; its errors become messages.
    3. `perform(obj, form)` makes one service call; a ValidationError or PermissionDenied becomes
       an error message, success shows `success_message`.
    4. Redirect to a safe `next` (same host only) or `get_success_url(obj, result)`, by default
       the result's or the object's page.
    Set `model = None` for an action without an object (then `perform(None, form)`).
    """

    http_method_names = ["post"]
    model: type[models.Model] | None = None
    queryset = None
    action = "view"
    pk_url_kwarg = "pk"
    form_class = None
    success_message = "已保存。"

    def get_queryset(self):
        if self.queryset is not None:
            return self.queryset.all()
        return self.model._default_manager.all()

    def get_object(self):
        if self.model is None and self.queryset is None:
            return None
        return get_scoped_or_404(
            self.get_queryset(), self.request.user, self.action, pk=self.kwargs[self.pk_url_kwarg]
        )

    def get_form_kwargs(self) -> dict[str, Any]:
        return {"data": self.request.POST, "files": self.request.FILES}

    def get_form(self):
        return self.form_class(**self.get_form_kwargs()) if self.form_class else None

    def perform(self, obj, form) -> Any:  # pragma: no cover - subclasses implement
        raise NotImplementedError

    def get_success_message(self, obj, result) -> str:
        return self.success_message

    def get_success_url(self, obj, result) -> str:
        for target in (result, obj):
            if isinstance(target, models.Model) and hasattr(target, "get_absolute_url"):
                return target.get_absolute_url()
        return reverse("home")

    def post(self, request, *args, **kwargs):
        self.object = obj = self.get_object()
        form = self.get_form()
        result = None
        if form is not None and not form.is_valid():
            form_error_messages(request, form)
        else:
            try:
                result = self.perform(obj, form)
            except (ValidationError, PermissionDenied) as exc:
                validation_messages(request, exc)
            else:
                message = self.get_success_message(obj, result)
                if message:
                    messages.success(request, message)
        return HttpResponseRedirect(safe_next(request, self.get_success_url(obj, result)))


class ExportView(LoginRequiredMixin, View):
    """A download of everything in the user's scope: `export_kind` names its `registry.ExportKind`,
    `get_export_params()` gives its parameters. Both GET and POST (the page's button) answer
    with the file itself while the scope is small (`exports.serves_inline`). Beyond, a POST
    makes the background job (or finds the same one pending) and redirects to its page with a
    message; a GET creates nothing and shows a short page offering that POST."""

    export_kind = ""
    offer_template_name = "exports/offer.html"
    back_url_name = "home"  # where a refused request goes back to

    def get_export_params(self) -> dict:
        return {}

    def get_back_url(self) -> str:
        return reverse(self.back_url_name)

    def get(self, request, *args, **kwargs):
        return self.answer(create=False)

    def post(self, request, *args, **kwargs):
        return self.answer(create=True)

    def answer(self, *, create: bool):
        from . import exports

        request = self.request
        try:
            outcome = exports.export_request(
                user=request.user, kind=self.export_kind, params=self.get_export_params(), create=create
            )
        except ValidationError as exc:
            validation_messages(request, exc)
            return HttpResponseRedirect(self.get_back_url())
        if outcome.file is not None:
            return exports.export_file_response(
                user=request.user, kind=self.export_kind, file=outcome.file, request=request
            )
        if outcome.job is None:
            return TemplateResponse(
                request,
                self.offer_template_name,
                {
                    "label": outcome.label,
                    "post_url": request.get_full_path(),
                    "back_url": self.get_back_url(),
                    "keep_days": exports.KEEP_DAYS,
                },
            )
        messages.success(request, exports.BACKGROUND_MESSAGE if outcome.created else exports.PENDING_MESSAGE)
        return HttpResponseRedirect(outcome.job.get_absolute_url())


class HomeView(LoginRequiredMixin, TemplateView):
    template_name = "home.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["nav_items"] = [i for i in registry.nav_items if i.visible(self.request.user)]
        return ctx


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def form_invalid(self, form):
        # The failure itself is logged and counted by cadre_supervision.auth (for every entrance).
        if is_locked(self.request.POST.get("username", ""), self.request):
            form.errors.clear()
            form.add_error(None, LOCK_MESSAGE)
        return super().form_invalid(form)

    def form_valid(self, form):
        response = super().form_valid(form)
        log_access(
            user=form.get_user(),
            action=AccessLog.Action.LOGIN,
            object_type="auth.user",
            object_repr=form.get_user().get_username(),
            request=self.request,
        )
        return response
