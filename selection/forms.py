"""Forms stay thin: they collect input and hand it to one service call."""

from __future__ import annotations

from django import forms

from cadre_supervision.widgets import LookupChoiceField, LookupMultipleChoiceField, bind_lookups

from .choices import Method, Rating, RatioPoint, Reply, RespondentKind
from .models import Agency

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _choices(choices):
    return [("", "请选择"), *choices]


class SelectionCreateForm(forms.Form):
    organization = LookupChoiceField(label="单位", source="organizations", action="manage_selection")
    title = forms.CharField(label="名称", max_length=200)
    posts = LookupMultipleChoiceField(
        label="拟任岗位", source="posts", action="manage_selection", set_name="leading"
    )
    reason = forms.CharField(label="动议理由", widget=forms.Textarea(attrs={"rows": 3}))
    method = forms.ChoiceField(label="选拔方式", choices=_choices(Method.choices))
    proposed_by = forms.CharField(label="动议提出", max_length=100, help_text="如：市委组织部部务会")
    motion_date = forms.DateField(label="动议日期", widget=DATE)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        bind_lookups(self, user)


class AdvanceForm(forms.Form):
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    document = forms.FileField(label="材料", required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label="理由", widget=forms.Textarea(attrs={"rows": 2}))


class RecordForm(forms.Form):
    meeting_date = forms.DateField(label="推荐会议日期", required=False, widget=DATE)
    meeting_participants = forms.IntegerField(label="会议推荐参加人数", required=False, min_value=0)
    talk_participants = forms.IntegerField(label="谈话推荐人数", required=False, min_value=0)
    inspection_team = forms.CharField(label="考察组", required=False, max_length=200)
    inspection_talks = forms.IntegerField(label="个别谈话人数", required=False, min_value=0)
    inspection_report = forms.FileField(label="考察报告", required=False)
    inspection_conclusion = forms.CharField(
        label="考察结论", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    decision_date = forms.DateField(label="讨论决定日期", required=False, widget=DATE)
    decision_members = forms.IntegerField(label="应到人数", required=False, min_value=0)
    decision_present = forms.IntegerField(label="实到人数", required=False, min_value=0)
    decision_text = forms.CharField(
        label="决定事项", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class RatioForm(forms.Form):
    point = forms.ChoiceField(label="环节", choices=_choices(RatioPoint.choices))
    nominees = forms.IntegerField(label="人选人数", min_value=0)
    posts = forms.IntegerField(label="职位数", min_value=1)


class NominateForm(forms.Form):
    cadre = LookupChoiceField(label="干部", source="cadres", action="view_cadres", set_name="active")
    post = forms.ModelChoiceField(label="拟任岗位", queryset=None, empty_label="请选择")
    recommendation_votes = forms.IntegerField(label="推荐票数", required=False, min_value=0)

    def __init__(self, *args, user, selection, **kwargs):
        super().__init__(*args, **kwargs)
        bind_lookups(self, user)
        self.fields["post"].queryset = selection.posts.select_related("organization")


class CandidateVotesForm(forms.Form):
    recommendation_votes = forms.IntegerField(label="推荐票数", required=False, min_value=0)
    decision_for = forms.IntegerField(label="表决赞成", required=False, min_value=0)
    decision_against = forms.IntegerField(label="表决反对", required=False, min_value=0)
    decision_abstain = forms.IntegerField(label="表决弃权", required=False, min_value=0)
    omission_handling = forms.CharField(
        label="漏报处理情况",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="个人有关事项查核为漏报时，记录处理情况",
    )


class ClearForm(forms.Form):
    override_reason = forms.CharField(
        label="越过预警的理由",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="仅在联审仍有未通过事项、且您有记录例外的权限时填写；将记入例外记录和廉政档案",
    )


class AppointForm(forms.Form):
    start_date = forms.DateField(label="任职日期", widget=DATE)
    document_no = forms.CharField(label="任职文号", required=False, max_length=60)


class LetterSendForm(forms.Form):
    agency = forms.ModelChoiceField(
        label="征求单位", queryset=Agency.objects.filter(active=True), empty_label="请选择"
    )
    sent_on = forms.DateField(label="发函日期", widget=DATE)


class LetterReplyForm(forms.Form):
    reply = forms.ChoiceField(label="答复意见", choices=_choices([c for c in Reply.choices if c[0]]))
    reply_text = forms.CharField(label="答复内容", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    reply_file = forms.FileField(label="附件", required=False)
    replied_on = forms.DateField(label="答复日期", widget=DATE)


class SurveyForm(forms.Form):
    respondent_kind = forms.ChoiceField(label="调查对象", choices=_choices(RespondentKind.choices))
    respondent_name = forms.CharField(label="姓名", required=False, max_length=50)
    family_virtue = forms.ChoiceField(label="家庭美德", choices=_choices(Rating.choices))
    social_morality = forms.ChoiceField(label="社会公德", choices=_choices(Rating.choices))
    neighbourliness = forms.ChoiceField(label="邻里关系", choices=_choices(Rating.choices))
    law_abiding = forms.ChoiceField(label="遵纪守法", choices=_choices(Rating.choices))
    comments = forms.CharField(label="意见", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    surveyed_on = forms.DateField(label="调查日期", widget=DATE)


class PublicityForm(forms.Form):
    start_date = forms.DateField(label="公示开始", widget=DATE)
    location = forms.CharField(
        label="公示方式或地点", max_length=200, help_text="如：本单位公示栏、市委组织部网站"
    )


class ExceptionForm(forms.Form):
    cadre = LookupChoiceField(label="干部", source="cadres", action="view_cadres", set_name="active")
    post = LookupChoiceField(label="岗位", source="posts", action="override_selection", set_name="leading")
    reason = forms.CharField(label="例外理由", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        bind_lookups(self, user)
