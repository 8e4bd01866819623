"""Resource table of the cadres app: every page and endpoint, checked by tests/kit."""

from __future__ import annotations

import datetime as dt

from cadres.models import (
    AnnualAssessment,
    Appointment,
    Cadre,
    CadrePhoto,
    DossierVerification,
    EducationRecord,
    FamilyMember,
    Organization,
    Post,
    ResumeLine,
    RewardPunishment,
    Sanction,
    TrainingRecord,
)
from tests.cadres.test_api import cadre_payload
from tests.cadres.test_api_grid import _grow
from tests.conftest import city
from tests.kit.grid import grid_tests
from tests.kit.resources import ApiResource as A
from tests.kit.resources import PageResource as P
from tests.kit.world import grown_fixture, world_fixture

TODAY = dt.date.today()


def _dossier(w):
    """Dossier records of 张伟 (甲镇, in staff_a's scope) and 李强 (乙镇, outside it)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from cadres import services as s

    u = w.staff_all
    for c, suffix in ((w.cadre_a, "a"), (w.cadre_b, "b")):
        setattr(
            w,
            f"edu_{suffix}",
            s.education_create(user=u, cadre=c, full_time=True, level="bachelor", school=f"大学{suffix}"),
        )
        setattr(
            w,
            f"line_{suffix}",
            s.resume_line_create(
                user=u,
                cadre=c,
                start_month=dt.date(1995, 9, 1),
                end_month=dt.date(1999, 7, 1),
                text=f"大学{suffix}学习",
            ),
        )
        setattr(
            w,
            f"reward_{suffix}",
            s.reward_create(
                user=u,
                cadre=c,
                kind="reward",
                title=f"先进{suffix}",
                date=dt.date(2020, 1, 1),
                issuing_body="市委",
            ),
        )
        setattr(
            w,
            f"training_{suffix}",
            s.training_create(
                user=u,
                cadre=c,
                name=f"培训班{suffix}",
                organizer="市委党校",
                kind="party_school",
                start_date=dt.date(2024, 3, 1),
                end_date=dt.date(2024, 3, 20),
                hours=120,
            ),
        )
        setattr(
            w,
            f"assess_{suffix}",
            s.assessment_record(user=u, cadre=c, year=TODAY.year - 2, grade="competent"),
        )
        setattr(
            w,
            f"sanction_{suffix}",
            s.sanction_create(
                user=u,
                cadre=c,
                kind="party_warning",
                decision_date=dt.date(2025, 6, 1),
                deciding_body=f"纪委{suffix}",
                reason="违规",
            ),
        )
        setattr(
            w,
            f"family_{suffix}",
            s.family_member_create(user=u, cadre=c, relation="妻子", name=f"家属{suffix}"),
        )
        setattr(
            w, f"verif_{suffix}", s.verification_record(user=u, cadre=c, item="identity", status="pending")
        )
        s.photo_upload(user=u, cadre=c, fileobj=SimpleUploadedFile("p.png", _png()))
    s.appointment_update(
        user=u, appointment=w.appt_a2, recommender_cadre=w.cadre_a, reviewer_user=w.staff_all
    )
    s.appointment_update(user=u, appointment=w.appt_b, recommender_user=w.staff_all)
    return w


def _png() -> bytes:
    from io import BytesIO

    from PIL import Image

    out = BytesIO()
    Image.new("RGB", (90, 120), (220, 200, 180)).save(out, "PNG")
    return out.getvalue()


def _grow_all(w, n):
    """The registry's rows plus n records of each dossier list under 甲镇."""
    from cadres.models import (
        EducationRecord,
        FamilyMember,
        ResumeLine,
        RewardPunishment,
        Sanction,
        TrainingRecord,
    )

    _grow(w, n)
    c = w.cadre_a
    EducationRecord.objects.bulk_create(
        EducationRecord(cadre=c, level="college", school=f"学校{i}") for i in range(n)
    )
    ResumeLine.objects.bulk_create(
        ResumeLine(cadre=c, start_month=dt.date(1980, 1, 1), text=f"经历{i}") for i in range(n)
    )
    RewardPunishment.objects.bulk_create(
        RewardPunishment(
            cadre=c, kind="reward", title=f"奖{i}", date=dt.date(2019, 1, 1), issuing_body="市委"
        )
        for i in range(n)
    )
    TrainingRecord.objects.bulk_create(
        TrainingRecord(
            cadre=c,
            name=f"培训{i}",
            organizer="市委党校",
            kind="special",
            start_date=dt.date(2023, 5, 1),
            hours=8,
        )
        for i in range(n)
    )
    Sanction.objects.bulk_create(
        Sanction(
            cadre=c,
            track="party",
            kind="party_warning",
            decision_date=dt.date(2025, 1, 1),
            deciding_body="纪委",
            reason="违规",
            bar_months=12,
            bar_end=dt.date(2026, 1, 1),
        )
        for i in range(n)
    )
    FamilyMember.objects.bulk_create(
        FamilyMember(cadre=c, relation="亲属", name=f"亲属{i}") for i in range(n)
    )


world = world_fixture(city, extra=_dossier)
grown = grown_fixture(_grow_all)  # n organizations, posts, cadres and tenures; n rows of each dossier list


def cadre_form(w, **over) -> dict:
    c = w.cadre_a
    data = {
        "name": c.name,
        "gender": c.gender,
        "ethnicity": c.ethnicity,
        "birth_date": c.birth_date.isoformat(),
        "citizen_id": "",
        "native_place": "浙江杭州",
        "party_join_date": c.party_join_date.isoformat(),
        "work_start_date": c.work_start_date.isoformat(),
        "identity_category": c.identity_category,
        "rank": "zhengchu",
        "management_level": c.management_level,
        "status": c.status,
        "organization": c.organization_id,
        "phone": "13800000000",
    }
    return {**data, **over}


def new_cadre_form(w, org) -> dict:
    p = cadre_payload(org)
    return {**p, "ethnicity": "汉族", "status": "active"}


def latest(model):
    return lambda w: model.objects.latest("pk")


ALL = (Organization, Post, Cadre, Appointment)
DOSSIER = (
    EducationRecord,
    ResumeLine,
    DossierVerification,
    RewardPunishment,
    TrainingRecord,
    AnnualAssessment,
    Sanction,
    FamilyMember,
    CadrePhoto,
)

PROPOSAL = {
    "proposed_post": "乙镇党委书记",
    "removed_post": "甲镇党委书记",
    "reason": "工作需要",
    "submitting_unit": "中共某市委组织部",
    "submit_date": "2026-11-20",
    "filled_by": "李干事",
}


def _photo(w):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return {"photo": SimpleUploadedFile("p.png", _png(), content_type="image/png")}


def _crud_pages(name, create_url, update_url, delete_url, obj, payload, model, *, create_user="staff_a"):
    rows = [
        P(
            f"cadres:{create_url}",
            inside=lambda w: w.cadre_a,
            outside=lambda w: w.cadre_b,
            refuse=payload,
            watch=DOSSIER,
            accept=payload,
            history=latest(model),
        ),
        P(
            f"cadres:{update_url}",
            inside=lambda w: getattr(w, f"{obj}_a"),
            outside=lambda w: getattr(w, f"{obj}_b"),
            refuse=payload,
            watch=DOSSIER,
            accept=payload,
            history=lambda w: getattr(w, f"{obj}_a"),
        ),
    ]
    if delete_url:
        rows.append(
            P(
                f"cadres:{delete_url}",
                method="post",
                inside=lambda w: getattr(w, f"{obj}_a"),
                outside=lambda w: getattr(w, f"{obj}_b"),
                refuse=lambda w: {},
                watch=DOSSIER,
                accept=lambda w: {},
            )
        )
    return rows


def _crud_apis(base, obj, payload, patch, model, *, delete=False, logged=False):
    rows = [
        A(
            f"cadres-api:{base}-list",
            shown=lambda w: getattr(w, f"{obj}_a"),
            hidden=lambda w: getattr(w, f"{obj}_b"),
            ceiling=12,
            ceiling_user="staff_all",
            params={"page_size": 200},
        ),
        A(
            f"cadres-api:{base}-list",
            method="post",
            refuse_status=400,  # the other unit's cadre: the same 400 as a nonexistent one
            refuse=lambda w: {**payload(w), "cadre": w.cadre_b.pk},
            watch=DOSSIER,
            accept=lambda w: {**payload(w), "cadre": w.cadre_a.pk},
            history=latest(model),
        ),
        A(
            f"cadres-api:{base}-detail",
            inside=lambda w: getattr(w, f"{obj}_a"),
            outside=lambda w: getattr(w, f"{obj}_b"),
        ),
        A(
            f"cadres-api:{base}-history",
            inside=lambda w: getattr(w, f"{obj}_a"),
            outside=lambda w: getattr(w, f"{obj}_b"),
        ),
    ]
    if patch is not None:
        rows.append(
            A(
                f"cadres-api:{base}-detail",
                method="patch",
                inside=lambda w: getattr(w, f"{obj}_a"),
                outside=lambda w: getattr(w, f"{obj}_b"),
                accept=patch,
                watch=DOSSIER,
                history=lambda w: getattr(w, f"{obj}_a"),
            )
        )
    if delete:
        rows.append(
            A(
                f"cadres-api:{base}-detail",
                method="delete",
                inside=lambda w: getattr(w, f"{obj}_a"),
                outside=lambda w: getattr(w, f"{obj}_b"),
                accept=lambda w: {},
                watch=DOSSIER,
            )
        )
    return rows


def _edu(w):
    return {"full_time": "1", "level": "master", "school": "中央党校", "degree": "硕士"}


def _line(w):
    return {"start_month": "1990-09", "end_month": "1995-07", "text": "某中学学习"}


def _reward(w):
    return {"kind": "reward", "title": "优秀共产党员", "date": "2021-07-01", "issuing_body": "市委"}


def _training(w):
    return {
        "name": "学习贯彻党的二十大精神专题培训",
        "organizer": "中共某市委组织部",
        "kind": "special",
        "start_date": "2025-04-07",
        "end_date": "2025-04-11",
        "hours": "40",
    }


def _sanction(w):
    return {
        "kind": "public_warning",
        "decision_date": "2025-03-01",
        "deciding_body": "市监委",
        "reason": "工作失职",
    }


def _family(w):
    return {"relation": "儿子", "name": "张小明", "birth_month": "2005-03", "political_status": "league"}


DOSSIER_PAGES = [
    *_crud_pages(
        "education", "education_create", "education_update", "education_delete", "edu", _edu, EducationRecord
    ),
    *_crud_pages(
        "resume", "resume_line_create", "resume_line_update", "resume_line_delete", "line", _line, ResumeLine
    ),
    *_crud_pages("reward", "reward_create", "reward_update", None, "reward", _reward, RewardPunishment),
    *_crud_pages(
        "training",
        "training_create",
        "training_update",
        "training_delete",
        "training",
        _training,
        TrainingRecord,
    ),
    P(
        "cadres:dossier_history",
        inside=lambda w: ("training", w.training_a),
        outside=lambda w: ("training", w.training_b),
    ),
    *_crud_pages("sanction", "sanction_create", "sanction_update", None, "sanction", _sanction, Sanction),
    *_crud_pages(
        "family", "family_create", "family_update", "family_delete", "family", _family, FamilyMember
    ),
    P(
        "cadres:assessment_create",
        inside=lambda w: w.cadre_a,
        outside=lambda w: w.cadre_b,
        refuse=lambda w: {"year": TODAY.year - 1, "grade": "excellent"},
        watch=DOSSIER,
        accept=lambda w: {"year": TODAY.year - 1, "grade": "excellent"},
        history=latest(AnnualAssessment),
    ),
    P(
        "cadres:assessment_update",
        inside=lambda w: w.assess_a,
        outside=lambda w: w.assess_b,
        refuse=lambda w: {"grade": "excellent"},
        watch=DOSSIER,
        accept=lambda w: {"grade": "excellent"},
        history=lambda w: w.assess_a,
    ),
    P(
        "cadres:verification_record",
        inside=lambda w: (w.cadre_a, "identity"),
        outside=lambda w: (w.cadre_b, "identity"),
        refuse=lambda w: {"status": "verified", "document": "公务员登记表"},
        watch=DOSSIER,
        accept=lambda w: {"status": "verified", "document": "公务员登记表"},
        history=lambda w: w.verif_a,
    ),
    P(
        "cadres:sanction_list",
        inside=lambda w: w.cadre_a,
        outside=lambda w: w.cadre_b,
        shown=lambda w: "纪委a",
    ),
    P("cadres:family_list", inside=lambda w: w.cadre_a, outside=lambda w: w.cadre_b, shown=lambda w: "家属a"),
    P(
        "cadres:sanctions_barring",
        params={"on": "2025-12-01"},
        shown=lambda w: "纪委a",
        hidden=lambda w: ["纪委b", "李强"],
        export=True,
        ceiling=20,
        ceiling_user="staff_all",
    ),
    P("cadres:cadre_photo", inside=lambda w: w.cadre_a, outside=lambda w: w.cadre_b),
    P(
        "cadres:photo_upload",
        inside=lambda w: w.cadre_a,
        outside=lambda w: w.cadre_b,
        refuse=_photo,
        watch=DOSSIER,
        accept=_photo,
        history=lambda w: CadrePhoto.objects.get(cadre=w.cadre_a),
    ),
    P(
        "cadres:dossier_history",
        inside=lambda w: ("education", w.edu_a),
        outside=lambda w: ("education", w.edu_b),
    ),
    P(
        "cadres:dossier_history",
        inside=lambda w: ("sanction", w.sanction_a),
        outside=lambda w: ("sanction", w.sanction_b),
    ),
    P("cadres:recommender", inside=lambda w: w.cadre_a, outside=lambda w: w.cadre_b, shown=lambda w: "王芳"),
    P(
        "cadres:recommender_user",
        inside=lambda w: w.staff_all,
        shown=lambda w: "王芳",
        hidden=lambda w: "李强",
    ),
    P("cadres:renmian", inside=lambda w: w.cadre_a, outside=lambda w: w.cadre_b),
    P(
        "cadres:renmian",
        inside=lambda w: w.cadre_a,
        outside=lambda w: w.cadre_b,
        params={**PROPOSAL, "format": "html"},
        shown=lambda w: ["张伟", "乙镇党委书记", "家属a"],
        hidden=lambda w: ["李强", "家属b"],
        ceiling=40,
    ),
    P(
        "cadres:renmian",
        inside=lambda w: w.cadre_a,
        outside=lambda w: w.cadre_b,
        params={**PROPOSAL, "format": "docx"},
    ),
]

DOSSIER_APIS = [
    *_crud_apis(
        "education-record",
        "edu",
        lambda w: {"full_time": True, "level": "master", "school": "中央党校"},
        lambda w: {"school": "浙江大学"},
        EducationRecord,
        delete=True,
    ),
    *_crud_apis(
        "resume-line",
        "line",
        lambda w: {"start_month": "1990-09-01", "end_month": "1995-07-01", "text": "某中学学习"},
        lambda w: {"text": "某高中学习"},
        ResumeLine,
        delete=True,
    ),
    *_crud_apis(
        "reward", "reward", lambda w: _reward(w), lambda w: {"title": "优秀党务工作者"}, RewardPunishment
    ),
    *_crud_apis(
        "training-record",
        "training",
        lambda w: {**_training(w), "hours": "40.0"},
        lambda w: {"hours": "36"},
        TrainingRecord,
        delete=True,
    ),
    *_crud_apis(
        "annual-assessment",
        "assess",
        lambda w: {"year": TODAY.year - 1, "grade": "excellent"},
        lambda w: {"grade": "excellent"},
        AnnualAssessment,
    ),
    *_crud_apis(
        "sanction", "sanction", lambda w: _sanction(w), lambda w: {"reason": "工作失职，造成损失"}, Sanction
    ),
    *_crud_apis(
        "family-member",
        "family",
        lambda w: {"relation": "儿子", "name": "张小明", "political_status": "league"},
        lambda w: {"employer_post": "某公司职员"},
        FamilyMember,
        delete=True,
    ),
    *_crud_apis(
        "verification",
        "verif",
        lambda w: {"item": "birth_date", "status": "verified", "document": "招工登记表"},
        None,
        DossierVerification,
    ),
    A("cadres-api:cadre-resume", inside=lambda w: w.cadre_a, outside=lambda w: w.cadre_b),
    A("cadres-api:cadre-dossier-check", inside=lambda w: w.cadre_a, outside=lambda w: w.cadre_b),
    # The photo over the API (multipart uploads are tested in tests/cadres/test_photo_api.py).
    A("cadres-api:cadre-photo", inside=lambda w: w.cadre_a, outside=lambda w: w.cadre_b),
    A(
        "cadres-api:cadre-photo",
        method="put",
        inside=lambda w: w.cadre_a,
        outside=lambda w: w.cadre_b,
        refuse=lambda w: {},
        watch=(CadrePhoto,),
    ),
    A(
        "cadres-api:cadre-photo",
        method="delete",
        inside=lambda w: w.cadre_a,
        outside=lambda w: w.cadre_b,
        refuse=lambda w: {},
        watch=(CadrePhoto,),
        accept=lambda w: {},
    ),
]

PAGES = [
    P(
        "cadres:cadre_list",
        shown=lambda w: ["张伟", "王芳"],
        hidden=lambda w: ["李强", "乙镇"],
        export=True,
        ceiling=25,
        ceiling_user="staff_all",
    ),
    P(
        "cadres:cadre_create",
        refuse=lambda w: new_cadre_form(w, w.town_b),
        watch=ALL,
        accept=lambda w: new_cadre_form(w, w.town_a),
        history=latest(Cadre),
    ),
    P("cadres:cadre_detail", inside=lambda w: w.cadre_a, outside=lambda w: w.cadre_b),
    P(
        "cadres:cadre_update",
        inside=lambda w: w.cadre_a,
        outside=lambda w: w.cadre_b,
        refuse=lambda w: cadre_form(w, name="改名"),
        watch=ALL,
        accept=cadre_form,
        history=lambda w: w.cadre_a,
    ),
    P("cadres:cadre_citizen_id", method="post", inside=lambda w: w.cadre_a, outside=lambda w: w.cadre_b),
    P("cadres:cadre_history", inside=lambda w: w.cadre_a, outside=lambda w: w.cadre_b),
    P(
        "cadres:appointment_create",
        inside=lambda w: w.cadre_a2,
        outside=lambda w: w.cadre_b,
        refuse=lambda w: {"post": w.sec_b.pk, "start_date": "2024-01-01", "method": "appointed"},
        refuse_url=lambda w: w.cadre_a2,
        watch=ALL,
        accept=lambda w: {"post": w.head_a.pk, "start_date": "2024-01-01", "method": "appointed"},
        history=latest(Appointment),
    ),
    P(
        "cadres:appointment_update",
        inside=lambda w: w.appt_a,
        outside=lambda w: w.appt_b,
        refuse=lambda w: {"start_date": "2016-09-02"},
        watch=ALL,
    ),
    P(
        "cadres:appointment_end",
        inside=lambda w: w.appt_a,
        outside=lambda w: w.appt_b,
        refuse=lambda w: {"end_date": "2024-01-01"},
        watch=ALL,
        accept=lambda w: {"end_date": "2024-01-01", "end_reason": "调任"},
        history=lambda w: w.appt_a,
    ),
    P(
        "cadres:organization_tree",
        shown=lambda w: "甲镇",
        hidden=lambda w: "乙镇",
        ceiling=20,
        ceiling_user="staff_all",
    ),
    P(
        "cadres:organization_create",
        refuse=lambda w: {"name": "某村", "kind": "township", "parent": w.town_b.pk},
        watch=ALL,
        accept=lambda w: {"name": "某村", "kind": "township", "parent": w.town_a.pk},
        history=latest(Organization),
    ),
    P(
        "cadres:organization_children",
        inside=lambda w: w.town_a,
        outside=lambda w: w.town_b,
        ceiling=20,
    ),
    P(
        "cadres:organization_detail",
        inside=lambda w: w.town_a,
        outside=lambda w: w.town_b,
        hidden=lambda w: "李强",
    ),
    P(
        "cadres:organization_update",
        inside=lambda w: w.town_a,
        outside=lambda w: w.town_b,
        refuse=lambda w: {"name": "改名镇", "kind": "township", "parent": w.root.pk},
        watch=ALL,
    ),
    P("cadres:organization_history", inside=lambda w: w.town_a, outside=lambda w: w.town_b),
    P(
        "cadres:post_list",
        shown=lambda w: "甲镇",
        hidden=lambda w: "乙镇",
        export=True,
        ceiling=25,
        ceiling_user="staff_all",
    ),
    P(
        "cadres:post_create",
        refuse=lambda w: {"organization": w.town_b.pk, "title": "副镇长"},
        watch=ALL,
        accept=lambda w: {"organization": w.town_a.pk, "title": "副镇长", "is_leading": "on"},
        history=latest(Post),
    ),
    P("cadres:post_detail", inside=lambda w: w.sec_a, outside=lambda w: w.sec_b, hidden=lambda w: "李强"),
    P(
        "cadres:post_update",
        inside=lambda w: w.sec_a,
        outside=lambda w: w.sec_b,
        refuse=lambda w: {"organization": w.town_b.pk, "title": "改名"},
        watch=ALL,
    ),
    P("cadres:post_history", inside=lambda w: w.sec_a, outside=lambda w: w.sec_b),
    P("cadres:cadre_import"),
    P("cadres:cadre_import_template"),
    # no error report in the session: "nothing to download" (the import tests cover the report)
    P("cadres:cadre_import_errors", status=404),
    *DOSSIER_PAGES,
    P("cadres:cadre_import_report", status=404),  # no import run in the session yet
    P("cadres:cadre_import_confirm", method="post"),  # nothing pending: tests/cadres/test_import.py
    P("cadres:cadre_import_export"),
]

APIS = [
    A("cadres-api:api-root"),
    A("cadres-api:stats-cadres", ceiling=15, ceiling_user="staff_all"),
    # multipart upload: 400s, dry run and import in tests/cadres/test_import_roundtrip.py
    A("cadres-api:cadre-import", method="post"),
    A(
        "cadres-api:organization-list",
        shown=lambda w: w.town_a,
        hidden=lambda w: w.town_b,
        ceiling=10,
        ceiling_user="staff_all",
        params={"page_size": 200},
    ),
    A(
        "cadres-api:organization-list",
        method="post",
        refuse_status=400,  # an out-of-scope related id: the same 400 as a nonexistent one
        refuse=lambda w: {"name": "某村", "kind": "township", "parent": w.town_b.pk},
        watch=ALL,
        accept=lambda w: {"name": "某村", "kind": "township", "parent": w.town_a.pk},
        history=latest(Organization),
    ),
    A("cadres-api:organization-detail", inside=lambda w: w.town_a, outside=lambda w: w.town_b),
    A(
        "cadres-api:organization-detail",
        method="patch",
        inside=lambda w: w.town_a,
        outside=lambda w: w.town_b,
        accept=lambda w: {"name": "甲镇（新）"},
        watch=ALL,
        history=lambda w: w.town_a,
    ),
    A("cadres-api:organization-history", inside=lambda w: w.town_a, outside=lambda w: w.town_b),
    A(
        "cadres-api:post-list",
        shown=lambda w: w.sec_a,
        hidden=lambda w: w.sec_b,
        ceiling=10,
        ceiling_user="staff_all",
        params={"page_size": 200},
    ),
    A(
        "cadres-api:post-list",
        method="post",
        refuse_status=400,  # an out-of-scope related id: the same 400 as a nonexistent one
        refuse=lambda w: {"organization": w.town_b.pk, "title": "副镇长"},
        watch=ALL,
        accept=lambda w: {"organization": w.town_a.pk, "title": "副镇长"},
        history=latest(Post),
    ),
    A("cadres-api:post-detail", inside=lambda w: w.sec_a, outside=lambda w: w.sec_b),
    A(
        "cadres-api:post-detail",
        method="patch",
        inside=lambda w: w.dep_a,
        outside=lambda w: w.sec_b,
        accept=lambda w: {"title": "副镇长（常务）"},
        watch=ALL,
        history=lambda w: w.dep_a,
    ),
    A("cadres-api:post-history", inside=lambda w: w.sec_a, outside=lambda w: w.sec_b),
    A(
        "cadres-api:cadre-list",
        shown=lambda w: [w.cadre_a, w.cadre_a2],
        hidden=lambda w: w.cadre_b,
        ceiling=10,
        ceiling_user="staff_all",
        params={"page_size": 200},
    ),
    A(
        "cadres-api:cadre-list",
        method="post",
        refuse_status=400,  # an out-of-scope related id: the same 400 as a nonexistent one
        refuse=lambda w: cadre_payload(w.town_b),
        watch=ALL,
        accept=lambda w: cadre_payload(w.town_a),
        history=latest(Cadre),
    ),
    A("cadres-api:cadre-detail", inside=lambda w: w.cadre_a, outside=lambda w: w.cadre_b),
    A(
        "cadres-api:cadre-detail",
        method="patch",
        inside=lambda w: w.cadre_a,
        outside=lambda w: w.cadre_b,
        accept=lambda w: {"phone": "13800000000"},
        watch=ALL,
        history=lambda w: w.cadre_a,
    ),
    A("cadres-api:cadre-history", inside=lambda w: w.cadre_a, outside=lambda w: w.cadre_b),
    A(
        "cadres-api:cadre-reveal-citizen-id",
        method="post",
        inside=lambda w: w.cadre_a,
        outside=lambda w: w.cadre_b,
    ),
    A(
        "cadres-api:appointment-list",
        shown=lambda w: w.appt_a,
        hidden=lambda w: w.appt_b,
        ceiling=10,
        ceiling_user="staff_all",
        params={"page_size": 200},
    ),
    A(
        "cadres-api:appointment-list",
        method="post",
        refuse_status=400,  # an out-of-scope related id: the same 400 as a nonexistent one
        refuse=lambda w: {"cadre": w.cadre_a2.pk, "post": w.sec_b.pk, "start_date": "2024-03-01"},
        watch=ALL,
        accept=lambda w: {"cadre": w.cadre_a2.pk, "post": w.head_a.pk, "start_date": "2024-03-01"},
        history=latest(Appointment),
    ),
    A("cadres-api:appointment-detail", inside=lambda w: w.appt_a, outside=lambda w: w.appt_b),
    A(
        "cadres-api:appointment-detail",
        method="patch",
        inside=lambda w: w.appt_a,
        outside=lambda w: w.appt_b,
        accept=lambda w: {"end_date": "2025-01-01", "end_reason": "调任"},
        watch=ALL,
        history=lambda w: w.appt_a,
    ),
    A("cadres-api:appointment-history", inside=lambda w: w.appt_a, outside=lambda w: w.appt_b),
    *DOSSIER_APIS,
]

(
    test_anonymous,
    test_in_scope,
    test_out_of_scope,
    test_refused,
    test_accepted,
    test_ceiling,
    test_malformed_id,
) = grid_tests(PAGES + APIS)
_ = dt
