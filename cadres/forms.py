"""Page forms of the registry. Thin: they parse input; the services validate and save."""

from __future__ import annotations

from django import forms
from django.db.models import Q

from cadre_supervision.excel import MAX_UPLOAD_BYTES

from .choices import KeyCategory
from .models import Appointment, Cadre, Organization, Post, portfolio_catalogue


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


class OrganizationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return "　" * obj.depth + obj.name


class OrganizationForm(ServiceModelForm):
    parent = OrganizationChoiceField(label="上级单位", queryset=Organization.objects.none(), required=False)

    class Meta:
        model = Organization
        fields = ["name", "short_name", "kind", "parent", "code", "sort_order", "is_active"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        manageable = Organization.objects.restrict(user, "change")
        if self.instance.pk:
            # Keeping the current parent is always allowed (moving needs manage rights there).
            qs = Organization.objects.filter(
                Q(pk__in=manageable.values("pk")) | Q(pk=self.instance.parent_id)
            ).exclude(path__startswith=self.instance.path)
        else:
            qs = manageable
        self.fields["parent"].queryset = qs.order_by("path")
        top_level = self.instance.pk and self.instance.parent_id is None
        if not user.is_superuser and not top_level:
            self.fields["parent"].required = True


class PostForm(ServiceModelForm):
    organization = OrganizationChoiceField(label="单位", queryset=Organization.objects.none())
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
        self.fields["organization"].queryset = Organization.objects.restrict(user, "change").order_by("path")


class CadreForm(ServiceModelForm):
    citizen_id = forms.CharField(label="身份证号", max_length=18, strip=True)
    organization = OrganizationChoiceField(label="所在单位", queryset=Organization.objects.none())

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
        qs = Organization.objects.restrict(user, "change").order_by("path")
        self.fields["organization"].queryset = qs
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


class PostChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        suffix = "（一把手）" if obj.top_leader_kind else ""
        return f"{obj.organization.name} · {obj.title}{suffix}"


APPOINTMENT_FORM_FIELDS = [
    "start_date",
    "end_date",
    "method",
    "document_no",
    "portfolio_areas",
    "portfolio_text",
    "recommended_by",
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
        # The catalogue's active areas, plus any deactivated one this tenure already holds.
        held = set(getattr(self.instance, "portfolio_areas", None) or ())
        catalogue = portfolio_catalogue()
        field = self.fields["portfolio_areas"]
        field.choices = [(c, name) for c, (name, _f, active) in catalogue.items() if active or c in held]
        forbidden = [name for name, f, _a in catalogue.values() if f]
        if forbidden:
            field.help_text = f"一把手不得直接分管{'、'.join(forbidden)}。"


class AppointmentCreateForm(AppointmentForm):
    post = PostChoiceField(label="岗位", queryset=Post.objects.none())

    class Meta(AppointmentForm.Meta):
        fields = ["post", *APPOINTMENT_FORM_FIELDS]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["post"].queryset = (
            Post.objects.restrict(user, "change")
            .filter(is_active=True)
            .select_related("organization")
            .order_by("organization__path", "sort_order", "id")
        )
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
