"""The dossier (干部档案): services reject bad input with nothing saved, 认定 guards verified
values, sanctions bar promotion by policy, sensitive reads are permission-bound and logged,
the photo is private, and the 干部任免审批表 .docx is filled cell by cell."""

from __future__ import annotations

import datetime as dt
import random
from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from cadre_supervision import events, registry
from cadre_supervision.history import history_for
from cadre_supervision.models import AccessLog, PolicySetting
from cadres import selectors, services
from cadres.models import (
    AnnualAssessment,
    CadrePhoto,
    DossierVerification,
    EducationRecord,
    FamilyMember,
    ResumeLine,
    RewardPunishment,
    Sanction,
)
from tests.conftest import login
from tests.factories import make_user

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def _seed(settings, tmp_path):
    random.seed(1)
    settings.CS_PRIVATE_MEDIA_ROOT = str(tmp_path / "private")
    settings.MEDIA_ROOT = str(tmp_path / "media")


def png_bytes(size=(120, 160), fmt="PNG") -> bytes:
    from PIL import Image

    out = BytesIO()
    Image.new("RGB", size, (200, 180, 160)).save(out, fmt)
    return out.getvalue()


def counts():
    return [
        m.objects.count()
        for m in (
            EducationRecord,
            ResumeLine,
            DossierVerification,
            RewardPunishment,
            AnnualAssessment,
            Sanction,
            FamilyMember,
            CadrePhoto,
        )
    ]


# --- services: bad input, nothing saved -------------------------------------------------------------


@pytest.mark.parametrize(
    "service, target, data, field",
    [
        (services.education_create, "cadre", {"full_time": True, "level": "", "school": "某大学"}, "level"),
        (
            services.education_create,
            "cadre",
            {"full_time": True, "level": "bachelor", "school": ""},
            "school",
        ),
        (
            services.education_create,
            "cadre",
            {
                "full_time": True,
                "level": "bachelor",
                "school": "某大学",
                "start_date": dt.date(2000, 9, 1),
                "end_date": dt.date(1999, 7, 1),
            },
            "end_date",
        ),
        (services.resume_line_create, "cadre", {"start_month": None, "text": "某乡干部"}, "start_month"),
        (services.resume_line_create, "cadre", {"start_month": dt.date(1990, 1, 1), "text": ""}, "text"),
        (
            services.resume_line_create,
            "cadre",
            {"start_month": dt.date(1995, 1, 1), "end_month": dt.date(1994, 1, 1), "text": "某乡干部"},
            "end_month",
        ),
        (
            services.reward_create,
            "cadre",
            {"kind": "x", "title": "先进", "date": dt.date(2020, 1, 1), "issuing_body": "市委"},
            "kind",
        ),
        (
            services.reward_create,
            "cadre",
            {"kind": "reward", "title": "先进", "date": TODAY + dt.timedelta(days=3), "issuing_body": "市委"},
            "date",
        ),
        (services.assessment_record, "cadre", {"year": TODAY.year + 1, "grade": "competent"}, "year"),
        (services.assessment_record, "cadre", {"year": TODAY.year - 1, "grade": "great"}, "grade"),
        (
            services.sanction_create,
            "cadre",
            {
                "kind": "nope",
                "decision_date": dt.date(2025, 1, 1),
                "deciding_body": "市纪委",
                "reason": "违规",
            },
            "kind",
        ),
        (
            services.sanction_create,
            "cadre",
            {
                "kind": "party_warning",
                "decision_date": dt.date(2025, 1, 1),
                "deciding_body": "市纪委",
                "reason": "",
            },
            "reason",
        ),
        (services.family_member_create, "cadre", {"relation": "", "name": "李某"}, "relation"),
        (
            services.family_member_create,
            "cadre",
            {"relation": "妻子", "name": "李某", "political_status": "x"},
            "political_status",
        ),
        (
            services.verification_record,
            "cadre",
            {"item": "birth_date", "status": "verified", "document": ""},
            "document",
        ),
        (
            services.verification_record,
            "cadre",
            {"item": "nothing", "status": "verified", "document": "x"},
            "item",
        ),
        (services.verification_record, "cadre", {"item": "career", "status": "doubtful", "note": ""}, "note"),
    ],
)
def test_services_reject_bad_input_and_save_nothing(city, service, target, data, field):
    before = counts()
    with pytest.raises(ValidationError) as exc:
        service(user=city.staff_a, cadre=city.cadre_a, **data)
    assert field in exc.value.message_dict, exc.value.message_dict
    assert all("\u4e00" <= ch <= "\u9fff" for ch in exc.value.message_dict[field][0][:1])
    assert counts() == before


@pytest.mark.parametrize(
    "service, data",
    [
        (services.education_create, {"full_time": True, "level": "bachelor", "school": "某大学"}),
        (
            services.reward_create,
            {"kind": "reward", "title": "先进", "date": dt.date(2020, 1, 1), "issuing_body": "市委"},
        ),
        (services.assessment_record, {"year": TODAY.year - 1, "grade": "competent"}),
        (services.family_member_create, {"relation": "妻子", "name": "李某"}),
    ],
)
def test_writes_outside_scope_are_refused(city, service, data):
    before = counts()
    with pytest.raises(PermissionDenied):
        service(user=city.staff_a, cadre=city.cadre_b, **data)
    with pytest.raises(PermissionDenied):
        service(user=city.discipline, cadre=city.cadre_a, **data)
    assert counts() == before


# --- education: 学历 and 学位 derived -----------------------------------------------------------------


def test_education_is_derived_per_track_and_overall(city):
    c = city.cadre_a
    assert c.education_label == ""
    services.education_create(
        user=city.staff_a,
        cadre=c,
        full_time=True,
        level="bachelor",
        degree="学士",
        school="浙江大学",
        major="法学",
    )
    services.education_create(
        user=city.staff_a,
        cadre=c,
        full_time=False,
        level="master",
        degree="硕士",
        school="中央党校",
        major="经济管理",
    )
    c.refresh_from_db()
    assert c.education_level == "master" and c.degree == "硕士" and c.education_label == "硕士研究生 · 硕士"
    from cadres import rules

    records = list(c.education_records.all())
    assert rules.highest_education(records, full_time=True).school == "浙江大学"
    assert rules.highest_education(records, full_time=False).school == "中央党校"


# --- 认定: a verified value changes only with a reason -----------------------------------------------


def test_verified_birth_date_change_needs_a_reason_and_is_in_history(city):
    c = city.cadre_a
    services.verification_record(
        user=city.staff_a, cadre=c, item="birth_date", status="verified", document="1993年招工登记表"
    )
    row = DossierVerification.objects.get(cadre=c, item="birth_date")
    assert row.verified_by == city.staff_a and row.value == c.birth_date.isoformat()
    new_birth = c.birth_date.replace(day=1) if c.birth_date.day != 1 else c.birth_date.replace(day=2)
    with pytest.raises(ValidationError) as exc:
        services.cadre_update(user=city.staff_a, cadre=c, birth_date=new_birth)
    assert "birth_date" in exc.value.message_dict
    c.refresh_from_db()
    assert c.birth_date != new_birth
    # The citizen ID holds the birth date: change it together (a real correction).
    from tests.factories import make_citizen_id

    services.cadre_update(
        user=city.staff_a,
        cadre=c,
        birth_date=new_birth,
        citizen_id=make_citizen_id(new_birth, c.gender, seq=77),
        change_reason="据入党志愿书更正",
    )
    row.refresh_from_db()
    assert row.change_reason == "据入党志愿书更正" and row.value == new_birth.isoformat()
    changes = [ch for h in history_for(row) for ch in h["changes"]]
    assert any("据入党志愿书更正" in str(ch.values()) for ch in changes)


def test_verified_education_edit_needs_a_reason(city):
    c = city.cadre_a
    rec = services.education_create(
        user=city.staff_a, cadre=c, full_time=True, level="bachelor", school="浙江大学"
    )
    services.verification_record(
        user=city.staff_a, cadre=c, item="education", status="verified", document="学历证书"
    )
    with pytest.raises(ValidationError) as exc:
        services.education_update(user=city.staff_a, record=rec, school="杭州大学")
    assert "change_reason" in exc.value.message_dict
    assert EducationRecord.objects.get(pk=rec.pk).school == "浙江大学"
    services.education_update(
        user=city.staff_a, record=rec, school="杭州大学", change_reason="院校合并后更名"
    )
    assert EducationRecord.objects.get(pk=rec.pk).school == "杭州大学"


def test_verification_selector_answers_complete_and_open_items(city):
    c = city.cadre_a
    check = selectors.dossier_verification(user=city.staff_a, cadre=c)
    assert not check.complete and len(check.open_items) == 6
    services.education_create(user=city.staff_a, cadre=c, full_time=True, level="bachelor", school="浙江大学")
    services.resume_line_create(
        user=city.staff_a,
        cadre=c,
        start_month=dt.date(1996, 9, 1),
        end_month=dt.date(2000, 7, 1),
        text="浙江大学法学专业学习",
    )
    for item in ("birth_date", "party_join_date", "work_start_date", "education", "career", "identity"):
        services.verification_record(
            user=city.staff_a, cadre=c, item=item, status="verified", document="干部档案"
        )
    assert selectors.dossier_verification(user=city.staff_a, cadre=c).complete
    services.verification_record(
        user=city.staff_a, cadre=c, item="career", status="doubtful", note="1999年经历存疑"
    )
    check = selectors.dossier_verification(user=city.staff_a, cadre=c)
    assert (check.complete, check.open_items, check.doubtful_items) == (False, ["career"], ["career"])
    assert selectors.dossier_verification(user=city.staff_a, cadre=city.cadre_b) is None


# --- résumé -----------------------------------------------------------------------------------------


def test_resume_joins_entered_lines_and_tenures_and_flags_gaps(city):
    c = city.cadre_a  # tenure: 甲镇党委书记 from 2019-05
    services.resume_line_create(
        user=city.staff_a,
        cadre=c,
        start_month=dt.date(1996, 9, 1),
        end_month=dt.date(2000, 7, 1),
        text="浙江大学法学专业学习",
    )
    services.resume_line_create(
        user=city.staff_a,
        cadre=c,
        start_month=dt.date(2000, 7, 1),
        end_month=dt.date(2015, 3, 1),
        text="某县某乡干部",
    )
    resume = selectors.cadre_resume(cadre=c)
    texts = [r.formatted for r in resume.rows]
    assert texts[0] == "1996.09—2000.07  浙江大学法学专业学习"
    assert texts[-1].startswith("2019.05—") and texts[-1].endswith("甲镇党委书记")
    assert [(i.kind, i.start, i.end) for i in resume.issues] == [
        ("gap", dt.date(2015, 3, 1), dt.date(2019, 5, 1))
    ]


# --- annual assessments: one per year, the event --------------------------------------------------------


def test_assessment_emits_the_event_and_is_unique_per_year(city):
    heard = []
    registry.on(events.AssessmentRecorded, heard.append)
    try:
        a = services.assessment_record(
            user=city.staff_a, cadre=city.cadre_a, year=TODAY.year - 1, grade="excellent"
        )
    finally:
        registry.off(events.AssessmentRecorded, heard.append)
    assert [(e.cadre_id, e.year, e.grade, e.source, e.source_id) for e in heard] == [
        (city.cadre_a.pk, TODAY.year - 1, "excellent", "cadres.annualassessment", a.pk)
    ]
    with pytest.raises(ValidationError):
        services.assessment_record(
            user=city.staff_a, cadre=city.cadre_a, year=TODAY.year - 1, grade="competent"
        )
    assert AnnualAssessment.objects.filter(cadre=city.cadre_a).count() == 1


def test_assessment_raises_the_special_topic_talk(city):
    from interviews.models import RequiredTalk

    before = RequiredTalk.objects.filter(cadre=city.cadre_a).count()
    services.assessment_record(user=city.staff_a, cadre=city.cadre_a, year=TODAY.year - 1, grade="basic")
    assert RequiredTalk.objects.filter(cadre=city.cadre_a).count() == before + 1


# --- sanctions --------------------------------------------------------------------------------------


def test_sanction_bar_from_policy_and_the_barring_selector(city):
    s = services.sanction_create(
        user=city.staff_a,
        cadre=city.cadre_a,
        kind="party_serious_warning",
        decision_date=dt.date(2025, 3, 10),
        deciding_body="市纪委",
        reason="违反中央八项规定精神",
    )
    assert (s.track, s.bar_months, s.bar_end, s.bar_indefinite) == ("party", 18, dt.date(2026, 9, 10), False)
    PolicySetting.objects.create(key="cadres.sanction_bar_months.public_warning", value=9)
    s2 = services.sanction_create(
        user=city.staff_a,
        cadre=city.cadre_a2,
        kind="public_warning",
        decision_date=dt.date(2025, 1, 1),
        deciding_body="市监委",
        reason="工作失职",
    )
    assert (s2.track, s2.bar_months, s2.bar_end) == ("public", 9, dt.date(2025, 10, 1))
    on = dt.date(2025, 6, 1)
    assert set(selectors.sanctions_barring_promotion(user=city.staff_a, on=on)) == {s, s2}
    assert set(selectors.sanctions_barring_promotion(user=city.staff_a, on=dt.date(2026, 1, 1))) == {s}
    assert list(selectors.sanctions_barring_promotion(user=city.staff_a, on=dt.date(2026, 9, 10))) == []
    # out of scope and without the permission: nothing
    assert list(selectors.sanctions_barring_promotion(user=city.liaison_a, on=on)) == []
    other = make_user("staff_b", "org_staff", [city.town_b])
    assert list(selectors.sanctions_barring_promotion(user=other, on=on)) == []


# --- recommenders -------------------------------------------------------------------------------------


def test_recommender_is_a_person_and_text_only_an_outside_body(city):
    appt = city.appt_a2
    with pytest.raises(ValidationError) as exc:
        services.appointment_update(
            user=city.staff_a, appointment=appt, recommender_cadre=city.cadre_a, recommended_by="市委组织部"
        )
    assert "recommended_by" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.appointment_update(user=city.staff_a, appointment=appt, recommender_cadre=city.cadre_a2)
    services.appointment_update(
        user=city.staff_a, appointment=appt, recommender_cadre=city.cadre_a, reviewer_user=city.staff_a
    )
    appt.refresh_from_db()
    assert appt.recommender_label == city.cadre_a.name and appt.reviewer_label == "staff_a"
    services.sanction_create(
        user=city.staff_a,
        cadre=city.cadre_a2,
        kind="public_demerit",
        decision_date=dt.date(2025, 5, 1),
        deciding_body="市监委",
        reason="失职",
    )
    record = selectors.recommender_record(user=city.staff_a, cadre=city.cadre_a)
    assert [(r.appointment.pk, r.role, len(r.sanctions)) for r in record["rows"]] == [(appt.pk, "推荐", 1)]
    assert record["with_consequences"] == 1
    # the liaison sees the recommendation but not the sanction
    record = selectors.recommender_record(user=city.liaison_a, cadre=city.cadre_a)
    assert [len(r.sanctions) for r in record["rows"]] == [0]


def test_migration_matches_unique_names():
    """The data migration's matching: unique cadre names become links, the rest stays text."""
    import importlib

    mod = importlib.import_module("cadres.migrations.0007_recommenders_are_people")
    assert callable(mod.people_from_names)


# --- photo ---------------------------------------------------------------------------------------------


def test_photo_upload_checks_the_real_type_and_size(city):
    ok = SimpleUploadedFile("a.jpg", png_bytes(fmt="JPEG"), content_type="image/png")
    photo = services.photo_upload(user=city.staff_a, cadre=city.cadre_a, fileobj=ok)
    assert photo.content_type == "image/jpeg" and photo.width == 120
    assert photo.image.path.startswith(str(photo.image.storage.location))
    from django.conf import settings

    assert not photo.image.path.startswith(str(settings.MEDIA_ROOT))
    for bad in (
        SimpleUploadedFile("x.png", b"GIF89a" + b"0" * 100, content_type="image/png"),
        SimpleUploadedFile("x.png", b"not an image at all", content_type="image/png"),
    ):
        with pytest.raises(ValidationError) as exc:
            services.photo_upload(
                user=city.staff_a, cadre=city.cadre_b if False else city.cadre_a2, fileobj=bad
            )
        assert "photo" in exc.value.message_dict
    from PIL import Image

    gif = BytesIO()
    Image.new("RGB", (80, 80)).save(gif, "GIF")
    with pytest.raises(ValidationError):
        services.photo_upload(
            user=city.staff_a, cadre=city.cadre_a2, fileobj=SimpleUploadedFile("x.png", gif.getvalue())
        )
    PolicySetting.objects.create(key="cadres.photo_max_kb", value=50)
    big = SimpleUploadedFile("big.png", b"\x89PNG" + b"0" * 60 * 1024)
    with pytest.raises(ValidationError) as exc:
        services.photo_upload(user=city.staff_a, cadre=city.cadre_a2, fileobj=big)
    assert "KB" in exc.value.message_dict["photo"][0]
    assert not CadrePhoto.objects.filter(cadre=city.cadre_a2).exists()


def test_photo_is_served_only_through_the_checked_view(client, city):
    services.photo_upload(
        user=city.staff_a, cadre=city.cadre_a, fileobj=SimpleUploadedFile("a.png", png_bytes())
    )
    url = reverse("cadres:cadre_photo", args=[city.cadre_a.pk])
    assert client.get(url).status_code == 302  # anonymous: login
    login(client, city.liaison_a)  # in scope, no view_photos
    assert client.get(url).status_code == 404
    login(client, city.staff_a)
    before = AccessLog.objects.filter(action=AccessLog.Action.DOWNLOAD_FILE).count()
    resp = client.get(url)
    assert resp.status_code == 200 and resp["Content-Type"] == "image/png"
    assert b"".join(resp.streaming_content).startswith(b"\x89PNG")
    assert AccessLog.objects.filter(action=AccessLog.Action.DOWNLOAD_FILE).count() == before + 1
    assert client.get(reverse("cadres:cadre_photo", args=[city.cadre_b.pk])).status_code == 404


# --- permission grid of the sensitive pages -----------------------------------------------------------


@pytest.mark.parametrize(
    "who, sanctions, family",
    [
        ("staff_a", 200, 200),
        ("staff_all", 200, 200),
        ("discipline", 200, 200),
        ("liaison_a", 404, 404),
        ("nobody", 404, 404),
    ],
)
def test_sensitive_pages_permission_grid(client, city, who, sanctions, family):
    services.sanction_create(
        user=city.staff_a,
        cadre=city.cadre_a,
        kind="party_warning",
        decision_date=dt.date(2025, 1, 1),
        deciding_body="市纪委",
        reason="违纪",
    )
    services.family_member_create(user=city.staff_a, cadre=city.cadre_a, relation="妻子", name="孙丽")
    login(client, getattr(city, who))
    before = AccessLog.objects.count()
    r1 = client.get(reverse("cadres:sanction_list", args=[city.cadre_a.pk]))
    r2 = client.get(reverse("cadres:family_list", args=[city.cadre_a.pk]))
    assert (r1.status_code, r2.status_code) == (sanctions, family)
    if sanctions == 200:
        assert "市纪委" in r1.content.decode() and "孙丽" in r2.content.decode()
        assert AccessLog.objects.count() == before + 2
    else:
        assert AccessLog.objects.count() == before
    assert (
        client.get(reverse("cadres:sanction_list", args=[city.cadre_b.pk])).status_code in (404,)
        if who == "staff_a"
        else True
    )


def test_cadre_page_shows_the_dossier_and_logs_sensitive_reads(client, city):
    c = city.cadre_a
    services.education_create(
        user=city.staff_a, cadre=c, full_time=True, level="bachelor", degree="学士", school="浙江大学"
    )
    services.family_member_create(user=city.staff_a, cadre=c, relation="妻子", name="孙丽")
    services.verification_record(
        user=city.staff_a, cadre=c, item="identity", status="verified", document="公务员登记表"
    )
    login(client, city.staff_a)
    before = AccessLog.objects.count()
    html = client.get(reverse("cadres:cadre_detail", args=[c.pk])).content.decode()
    for text in (
        "三龄两历一身份认定",
        "已认定",
        "公务员登记表",
        "大学本科 · 学士",
        "简历",
        "孙丽",
        "年度考核",
        "奖惩情况",
    ):
        assert text in html, text
    assert AccessLog.objects.count() == before + 2  # sanctions and family shown
    login(client, city.liaison_a)
    html = client.get(reverse("cadres:cadre_detail", args=[c.pk])).content.decode()
    assert "孙丽" not in html and "三龄两历一身份认定" in html


# --- pages: forms re-show errors, history ---------------------------------------------------------------


def test_education_form_page_saves_and_reshows_errors(client, city):
    login(client, city.staff_a)
    url = reverse("cadres:education_create", args=[city.cadre_a.pk])
    resp = client.post(url, {"full_time": "1", "level": "bachelor", "school": ""})
    assert resp.status_code == 200 and resp.context["form"].errors
    assert not EducationRecord.objects.filter(cadre=city.cadre_a).exists()
    resp = client.post(url, {"full_time": "0", "level": "master", "school": "中央党校", "degree": "硕士"})
    assert resp.status_code == 302
    rec = EducationRecord.objects.get(cadre=city.cadre_a)
    assert not rec.full_time and rec.school == "中央党校"
    h = client.get(reverse("cadres:dossier_history", args=["education", rec.pk]))
    assert h.status_code == 200 and "中央党校" in h.content.decode()
    assert client.get(reverse("cadres:dossier_history", args=["nothing", rec.pk])).status_code == 404


def test_resume_form_accepts_year_month(client, city):
    login(client, city.staff_a)
    resp = client.post(
        reverse("cadres:resume_line_create", args=[city.cadre_a.pk]),
        {"start_month": "1996-09", "end_month": "2000.07", "text": "浙江大学学习"},
    )
    assert resp.status_code == 302
    line = ResumeLine.objects.get(cadre=city.cadre_a)
    assert (line.start_month, line.end_month) == (dt.date(1996, 9, 1), dt.date(2000, 7, 1))


# --- 干部任免审批表 -----------------------------------------------------------------------------------------


def _long_dossier(city):
    """A cadre with a long résumé, several family members, a sanction, no photo."""
    c = city.cadre_a
    services.cadre_update(
        user=city.staff_a,
        cadre=c,
        birth_place="浙江杭州",
        health="健康",
        professional_title="经济师",
        expertise="基层治理",
        native_place="浙江绍兴",
    )
    services.education_create(
        user=city.staff_a,
        cadre=c,
        full_time=True,
        level="bachelor",
        degree="法学学士",
        school="浙江大学",
        department="法学院",
        major="法学",
    )
    services.education_create(
        user=city.staff_a,
        cadre=c,
        full_time=False,
        level="master",
        degree="公共管理硕士",
        school="浙江大学",
        department="公共管理学院",
        major="公共管理",
    )
    start = dt.date(1990, 9, 1)
    lines = []
    for i in range(24):
        end = dt.date(start.year + 1, 3, 1)
        services.resume_line_create(
            user=city.staff_a,
            cadre=c,
            start_month=start,
            end_month=end,
            text=f"某县第{i + 1}乡镇党委委员、副乡长",
        )
        lines.append((start, end))
        start = end
    for i, (rel, name) in enumerate(
        (("妻子", "孙丽"), ("儿子", "张小明"), ("父亲", "张大山"), ("母亲", "王秀英"))
    ):
        services.family_member_create(
            user=city.staff_a,
            cadre=c,
            relation=rel,
            name=name,
            birth_month=dt.date(1950 + i * 10, 3, 1),
            political_status="cpc" if i != 1 else "league",
            employer_post=f"某单位职工{i}",
            sort_order=i,
        )
    services.sanction_create(
        user=city.staff_a,
        cadre=c,
        kind="party_warning",
        decision_date=dt.date(2024, 6, 1),
        deciding_body="市纪委",
        document_no="市纪〔2024〕5号",
        reason="违规",
    )
    services.reward_create(
        user=city.staff_a,
        cadre=c,
        kind="reward",
        title="优秀共产党员",
        date=dt.date(2021, 7, 1),
        issuing_body="市委",
    )
    for y, g in ((TODAY.year - 3, "competent"), (TODAY.year - 2, "excellent"), (TODAY.year - 1, "competent")):
        services.assessment_record(user=city.staff_a, cadre=c, year=y, grade=g)
    c.refresh_from_db()
    return c


PROPOSAL = {
    "proposed_post": "乙镇党委书记",
    "removed_post": "甲镇党委书记",
    "reason": "工作需要",
    "submitting_unit": "中共某市委组织部",
    "submit_date": "2026-11-20",
    "filled_by": "李干事",
}


def test_renmian_docx_every_cell(client, city):
    from docx import Document

    c = _long_dossier(city)
    login(client, city.staff_a)
    before = AccessLog.objects.filter(action=AccessLog.Action.EXPORT).count()
    resp = client.get(reverse("cadres:renmian", args=[c.pk]), {**PROPOSAL, "format": "docx"})
    assert resp.status_code == 200 and resp["Content-Type"].startswith("application/vnd.openxmlformats")
    assert AccessLog.objects.filter(action=AccessLog.Action.EXPORT).count() == before + 1
    doc = Document(BytesIO(resp.content))
    assert doc.paragraphs[0].text == "干部任免审批表"
    one, two = doc.tables
    cell = lambda t, r, k: t.cell(r, k).text  # noqa: E731
    age = c.age(TODAY)
    expected_one = {
        (0, 0): "姓  名",
        (0, 1): c.name,
        (0, 2): "性别",
        (0, 3): "男",
        (0, 4): "出生年月\n（  岁）",
        (0, 5): f"{c.birth_date.year}.{c.birth_date.month:02d}（{age}岁）",
        (0, 6): "（照片）",
        (1, 0): "民  族",
        (1, 1): "汉族",
        (1, 2): "籍贯",
        (1, 3): "浙江绍兴",
        (1, 4): "出 生 地",
        (1, 5): "浙江杭州",
        (2, 0): "入党时间",
        (2, 1): f"{c.party_join_date.year}.{c.party_join_date.month:02d}",
        (2, 2): "参加工作时间",
        (2, 3): f"{c.work_start_date.year}.{c.work_start_date.month:02d}",
        (2, 4): "健康状况",
        (2, 5): "健康",
        (3, 0): "专业技术\n职    务",
        (3, 1): "经济师",
        (3, 3): "熟悉专业\n有何专长",
        (3, 4): "基层治理",
        (4, 0): "学  历\n学  位",
        (4, 1): "全日制\n教  育",
        (4, 2): "大学本科 法学学士",
        (4, 4): "毕业院校\n系及专业",
        (4, 5): "浙江大学法学院法学",
        (5, 1): "在  职\n教  育",
        (5, 2): "硕士研究生 公共管理硕士",
        (5, 5): "浙江大学公共管理学院公共管理",
        (6, 0): "现 任 职 务",
        (6, 2): "甲镇党委书记",
        (7, 0): "拟 任 职 务",
        (7, 2): "乙镇党委书记",
        (8, 0): "拟 免 职 务",
        (8, 2): "甲镇党委书记",
        (9, 0): "简\n\n\n\n历",
    }
    for (r, k), text in expected_one.items():
        assert cell(one, r, k) == text, (r, k, cell(one, r, k), text)
    resume = selectors.cadre_resume(cadre=c)
    all_lines = [row.formatted for row in resume.rows]
    page_one = cell(one, 9, 1).split("\n")
    continued = cell(two, 0, 1).split("\n")
    assert page_one + continued == all_lines and len(continued) > 0
    assert cell(two, 0, 0) == "简历\n（续）"
    assert cell(two, 1, 0) == "奖\n惩\n情\n况"
    assert cell(two, 1, 1) == "2021.07  市委授予优秀共产党员\n2024.06  市纪委给予警告处分（市纪〔2024〕5号）"
    assert cell(two, 2, 1) == "；".join(
        f"{y}年度{g}"
        for y, g in ((TODAY.year - 3, "称职"), (TODAY.year - 2, "优秀"), (TODAY.year - 1, "称职"))
    )
    assert cell(two, 3, 1) == "工作需要"
    assert cell(two, 4, 0) == "家庭主要成员及重要社会关系"
    assert [cell(two, 4, k) for k in range(1, 6)] == [
        "称谓",
        "姓名",
        "出生年月",
        "政治面貌",
        "工作单位及职务",
    ]
    family = [[cell(two, 5 + i, k) for k in range(1, 6)] for i in range(4)]
    assert family == [
        ["妻子", "孙丽", "1950.03", "中共党员", "某单位职工0"],
        ["儿子", "张小明", "1960.03", "共青团员", "某单位职工1"],
        ["父亲", "张大山", "1970.03", "中共党员", "某单位职工2"],
        ["母亲", "王秀英", "1980.03", "中共党员", "某单位职工3"],
    ]
    assert (
        cell(two, 9, 0) == "呈\n报\n单\n位"
        and cell(two, 9, 1) == "中共某市委组织部\n（盖章）\n2026年11月20日"
    )
    assert cell(two, 10, 0) == "审批机关\n意    见" and cell(two, 10, 1) == "（盖章）\n年    月    日"
    assert cell(two, 10, 3) == "行政机关\n任免意见" and cell(two, 10, 4) == "（盖章）\n年    月    日"
    assert doc.paragraphs[-1].text == "填表人：李干事"
    # fonts: labels 宋体, values 仿宋
    from docx.oxml.ns import qn

    def east_asia(cell_):
        run = cell_.paragraphs[0].runs[0]
        return run._element.rPr.rFonts.get(qn("w:eastAsia"))

    assert east_asia(one.cell(0, 0)) == "宋体" and east_asia(one.cell(0, 1)) == "仿宋"
    # exactly one page break: two pages
    body = doc.element.body.xml
    assert body.count('w:type="page"') == 1


def test_renmian_with_photo_embeds_it(client, city):
    from docx import Document

    services.photo_upload(
        user=city.staff_a, cadre=city.cadre_a, fileobj=SimpleUploadedFile("a.png", png_bytes())
    )
    login(client, city.staff_a)
    resp = client.get(reverse("cadres:renmian", args=[city.cadre_a.pk]), {**PROPOSAL, "format": "docx"})
    doc = Document(BytesIO(resp.content))
    assert len(doc.inline_shapes) == 1
    html = client.get(
        reverse("cadres:renmian", args=[city.cadre_a.pk]), {**PROPOSAL, "format": "html"}
    ).content.decode()
    assert reverse("cadres:cadre_photo", args=[city.cadre_a.pk]) in html


def test_renmian_form_errors_and_scope(client, city):
    login(client, city.staff_a)
    url = reverse("cadres:renmian", args=[city.cadre_a.pk])
    assert client.get(url).status_code == 200
    bad = client.get(url, {**PROPOSAL, "proposed_post": "", "removed_post": "", "format": "docx"})
    assert bad.status_code == 400 and "拟任职务和拟免职务至少填写一项" in bad.content.decode()
    assert (
        client.get(
            reverse("cadres:renmian", args=[city.cadre_b.pk]), {**PROPOSAL, "format": "docx"}
        ).status_code
        == 404
    )
    login(client, city.liaison_a)
    assert client.get(url, {**PROPOSAL, "format": "docx"}).status_code == 404


def test_renmian_print_page(client, city):
    c = _long_dossier(city)
    login(client, city.staff_a)
    resp = client.get(reverse("cadres:renmian", args=[c.pk]), {**PROPOSAL, "format": "html"})
    html = resp.content.decode()
    assert resp.status_code == 200
    for text in (
        "干部任免审批表",
        "乙镇党委书记",
        "简历<br>（续）",
        "孙丽",
        "中共某市委组织部",
        "填表人：李干事",
        "renmian.css",
    ):
        assert text in html, text
    assert "<script>" not in html


def test_dossier_api_filters_refuse_an_unknown_yes_no_value(city, client):
    client.force_login(city.staff_all)
    assert client.get("/api/v1/education-records/?full_time=true").status_code == 200
    resp = client.get("/api/v1/education-records/?full_time=-5.3")
    assert resp.status_code == 400, resp.content
