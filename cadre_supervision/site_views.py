"""Shared pages: the notification centre and the administrator's pages (superusers only):
role grants, policy settings and the access-log viewer."""

from __future__ import annotations

import json

import django_filters as df
from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views import View
from django.views.generic import ListView, TemplateView

from . import admin_services, jurisdiction, policy
from .accesslog import log_access
from .excel import xlsx_response
from .models import AccessLog, Notification, PolicySetting
from .notifications import mark_read
from .permissions import ORG_PERMISSION_LABELS, ROLES
from .redirects import safe_next, safe_url
from .views import apply_validation_error


class NotificationListView(LoginRequiredMixin, ListView):
    template_name = "notifications/list.html"
    paginate_by = 50

    def get_queryset(self):
        qs = Notification.objects.filter(recipient=self.request.user)
        if self.request.GET.get("unread") == "1":
            qs = qs.filter(read_at__isnull=True)
        return qs


class NotificationReadView(LoginRequiredMixin, View):
    def post(self, request, pk=None):
        if pk is None:
            mark_read(request.user)
            return HttpResponseRedirect(safe_next(request, reverse("notifications")))
        n = get_object_or_404(Notification, pk=pk, recipient=request.user)  # others' rows: 404
        mark_read(request.user, [n.pk])
        return HttpResponseRedirect(safe_url(request, n.url, reverse("notifications")))


# --- administrator's pages -------------------------------------------------------------------------


class SuperuserRequiredMixin(LoginRequiredMixin):
    """Anonymous → login page; signed-in non-superusers → 403."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.is_superuser:
            raise PermissionDenied("只有系统管理员可以访问此页面。")
        return super().dispatch(request, *args, **kwargs)


def _organizations():
    return jurisdiction.organizations()


class OrganizationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return "　" * obj.depth + obj.name


class RoleGroupForm(forms.Form):
    role = forms.ChoiceField(
        label="角色", choices=[("", "——请选择——")] + [(r.code, r.label) for r in ROLES.values()]
    )
    jurisdiction = forms.CharField(label="管辖范围名称", max_length=100, help_text="例如“全市”、单位名称")


class GrantForm(forms.Form):
    organization = OrganizationChoiceField(
        label="单位（含下级单位）", queryset=None, empty_label="——请选择——"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = _organizations()


class MemberForm(forms.Form):
    username = forms.CharField(label="用户名", max_length=150)

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise ValidationError("没有这个用户（或账号已停用）。")
        self.user = user
        return username


class RoleListView(SuperuserRequiredMixin, TemplateView):
    template_name = "admin_pages/roles.html"

    def get_context_data(self, form=None, **kwargs):
        ctx = super().get_context_data(**kwargs)
        groups = list(admin_services.role_groups().prefetch_related("user_set"))
        GroupPerm = jurisdiction.group_permission_model()
        orgs_by_group: dict[int, list[str]] = {}
        seen = set()
        for gid, org_name in (
            GroupPerm.objects.filter(group__in=groups)
            .order_by("group_id", "content_object__path")
            .values_list("group_id", "content_object__name")
        ):
            if (gid, org_name) not in seen:
                seen.add((gid, org_name))
                orgs_by_group.setdefault(gid, []).append(org_name)
        ctx["rows"] = [
            {
                "group": g,
                "role": ROLES[admin_services.role_of(g)],
                "jurisdiction": g.name.split(":", 1)[1],
                "members": [u.username for u in g.user_set.all()],
                "organizations": orgs_by_group.get(g.pk, []),
            }
            for g in groups
            if admin_services.role_of(g)
        ]
        ctx["form"] = form or RoleGroupForm()
        ctx["roles"] = [
            {
                "label": r.label,
                "description": r.description,
                "permissions": [ORG_PERMISSION_LABELS[c] for c in r.permissions],
            }
            for r in ROLES.values()
        ]
        ctx["tab"] = "roles"
        return ctx

    def post(self, request):
        form = RoleGroupForm(request.POST)
        if form.is_valid():
            try:
                group = admin_services.role_group_create(
                    actor=request.user,
                    role=form.cleaned_data["role"],
                    jurisdiction=form.cleaned_data["jurisdiction"],
                    request=request,
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, f"已创建角色组“{group.name}”，请为它授权单位并添加成员。")
                return HttpResponseRedirect(reverse("admin_role_detail", args=[group.pk]))
        return self.render_to_response(self.get_context_data(form=form))


class RoleDetailView(SuperuserRequiredMixin, TemplateView):
    template_name = "admin_pages/role_detail.html"

    def dispatch(self, request, *args, **kwargs):
        self.group = get_object_or_404(Group, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, grant_form=None, member_form=None, **kwargs):
        ctx = super().get_context_data(**kwargs)
        role = admin_services.role_of(self.group)
        ctx.update(
            group=self.group,
            role=ROLES.get(role) if role else None,
            role_permissions=[(c, ORG_PERMISSION_LABELS[c]) for c in ROLES[role].permissions] if role else [],
            jurisdiction=self.group.name.split(":", 1)[1] if role else "",
            grants=admin_services.group_grants(self.group),
            members=self.group.user_set.order_by("username"),
            grant_form=grant_form or GrantForm(),
            member_form=member_form or MemberForm(),
            usernames=get_user_model()
            .objects.filter(is_active=True)
            .order_by("username")
            .values_list("username", flat=True)[:500],
            tab="roles",
        )
        return ctx

    def post(self, request, pk):
        op = request.POST.get("op")
        user = request.user
        grant_form = member_form = None
        try:
            if op == "grant":
                grant_form = GrantForm(request.POST)
                if grant_form.is_valid():
                    org = grant_form.cleaned_data["organization"]
                    perms = admin_services.role_grant(
                        actor=user, group=self.group, organization=org, request=request
                    )
                    messages.success(request, f"已授予“{org.name}”（含下级单位）的 {len(perms)} 项权限。")
                    return self._back()
            elif op == "revoke":
                org = get_object_or_404(_organizations(), pk=request.POST.get("organization"))
                codename = request.POST.get("codename", "")
                admin_services.role_revoke(
                    actor=user, group=self.group, codename=codename, organization=org, request=request
                )
                messages.success(
                    request, f"已撤销“{org.name}”的“{ORG_PERMISSION_LABELS.get(codename, codename)}”权限。"
                )
                return self._back()
            elif op == "add_member":
                member_form = MemberForm(request.POST)
                if member_form.is_valid():
                    admin_services.role_member_add(
                        actor=user, group=self.group, user=member_form.user, request=request
                    )
                    messages.success(request, f"已将 {member_form.user.username} 加入本角色组。")
                    return self._back()
            elif op == "remove_member":
                member = get_object_or_404(get_user_model(), pk=request.POST.get("user"))
                admin_services.role_member_remove(actor=user, group=self.group, user=member, request=request)
                messages.success(request, f"已将 {member.username} 移出本角色组。")
                return self._back()
            else:
                messages.error(request, "未知的操作。")
                return self._back()
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
            return self._back()
        return self.render_to_response(self.get_context_data(grant_form=grant_form, member_form=member_form))

    def _back(self):
        return HttpResponseRedirect(reverse("admin_role_detail", args=[self.group.pk]))


class PolicyListView(SuperuserRequiredMixin, TemplateView):
    template_name = "admin_pages/policies.html"

    def get_context_data(self, errors=None, submitted=None, **kwargs):
        ctx = super().get_context_data(**kwargs)
        overrides = {s.key: s for s in PolicySetting.objects.select_related("updated_by")}
        errors = errors or {}
        submitted = submitted or {}
        rows = []
        for key in sorted(policy.REGISTRY):
            p = policy.REGISTRY[key]
            setting = overrides.get(key)
            rows.append(
                {
                    "policy": p,
                    "kind": p.kind.__name__,
                    "current": policy.get(key),
                    "overridden": setting is not None,
                    "setting": setting,
                    "value": submitted.get(key, policy.get(key)),
                    "error": errors.get(key),
                }
            )
        ctx.update(rows=rows, tab="policies")
        return ctx

    def post(self, request):
        key = request.POST.get("key", "")
        try:
            if request.POST.get("op") == "reset":
                admin_services.policy_reset(actor=request.user, key=key, request=request)
                messages.success(request, f"“{policy.REGISTRY[key].label}”已恢复默认值。")
            else:
                raw = request.POST.get("value", "")
                value = admin_services.policy_update(actor=request.user, key=key, raw=raw, request=request)
                messages.success(request, f"“{policy.REGISTRY[key].label}”已设为 {value}。")
        except ValidationError as exc:
            return self.render_to_response(
                self.get_context_data(
                    errors={key: "；".join(exc.messages)}, submitted={key: request.POST.get("value", "")}
                ),
                status=400,
            )
        return HttpResponseRedirect(reverse("admin_policies"))


def access_log_object_types() -> list[tuple[str, str]]:
    """The object types present in the log, by their Chinese names (a model's verbose name)."""
    from django.apps import apps as django_apps

    out = []
    for value in AccessLog.objects.order_by("object_type").values_list("object_type", flat=True).distinct():
        if not value:
            continue
        try:
            label = str(django_apps.get_model(value)._meta.verbose_name)
        except (LookupError, ValueError):
            label = value
        out.append((value, label))
    return sorted(out, key=lambda c: c[1])


class AccessLogFilter(df.FilterSet):
    user = df.CharFilter(label="用户", field_name="username", lookup_expr="icontains")
    action = df.ChoiceFilter(label="操作", choices=AccessLog.Action.choices)
    object_type = df.ChoiceFilter(label="对象类型", choices=lambda: access_log_object_types())
    date_from = df.DateFilter(
        label="起始日期",
        field_name="at",
        lookup_expr="date__gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = df.DateFilter(
        label="截止日期",
        field_name="at",
        lookup_expr="date__lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = AccessLog
        fields = ["user", "action", "object_type", "date_from", "date_to"]


ACCESS_LOG_COLUMNS = [
    ("时间", lambda e: e.at),
    ("用户名", lambda e: e.username),
    ("操作", lambda e: e.get_action_display()),
    ("对象类型", lambda e: e.object_type),
    ("对象编号", lambda e: e.object_id),
    ("对象", lambda e: e.object_repr),
    ("详情", lambda e: json.dumps(e.detail, ensure_ascii=False) if e.detail else ""),
    ("IP 地址", lambda e: e.ip),
    ("请求编号", lambda e: e.request_id),
]


class AccessLogListView(SuperuserRequiredMixin, ListView):
    template_name = "admin_pages/access_log.html"
    paginate_by = 100

    def get_queryset(self):
        self.filterset = AccessLogFilter(
            self.request.GET or None, queryset=AccessLog.objects.order_by("-at", "-id")
        )
        if self.filterset.is_bound and self.filterset.is_valid():
            return self.filterset.qs
        return self.filterset.queryset if not self.filterset.is_bound else AccessLog.objects.none()

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "xlsx":
            qs = self.get_queryset()
            if self.filterset.is_bound and not self.filterset.is_valid():
                messages.error(request, "筛选条件有误，未导出。")
                return HttpResponseRedirect(request.path)
            rows = [[fn(e) for _h, fn in ACCESS_LOG_COLUMNS] for e in qs.iterator(chunk_size=1000)]
            log_access(
                user=request.user,
                action=AccessLog.Action.EXPORT,
                object_type="cadre_supervision.accesslog",
                object_repr="访问日志.xlsx",
                detail={
                    "filters": {k: v for k, v in request.GET.items() if k != "export"},
                    "rows": len(rows),
                },
                request=request,
            )
            return xlsx_response(
                "访问日志.xlsx", [h for h, _fn in ACCESS_LOG_COLUMNS], rows, title="访问日志"
            )
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        query.pop("export", None)
        ctx.update(filter=self.filterset, querystring=query.urlencode(), can_export=True, tab="access_log")
        return ctx
