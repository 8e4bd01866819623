"""Resource table of the selection app: every page and endpoint, checked by tests/kit.

In scope: staff_a (org staff of 甲镇) with 甲镇's selection, 张伟 its candidate and his letters;
out of scope: 乙镇's selection, 李强 and his letters. Agency liaisons: jw_liaison (市纪委监委)
sees the letters addressed to it and nothing else; lead holds override_selection."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from selection import services
from selection.choices import Stage
from selection.models import (
    Candidate,
    GateException,
    OpinionLetter,
    RatioRecord,
    Selection,
    StageRecord,
    SurveyResponse,
)
from tests.conftest import city
from tests.factories import CadreFactory
from tests.kit.grid import grid_tests
from tests.kit.resources import ApiResource as A
from tests.kit.resources import PageResource as P
from tests.kit.world import grown_fixture, world_fixture
from tests.selection.conftest import sel_world


def _extra(w):
    sel_world(w)
    services.selection_record(
        user=w.staff_all,
        selection=w.sel_a,
        inspection_team="甲镇考察组",
        inspection_report=SimpleUploadedFile("kaocha.pdf", b"%PDF-a"),
    )
    w.stage_a = StageRecord.objects.filter(selection=w.sel_a).first()
    w.stage_b = StageRecord.objects.filter(selection=w.sel_b).first()
    StageRecord.objects.filter(pk__in=[w.stage_a.pk, w.stage_b.pk]).update(document="stages/x.pdf")
    w.sel_a.inspection_report.storage.save("stages/x.pdf", SimpleUploadedFile("x.pdf", b"%PDF-x"))
    services.selection_record(
        user=w.staff_all, selection=w.sel_b, inspection_report=SimpleUploadedFile("b.pdf", b"%PDF-b")
    )
    for letter, user in ((w.letter_a, w.jw_liaison), (w.letter_b, w.jw_liaison)):
        services.letter_reply(
            user=user, letter=letter, reply="no_objection", reply_file=SimpleUploadedFile("r.pdf", b"%PDF-r")
        )
    w.open_letter_a = w.cand_a.letters.get(agency=w.ag_gaj)
    w.open_letter_b = w.cand_b.letters.get(agency=w.ag_gaj)
    services.ratio_record(user=w.staff_all, selection=w.sel_a, point="nomination", nominees=2, posts=1)
    services.survey_add(user=w.staff_all, candidate=w.cand_a, **{**SURVEY, "surveyed_on": None})
    w.exc_a = services.exception_record(user=w.lead, cadre=w.cadre_a2, post=w.head_a, reason="甲镇例外")
    w.exc_b = services.exception_record(user=w.lead, cadre=w.cadre_b, post=w.sec_b, reason="乙镇例外")
    return w


def _grow(w, n):
    """n selections (half in each township) with a candidate and four letters each."""
    today = timezone.localdate()
    cadres = [CadreFactory(organization=(w.town_a, w.town_b)[i % 2], name=f"增{i}") for i in range(n)]
    sels = Selection.objects.bulk_create(
        [
            Selection(
                organization=(w.town_a, w.town_b)[i % 2],
                title=f"批量选拔{i}",
                reason="空缺",
                method="recommend",
                proposed_by="部务会",
                motion_date=today,
                stage=Stage.PREREVIEW,
                stage_since=today,
            )
            for i in range(n)
        ]
    )
    for s in sels:
        s.posts.add((w.head_a, w.dep_b)[s.organization_id == w.town_b.pk])
    cands = Candidate.objects.bulk_create(
        [
            Candidate(
                selection=s,
                cadre=c,
                post=(w.head_a, w.dep_b)[s.organization_id == w.town_b.pk],
                nominated_on=today,
            )
            for s, c in zip(sels, cadres, strict=True)
        ]
    )
    OpinionLetter.objects.bulk_create(
        [
            OpinionLetter(candidate=c, agency=a, sent_on=today, due_on=today + dt.timedelta(days=7))
            for c in cands
            for a in (w.ag_jw, w.ag_jcy, w.ag_gaj, w.ag_sjj)
        ]
    )
    GateException.objects.bulk_create(
        [
            GateException(kind="appointment", cadre=c, post=c_post, reason="批量", granted_by=w.lead)
            for c, c_post in ((cand.cadre, cand.post) for cand in cands)
        ]
    )


world = world_fixture(city, extra=_extra)
grown = grown_fixture(_grow)

WATCH = (Selection, StageRecord, RatioRecord, Candidate, OpinionLetter, SurveyResponse, GateException)


def rec(attr):
    return lambda w: getattr(w, attr)


def latest(model):
    return lambda w: model.objects.latest("pk")


def create_form(w, org, post):
    return {
        "organization": org.pk,
        "title": "新的选拔",
        "posts": [post.pk],
        "reason": "空缺",
        "method": "recommend",
        "proposed_by": "部务会",
        "motion_date": timezone.localdate().isoformat(),
    }


SURVEY = {
    "respondent_kind": "neighbour",
    "family_virtue": "good",
    "social_morality": "good",
    "neighbourliness": "good",
    "law_abiding": "good",
    "surveyed_on": "2020-01-01",
}

PAGES = [
    P(
        "selection:selection_list",
        shown=lambda w: "甲镇镇长选拔",
        hidden=lambda w: "乙镇副镇长选拔",
        export=True,
        ceiling=16,
        ceiling_user="staff_all",
    ),
    P(
        "selection:selection_create",
        refuse=lambda w: create_form(w, w.town_b, w.dep_b),
        watch=WATCH,
        accept=lambda w: create_form(w, w.town_a, w.dep_a),
        history=latest(Selection),
    ),
    P("selection:selection_detail", inside=rec("sel_a"), outside=rec("sel_b")),
    P("selection:selection_history", inside=rec("sel_a"), outside=rec("sel_b")),
    P(
        "selection:selection_record",
        inside=rec("sel_a"),
        outside=rec("sel_b"),
        refuse=lambda w: {"inspection_team": "改"},
        watch=WATCH,
        accept=lambda w: {"inspection_team": "新考察组"},
        history=rec("sel_a"),
    ),
    P(
        "selection:selection_advance",
        method="post",
        inside=rec("sel_a"),
        outside=rec("sel_b"),
        refuse=lambda w: {},
        watch=WATCH,
    ),
    P(
        "selection:selection_cancel",
        method="post",
        inside=rec("sel_a"),
        outside=rec("sel_b"),
        refuse=lambda w: {"reason": "终止"},
        watch=WATCH,
    ),
    P(
        "selection:ratio_record",
        method="post",
        inside=rec("sel_a"),
        outside=rec("sel_b"),
        refuse=lambda w: {"point": "nomination", "nominees": 3, "posts": 1},
        watch=WATCH,
    ),
    P(
        "selection:nominate",
        method="post",
        inside=rec("sel_a"),
        outside=rec("sel_b"),
        refuse=lambda w: {"cadre": w.cadre_b.pk, "post": w.dep_b.pk},
        watch=WATCH,
    ),
    P(
        "selection:publicity_open",
        method="post",
        inside=rec("sel_a"),
        outside=rec("sel_b"),
        refuse=lambda w: {"start_date": "2026-01-05", "location": "公示栏"},
        watch=WATCH,
    ),
    P("selection:publicity_notice", inside=rec("sel_a"), outside=rec("sel_b")),
    P("selection:inspection_report", inside=rec("sel_a"), outside=rec("sel_b")),
    P("selection:stage_document", inside=rec("stage_a"), outside=rec("stage_b")),
    P(
        "selection:candidate_list",
        shown=lambda w: "张伟",
        hidden=lambda w: "李强",
        export=True,
        ceiling=16,
        ceiling_user="staff_all",
    ),
    P("selection:candidate_detail", inside=rec("cand_a"), outside=rec("cand_b")),
    P("selection:candidate_history", inside=rec("cand_a"), outside=rec("cand_b")),
    P(
        "selection:candidate_update",
        method="post",
        inside=rec("cand_a"),
        outside=rec("cand_b"),
        refuse=lambda w: {"recommendation_votes": 9},
        watch=WATCH,
    ),
    P(
        "selection:candidate_clear",
        method="post",
        inside=rec("cand_a"),
        outside=rec("cand_b"),
        refuse=lambda w: {"override_reason": "越过"},
        watch=WATCH,
    ),
    P(
        "selection:candidate_withdraw",
        method="post",
        inside=rec("cand_a"),
        outside=rec("cand_b"),
        refuse=lambda w: {"reason": "撤销"},
        watch=WATCH,
    ),
    P(
        "selection:candidate_appoint",
        method="post",
        inside=rec("cand_a"),
        outside=rec("cand_b"),
        refuse=lambda w: {"start_date": "2026-01-05"},
        watch=WATCH,
    ),
    P(
        "selection:letter_send",
        method="post",
        inside=rec("cand_a"),
        outside=rec("cand_b"),
        refuse=lambda w: {"agency": w.ag_jw.pk, "sent_on": "2026-01-05"},
        watch=WATCH,
    ),
    P(
        "selection:survey_add",
        method="post",
        inside=rec("cand_a"),
        outside=rec("cand_b"),
        refuse=lambda w: SURVEY,
        watch=WATCH,
    ),
    P(
        "selection:letter_list",
        shown=lambda w: "张伟",
        hidden=lambda w: "李强",
        export=True,
        ceiling=16,
        ceiling_user="staff_all",
    ),
    # the agency's view: the liaison of 市纪委监委 sees its letters only
    P(
        "selection:letter_list",
        user="jw_liaison",
        shown=lambda w: f'href="/selection/letters/{w.letter_b.pk}/"',
        hidden=lambda w: f'href="/selection/letters/{w.open_letter_a.pk}/"',
    ),
    P("selection:letter_detail", inside=rec("letter_a"), outside=rec("letter_b")),
    P("selection:letter_detail", user="jw_liaison", inside=rec("letter_a"), outside=rec("letter_a_police")),
    P("selection:letter_history", inside=rec("letter_a"), outside=rec("letter_b")),
    P(
        "selection:letter_reply",
        method="post",
        user="jw_liaison",
        inside=rec("letter_a"),
        outside=rec("open_letter_a"),  # addressed to 市公安局
        refuse=lambda w: {"reply": "no_objection", "replied_on": timezone.localdate().isoformat()},
        watch=WATCH,
    ),
    P("selection:letter_file", inside=rec("letter_a"), outside=rec("letter_b")),
    P(
        "selection:exception_list",
        shown=lambda w: "甲镇例外",
        hidden=lambda w: "乙镇例外",
        export=True,
        ceiling=16,
        ceiling_user="lead",
    ),
    P(
        "selection:exception_create",
        refuse=lambda w: {"cadre": w.cadre_a.pk, "post": w.head_a.pk, "reason": "无权"},
        watch=WATCH,
        accept=lambda w: {"cadre": w.cadre_a.pk, "post": w.dep_a.pk, "reason": "急需"},
        accept_user="lead",
        history=latest(GateException),
    ),
]

APIS = [
    A("selection-api:stats-selection", user="staff_all", ceiling=26),
    A(
        "selection-api:selection-list",
        shown=rec("sel_a"),
        hidden=rec("sel_b"),
        params={"page_size": 200},
        ceiling=10,
        ceiling_user="staff_all",
    ),
    A(
        "selection-api:selection-list",
        method="post",
        refuse=lambda w: create_form(w, w.town_b, w.dep_b),
        watch=WATCH,
        accept=lambda w: create_form(w, w.town_a, w.dep_a),
        history=latest(Selection),
    ),
    A("selection-api:selection-detail", inside=rec("sel_a"), outside=rec("sel_b")),
    A("selection-api:selection-history", inside=rec("sel_a"), outside=rec("sel_b")),
    A(
        "selection-api:selection-advance",
        method="post",
        inside=rec("sel_a"),
        outside=rec("sel_b"),
        watch=WATCH,
    ),
    A(
        "selection-api:selection-ratios",
        method="post",
        inside=rec("sel_a"),
        outside=rec("sel_b"),
        accept=lambda w: {"point": "nomination", "nominees": 3, "posts": 1},
        history=lambda w: RatioRecord.objects.get(selection=w.sel_a),
        watch=WATCH,
    ),
    A(
        "selection-api:selection-nominate",
        method="post",
        inside=rec("sel_a"),
        outside=rec("sel_b"),
        accept=lambda w: {"cadre": w.cadre_a2.pk, "post": w.head_a.pk},
        history=latest(Candidate),
        watch=WATCH,
    ),
    A(
        "selection-api:candidate-list",
        shown=rec("cand_a"),
        hidden=rec("cand_b"),
        params={"page_size": 200},
        ceiling=10,
        ceiling_user="staff_all",
    ),
    A("selection-api:candidate-detail", inside=rec("cand_a"), outside=rec("cand_b")),
    A("selection-api:candidate-history", inside=rec("cand_a"), outside=rec("cand_b")),
    A("selection-api:candidate-checklist", inside=rec("cand_a"), outside=rec("cand_b")),
    A(
        "selection-api:candidate-clear",
        method="post",
        inside=rec("cand_a"),
        outside=rec("cand_b"),
        watch=WATCH,
    ),
    A(
        "selection-api:candidate-survey",
        method="post",
        inside=rec("cand_a"),
        outside=rec("cand_b"),
        accept=lambda w: {**SURVEY, "surveyed_on": timezone.localdate().isoformat()},
        history=latest(SurveyResponse),
        watch=WATCH,
    ),
    A(
        "selection-api:letter-list",
        shown=rec("letter_a"),
        hidden=rec("letter_b"),
        params={"page_size": 200},
        ceiling=10,
        ceiling_user="staff_all",
    ),
    A("selection-api:letter-list", user="jw_liaison", shown=rec("letter_b"), hidden=rec("open_letter_a")),
    A("selection-api:letter-detail", inside=rec("letter_a"), outside=rec("letter_b")),
    A("selection-api:letter-detail", user="jw_liaison", inside=rec("letter_a"), outside=rec("open_letter_a")),
    A("selection-api:letter-history", inside=rec("letter_a"), outside=rec("letter_b")),
    A(
        "selection-api:letter-reply",
        method="post",
        user="gaj_liaison",
        inside=rec("open_letter_a"),
        outside=rec("letter_a"),  # addressed to 市纪委监委
        accept=lambda w: {"reply": "no_objection"},
        history=rec("open_letter_a"),
        watch=WATCH,
    ),
    A(
        "selection-api:exception-list",
        shown=rec("exc_a"),
        hidden=rec("exc_b"),
        params={"page_size": 200},
        ceiling=10,
        ceiling_user="lead",
    ),
    A(
        "selection-api:exception-list",
        method="post",
        refuse=lambda w: {"cadre": w.cadre_a.pk, "post": w.head_a.pk, "reason": "无权"},
        watch=WATCH,
        accept=lambda w: {"cadre": w.cadre_a.pk, "post": w.dep_a.pk, "reason": "急需"},
        accept_user="lead",
        history=latest(GateException),
    ),
    A("selection-api:exception-detail", inside=rec("exc_a"), outside=rec("exc_b")),
    A("selection-api:exception-history", inside=rec("exc_a"), outside=rec("exc_b")),
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
