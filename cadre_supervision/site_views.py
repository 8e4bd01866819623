"""Shared pages: the notification centre, the user's own exports (我的导出) and the
administrator's pages (superusers only): role grants, policy settings and the access-log viewer."""

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
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.views import View
from django.views.generic import ListView, TemplateView

from . import admin_services, exports, jurisdiction, policy, tables
from .models import AccessLog, ExportJob, Notification, PolicySetting
from .notifications import mark_group_read, mark_read
from .people import display_name
from .permissions import ORG_PERMISSION_LABELS, ROLES
from .redirects import safe_next, safe_url
from .views import ActionView, ScopedListView, apply_validation_error


class NotificationListView(LoginRequiredMixin, ListView):
    template_name = "notifications/list.html"
    paginate_by = 50

    def group_by(self) -> str:
        return "day" if self.request.GET.get("group") == "day" else "kind"

    def get_queryset(self):
        qs = Notification.objects.filter(recipient=self.request.user)
        if self.request.GET.get("unread") == "1":
            qs = qs.filter(read_at__isnull=True)
        # Grouped by kind (each kind's rows together, newest first) or by day.
        return qs.order_by("kind", "-created_at", "-id") if self.group_by() == "kind" else qs

    def get_context_data(self, **kwargs):
        from django.db.models import Count, Q

        from .notifications import grouped

        ctx = super().get_context_data(**kwargs)
        by = self.group_by()
        groups = grouped(ctx["object_list"], by=by)
        if by == "kind":
            totals = {
                r["kind"]: r
                for r in Notification.objects.filter(recipient=self.request.user)
                .values("kind")
                .annotate(total=Count("id"), unread=Count("id", filter=Q(read_at__isnull=True)))
                .order_by()
            }
            for g in groups:
                g["total"] = totals.get(g["key"], {}).get("total", len(g["rows"]))
                g["unread"] = totals.get(g["key"], {}).get("unread", g["unread"])
        unread_only = self.request.GET.get("unread") == "1"
        ctx.update(
            groups=groups,
            group_by=by,
            unread_only=unread_only,
            querystring=f"group={by}" + ("&unread=1" if unread_only else ""),
        )
        return ctx


class NotificationGroupReadForm(forms.Form):
    kind = forms.CharField(required=False, max_length=60)
    day = forms.DateField(required=False)

    def clean(self):
        data = super().clean()
        if not data.get("kind") and not data.get("day"):
            raise ValidationError("请指定要标为已读的通知分组。")
        return data


class NotificationGroupReadView(ActionView):
    """ "全部标为已读" for one group (a kind or a day) of the user's own notifications."""

    form_class = NotificationGroupReadForm

    def perform(self, obj, form):
        return mark_group_read(
            self.request.user, kind=form.cleaned_data["kind"], day=form.cleaned_data["day"]
        )

    def get_success_message(self, obj, result) -> str:
        return f"已将 {result} 条通知标为已读。"

    def get_success_url(self, obj, result) -> str:
        return reverse("notifications")


class NotificationReadView(LoginRequiredMixin, View):
    def post(self, request, pk=None):
        if pk is None:
            mark_read(request.user)
            return HttpResponseRedirect(safe_next(request, reverse("notifications")))
        n = get_object_or_404(Notification, pk=pk, recipient=request.user)  # others' rows: 404
        mark_read(request.user, [n.pk])
        return HttpResponseRedirect(safe_url(request, n.url, reverse("notifications")))


# --- the user's own exports (我的导出) ---------------------------------------------------------------

STATUS_TAGS = {
    ExportJob.Status.QUEUED: "tag-blue",
    ExportJob.Status.RUNNING: "tag-blue",
    ExportJob.Status.DONE: "tag-green",
    ExportJob.Status.FAILED: "tag-red",
    ExportJob.Status.EXPIRED: "",
}


def _local(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


class ExportJobTable(tables.Table):
    label = tables.Column("导出内容")
    status = tables.Column("状态")
    size = tables.NumberColumn("文件大小")
    created_at = tables.Column("申请时间", attrs={"td": {"class": "nowrap"}})
    finished_at = tables.Column("完成时间", attrs={"td": {"class": "nowrap"}}, default=tables.EMPTY)
    downloads = tables.NumberColumn("下载次数")
    action = tables.Column("操作", accessor="pk", orderable=False, exclude_from_export=True)

    class Meta(tables.Table.Meta):
        attrs = {"class": "table", "id": "export-jobs"}
        sequence = ("label", "status", "size", "created_at", "finished_at", "downloads", "action")
        empty_text = "您还没有导出过文件"

    def render_label(self, record):
        return format_html('<a href="{}">{}</a>', record.get_absolute_url(), record.label)

    def render_status(self, record):
        shown = record.shown_status
        return format_html(
            '<span class="tag {}">{}</span>', STATUS_TAGS.get(shown, ""), record.shown_status_label
        )

    def render_size(self, record):
        return filesizeformat(record.size) if record.size else tables.EMPTY

    def render_created_at(self, value):
        return _local(value)

    def render_finished_at(self, value):
        return _local(value)

    def render_action(self, record):
        if record.downloadable:
            return format_html(
                '<a class="button" href="{}">下载</a>', reverse("export_job_download", args=[record.token])
            )
        if record.status == ExportJob.Status.FAILED:
            return format_html('<span class="field-error">{}</span>', record.error)
        if record.pending:
            return format_html('<a href="{}">查看进度</a>', record.get_absolute_url())
        return tables.EMPTY


class ExportJobListView(ScopedListView):
    """我的导出: the signed-in user's own export jobs, newest first (no one else's, ever)."""

    model = ExportJob
    template_name = "exports/list.html"
    table_class = ExportJobTable
    paginate_by = 20
    exportable = False

    def get_base_queryset(self):
        return exports.export_jobs_of(self.request.user)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["keep_days"] = exports.KEEP_DAYS
        return ctx


class ExportJobDetailView(LoginRequiredMixin, TemplateView):
    """One job of the user's: it refreshes itself while queued or running, then offers the file."""

    template_name = "exports/job_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        job = exports.export_job_for(self.request.user, kwargs["token"])
        ctx.update(
            job=job,
            refresh_seconds=3 if job.pending else None,
            keep_days=exports.KEEP_DAYS,
            download_url=reverse("export_job_download", args=[job.token]) if job.downloadable else "",
        )
        return ctx


class ExportJobDownloadView(LoginRequiredMixin, View):
    """The decrypted file of the user's own finished job, as an attachment (logged, counted)."""

    def get(self, request, token):
        job = exports.export_job_for(request.user, token)
        content = exports.export_job_open(user=request.user, job=job, request=request)
        return exports.attachment(job.filename, job.content_type, content)


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
    """Add a person to a role group: chosen by name among the active accounts not yet in it."""

    user = forms.ModelChoiceField(
        label="人员",
        queryset=get_user_model().objects.none(),
        empty_label="——请选择——",
        error_messages={"invalid_choice": "没有这个用户（或账号已停用、已在本角色组中）。"},
    )

    def __init__(self, *args, group: Group | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        qs = get_user_model().objects.filter(is_active=True)
        if group is not None:
            qs = qs.exclude(groups=group)
        self.fields["user"].queryset = qs.order_by("last_name", "first_name", "username")
        self.fields["user"].label_from_instance = display_name

    def clean_user(self):
        self.user = self.cleaned_data["user"]
        return self.user


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
                "members": sorted(display_name(u) for u in g.user_set.all()),
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
            members=self.group.user_set.order_by("last_name", "first_name", "username"),
            grant_form=grant_form or GrantForm(),
            member_form=member_form or MemberForm(group=self.group),
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
                member_form = MemberForm(request.POST, group=self.group)
                if member_form.is_valid():
                    admin_services.role_member_add(
                        actor=user, group=self.group, user=member_form.user, request=request
                    )
                    messages.success(request, f"已将 {display_name(member_form.user)} 加入本角色组。")
                    return self._back()
            elif op == "remove_member":
                member = get_object_or_404(get_user_model(), pk=request.POST.get("user"))
                admin_services.role_member_remove(actor=user, group=self.group, user=member, request=request)
                messages.success(request, f"已将 {display_name(member)} 移出本角色组。")
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
    """Every policy setting on one form, grouped by area, with one save: a bad value re-shows
    the form with its error beside the field and nothing is stored."""

    template_name = "admin_pages/policies.html"

    @staticmethod
    def field_name(key: str) -> str:
        return "p-" + key

    def get_context_data(self, errors=None, submitted=None, **kwargs):
        ctx = super().get_context_data(**kwargs)
        overrides = {s.key: s for s in PolicySetting.objects.select_related("updated_by")}
        errors = errors or {}
        submitted = submitted or {}
        areas = []
        for area, policies in policy.areas():
            rows = []
            for p in policies:
                setting = overrides.get(p.key)
                current = p.default if setting is None else p.kind(setting.value)
                rows.append(
                    {
                        "policy": p,
                        "kind": p.kind.__name__,
                        "name": self.field_name(p.key),
                        "current": current,
                        "overridden": setting is not None,
                        "setting": setting,
                        "value": submitted.get(p.key, current),
                        "error": errors.get(p.key),
                    }
                )
            areas.append({"label": area, "rows": rows})
        ctx.update(areas=areas, n_errors=len(errors), tab="policies")
        return ctx

    def post(self, request):
        values = {
            key: request.POST[self.field_name(key)]
            for key in policy.REGISTRY
            if self.field_name(key) in request.POST
        }
        resets = [key for key in policy.REGISTRY if request.POST.get("reset-" + key)]
        try:
            changed = admin_services.policy_update_many(
                actor=request.user, values=values, resets=resets, request=request
            )
        except ValidationError as exc:
            errors = {k: "；".join(v) for k, v in exc.message_dict.items()}
            return self.render_to_response(self.get_context_data(errors=errors, submitted=values), status=400)
        if changed:
            labels = "、".join(f"“{policy.REGISTRY[k].label}”" for k in changed)
            messages.success(request, f"已保存 {len(changed)} 项政策参数：{labels}。")
        else:
            messages.info(request, "没有修改任何政策参数。")
        return HttpResponseRedirect(reverse("admin_policies"))


# Record kinds that are not models (or not only): their Chinese names.
RECORD_KINDS = {"policy": "政策参数", "auth.group": "角色组", "auth.user": "用户账号"}


def record_kind_label(object_type: str) -> str:
    """The kind of record an access-log row is about, in Chinese ("cadres.cadre" → 干部)."""
    if not object_type:
        return ""
    if object_type in RECORD_KINDS:
        return RECORD_KINDS[object_type]
    from django.apps import apps

    try:
        return str(apps.get_model(object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return object_type


def access_sentence(e: AccessLog) -> str:
    """One entry as a sentence: who did what to which record (the time is its own column)."""
    who = display_name(e.user) if e.user_id else ""
    who = who or e.username or "匿名用户"
    what = e.get_action_display()
    kind = record_kind_label(e.object_type)
    record = f"{kind}“{e.object_repr}”" if e.object_repr else kind
    return f"{who}{what}{('：' + record) if record else ''}"


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return display_name(obj)


class AccessLogFilter(df.FilterSet):
    user = df.ModelChoiceFilter(
        label="人员", queryset=get_user_model().objects.none(), empty_label="全部", field_name="user"
    )
    action = df.ChoiceFilter(label="操作", choices=AccessLog.Action.choices, empty_label="全部")
    object_type = df.ChoiceFilter(label="记录类型", choices=(), empty_label="全部")
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Pickers, not raw ids: the people and record kinds that occur in the log (one query each).
        people_field = self.filters["user"]
        people_field.field_class = PersonChoiceField
        people_field.queryset = (
            get_user_model()
            .objects.filter(pk__in=AccessLog.objects.filter(user__isnull=False).values("user_id"))
            .order_by("last_name", "first_name", "username")
        )
        kinds = AccessLog.objects.exclude(object_type="").values_list("object_type", flat=True).distinct()
        self.filters["object_type"].extra["choices"] = sorted(
            ((k, record_kind_label(k)) for k in kinds), key=lambda c: c[1]
        )


class AccessLogTable(tables.Table):
    at = tables.Column("时间", attrs={"td": {"class": "nowrap"}})
    sentence = tables.Column("事件", accessor="pk", orderable=False)
    person = tables.Column("人员", accessor="user", order_by=("username",), default="")
    action = tables.Column("操作")
    kind = tables.Column("记录类型", accessor="object_type")
    record = tables.Column("记录", accessor="object_repr")
    detail = tables.Column("详情", orderable=False, default="")
    ip = tables.Column("IP 地址", default="")
    request_id = tables.Column("请求编号", orderable=False, exclude_from_export=False, default="")

    class Meta(tables.Table.Meta):
        attrs = {"class": "table", "id": "access-log"}
        sequence = ("at", "sentence", "person", "action", "kind", "record", "detail", "ip", "request_id")
        exclude = ()

    def render_at(self, value):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S")

    def value_at(self, value):
        return timezone.localtime(value).replace(tzinfo=None, microsecond=0)

    def render_sentence(self, record):
        return access_sentence(record)

    def value_sentence(self, record):
        return access_sentence(record)

    def render_person(self, record):
        return display_name(record.user) if record.user_id else (record.username or "匿名用户")

    def value_person(self, record):
        return self.render_person(record)

    def render_action(self, record):
        return format_html(
            '<span class="tag{}">{}</span>',
            " tag-orange"
            if record.action in ("permission_change", "login_failed")
            else " tag-blue"
            if record.action in ("view_citizen_id", "export")
            else "",
            record.get_action_display(),
        )

    def value_action(self, record):
        return record.get_action_display()

    def render_kind(self, value):
        return record_kind_label(value)

    def value_kind(self, value):
        return record_kind_label(value)

    def render_detail(self, value):
        return format_html_join("", "<div>{}：{}</div>", ((k, v) for k, v in (value or {}).items()))

    def value_detail(self, value):
        return json.dumps(value, ensure_ascii=False) if value else ""


class AccessLogListView(SuperuserRequiredMixin, ScopedListView):
    """The access log read as sentences, filterable by person, action, date range and record
    kind, exportable (`?export=xlsx`, itself logged). Not a scoped model: superusers only."""

    model = AccessLog
    template_name = "admin_pages/access_log.html"
    filterset_class = AccessLogFilter
    table_class = AccessLogTable
    paginate_by = 100
    export_filename = "访问日志.xlsx"
    export_object_type = "cadre_supervision.accesslog"

    def get_base_queryset(self):
        return AccessLog.objects.select_related("user").order_by("-at", "-id")

    def get_queryset(self):
        qs = super().get_queryset()
        return AccessLog.objects.none() if self.filters_invalid() else qs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["tab"] = "access_log"
        return ctx
