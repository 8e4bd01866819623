"""Resource table of the interviews app: every page and endpoint, checked by tests/kit.

In scope: staff_a (org staff of 甲镇) and 王芳's records and tasks; out of scope: 乙镇's 李强."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from interviews import services
from interviews.models import (
    FollowUp,
    InterviewAssignment,
    InterviewAttachment,
    InterviewRecord,
    RequiredTalk,
)
from tests.conftest import city
from tests.interviews.conftest import talks
from tests.interviews.test_pages_api import build, open_task
from tests.interviews.test_permissions import recs
from tests.kit.grid import grid_tests
from tests.kit.resources import ApiResource as A
from tests.kit.resources import PageResource as P
from tests.kit.world import grown_fixture, world_fixture


def _extra(w):
    w.task_a = open_task(w, w.cadre_a)
    w.task_b = open_task(w, w.cadre_b) or RequiredTalk.objects.filter(cadre=w.cadre_b).first()
    w.task_mine = RequiredTalk.objects.filter(responsible=w.ganbuke, year=w.today.year).first()
    raise_ = {"trigger": "violation_sign", "trigger_date": w.today, "note": "群众反映"}
    w.special_a = services.special_talk_raise(user=w.staff_all, cadre=w.cadre_a, **raise_)
    w.special_b = services.special_talk_raise(user=w.staff_all, cadre=w.cadre_b, **raise_)
    due = w.today + dt.timedelta(days=30)
    w.fu_a = services.follow_up_add(
        user=w.ganbuke, record=w.r_routine, action="回访", owner_name="王芳", due_date=due
    )
    w.fu_b = services.follow_up_add(
        user=w.shuji, record=w.r_b, action="回访", owner_name="李强", due_date=due
    )
    w.att_a = services.attachment_add(
        user=w.ganbuke, record=w.r_routine, file=SimpleUploadedFile("提纲.pdf", b"%PDF-1.4 a")
    )
    w.att_b = services.attachment_add(
        user=w.shuji, record=w.r_b, file=SimpleUploadedFile("提纲.pdf", b"%PDF-1.4 b")
    )
    w.asg_a = InterviewAssignment.objects.get(user=w.ganbuke, organization=w.town_a)
    w.asg_b = InterviewAssignment.objects.get(user=w.ganbuke, organization=w.town_b)
    return w


world = world_fixture(city, talks, recs, extra=_extra)


@pytest.fixture(autouse=True)
def _media_in_tmp():
    """The world's attachments live in its module media folder (see world_fixture), not in the
    per-test folder of tests/interviews/conftest.py."""


grown = grown_fixture(build)  # n 甲镇 deputies with tasks, half of them talked to by ganbuke

WATCH = (InterviewRecord, RequiredTalk, FollowUp, InterviewAttachment, InterviewAssignment)


def record_form(w, cadre, **over):
    return {
        "interviewee": cadre.pk,
        "kind": "routine",
        "date": w.today.isoformat(),
        "interviewers": [w.staff_a.pk],
        "place": "组织部谈话室",
        "summary": "谈了思想和工作",
        "fu-TOTAL_FORMS": "0",
        "fu-INITIAL_FORMS": "0",
        **over,
    }


def record_json(w, cadre):
    return {
        "interviewee": cadre.pk,
        "interviewers": [w.staff_a.pk],
        "kind": "routine",
        "date": w.today.isoformat(),
        "summary": "谈话",
    }


def latest(model):
    return lambda w: model.objects.latest("pk")


PAGES = [
    P("interviews:my_tasks", user="ganbuke", shown=lambda w: "王芳", hidden=lambda w: "李强", ceiling=18),
    P("interviews:tasks", user="ganbuke", shown=lambda w: "王芳", hidden=lambda w: "李强"),
    P(
        "interviews:record_list",
        shown=lambda w: "王芳",
        hidden=lambda w: "李强",
        export=True,
        ceiling=18,
        ceiling_user="ganbuke",
    ),
    P(
        "interviews:record_create",
        refuse=lambda w: record_form(w, w.cadre_b),
        watch=WATCH,
        accept=lambda w: record_form(w, w.cadre_a2, interviewers=[w.ganbuke.pk]),
        accept_user="ganbuke",
        history=latest(InterviewRecord),
    ),
    P("interviews:record_detail", inside=lambda w: w.r_routine, outside=lambda w: w.r_b),
    P(
        "interviews:record_update",
        inside=lambda w: w.r_routine,
        outside=lambda w: w.r_b,
        refuse=lambda w: record_form(w, w.cadre_b, place="改"),
        watch=WATCH,
        accept=lambda w: record_form(w, w.cadre_a2, interviewers=[w.ganbuke.pk], summary="补充"),
        history=lambda w: w.r_routine,
    ),
    P(
        "interviews:record_delete",
        method="post",
        inside=lambda w: w.r_routine,
        outside=lambda w: w.r_b,
        refuse=lambda w: {},
        watch=WATCH,
    ),
    P("interviews:record_history", inside=lambda w: w.r_routine, outside=lambda w: w.r_b),
    P(
        "interviews:follow_up_add",
        method="post",
        inside=lambda w: w.r_routine,
        outside=lambda w: w.r_b,
        refuse=lambda w: {"action": "回访", "owner_name": "李强", "due_date": "2099-01-01"},
        watch=WATCH,
    ),
    P(
        "interviews:attachment_upload",
        method="post",
        inside=lambda w: w.r_routine,
        outside=lambda w: w.r_b,
        refuse=lambda w: {"file": SimpleUploadedFile("a.pdf", b"%PDF-1.4")},
        watch=WATCH,
    ),
    P(
        "interviews:follow_up_complete",
        method="post",
        inside=lambda w: w.fu_a,
        outside=lambda w: w.fu_b,
        refuse=lambda w: {"done_on": w.today.isoformat()},
        watch=WATCH,
    ),
    P("interviews:attachment_download", inside=lambda w: w.att_a, outside=lambda w: w.att_b),
    P(
        "interviews:required_list",
        shown=lambda w: "王芳",
        hidden=lambda w: "李强",
        export=True,
        ceiling=18,
        ceiling_user="staff_all",
    ),
    P("interviews:required_detail", inside=lambda w: w.task_a, outside=lambda w: w.task_b),
    P(
        "interviews:required_cancel",
        method="post",
        inside=lambda w: w.special_a,
        outside=lambda w: w.special_b,
        refuse=lambda w: {"reason": "经核实不属实"},
        watch=WATCH,
    ),
    P(
        "interviews:special_create",
        refuse=lambda w: {
            "cadre": w.cadre_b.pk,
            "trigger": "violation_sign",
            "trigger_date": w.today.isoformat(),
            "note": "群众反映",
        },
        watch=WATCH,
        accept=lambda w: {
            "cadre": w.cadre_a.pk,
            "trigger": "violation_sign",
            "trigger_date": w.today.isoformat(),
            "note": "群众反映",
        },
        history=latest(RequiredTalk),
    ),
    P(
        "interviews:coverage",
        shown=lambda w: "甲镇",
        hidden=lambda w: "乙镇",
        export=True,
        ceiling=18,
        ceiling_user="staff_all",
    ),
    P("interviews:gaps", hidden=lambda w: "乙镇", export=True, ceiling=18, ceiling_user="staff_all"),
    P("interviews:assignment_list", shown=lambda w: "甲镇", hidden=lambda w: "乙镇"),
    P(
        "interviews:assignment_create",
        refuse=lambda w: {"role": "in_charge", "interviewer": w.fenguan.pk, "organization": w.town_b.pk},
        watch=WATCH,
        accept=lambda w: {"role": "in_charge", "interviewer": w.fenguan.pk, "organization": w.town_a.pk},
        history=latest(InterviewAssignment),
    ),
    P(
        "interviews:assignment_update",
        inside=lambda w: w.asg_a,
        outside=lambda w: w.asg_b,
        refuse=lambda w: {"role": "org_dept", "interviewer": w.other_sup.pk, "organization": w.town_b.pk},
        watch=WATCH,
    ),
    P(
        "interviews:assignment_deactivate",
        method="post",
        inside=lambda w: w.asg_a,
        outside=lambda w: w.asg_b,
        refuse=lambda w: {},
        watch=WATCH,
    ),
    P("interviews:assignment_history", inside=lambda w: w.asg_a, outside=lambda w: w.asg_b),
]

APIS = [
    A("interviews-api:stats", ceiling=10, ceiling_user="staff_all"),
    A("interviews-api:assignment-list", shown=lambda w: w.asg_a, hidden=lambda w: w.asg_b),
    A(
        "interviews-api:assignment-list",
        method="post",
        refuse_status=400,  # an out-of-scope related id: the same 400 as a nonexistent one
        refuse=lambda w: {"role": "in_charge", "user": w.fenguan.pk, "organization": w.town_b.pk},
        watch=WATCH,
        accept=lambda w: {"role": "in_charge", "user": w.fenguan.pk, "organization": w.town_a.pk},
        history=latest(InterviewAssignment),
    ),
    A("interviews-api:assignment-detail", inside=lambda w: w.asg_a, outside=lambda w: w.asg_b),
    A(
        "interviews-api:assignment-detail",
        method="patch",
        inside=lambda w: w.asg_a,
        outside=lambda w: w.asg_b,
        accept=lambda w: {"note": "分工调整"},
        watch=WATCH,
    ),
    A("interviews-api:assignment-history", inside=lambda w: w.asg_a, outside=lambda w: w.asg_b),
    A(
        "interviews-api:required-talk-list",
        shown=lambda w: w.task_a,
        hidden=lambda w: w.task_b,
        params={"page_size": 200},
        ceiling=10,
        ceiling_user="staff_all",
    ),
    A(
        "interviews-api:required-talk-list",
        method="post",
        refuse_status=400,  # an out-of-scope related id: the same 400 as a nonexistent one
        refuse=lambda w: {
            "cadre": w.cadre_b.pk,
            "trigger": "family_event",
            "trigger_date": w.today.isoformat(),
        },
        watch=WATCH,
        accept=lambda w: {
            "cadre": w.cadre_a.pk,
            "trigger": "family_event",
            "trigger_date": w.today.isoformat(),
        },
        history=latest(RequiredTalk),
    ),
    A(
        "interviews-api:required-talk-mine",
        user="ganbuke",
        shown=lambda w: w.task_mine,
        hidden=lambda w: w.task_b,
        ceiling=10,
    ),
    A("interviews-api:required-talk-detail", inside=lambda w: w.task_a, outside=lambda w: w.task_b),
    A(
        "interviews-api:required-talk-cancel",
        method="post",
        inside=lambda w: w.special_a,
        outside=lambda w: w.special_b,
        accept=lambda w: {"reason": "经核实不属实"},
        watch=WATCH,
        history=lambda w: w.special_a,
    ),
    A("interviews-api:required-talk-history", inside=lambda w: w.task_a, outside=lambda w: w.task_b),
    A(
        "interviews-api:record-list",
        shown=lambda w: [w.r_routine, w.r_admon],
        hidden=lambda w: w.r_b,
        params={"page_size": 200},
        ceiling=10,
        ceiling_user="staff_all",
    ),
    A(
        "interviews-api:record-list",
        method="post",
        refuse_status=400,  # an out-of-scope related id: the same 400 as a nonexistent one
        refuse=lambda w: record_json(w, w.cadre_b),
        watch=WATCH,
        accept=lambda w: {**record_json(w, w.cadre_a2), "interviewers": [w.ganbuke.pk]},
        accept_user="ganbuke",
        history=latest(InterviewRecord),
    ),
    A("interviews-api:record-detail", inside=lambda w: w.r_routine, outside=lambda w: w.r_b),
    A(
        "interviews-api:record-detail",
        method="patch",
        inside=lambda w: w.r_routine,
        outside=lambda w: w.r_b,
        accept=lambda w: {"place": "市委"},
        watch=WATCH,
        history=lambda w: w.r_routine,
    ),
    A(
        "interviews-api:record-detail",
        method="delete",
        inside=lambda w: w.r_admon,
        outside=lambda w: w.r_b,
        watch=WATCH,
    ),
    A(
        "interviews-api:record-attachments",
        method="post",
        inside=lambda w: w.r_routine,
        outside=lambda w: w.r_b,
        watch=WATCH,
    ),
    A("interviews-api:record-history", inside=lambda w: w.r_routine, outside=lambda w: w.r_b),
    A(
        "interviews-api:follow-up-list",
        shown=lambda w: w.fu_a,
        hidden=lambda w: w.fu_b,
        ceiling=10,
        ceiling_user="staff_all",
    ),
    A("interviews-api:follow-up-detail", inside=lambda w: w.fu_a, outside=lambda w: w.fu_b),
    A("interviews-api:follow-up-history", inside=lambda w: w.fu_a, outside=lambda w: w.fu_b),
    A(
        "interviews-api:follow-up-complete",
        method="post",
        inside=lambda w: w.fu_a,
        outside=lambda w: w.fu_b,
        accept=lambda w: {"done_on": w.today.isoformat()},
        watch=WATCH,
        history=lambda w: w.fu_a,
    ),
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
