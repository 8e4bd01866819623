"""Page forms of the registry. Thin: they parse input; the services validate and save."""

from __future__ import annotations

from django import forms
from django.db.models import Q

from cadre_supervision.excel import MAX_UPLOAD_BYTES
from cadre_supervision.widgets import LookupChoiceField, bind_lookups

from .choices import FeedbackChannel, KeyCategory, TrainingKind, VerificationStatus
from .models import (
    AnnualAssessment,
    Appointment,
    Cadre,
    EducationRecord,
    FamilyMember,
    Organization,
    Post,
    ResumeLine,
    RewardPunishment,
    Sanction,
    TrainingRecord,
    portfolio_catalogue,
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class ServiceModelForm(forms.ModelForm):
    """A ModelForm used only for parsing and initial values.

    Model validation and instance construction are skipped: the service does both (and
    re-checks scope inside its transaction), so the instance passed in is never mutated.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Fields with a model default (sort order, status...) may be left empty.
        for name in self._model_fields_with_default():
            if not isinstance(self.fields[name], forms.BooleanField):
                self.fields[name].required = False

    def _model_fields_with_default(self) -> dict:
        out = {}
        for name in self.fields:
            try:
                model_field = self._meta.model._meta.get_field(name)
            except Exception:
                continue
            if getattr(model_field, "has_default", lambda: False)():
                out[name] = model_field
        return out

    def _post_clean(self):
        pass

    def service_data(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k in self._meta.fields}
        for name, model_field in self._model_fields_with_default().items():
            if data.get(name) in (None, "") and name in data:
                data[name] = model_field.get_default()
        return data


class OrganizationForm(ServiceModelForm):
    parent = LookupChoiceField(label="上级单位", source="organizations", action="change", required=False)

    class Meta:
        model = Organization
        fields = ["name", "short_name", "kind", "parent", "code", "sort_order", "is_active"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        bind_lookups(self, user)
        manageable = self.fields["parent"].queryset
        if self.instance.pk:
            # Keeping the current parent is always allowed (moving needs manage rights there).
            qs = Organization.objects.filter(
                Q(pk__in=manageable.values("pk")) | Q(pk=self.instance.parent_id)
            ).exclude(path__startswith=self.instance.path)
        else:
            qs = manageable
        self.fields["parent"].queryset = qs.order_by("path")
        self.fields["parent"].widget.placeholder = "输入单位名称搜索，或按层级选择"
        top_level = self.instance.pk and self.instance.parent_id is None
        if not user.is_superuser and not top_level:
            self.fields["parent"].required = True


class PostForm(ServiceModelForm):
    organization = LookupChoiceField(label="单位", source="organizations", action="change")
    key_categories = forms.MultipleChoiceField(
        label="关键岗位类别",
        choices=KeyCategory.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="岗位掌握下列权力之一即为关键岗位；选择后须写明理由。",
    )

    class Meta:
        model = Post
        fields = [
            "organization",
            "title",
            "is_leading",
            "top_leader_kind",
            "is_middle_level",
            "line_role",
            "key_categories",
            "key_reason",
            "sort_order",
            "is_active",
        ]
        widgets = {"key_reason": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        bind_lookups(self, user)


class ChangeReasonMixin(forms.Form):
    change_reason = forms.CharField(
        label="变更理由",
        max_length=300,
        required=False,
        help_text="修改已认定的三龄两历一身份事项时必填，记入变更历史。",
    )


class CadreForm(ChangeReasonMixin, ServiceModelForm):
    citizen_id = forms.CharField(label="身份证号", max_length=18, strip=True)
    organization = LookupChoiceField(label="所在单位", source="organizations", action="change")

    class Meta:
        model = Cadre
        fields = [
            "name",
            "gender",
            "ethnicity",
            "birth_date",
            "citizen_id",
            "native_place",
            "party_join_date",
            "work_start_date",
            "birth_place",
            "health",
            "professional_title",
            "expertise",
            "identity_category",
            "rank",
            "management_level",
            "status",
            "organization",
            "phone",
            "notes",
        ]
        widgets = {
            "birth_date": DateInput(),
            "party_join_date": DateInput(),
            "work_start_date": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        bind_lookups(self, user)
        # Gender and birth date come from a valid citizen ID (the service derives them and
        # refuses a typed value that differs): they need not be entered twice.
        for name in ("gender", "birth_date"):
            self.fields[name].required = False
            self.fields[name].help_text = "可不填：由身份证号自动得出；填写时须与身份证号一致。"
        if self.instance.pk:
            # The stored ID is never sent back to the browser; blank keeps it.
            self.fields["citizen_id"].required = False
            self.fields[
                "citizen_id"
            ].help_text = f"已登记：{self.instance.citizen_id_masked}。留空则保持不变，填写则替换。"
        else:
            self.fields["citizen_id"].help_text = "18位，最后一位可为X。"

    def service_data(self) -> dict:
        data = super().service_data()
        data.pop("citizen_id", None)
        return data

    def service_kwargs(self) -> dict:
        return {**self.service_data(), "change_reason": self.cleaned_data.get("change_reason", "")}


APPOINTMENT_FORM_FIELDS = [
    "start_date",
    "end_date",
    "method",
    "document_no",
    "portfolio_areas",
    "portfolio_text",
    "recommender_cadre",
    "recommender_user",
    "recommended_by",
    "reviewer_cadre",
    "reviewer_user",
    "reviewed_by",
    "is_secondment",
]


class AppointmentForm(ServiceModelForm):
    portfolio_areas = forms.MultipleChoiceField(
        label="分管领域",
        choices=(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Appointment
        fields = APPOINTMENT_FORM_FIELDS
        widgets = {
            "start_date": DateInput(),
            "end_date": DateInput(),
            "portfolio_text": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        # 推荐人 / 考察人: a cadre or a user, each picked by type-ahead inside the caller's scope
        # (people by name and office, never a list of every cadre or a login name).
        for prefix in ("recommender", "reviewer"):
            self.fields[f"{prefix}_cadre"] = LookupChoiceField(
                label=self.fields[f"{prefix}_cadre"].label, source="cadres", required=False
            )
            self.fields[f"{prefix}_user"] = LookupChoiceField(
                label=self.fields[f"{prefix}_user"].label, source="users", required=False
            )
        bind_lookups(self, user)
        # The catalogue's active areas, plus any deactivated one this tenure already holds.
        held = set(getattr(self.instance, "portfolio_areas", None) or ())
        catalogue = portfolio_catalogue()
        field = self.fields["portfolio_areas"]
        field.choices = [(c, name) for c, (name, _f, active) in catalogue.items() if active or c in held]
        forbidden = [name for name, f, _a in catalogue.values() if f]
        if forbidden:
            field.help_text = f"一把手不得直接分管{'、'.join(forbidden)}。"


class AppointmentCreateForm(AppointmentForm):
    post = LookupChoiceField(label="岗位", source="posts", action="change", set_name="active")

    class Meta(AppointmentForm.Meta):
        fields = ["post", *APPOINTMENT_FORM_FIELDS]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        bind_lookups(self, user)
        self.order_fields(["post", *APPOINTMENT_FORM_FIELDS])


class AppointmentEndForm(forms.Form):
    end_date = forms.DateField(label="任职结束日期", widget=DateInput())
    reason = forms.CharField(label="离任原因", max_length=100, required=False)


class CadreImportForm(forms.Form):
    file = forms.FileField(label="导入文件（.xlsx）", help_text="请使用下载的模板填写，文件不超过 10 MB。")
    dry_run = forms.BooleanField(
        label="先预检，不写入",
        required=False,
        initial=True,
        help_text="预检列出将新建和修改的记录及全部错误；确认后再写入。取消勾选则直接导入。",
    )

    def clean_file(self):
        f = self.cleaned_data["file"]
        if not f.name.lower().endswith(".xlsx"):
            raise forms.ValidationError("只支持 .xlsx 格式的 Excel 文件。")
        if f.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(f"文件过大（上限 {MAX_UPLOAD_BYTES // (1024 * 1024)} MB）。")
        return f


# --- the dossier (干部档案) ------------------------------------------------------------------------

MONTH_FORMATS = ["%Y-%m", "%Y.%m", "%Y-%m-%d", "%Y.%m.%d"]


class MonthInput(forms.DateInput):
    input_type = "month"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m")


class MonthField(forms.DateField):
    """A year and month ("2018-09" or "2018.09"), stored as the first of the month."""

    widget = MonthInput
    input_formats = MONTH_FORMATS
    default_error_messages = {"invalid": "请按“年-月”填写，例如 2018-09。"}

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace(day=1) if value else value


class DossierForm(ServiceModelForm):
    """A dossier record's form: the fields go to the record's service as keyword arguments."""

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)

    def service_kwargs(self) -> dict:
        data = self.service_data()
        if "change_reason" in self.fields:
            data["change_reason"] = self.cleaned_data.get("change_reason", "")
        return data


class EducationForm(ChangeReasonMixin, DossierForm):
    full_time = forms.TypedChoiceField(
        label="教育类别",
        choices=[("", "请选择"), ("1", "全日制教育"), ("0", "在职教育")],
        coerce=lambda v: v == "1",
    )

    class Meta:
        model = EducationRecord
        fields = ["full_time", "level", "degree", "school", "department", "major", "start_date", "end_date"]
        widgets = {"start_date": DateInput(), "end_date": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["full_time"] = "1" if self.instance.full_time else "0"


class ResumeLineForm(ChangeReasonMixin, DossierForm):
    start_month = MonthField(label="起始年月")
    end_month = MonthField(label="终止年月", required=False, help_text="至今留空")

    class Meta:
        model = ResumeLine
        fields = ["start_month", "end_month", "text"]
        help_texts = {"text": "如：某某县某某镇党委副书记、镇长"}


class RewardForm(DossierForm):
    class Meta:
        model = RewardPunishment
        fields = ["kind", "title", "date", "issuing_body", "document_no"]
        widgets = {"date": DateInput()}


class TrainingForm(DossierForm):
    kind = forms.ChoiceField(label="类别", choices=[("", "请选择"), *TrainingKind.choices])

    class Meta:
        model = TrainingRecord
        fields = ["name", "organizer", "kind", "start_date", "end_date", "hours", "certificate", "notes"]
        widgets = {"start_date": DateInput(), "end_date": DateInput()}


class AssessmentForm(DossierForm):
    year = forms.IntegerField(label="年度", min_value=1950, max_value=2100)

    class Meta:
        model = AnnualAssessment
        fields = ["year", "grade", "notes"]


class AssessmentUpdateForm(DossierForm):
    class Meta:
        model = AnnualAssessment
        fields = ["grade", "notes"]


class SanctionForm(DossierForm):
    class Meta:
        model = Sanction
        fields = ["kind", "decision_date", "deciding_body", "document_no", "reason"]
        widgets = {"decision_date": DateInput(), "reason": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"kind": "影响期按处分种类由政策参数确定，保存后显示截止日期。"}


class FamilyMemberForm(DossierForm):
    birth_month = MonthField(label="出生年月", required=False)

    class Meta:
        model = FamilyMember
        fields = ["relation", "name", "birth_month", "political_status", "employer_post", "sort_order"]
        help_texts = {"relation": "如：妻子、儿子、父亲、岳母"}


class VerificationForm(forms.Form):
    status = forms.ChoiceField(label="认定状态", choices=[("", "请选择"), *VerificationStatus.choices])
    document = forms.CharField(label="认定依据（档案材料）", max_length=200, required=False)
    note = forms.CharField(label="说明", max_length=300, required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)


class PhotoForm(forms.Form):
    photo = forms.FileField(label="照片（JPEG 或 PNG）")

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)


class RenmianForm(forms.Form):
    """What the 干部任免审批表 adds to the record: the proposal."""

    proposed_post = forms.CharField(label="拟任职务", max_length=200, required=False)
    removed_post = forms.CharField(label="拟免职务", max_length=200, required=False)
    reason = forms.CharField(label="任免理由", max_length=500, widget=forms.Textarea(attrs={"rows": 3}))
    submitting_unit = forms.CharField(label="呈报单位", max_length=100)
    submit_date = forms.DateField(label="呈报日期", widget=DateInput())
    filled_by = forms.CharField(label="填表人", max_length=50)

    def clean(self):
        data = super().clean()
        if not (data.get("proposed_post") or "").strip() and not (data.get("removed_post") or "").strip():
            raise forms.ValidationError("拟任职务和拟免职务至少填写一项。")
        return data


class PublicityFeedbackForm(forms.Form):
    received_on = forms.DateField(label="收到日期", widget=forms.DateInput(attrs={"type": "date"}))
    channel = forms.ChoiceField(label="反映方式", choices=[("", "请选择")] + list(FeedbackChannel.choices))
    content = forms.CharField(label="反映内容", widget=forms.Textarea(attrs={"rows": 3}))


class PublicityHandleForm(forms.Form):
    feedback = forms.IntegerField(label="反映", widget=forms.HiddenInput)
    handling = forms.CharField(label="处理情况", widget=forms.Textarea(attrs={"rows": 2}))
