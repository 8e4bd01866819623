"""Pages of the registry: organizations, posts, cadres, tenures, history, Excel import.

Views are thin: reads go through `selectors` (all scoped by `restrict()`), writes through
`services` (which re-check scope inside their transaction).
"""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.generic import TemplateView

from cadre_supervision import registry
from cadre_supervision.permissions import get_scoped_or_404, has_org_perm
from cadre_supervision.views import HistoryView, ScopedDetailView, ScopedListView, ServiceFormView

from . import board, selectors, services
from .choices import KeyCategory
from .filters import CadreFilter, PostFilter
from .forms import (
    AppointmentCreateForm,
    AppointmentEndForm,
    AppointmentForm,
    CadreForm,
    OrganizationForm,
    PostForm,
)
from .models import Appointment, Cadre, Organization, Post
from .tables import CadreTable, PostTable, appointment_violation_labels


def _join(items) -> str:
    return "、".join(str(i) for i in items if i)


# --- organizations -----------------------------------------------------------------------------


class OrganizationTreeView(LoginRequiredMixin, TemplateView):
    template_name = "cadres/organization_tree.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx["tree"] = selectors.organization_tree(user=user)
        ctx["can_create"] = user.is_superuser or has_org_perm(user, "manage_cadres")
        return ctx


class OrganizationChildrenView(LoginRequiredMixin, TemplateView):
    """The visible children of one unit (in scope, else 404), as tree nodes for the page."""

    template_name = "cadres/_org_nodes.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        parent = get_scoped_or_404(Organization, user, "view", pk=kwargs["pk"])
        ctx["nodes"] = selectors.organization_children(user=user, parent=parent)
        return ctx


class OrganizationDetailView(ScopedDetailView):
    model = Organization
    template_name = "cadres/organization_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("parent")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        org = self.object
        ctx.update(selectors.organization_summary(user=user, organization=org))
        ctx["can_manage"] = selectors.can_manage(user, org.pk)
        ctx["parent_visible"] = org.parent_id is not None and has_org_perm(user, "view_cadres", org.parent_id)
        return ctx


class _ObjectFormMixin:
    """For edit forms of an existing record: out of view scope → 404; visible but not
    changeable → 403. Both before any form is shown or processed."""

    model: type = None
    queryset = None

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        qs = self.queryset if self.queryset is not None else self.model.objects.all()
        self.object = get_scoped_or_404(qs, request.user, "view", pk=kwargs["pk"])
        if not self.model.objects.restrict(request.user, "change").filter(pk=self.object.pk).exists():
            raise PermissionDenied("您无权修改该记录。")
        return super().dispatch(request, *args, **kwargs)

    def get_success_url(self):
        return self.object.get_absolute_url()


class _CreateGuardMixin:
    """Create forms: only for users holding manage_cadres somewhere."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not (request.user.is_superuser or has_org_perm(request.user, "manage_cadres")):
            raise PermissionDenied("您无权新增记录。")
        return super().dispatch(request, *args, **kwargs)


class _FormPage(ServiceFormView):
    template_name = "cadres/form.html"
    page_title = ""

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["page_title"] = self.page_title
        ctx["object"] = getattr(self, "object", None)
        ctx["back_url"] = self.get_back_url()
        return ctx

    def get_back_url(self) -> str:
        obj = getattr(self, "object", None)
        return obj.get_absolute_url() if obj is not None else ""

    def get_success_url(self):
        return self.result.get_absolute_url()


class OrganizationCreateView(_CreateGuardMixin, _FormPage):
    form_class = OrganizationForm
    page_title = "新增单位"
    success_message = "单位已创建。"

    def get_initial(self):
        initial = super().get_initial()
        if self.request.GET.get("parent", "").isdigit():
            initial["parent"] = int(self.request.GET["parent"])
        return initial

    def get_back_url(self):
        return reverse("cadres:organization_tree")

    def perform(self, form):
        data = form.service_data()
        return services.organization_create(
            user=self.request.user,
            name=data.pop("name"),
            kind=data.pop("kind"),
            parent=data.pop("parent"),
            **data,
        )


class OrganizationUpdateView(_ObjectFormMixin, _FormPage):
    model = Organization
    form_class = OrganizationForm
    success_message = "单位信息已保存。"

    @property
    def page_title(self):
        return f"编辑单位：{self.object}"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.object}

    def perform(self, form):
        data = form.service_data()
        if data.get("parent") is None and self.object.parent_id is not None:
            data.pop("parent")  # an empty choice never detaches a unit from its parent
        return services.organization_update(user=self.request.user, organization=self.object, **data)


class _RecordHistoryView(HistoryView):
    template_name = "cadres/history.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["history"] = self.build_history(self.object)
        return ctx

    def build_history(self, obj):
        return selectors.record_history(obj)


class OrganizationHistoryView(_RecordHistoryView):
    model = Organization


# --- posts -------------------------------------------------------------------------------------


class PostListView(ScopedListView):
    model = Post
    filterset_class = PostFilter
    table_class = PostTable
    template_name = "cadres/post_list.html"
    export_filename = "岗位清单.xlsx"

    def get_base_queryset(self):
        return selectors.posts_with_holders(user=self.request.user).order_by(
            "organization__path", "sort_order", "id"
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx["can_create"] = user.is_superuser or has_org_perm(user, "manage_cadres")
        return ctx


class PostDetailView(ScopedDetailView):
    model = Post
    template_name = "cadres/post_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("organization")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        post = self.object
        today = timezone.localdate()
        tenures = selectors.post_tenures(post=post)
        current = [a for a in tenures if a.is_current(today)]
        ctx["current"] = current
        ctx["upcoming"] = [a for a in tenures if a.start_date > today]
        ctx["past"] = [a for a in tenures if a.end_date is not None and a.end_date <= today]
        ctx["violations"] = [
            (a, appointment_violation_labels(a, post))
            for a in current
            if appointment_violation_labels(a, post)
        ]
        ctx["key_categories"] = [
            (code, label) for code, label in KeyCategory.choices if code in post.key_categories
        ]
        ctx["can_manage"] = selectors.can_manage(self.request.user, post.organization_id)
        return ctx


class PostCreateView(_CreateGuardMixin, _FormPage):
    form_class = PostForm
    page_title = "新增岗位"
    success_message = "岗位已创建。"

    def get_initial(self):
        initial = super().get_initial()
        if self.request.GET.get("organization", "").isdigit():
            initial["organization"] = int(self.request.GET["organization"])
        return initial

    def get_back_url(self):
        return reverse("cadres:post_list")

    def perform(self, form):
        return services.post_create(user=self.request.user, **form.service_data())


class PostUpdateView(_ObjectFormMixin, _FormPage):
    model = Post
    queryset = Post.objects.select_related("organization")
    form_class = PostForm
    success_message = "岗位信息已保存。"

    @property
    def page_title(self):
        return f"编辑岗位：{self.object}"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.object}

    def perform(self, form):
        return services.post_update(user=self.request.user, post=self.object, **form.service_data())


class PostHistoryView(_RecordHistoryView):
    model = Post


# --- cadres ------------------------------------------------------------------------------------


class CadreListView(ScopedListView):
    model = Cadre
    filterset_class = CadreFilter
    table_class = CadreTable
    template_name = "cadres/cadre_list.html"
    export_filename = "干部名册.xlsx"

    def get_base_queryset(self):
        return selectors.cadre_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx["can_create"] = user.is_superuser or has_org_perm(user, "manage_cadres")
        return ctx


def _integrity_url(cadre: Cadre) -> str:
    try:
        return reverse("integrity_file", args=[cadre.pk])
    except NoReverseMatch:
        return ""


class CadreDetailView(ScopedDetailView):
    model = Cadre
    template_name = "cadres/cadre_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("organization", "user")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        cadre: Cadre = self.object
        today = timezone.localdate()
        appointments = selectors.cadre_appointments(cadre=cadre)
        current = [a for a in appointments if a.is_current(today)]
        cadre.current_appointments = current  # feeds primary_appointment, violations (no re-query)
        for a in appointments:
            a.current_flag = a in current
            a.violation_labels = appointment_violation_labels(a, a.post)
        panels = []
        for fn in registry.cadre_page_panels:
            panel = fn(cadre, user)
            if panel:
                html = render_to_string(
                    panel["template"], {"cadre": cadre, **(panel.get("context") or {})}, request=self.request
                )
                panels.append({"title": panel.get("title", ""), "html": html})
        ctx.update(
            appointments=appointments,
            current=current,
            education_records=list(cadre.education_records.all()),
            violation_labels=cadre.portfolio_violation_labels,
            panels=panels,
            warnings=board.cadre_signals(user, cadre),
            integrity_url=_integrity_url(cadre),
            can_manage=selectors.can_manage(user, cadre.organization_id),
            can_view_id=has_org_perm(user, "view_citizen_ids", cadre.organization_id),
            manageable_appointments={
                a.pk for a in appointments if selectors.can_manage(user, a.post.organization_id)
            },
            today=today,
        )
        from .dossier_views import dossier_context

        ctx.update(dossier_context(self.request, cadre, today=today))
        return ctx


class CadreCitizenIdView(CadreDetailView):
    """POST: reveal the full citizen ID once (logged by the service); never cached."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        revealed = services.cadre_citizen_id(user=request.user, cadre=self.object, request=request)
        ctx = self.get_context_data(object=self.object, revealed_citizen_id=revealed)
        response = render(request, self.template_name, ctx)
        response["Cache-Control"] = "no-store"
        return response


class CadreCreateView(_CreateGuardMixin, _FormPage):
    form_class = CadreForm
    page_title = "新增干部"
    success_message = "干部信息已登记。"

    def get_initial(self):
        initial = super().get_initial()
        if self.request.GET.get("organization", "").isdigit():
            initial["organization"] = int(self.request.GET["organization"])
        return initial

    def get_back_url(self):
        return reverse("cadres:cadre_list")

    def perform(self, form):
        return services.cadre_create(
            user=self.request.user, citizen_id=form.cleaned_data["citizen_id"], **form.service_data()
        )


class CadreUpdateView(_ObjectFormMixin, _FormPage):
    model = Cadre
    form_class = CadreForm
    success_message = "干部信息已保存。"

    @property
    def page_title(self):
        return f"编辑干部：{self.object}"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.object}

    def perform(self, form):
        return services.cadre_update(
            user=self.request.user,
            cadre=self.object,
            citizen_id=form.cleaned_data.get("citizen_id") or None,
            **form.service_kwargs(),
        )


class CadreHistoryView(_RecordHistoryView):
    model = Cadre

    def build_history(self, obj):
        return selectors.cadre_history(cadre=obj)


# --- appointments ------------------------------------------------------------------------------


class AppointmentCreateView(_ObjectFormMixin, _FormPage):
    """Add a tenure to a cadre (the cadre must be changeable; the post in scope)."""

    model = Cadre
    form_class = AppointmentCreateForm
    success_message = "任职已登记。"

    @property
    def page_title(self):
        return f"新增任职：{self.object}"

    def get_initial(self):
        return {**super().get_initial(), "start_date": timezone.localdate()}

    def perform(self, form):
        data = form.service_data()
        post = data.pop("post")
        return services.appointment_create(user=self.request.user, cadre=self.object, post=post, **data)


class AppointmentUpdateView(_ObjectFormMixin, _FormPage):
    model = Appointment
    queryset = Appointment.objects.select_related("cadre", "post", "post__organization")
    form_class = AppointmentForm
    success_message = "任职信息已保存。"

    @property
    def page_title(self):
        return f"编辑任职：{self.object.cadre.name} · {self.object.post}"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.object}

    def perform(self, form):
        return services.appointment_update(
            user=self.request.user, appointment=self.object, **form.service_data()
        )


class AppointmentEndView(_ObjectFormMixin, _FormPage):
    model = Appointment
    queryset = Appointment.objects.select_related("cadre", "post", "post__organization")
    form_class = AppointmentEndForm
    success_message = "已登记离任。"

    @property
    def page_title(self):
        return f"登记离任：{self.object.cadre.name} · {self.object.post}"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.pop("user")
        return kwargs

    def get_initial(self):
        return {"end_date": timezone.localdate()}

    def perform(self, form):
        return services.appointment_end(
            user=self.request.user,
            appointment=self.object,
            end_date=form.cleaned_data["end_date"],
            reason=form.cleaned_data["reason"],
        )
