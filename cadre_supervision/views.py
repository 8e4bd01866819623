"""Generic page views. Every one of them goes through `restrict()`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.views.generic import DetailView, FormView, ListView, TemplateView

from . import registry
from .accesslog import log_access
from .auth import LOCK_MESSAGE, is_locked
from .excel import xlsx_response
from .history import history_for
from .models import AccessLog


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


class ScopedListView(LoginRequiredMixin, ListView):
    """A filtered, paginated list scoped by `restrict(user, action)`; `?export=xlsx` exports
    exactly the filtered rows (no pagination) and writes an access-log row."""

    action = "view"
    filterset_class = None
    paginate_by = 50
    export_filename: str = "export.xlsx"
    export_columns: Sequence[tuple[str, Callable[[Any], Any]]] = ()

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

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "xlsx" and self.export_columns:
            qs = self.get_queryset()
            if self.filterset is not None and self.filterset.is_bound and not self.filterset.is_valid():
                messages.error(request, "筛选条件有误，未导出。")
                return HttpResponseRedirect(request.path)
            rows = [[fn(obj) for _h, fn in self.export_columns] for obj in qs.iterator(chunk_size=500)]
            log_access(
                user=request.user,
                action=AccessLog.Action.EXPORT,
                object_type=self.model._meta.label_lower,
                object_repr=self.export_filename,
                detail={"filters": request.GET.dict(), "rows": len(rows)},
                request=request,
            )
            return xlsx_response(self.export_filename, [h for h, _fn in self.export_columns], rows)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["filter"] = self.filterset
        query = self.request.GET.copy()
        query.pop("page", None)
        ctx["querystring"] = query.urlencode()
        ctx["can_export"] = bool(self.export_columns)
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
    """A form whose valid data goes to one service call; service errors land on the form."""

    success_message = "已保存。"

    def perform(self, form) -> Any:  # pragma: no cover - subclasses implement
        raise NotImplementedError

    def form_valid(self, form):
        try:
            self.result = self.perform(form)
        except ValidationError as exc:
            apply_validation_error(form, exc)
            return self.form_invalid(form)
        except PermissionDenied as exc:
            form.add_error(None, str(exc) or "您无权进行此操作。")
            return self.form_invalid(form)
        messages.success(self.request, self.success_message)
        return HttpResponseRedirect(self.get_success_url())


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
