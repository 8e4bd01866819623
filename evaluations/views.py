"""Pages of the evaluations app. Thin: scope through restrict(), writes through services."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q, Sum
from django.http import FileResponse, Http404, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.views import View

from cadre_supervision.accesslog import log_access
from cadre_supervision.models import AccessLog
from cadre_supervision.permissions import get_scoped_or_404, has_org_perm
from cadre_supervision.views import (
    ActionView,
    ComputedListView,
    HistoryView,
    ScopedDetailView,
    ScopedListView,
    ServiceFormView,
)
from cadres.renmian import DOCX_MIME

from . import docs, forms, policies, rules, selectors, services
from .choices import EvaluatorGroup, LetterStatus
from .filters import ActionItemFilter, CampaignFilter, CareLetterFilter, DemocraticFilter, SubjectFilter
from .models import (
    ActionItem,
    Campaign,
    CampaignStep,
    CareLetter,
    DemocraticEvaluation,
    StepAttachment,
    Subject,
)
from .tables import (
    ActionItemTable,
    CampaignTable,
    CareLetterTable,
    DemocraticTable,
    SubjectTable,
    VerdictTable,
)

MANAGE = "manage_evaluations"


def _may_manage(user) -> bool:
    return has_org_perm(user, MANAGE)


class ManagerOnlyMixin:
    denied = "您无权进行此操作。"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not _may_manage(request.user):
            raise PermissionDenied(self.denied)
        return super().dispatch(request, *args, **kwargs)


class ObjectFormView(ServiceFormView):
    """A form page about one scoped object (looked up with `action` before anything else)."""

    model = None
    action = "change"
    template_name = "evaluations/form.html"
    heading = ""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.object = get_scoped_or_404(self.model, request.user, self.action, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_success_url(self):
        target = getattr(self, "result", None) or self.object
        return target.get_absolute_url()

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(heading=self.heading, object=self.object, back_url=self.object.get_absolute_url())
        return ctx


class UserFormMixin:
    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}


# --- campaigns ----------------------------------------------------------------------------------


class CampaignListView(ScopedListView):
    model = Campaign
    filterset_class = CampaignFilter
    table_class = CampaignTable
    template_name = "evaluations/campaign_list.html"
    export_filename = "阳光评议.xlsx"

    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .select_related("organization")
            .annotate(
                n_subjects=Count("subjects", distinct=True),
                n_done=Count("steps", filter=Q(steps__completed_on__isnull=False), distinct=True),
            )
            .order_by("-year", "-id")
        )

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "can_manage": _may_manage(self.request.user)}


class CampaignCreateView(ManagerOnlyMixin, UserFormMixin, ServiceFormView):
    form_class = forms.CampaignForm
    template_name = "evaluations/form.html"
    success_message = "已建立阳光评议，七个环节已生成。"

    def perform(self, form):
        return services.campaign_create(user=self.request.user, **form.cleaned_data)

    def get_success_url(self):
        return self.result.get_absolute_url()

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "heading": "新建阳光评议",
            "back_url": reverse("evaluations:campaign_list"),
        }


class CampaignDetailView(ScopedDetailView):
    model = Campaign
    template_name = "evaluations/campaign_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("organization")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user, c = self.request.user, self.object
        steps = selectors.campaign_steps(c)
        files = list(StepAttachment.objects.restrict(user, "view").filter(step__campaign=c))
        for s in steps:
            s.files = [f for f in files if f.step_id == s.pk]
        subjects = list(
            Subject.objects.restrict(user, "view")
            .filter(campaign=c)
            .select_related("organization", "cadre")
            .annotate(
                n_open=Count("items", filter=Q(items__done_on__isnull=True)),
                n_items=Count("items"),
            )
        )
        can_change = Campaign.objects.restrict(user, "change").filter(pk=c.pk).exists()
        ctx.update(
            steps=steps,
            subjects=subjects,
            can_change=can_change,
            complete_form=forms.StepCompleteForm(),
            attachment_form=forms.AttachmentForm(),
            current=rules.current_step({s.step for s in steps if s.completed_on}),
        )
        return ctx


class CampaignHistoryView(HistoryView):
    model = Campaign


class StepEditView(ObjectFormView):
    model = CampaignStep
    form_class = forms.StepForm
    heading = "评议环节：计划与工作记录"

    def get_initial(self):
        s = self.object
        return {"planned_start": s.planned_start, "planned_end": s.planned_end, "summary": s.summary}

    def perform(self, form):
        return services.step_update(user=self.request.user, step=self.object, **form.cleaned_data)


class StepCompleteView(ActionView):
    model = CampaignStep
    action = "change"
    form_class = forms.StepCompleteForm
    success_message = "环节已完成。"

    def perform(self, obj, form):
        return services.step_complete(user=self.request.user, step=obj, on=form.cleaned_data["on"])


class StepAttachmentView(ActionView):
    model = CampaignStep
    action = "change"
    form_class = forms.AttachmentForm
    success_message = "材料已上传。"

    def perform(self, obj, form):
        services.step_attachment_add(user=self.request.user, step=obj, file=form.cleaned_data["file"])
        return obj


class AttachmentDownloadView(LoginRequiredMixin, View):
    def get(self, request, pk):
        att = get_scoped_or_404(StepAttachment, request.user, "view", pk=pk)
        try:
            handle = att.file.open("rb")
        except FileNotFoundError:
            raise Http404("文件不存在") from None
        log_access(user=request.user, action=AccessLog.Action.DOWNLOAD_FILE, obj=att, request=request)
        return FileResponse(handle, as_attachment=True, filename=att.name)


# --- subjects, scores, items --------------------------------------------------------------------


class SubjectAddView(UserFormMixin, ObjectFormView):
    model = Campaign
    form_class = forms.SubjectForm
    heading = "增加评议对象"
    success_message = "已增加评议对象。"

    def perform(self, form):
        return services.subject_add(user=self.request.user, campaign=self.object, **form.cleaned_data)

    def get_success_url(self):
        return self.object.get_absolute_url()


class SubjectListView(ScopedListView):
    model = Subject
    filterset_class = SubjectFilter
    table_class = SubjectTable
    template_name = "evaluations/subject_list.html"
    export_filename = "阳光评议结果.xlsx"

    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .select_related("organization", "cadre")
            .order_by("-year", "organization__path", "kind", "id")
        )


class SubjectDetailView(ScopedDetailView):
    model = Subject
    template_name = "evaluations/subject_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("organization", "cadre", "campaign")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        s, user = self.object, self.request.user
        scores = {x.group: x for x in s.scores.all()}
        weights = policies.weights()
        ctx.update(
            score_rows=[(label, scores.get(g), weights.get(g, 0)) for g, label in EvaluatorGroup.choices],
            items=list(s.items.all()),
            can_change=Subject.objects.restrict(user, "change").filter(pk=s.pk).exists(),
            item_form=forms.ActionItemForm(),
            done_form=forms.ItemDoneForm(),
            thresholds=policies.thresholds(),
        )
        return ctx


class SubjectHistoryView(HistoryView):
    model = Subject


class ScoresView(ObjectFormView):
    model = Subject
    form_class = forms.ScoresForm
    heading = "录入评议得分"
    success_message = "得分已保存。"

    def get_initial(self):
        out = {}
        for sc in self.object.scores.all():
            out[f"score_{sc.group}"] = sc.score
            out[f"respondents_{sc.group}"] = sc.respondents
        return out

    def perform(self, form):
        scores, respondents = form.scores()
        return services.scores_record(
            user=self.request.user, subject=self.object, scores=scores, respondents=respondents
        )


class ActionItemAddView(ActionView):
    model = Subject
    action = "change"
    form_class = forms.ActionItemForm
    success_message = "已登记。"

    def perform(self, obj, form):
        return services.action_item_add(user=self.request.user, subject=obj, **form.cleaned_data)


class ActionItemDoneView(ActionView):
    model = ActionItem
    action = "change"
    form_class = forms.ItemDoneForm
    success_message = "已完成销号。"

    def perform(self, obj, form):
        return services.action_item_complete(user=self.request.user, item=obj, **form.cleaned_data)


class ActionItemListView(ScopedListView):
    model = ActionItem
    filterset_class = ActionItemFilter
    table_class = ActionItemTable
    template_name = "evaluations/item_list.html"
    export_filename = "评议承诺与整改事项.xlsx"

    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .select_related("subject__organization", "subject__cadre")
            .order_by("due_date", "id")
        )


# --- 能者上、平者让、庸者下 -------------------------------------------------------------------------


class VerdictListView(ComputedListView):
    template_name = "evaluations/verdict_list.html"
    table_class = VerdictTable
    filter_form_class = forms.VerdictFilterForm
    export_filename = "能者上平者让庸者下.xlsx"
    export_object_type = "evaluations.verdict"

    def get_filter_form_kwargs(self):
        return {**super().get_filter_form_kwargs(), "user": self.request.user}

    def get_rows(self):
        d = self.filters()
        return selectors.verdict_rows(
            user=self.request.user, verdict=d.get("verdict") or "", organization=d.get("organization")
        )


# --- democratic evaluation ------------------------------------------------------------------------


class DemocraticListView(ScopedListView):
    model = DemocraticEvaluation
    filterset_class = DemocraticFilter
    table_class = DemocraticTable
    template_name = "evaluations/democratic_list.html"
    export_filename = "民主测评.xlsx"

    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .select_related("cadre", "organization")
            .annotate(g=Sum("ratings__good"), f=Sum("ratings__fair"), p=Sum("ratings__poor"))
            .order_by("-year", "cadre__name", "id")
        )

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "can_manage": _may_manage(self.request.user)}


class DemocraticCreateView(ManagerOnlyMixin, UserFormMixin, ServiceFormView):
    form_class = forms.DemocraticForm
    template_name = "evaluations/form.html"
    success_message = "民主测评已登记。"

    def perform(self, form):
        d = form.cleaned_data
        return services.democratic_record(
            user=self.request.user,
            cadre=d["cadre"],
            year=d["year"],
            held_on=d["held_on"],
            participants=d["participants"],
            ratings=form.ratings(),
            note=d.get("note") or "",
        )

    def get_success_url(self):
        return self.result.get_absolute_url()

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "heading": "登记民主测评",
            "back_url": reverse("evaluations:democratic_list"),
        }


class DemocraticDetailView(ScopedDetailView):
    model = DemocraticEvaluation
    template_name = "evaluations/democratic_detail.html"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("cadre", "organization")
            .prefetch_related(Prefetch("ratings"))
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        rows = []
        for r in self.object.ratings.all():
            rows.append((r, rules.approval_rate(r.good, r.fair, r.poor)))
        ctx["rows"] = rows
        return ctx


class DemocraticHistoryView(HistoryView):
    model = DemocraticEvaluation


# --- care letters -------------------------------------------------------------------------------


class LetterListView(ScopedListView):
    model = CareLetter
    filterset_class = CareLetterFilter
    table_class = CareLetterTable
    template_name = "evaluations/letter_list.html"
    export_filename = "关爱提醒函.xlsx"

    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .select_related("cadre", "organization")
            .order_by("-year", "-proposed_on", "-id")
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(
            can_manage=_may_manage(self.request.user),
            propose_form=forms.ProposeAllForm(),
            year=timezone.localdate().year,
        )
        return ctx


class LetterProposeView(ManagerOnlyMixin, UserFormMixin, ServiceFormView):
    form_class = forms.LetterProposeForm
    template_name = "evaluations/form.html"
    success_message = "已拟发关爱提醒函。"

    def get_initial(self):
        initial = super().get_initial()
        if self.request.GET.get("cadre"):
            initial["cadre"] = self.request.GET["cadre"]
        return initial

    def perform(self, form):
        d = form.cleaned_data
        reasons = [r for r in (d.get("reasons") or "").splitlines() if r.strip()]
        return services.care_letter_propose(
            user=self.request.user, cadre=d["cadre"], year=d["year"], reasons=reasons
        )

    def get_success_url(self):
        return self.result.get_absolute_url()

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "heading": "拟发关爱提醒函",
            "back_url": reverse("evaluations:letter_list"),
        }


class LetterProposeAllView(ActionView):
    model = None
    form_class = forms.ProposeAllForm

    def post(self, request, *args, **kwargs):
        if not _may_manage(request.user):
            raise PermissionDenied("您无权拟发关爱提醒函。")
        return super().post(request, *args, **kwargs)

    def perform(self, obj, form):
        self.created = services.care_letters_propose_all(
            user=self.request.user, year=form.cleaned_data["year"]
        )
        return None

    def get_success_message(self, obj, result):
        n = len(self.created)
        return f"已按较差评议等次和预警信号拟发 {n} 份关爱提醒函。" if n else "没有需要新拟发提醒函的干部。"

    def get_success_url(self, obj, result):
        return reverse("evaluations:letter_list") + "?status=proposed"


class LetterDetailView(ScopedDetailView):
    model = CareLetter
    template_name = "evaluations/letter_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("cadre", "organization", "created_by")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        letter, user = self.object, self.request.user
        ctx.update(
            can_change=CareLetter.objects.restrict(user, "change").filter(pk=letter.pk).exists(),
            send_form=forms.LetterSendForm(),
            ack_form=forms.LetterAckForm(),
            dismiss_form=forms.LetterDismissForm(),
            ack_due=selectors.letter_due(letter),
            talks_url=selectors.reminder_talks_url(
                letter.cadre_id, (letter.sent_on or letter.proposed_on).year
            ),
            is_sent=letter.status in (LetterStatus.SENT, LetterStatus.ACKNOWLEDGED),
        )
        return ctx


class LetterPrintView(LetterDetailView):
    template_name = "evaluations/letter_print.html"


class LetterDocxView(LoginRequiredMixin, View):
    def get(self, request, pk):
        letter = get_scoped_or_404(CareLetter.objects.select_related("cadre"), request.user, "view", pk=pk)
        log_access(user=request.user, action=AccessLog.Action.EXPORT, obj=letter, request=request)
        resp = HttpResponse(docs.letter_docx(letter), content_type=DOCX_MIME)
        resp["Content-Disposition"] = docs.attachment_header(
            f"关爱提醒函-{letter.cadre.name}-{letter.year}.docx"
        )
        return resp


class LetterSendView(ActionView):
    model = CareLetter
    action = "change"
    form_class = forms.LetterSendForm
    success_message = "提醒函已发送，提醒谈话已列入谈话任务。"

    def perform(self, obj, form):
        return services.care_letter_send(user=self.request.user, letter=obj, **form.cleaned_data)


class LetterAckView(ActionView):
    model = CareLetter
    action = "change"
    form_class = forms.LetterAckForm
    success_message = "已登记签收。"

    def perform(self, obj, form):
        return services.care_letter_acknowledge(user=self.request.user, letter=obj, **form.cleaned_data)


class LetterDismissView(ActionView):
    model = CareLetter
    action = "change"
    form_class = forms.LetterDismissForm
    success_message = "已不予发送。"

    def perform(self, obj, form):
        return services.care_letter_dismiss(user=self.request.user, letter=obj, **form.cleaned_data)


class LetterHistoryView(HistoryView):
    model = CareLetter
