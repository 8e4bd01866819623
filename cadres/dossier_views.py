"""Pages of the dossier (干部档案): education, résumé, 认定, rewards, assessments, sanctions,
family, photo, the recommender page and the 干部任免审批表.

Thin declarations: reads through `restrict()` (selectors), writes through `services`. The
sensitive records (sanctions, family, photo) are read with their own permission and every
read is logged.
"""

from __future__ import annotations

from urllib.parse import quote

from django.contrib.auth import get_user_model
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from cadre_supervision.accesslog import log_access
from cadre_supervision.models import AccessLog
from cadre_supervision.permissions import AllOf, get_scoped_or_404
from cadre_supervision.views import ActionView, HistoryView, ScopedListView

from . import renmian, rules, selectors, services
from .choices import VerificationItem
from .filters import SanctionFilter
from .forms import (
    AssessmentForm,
    AssessmentUpdateForm,
    EducationForm,
    FamilyMemberForm,
    PhotoForm,
    RenmianForm,
    ResumeLineForm,
    RewardForm,
    SanctionForm,
    TrainingForm,
    VerificationForm,
)
from .models import (
    AnnualAssessment,
    Cadre,
    CadrePhoto,
    DossierVerification,
    EducationRecord,
    FamilyMember,
    ResumeLine,
    RewardPunishment,
    Sanction,
    TrainingRecord,
)
from .tables import SanctionTable
from .views import _FormPage, _ObjectFormMixin

# The 任免审批表 shows family, sanctions and the photo: it needs all of them.
RENMIAN_ACTION = AllOf("view_cadres", "view_family", "view_sanctions")


def log_read(request, obj, what: str, **detail) -> None:
    log_access(
        user=request.user,
        action=AccessLog.Action.OTHER,
        obj=obj,
        detail={"read": what, **detail},
        request=request,
    )


# --- add / edit / delete a dossier record ------------------------------------------------------------


class DossierCreateView(_ObjectFormMixin, _FormPage):
    """Add a record to a cadre (the cadre must be changeable)."""

    model = Cadre
    title = ""
    anchor = ""

    @property
    def page_title(self):
        return f"{self.title}：{self.object}"

    def get_success_url(self):
        return self.object.get_absolute_url() + self.anchor

    def create(self, **data):  # pragma: no cover - subclasses implement
        raise NotImplementedError

    def perform(self, form):
        return self.create(user=self.request.user, cadre=self.object, **form.service_kwargs())


class DossierUpdateView(_ObjectFormMixin, _FormPage):
    title = ""

    @property
    def page_title(self):
        return f"{self.title}：{self.object.cadre}"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.object}

    def get_back_url(self):
        return self.object.get_absolute_url()

    def get_success_url(self):
        return self.object.get_absolute_url()


class DossierDeleteView(ActionView):
    action = "change"
    success_message = "已删除。"

    def get_success_url(self, obj, result):
        return reverse("cadres:cadre_detail", args=[obj.cadre_id])


class EducationCreateView(DossierCreateView):
    form_class = EducationForm
    title = "新增学历学位"
    anchor = "#education"
    success_message = "学历学位已登记。"
    create = staticmethod(services.education_create)


class EducationUpdateView(DossierUpdateView):
    model = EducationRecord
    queryset = EducationRecord.objects.select_related("cadre")
    form_class = EducationForm
    title = "编辑学历学位"
    success_message = "学历学位已保存。"

    def perform(self, form):
        return services.education_update(user=self.request.user, record=self.object, **form.service_kwargs())


class EducationDeleteView(DossierDeleteView):
    model = EducationRecord

    def perform(self, obj, form):
        services.education_delete(
            user=self.request.user, record=obj, change_reason=self.request.POST.get("change_reason", "")
        )


class ResumeLineCreateView(DossierCreateView):
    form_class = ResumeLineForm
    title = "新增简历"
    anchor = "#resume"
    success_message = "简历已登记。"
    create = staticmethod(services.resume_line_create)


class ResumeLineUpdateView(DossierUpdateView):
    model = ResumeLine
    queryset = ResumeLine.objects.select_related("cadre")
    form_class = ResumeLineForm
    title = "编辑简历"
    success_message = "简历已保存。"

    def perform(self, form):
        return services.resume_line_update(user=self.request.user, line=self.object, **form.service_kwargs())


class ResumeLineDeleteView(DossierDeleteView):
    model = ResumeLine

    def perform(self, obj, form):
        services.resume_line_delete(
            user=self.request.user, line=obj, change_reason=self.request.POST.get("change_reason", "")
        )


class RewardCreateView(DossierCreateView):
    form_class = RewardForm
    title = "新增奖惩情况"
    anchor = "#rewards"
    success_message = "奖惩情况已登记。"
    create = staticmethod(services.reward_create)


class RewardUpdateView(DossierUpdateView):
    model = RewardPunishment
    queryset = RewardPunishment.objects.select_related("cadre")
    form_class = RewardForm
    title = "编辑奖惩情况"
    success_message = "奖惩情况已保存。"

    def perform(self, form):
        return services.reward_update(user=self.request.user, record=self.object, **form.service_kwargs())


class TrainingCreateView(DossierCreateView):
    form_class = TrainingForm
    title = "新增教育培训"
    anchor = "#training"
    success_message = "教育培训已登记。"
    create = staticmethod(services.training_create)


class TrainingUpdateView(DossierUpdateView):
    model = TrainingRecord
    queryset = TrainingRecord.objects.select_related("cadre")
    form_class = TrainingForm
    title = "编辑教育培训"
    success_message = "教育培训已保存。"

    def perform(self, form):
        return services.training_update(user=self.request.user, record=self.object, **form.service_kwargs())


class TrainingDeleteView(DossierDeleteView):
    model = TrainingRecord

    def get_success_url(self, obj, result):
        return reverse("cadres:cadre_detail", args=[obj.cadre_id]) + "#training"

    def perform(self, obj, form):
        services.training_delete(user=self.request.user, record=obj)


class AssessmentCreateView(DossierCreateView):
    form_class = AssessmentForm
    title = "登记年度考核"
    anchor = "#assessments"
    success_message = "年度考核已登记。"
    create = staticmethod(services.assessment_record)

    def get_initial(self):
        return {**super().get_initial(), "year": timezone.localdate().year - 1}


class AssessmentUpdateView(DossierUpdateView):
    model = AnnualAssessment
    queryset = AnnualAssessment.objects.select_related("cadre")
    form_class = AssessmentUpdateForm
    title = "更正年度考核"
    success_message = "年度考核已保存。"

    def perform(self, form):
        return services.assessment_update(
            user=self.request.user, assessment=self.object, **form.service_kwargs()
        )


class _SensitiveCadreMixin:
    """The cadre must be in scope of the record's own permission (404 otherwise)."""

    cadre_action = "view_sanctions"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        get_scoped_or_404(Cadre.objects.all(), request.user, self.cadre_action, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)


class SanctionCreateView(_SensitiveCadreMixin, DossierCreateView):
    form_class = SanctionForm
    title = "登记处分"
    success_message = "处分已登记，影响期已按处分种类计算。"
    create = staticmethod(services.sanction_create)

    def get_success_url(self):
        return reverse("cadres:sanction_list", args=[self.object.pk])


class SanctionUpdateView(DossierUpdateView):
    model = Sanction
    queryset = Sanction.objects.select_related("cadre")
    form_class = SanctionForm
    title = "编辑处分"
    success_message = "处分已保存。"

    def perform(self, form):
        return services.sanction_update(user=self.request.user, sanction=self.object, **form.service_kwargs())


class FamilyMemberCreateView(_SensitiveCadreMixin, DossierCreateView):
    cadre_action = "view_family"
    form_class = FamilyMemberForm
    title = "新增家庭成员及社会关系"
    success_message = "家庭成员已登记。"
    create = staticmethod(services.family_member_create)

    def get_success_url(self):
        return reverse("cadres:family_list", args=[self.object.pk])


class FamilyMemberUpdateView(DossierUpdateView):
    model = FamilyMember
    queryset = FamilyMember.objects.select_related("cadre")
    form_class = FamilyMemberForm
    title = "编辑家庭成员及社会关系"
    success_message = "家庭成员已保存。"

    def perform(self, form):
        return services.family_member_update(
            user=self.request.user, member=self.object, **form.service_kwargs()
        )


class FamilyMemberDeleteView(DossierDeleteView):
    model = FamilyMember

    def get_success_url(self, obj, result):
        return reverse("cadres:family_list", args=[obj.cadre_id])

    def perform(self, obj, form):
        services.family_member_delete(user=self.request.user, member=obj)


# --- 三龄两历一身份 认定 ------------------------------------------------------------------------------


class VerificationView(DossierCreateView):
    form_class = VerificationForm
    anchor = "#verification"
    success_message = "认定已记录。"

    def dispatch(self, request, *args, **kwargs):
        if kwargs.get("item") not in VerificationItem.values:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    @property
    def page_title(self):
        return f"三龄两历一身份认定：{self.object} · {VerificationItem(self.kwargs['item']).label}"

    def get_initial(self):
        row = DossierVerification.objects.filter(cadre=self.object, item=self.kwargs["item"]).first()
        if row is None:
            return {}
        return {"status": row.status, "document": row.document, "note": row.note}

    def perform(self, form):
        return services.verification_record(
            user=self.request.user, cadre=self.object, item=self.kwargs["item"], **form.cleaned_data
        )


# --- sensitive lists (logged reads) -------------------------------------------------------------------


class _CadreRecordsPage(LoginRequiredMixin, TemplateView):
    """One cadre's sensitive records, read with their permission; the read is logged."""

    template_name = "cadres/dossier_records.html"
    cadre_action = ""
    title = ""
    what = ""

    def records(self, cadre):  # pragma: no cover - subclasses implement
        raise NotImplementedError

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        cadre = get_scoped_or_404(
            Cadre.objects.select_related("organization"), user, self.cadre_action, pk=kwargs["pk"]
        )
        records = self.records(cadre)
        log_read(self.request, cadre, self.what, count=len(records))
        ctx.update(
            object=cadre,
            title=self.title,
            kind=self.what,
            records=records,
            can_manage=selectors.can_manage(user, cadre.organization_id),
            today=timezone.localdate(),
        )
        return ctx


class SanctionListView(_CadreRecordsPage):
    cadre_action = "view_sanctions"
    title = "处分记录"
    what = "sanctions"

    def records(self, cadre):
        return list(Sanction.objects.restrict(self.request.user, "view").filter(cadre=cadre))


class FamilyListView(_CadreRecordsPage):
    cadre_action = "view_family"
    title = "家庭主要成员及重要社会关系"
    what = "family"

    def records(self, cadre):
        return list(FamilyMember.objects.restrict(self.request.user, "view").filter(cadre=cadre))


class SanctionBarringListView(ScopedListView):
    """Sanctions in scope; `?on=` lists those still barring promotion on that date."""

    model = Sanction
    filterset_class = SanctionFilter
    table_class = SanctionTable
    template_name = "cadres/sanction_list.html"
    export_filename = "处分影响期清单.xlsx"

    def get_base_queryset(self):
        return Sanction.objects.restrict(self.request.user, "view").select_related(
            "cadre", "cadre__organization"
        )

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        log_access(
            user=request.user,
            action=AccessLog.Action.OTHER,
            object_type="cadres.sanction",
            object_repr="处分清单",
            detail={"read": "sanction_list", "query": request.GET.urlencode()[:200]},
            request=request,
        )
        return response


# --- photo ----------------------------------------------------------------------------------------


def photo_cadre_or_404(user, pk) -> Cadre:
    """The cadre whose photo `user` may see (scope + view_photos); 404 otherwise."""
    return get_scoped_or_404(Cadre.objects.all(), user, "view_photos", pk=pk)


def photo_response(request, cadre: Cadre) -> FileResponse:
    """The photo file itself, logged, never cached by a shared cache (page and API)."""
    photo = CadrePhoto.objects.restrict(request.user, "view").filter(cadre=cadre).first()
    if photo is None:
        raise Http404("未上传照片。")
    log_access(user=request.user, action=AccessLog.Action.DOWNLOAD_FILE, obj=photo, request=request)
    response = FileResponse(photo.image.open("rb"), content_type=photo.content_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


class PhotoView(LoginRequiredMixin, View):
    """The photo itself: scope + view_photos, logged, never cached by a shared cache."""

    def get(self, request, pk):
        return photo_response(request, photo_cadre_or_404(request.user, pk))


class PhotoUploadView(DossierCreateView):
    form_class = PhotoForm
    title = "上传照片"
    success_message = "照片已上传。"
    template_name = "cadres/photo_form.html"

    def perform(self, form):
        return services.photo_upload(
            user=self.request.user, cadre=self.object, fileobj=form.cleaned_data["photo"]
        )


# --- history of a dossier record -----------------------------------------------------------------------

DOSSIER_MODELS = {
    "education": EducationRecord,
    "resume": ResumeLine,
    "verification": DossierVerification,
    "reward": RewardPunishment,
    "training": TrainingRecord,
    "assessment": AnnualAssessment,
    "sanction": Sanction,
    "family": FamilyMember,
    "photo": CadrePhoto,
}


class DossierHistoryView(HistoryView):
    template_name = "cadres/history.html"

    def dispatch(self, request, *args, **kwargs):
        self.model = DOSSIER_MODELS.get(kwargs["kind"])
        if self.model is None:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return self.model.objects.restrict(self.request.user, "view").select_related("cadre")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["history"] = selectors.record_history(self.object)
        if self.kwargs["kind"] in ("sanction", "family", "photo"):
            log_read(self.request, self.object, f"{self.kwargs['kind']}_history")
        return ctx


# --- 谁推荐谁负责: a recommender's page ------------------------------------------------------------------


class RecommenderView(LoginRequiredMixin, TemplateView):
    """Everything a person recommended (in the viewer's scope) and what later happened to those
    cadres: sanctions (with view_sanctions) and the outcomes other apps register."""

    template_name = "cadres/recommender.html"
    kind = "cadre"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        if self.kind == "cadre":
            person = get_scoped_or_404(Cadre.objects.all(), user, "view", pk=kwargs["pk"])
            name = person.name
        else:
            person = get_object_or_404(get_user_model(), pk=kwargs["pk"], is_active=True)
            name = person.get_full_name() or person.username
        ctx.update(name=name, person=person, kind=self.kind)
        if self.kind == "cadre":
            ctx.update(selectors.recommender_record(user=user, cadre=person))
        else:
            ctx.update(selectors.recommender_record(user=user, user_obj=person))
        if any(r.sanctions for r in ctx["rows"]):
            log_read(self.request, person, "recommender_sanctions")
        return ctx


class RecommenderUserView(RecommenderView):
    kind = "user"


# --- 干部任免审批表 ---------------------------------------------------------------------------------


class RenmianView(LoginRequiredMixin, View):
    """GET: the small proposal form; with a valid proposal, `?format=docx` downloads the
    form as .docx and `?format=html` shows the print-ready page. Each generation is logged."""

    def get(self, request, pk):
        cadre = get_scoped_or_404(
            Cadre.objects.select_related("organization"), request.user, RENMIAN_ACTION, pk=pk
        )
        fmt = request.GET.get("format", "")
        form = RenmianForm(request.GET or None, initial=self.initial(cadre))
        if not fmt or not form.is_valid():
            status = 400 if fmt else 200
            return render(request, "cadres/renmian_form.html", {"object": cadre, "form": form}, status=status)
        data = renmian.build(user=request.user, cadre=cadre, proposal=form.cleaned_data)
        log_access(
            user=request.user,
            action=AccessLog.Action.EXPORT,
            obj=cadre,
            detail={"read": "renmian", "format": fmt},
            request=request,
        )
        if fmt == "docx":
            response = HttpResponse(renmian.docx_bytes(data), content_type=renmian.DOCX_MIME)
            filename = f"干部任免审批表-{cadre.name}.docx"
            response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
            response["Cache-Control"] = "private, no-store"
            return response
        if fmt == "html":
            response = render(
                request,
                "cadres/renmian_print.html",
                {"object": cadre, "form": data, "query": request.GET.urlencode()},
            )
            response["Cache-Control"] = "private, no-store"
            return response
        return render(request, "cadres/renmian_form.html", {"object": cadre, "form": form}, status=400)

    def initial(self, cadre):
        return {
            "submitting_unit": cadre.organization.name,
            "submit_date": timezone.localdate(),
            "filled_by": self.request.user.get_full_name() or self.request.user.get_username(),
        }


def dossier_context(request, cadre: Cadre, *, today) -> dict:
    """The full dossier on the cadre page: each part as the user may see it; sensitive parts
    (sanctions, family) only with their permission, and reading them is logged."""
    from cadre_supervision.permissions import has_org_perm

    user = request.user
    org_id = cadre.organization_id
    education = list(cadre.education_records.all())
    ctx = {
        "education_full_time": rules.highest_education(education, full_time=True),
        "education_in_service": rules.highest_education(education, full_time=False),
        "resume": selectors.cadre_resume(cadre=cadre, today=today),
        "verification": selectors.dossier_verification(user=user, cadre=cadre),
        "rewards": list(RewardPunishment.objects.restrict(user, "view").filter(cadre=cadre)),
        "assessments": list(AnnualAssessment.objects.restrict(user, "view").filter(cadre=cadre)),
        "training": list(TrainingRecord.objects.restrict(user, "view").filter(cadre=cadre)),
        "training_summary": selectors.training_summary(user=user, cadre_id=cadre.pk, today=today),
        "can_view_sanctions": has_org_perm(user, "view_sanctions", org_id),
        "can_view_family": has_org_perm(user, "view_family", org_id),
        "can_view_photo": has_org_perm(user, "view_photos", org_id),
        "can_renmian": Cadre.objects.restrict(user, RENMIAN_ACTION).filter(pk=cadre.pk).exists(),
        "verification_items": VerificationItem.choices,
    }
    if ctx["can_view_sanctions"]:
        ctx["sanctions"] = list(Sanction.objects.restrict(user, "view").filter(cadre=cadre))
        log_read(request, cadre, "sanctions", count=len(ctx["sanctions"]), page="cadre_detail")
    if ctx["can_view_family"]:
        ctx["family"] = list(FamilyMember.objects.restrict(user, "view").filter(cadre=cadre))
        log_read(request, cadre, "family", count=len(ctx["family"]), page="cadre_detail")
    if ctx["can_view_photo"]:
        ctx["has_photo"] = CadrePhoto.objects.restrict(user, "view").filter(cadre=cadre).exists()
    return ctx
