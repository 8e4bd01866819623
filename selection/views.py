"""Pages of the selection process. Thin: scope through restrict(), writes through services."""

from __future__ import annotations

import io
from decimal import Decimal

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import FileResponse, Http404, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.views import View

from cadre_supervision.accesslog import log_access
from cadre_supervision.models import AccessLog
from cadre_supervision.permissions import get_scoped_or_404, has_any_scope, has_org_perm
from cadre_supervision.views import (
    ActionView,
    HistoryView,
    ScopedDetailView,
    ScopedListView,
    ServiceFormView,
)

from . import rules, selectors, services
from .choices import STAGE_ORDER, CandidateStatus, RatioPoint, Stage
from .filters import CandidateFilter, ExceptionFilter, LetterFilter, SelectionFilter
from .forms import (
    AdvanceForm,
    AppointForm,
    CandidateVotesForm,
    ClearForm,
    ExceptionForm,
    LetterReplyForm,
    LetterSendForm,
    NominateForm,
    PublicityForm,
    RatioForm,
    ReasonForm,
    RecordForm,
    SelectionCreateForm,
    SurveyForm,
)
from .models import Candidate, GateException, OpinionLetter, Selection, StageRecord
from .tables import CandidateTable, ExceptionTable, LetterTable, SelectionTable

# --- selections ---------------------------------------------------------------------------------


class SelectionListView(ScopedListView):
    model = Selection
    filterset_class = SelectionFilter
    template_name = "selection/selection_list.html"
    export_filename = "选拔任用.xlsx"
    table_class = SelectionTable

    def get_base_queryset(self):
        return selectors.selections(user=self.request.user).order_by("-motion_date", "-id")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["can_create"] = has_org_perm(self.request.user, "manage_selection")
        return ctx


class SelectionCreateView(ServiceFormView):
    form_class = SelectionCreateForm
    template_name = "selection/form.html"
    success_message = "已登记动议。"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        return {"motion_date": timezone.localdate()}

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "heading": "登记选拔任用动议",
            "back_url": reverse("selection:selection_list"),
        }

    def perform(self, form):
        return services.selection_create(user=self.request.user, **form.cleaned_data)

    def get_success_url(self):
        return self.result.get_absolute_url()


def step_bar(selection: Selection):
    """The step bar: each stage done / current / to come, with the dates recorded."""
    records = {}
    for r in selection.stage_records.all():
        records.setdefault(r.stage, r)
    stages = [s for s in STAGE_ORDER if s != Stage.CLOSED]
    cur = STAGE_ORDER.index(selection.stage) if selection.stage in STAGE_ORDER else -1
    out = []
    for i, s in enumerate(stages):
        state = "done" if i < cur or selection.stage == Stage.CLOSED else "current" if i == cur else "todo"
        out.append({"label": s.label, "state": state, "record": records.get(s)})
    return out


def ratio_rows(selection: Selection):
    have = {r.point: r for r in selection.ratios.all()}
    rows = []
    for point in RatioPoint:
        r = have.get(point.value)
        minimum = services.ratio_minimum(point.value)
        rows.append(
            {
                "label": point.label,
                "row": r,
                "ratio": rules.ratio(r.nominees, r.posts) if r else None,
                "minimum": Decimal(str(minimum)),
                "ok": rules.ratio_ok(r.nominees, r.posts, minimum) if r else None,
            }
        )
    return rows


class SelectionDetailView(ScopedDetailView):
    model = Selection
    template_name = "selection/selection_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("organization", "created_by")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        s = self.object
        user = self.request.user
        can_manage = has_org_perm(user, "manage_selection", s.organization_id)
        ctx.update(
            steps=step_bar(s),
            posts=list(s.posts.select_related("organization")),
            candidates=list(s.candidates.select_related("cadre", "post")),
            ratios=ratio_rows(s),
            records=list(s.stage_records.select_related("recorded_by")),
            can_manage=can_manage,
            next_stage=services.next_stage(s),
        )
        if can_manage and s.stage not in (Stage.CLOSED, Stage.CANCELLED):
            ctx.update(
                advance_form=AdvanceForm(),
                ratio_form=RatioForm(),
                nominate_form=NominateForm(user=user, selection=s),
                publicity_form=PublicityForm(initial={"start_date": timezone.localdate()}),
                cancel_form=ReasonForm(),
            )
        return ctx


class SelectionHistoryView(HistoryView):
    model = Selection


class SelectionRecordView(ServiceFormView):
    form_class = RecordForm
    template_name = "selection/form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.selection = get_scoped_or_404(Selection, request.user, "change", pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {f: getattr(self.selection, f) for f in RecordForm.base_fields if f != "inspection_report"}

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "heading": f"记录推荐、考察、讨论决定情况：{self.selection}",
            "back_url": self.selection.get_absolute_url(),
        }

    def perform(self, form):
        data = {k: v for k, v in form.cleaned_data.items() if k != "inspection_report" or v}
        return services.selection_record(user=self.request.user, selection=self.selection, **data)

    def get_success_url(self):
        return self.selection.get_absolute_url()


class _SelectionAction(ActionView):
    model = Selection
    action = "change"


class SelectionAdvanceView(_SelectionAction):
    form_class = AdvanceForm
    success_message = "已进入下一环节。"

    def perform(self, obj, form):
        return services.selection_advance(
            user=self.request.user,
            selection=obj,
            note=form.cleaned_data["note"],
            document=form.cleaned_data["document"],
        )


class SelectionCancelView(_SelectionAction):
    form_class = ReasonForm
    success_message = "已终止。"

    def perform(self, obj, form):
        return services.selection_cancel(
            user=self.request.user, selection=obj, reason=form.cleaned_data["reason"]
        )


class RatioRecordView(_SelectionAction):
    form_class = RatioForm
    success_message = "已记录差额情况。"

    def perform(self, obj, form):
        return services.ratio_record(user=self.request.user, selection=obj, **form.cleaned_data)


class NominateView(_SelectionAction):
    form_class = NominateForm
    success_message = "已确定人选，凡提四必联审已开始。"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "selection": self.object}

    def perform(self, obj, form):
        return services.candidate_nominate(user=self.request.user, selection=obj, **form.cleaned_data)


class PublicityOpenView(_SelectionAction):
    form_class = PublicityForm
    success_message = "已发布任前公示。"

    def perform(self, obj, form):
        return services.publicity_open(user=self.request.user, selection=obj, **form.cleaned_data)


class PublicityNoticeView(ScopedDetailView):
    """The printable 任前公示 notice generated from the record (?format=docx: a .docx)."""

    model = Selection
    template_name = "selection/publicity_notice.html"

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        text = services.publicity_notice_text(self.object)
        if request.GET.get("format") == "docx":
            log_access(user=request.user, action=AccessLog.Action.EXPORT, obj=self.object, request=request)
            return _docx_response(text, f"任前公示-{self.object.pk}.docx")
        return self.render_to_response({"object": self.object, "lines": text.split("\n")})


def _docx_response(text: str, filename: str) -> HttpResponse:
    import docx

    document = docx.Document()
    lines = text.split("\n")
    document.add_heading(lines[0], level=1)
    for line in lines[1:]:
        document.add_paragraph(line)
    buf = io.BytesIO()
    document.save(buf)
    response = HttpResponse(
        buf.getvalue(), content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(filename)}"
    return response


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name)


class _FileView(LoginRequiredMixin, View):
    """A stored attachment: scope-checked and written to the access log."""

    model = None
    field = ""

    def get(self, request, pk):
        obj = get_scoped_or_404(self.model, request.user, "view", pk=pk)
        f = getattr(obj, self.field)
        if not f:
            raise Http404("没有附件")
        log_access(user=request.user, action=AccessLog.Action.DOWNLOAD_FILE, obj=obj, request=request)
        response = FileResponse(f.open("rb"), as_attachment=True, filename=f.name.rsplit("/", 1)[-1])
        response["Cache-Control"] = "no-store"
        return response


class InspectionReportView(_FileView):
    model = Selection
    field = "inspection_report"


class StageDocumentView(_FileView):
    model = StageRecord
    field = "document"


class LetterFileView(_FileView):
    model = OpinionLetter
    field = "reply_file"


# --- candidates ---------------------------------------------------------------------------------


class CandidateListView(ScopedListView):
    model = Candidate
    filterset_class = CandidateFilter
    template_name = "selection/candidate_list.html"
    export_filename = "人选.xlsx"
    table_class = CandidateTable

    def get_base_queryset(self):
        return selectors.candidates(user=self.request.user).order_by("-nominated_on", "-id")


class CandidateDetailView(ScopedDetailView):
    model = Candidate
    template_name = "selection/candidate_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("selection", "cadre", "post", "post__organization")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        c = self.object
        user = self.request.user
        can_manage = has_org_perm(user, "manage_selection", c.selection.organization_id)
        check = selectors.checklist(c)
        ctx.update(
            checklist=check,
            letters=list(c.letters.select_related("agency")),
            survey=list(c.survey.all()),
            exceptions=list(c.exceptions.select_related("granted_by")),
            can_manage=can_manage,
            can_override=has_org_perm(user, "override_selection", c.post.organization_id),
        )
        if can_manage:
            today = timezone.localdate()
            ctx.update(
                votes_form=CandidateVotesForm(
                    initial={f: getattr(c, f) for f in CandidateVotesForm.base_fields}
                ),
                clear_form=ClearForm(),
                appoint_form=AppointForm(initial={"start_date": today}),
                letter_form=LetterSendForm(initial={"sent_on": today}),
                survey_form=SurveyForm(initial={"surveyed_on": today}),
                withdraw_form=ReasonForm(),
            )
        return ctx


class CandidateHistoryView(HistoryView):
    model = Candidate


class _CandidateAction(ActionView):
    model = Candidate
    action = "change"

    def get_success_url(self, obj, result):
        return obj.get_absolute_url()


class CandidateUpdateView(_CandidateAction):
    form_class = CandidateVotesForm

    def perform(self, obj, form):
        return services.candidate_update(user=self.request.user, candidate=obj, **form.cleaned_data)


class CandidateClearView(_CandidateAction):
    form_class = ClearForm
    success_message = "已准予任用。"

    def perform(self, obj, form):
        return services.candidate_clear(
            user=self.request.user, candidate=obj, override_reason=form.cleaned_data["override_reason"]
        )


class CandidateWithdrawView(_CandidateAction):
    form_class = ReasonForm
    success_message = "已撤销该人选。"

    def perform(self, obj, form):
        return services.candidate_withdraw(
            user=self.request.user, candidate=obj, reason=form.cleaned_data["reason"]
        )


class CandidateAppointView(_CandidateAction):
    form_class = AppointForm
    success_message = "已办理任职，任前廉政谈话已列入谈话任务。"

    def perform(self, obj, form):
        return services.candidate_appoint(user=self.request.user, candidate=obj, **form.cleaned_data)


class LetterSendView(_CandidateAction):
    form_class = LetterSendForm
    success_message = "已发函。"

    def perform(self, obj, form):
        return services.letter_send(user=self.request.user, candidate=obj, **form.cleaned_data)


class SurveyAddView(_CandidateAction):
    form_class = SurveyForm
    success_message = "已记录社区民意调查。"

    def perform(self, obj, form):
        return services.survey_add(user=self.request.user, candidate=obj, **form.cleaned_data)

    def get_success_url(self, obj, result):
        return obj.get_absolute_url() + "#survey"


# --- letters ------------------------------------------------------------------------------------


class LetterListView(ScopedListView):
    """The sender's view (letters of the units in scope) and the agency's view (a liaison sees
    only the letters addressed to their agency)."""

    model = OpinionLetter
    filterset_class = LetterFilter
    template_name = "selection/letter_list.html"
    export_filename = "廉政意见征求函.xlsx"
    table_class = LetterTable

    def get_base_queryset(self):
        return selectors.letters(user=self.request.user).order_by("-sent_on", "-id")


class LetterDetailView(ScopedDetailView):
    model = OpinionLetter
    template_name = "selection/letter_detail.html"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("agency", "candidate__cadre", "candidate__post", "candidate__selection")
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        x = self.object
        may_reply = OpinionLetter.objects.restrict(self.request.user, "reply").filter(pk=x.pk).exists()
        ctx["is_sender"] = (
            has_any_scope(Candidate, self.request.user)
            and Candidate.objects.restrict(self.request.user, "view").filter(pk=x.candidate_id).exists()
        )
        ctx["overdue"] = rules.letter_overdue(x.due_on, bool(x.reply), timezone.localdate())
        if may_reply and not x.reply:
            ctx["reply_form"] = LetterReplyForm(initial={"replied_on": timezone.localdate()})
        return ctx


class LetterHistoryView(HistoryView):
    model = OpinionLetter


class LetterReplyView(ActionView):
    model = OpinionLetter
    action = "reply"
    form_class = LetterReplyForm
    success_message = "已答复。"

    def perform(self, obj, form):
        return services.letter_reply(user=self.request.user, letter=obj, **form.cleaned_data)


# --- exceptions ---------------------------------------------------------------------------------


class ExceptionListView(ScopedListView):
    model = GateException
    filterset_class = ExceptionFilter
    template_name = "selection/exception_list.html"
    export_filename = "选拔任用例外.xlsx"
    table_class = ExceptionTable

    def get_base_queryset(self):
        return selectors.exceptions(user=self.request.user).order_by("-granted_at", "-id")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["can_create"] = has_org_perm(self.request.user, "override_selection")
        return ctx


class ExceptionCreateView(ServiceFormView):
    form_class = ExceptionForm
    template_name = "selection/form.html"
    success_message = "已记录例外，可办理任职。"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "heading": "记录选拔任用例外",
            "intro": "未经选拔任用程序任用领导职务须写明理由；例外将记入廉政档案。",
            "back_url": reverse("selection:exception_list"),
        }

    def perform(self, form):
        return services.exception_record(user=self.request.user, **form.cleaned_data)

    def get_success_url(self):
        return reverse("selection:exception_list")


__all__ = ["CandidateStatus"]
