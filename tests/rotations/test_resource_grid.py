"""Resource table of the rotations app: every page and endpoint, checked by tests/kit.

In scope: staff_a (org staff of 甲镇) with 甲镇's exchange, plan, second-line record (周老),
leave, opening and assignment; out of scope: 乙镇's (李强, 吴老)."""

from __future__ import annotations

import datetime as dt

from rotations import services
from rotations.choices import ExchangeKind, SecondLineRole
from rotations.models import (
    Assignment,
    AvoidanceCase,
    Exchange,
    LeaveRequest,
    Opening,
    PlanItem,
    RotationPlan,
    SecondLineRecord,
)
from tests.conftest import city
from tests.factories import AppointmentFactory, CadreFactory
from tests.kit.grid import grid_tests
from tests.kit.resources import ApiResource as A
from tests.kit.resources import PageResource as P
from tests.kit.world import grown_fixture, world_fixture
from tests.rotations.conftest import rot, secondline
from tests.rotations.test_pages_api import _many_exchanges, _many_second_line, _record_exchange

D = dt.date


def _extra(w):
    w.ex_b = _record_exchange(w)  # 乙镇 → 丙局
    w.ex_a = services.exchange_record(
        user=w.staff_all,
        cadre=w.cadre_a2,
        to_post=w.organ_deputy,
        kind=ExchangeKind.TOWNSHIP_TO_CITY,
        reason="tenure_limit",
        approval_date=D(2026, 3, 1),
        effective_date=D(2026, 3, 10),
    )
    w.cadre_b2 = CadreFactory(name="陈乙", organization=w.town_b)  # 李强 has just left 乙镇
    AppointmentFactory(cadre=w.cadre_b2, post=w.deputy_b, start_date=D(2019, 1, 1))
    w.plan_a = services.plan_create(user=w.staff_all, organization=w.town_a, year=2026)
    w.plan_b = services.plan_create(user=w.staff_all, organization=w.town_b, year=2026)
    w.item_a = services.plan_item_add(user=w.staff_all, plan=w.plan_a, cadre=w.cadre_a)
    w.item_b = services.plan_item_add(user=w.staff_all, plan=w.plan_b, cadre=w.cadre_b2)
    leave = {"start_date": D(2026, 3, 1), "end_date": D(2026, 3, 2)}
    w.leave_a = services.leave_request_create(user=w.staff_all, record=w.rec_a, reason="甲事", **leave)
    w.leave_b = services.leave_request_create(user=w.staff_all, record=w.rec_b, reason="乙事", **leave)
    w.op_a = services.opening_create(
        user=w.staff_all, organization=w.town_a, role=SecondLineRole.INSPECTION, title="甲镇督查岗"
    )
    w.op_b = services.opening_create(
        user=w.staff_all, organization=w.town_b, role=SecondLineRole.INSPECTION, title="乙镇督查岗"
    )
    agreed = {"role": SecondLineRole.ENTERPRISE_HELP, "cadre_agreed": True, "unit_agreed": True}
    w.asg_a = services.assignment_propose(user=w.staff_all, cadre=w.old_a, **agreed)
    w.asg_b = services.assignment_propose(user=w.staff_all, cadre=w.old_b, **agreed)
    return w


def _grow(w, n):
    _many_exchanges(w, n)
    _many_second_line(w, n)


world = world_fixture(city, rot, secondline, extra=_extra)
grown = grown_fixture(_grow)  # n exchanges 丙局 → 乙镇; n 甲镇 second-line cadres with leave

WATCH = (Exchange, RotationPlan, PlanItem, SecondLineRecord, LeaveRequest, Opening, Assignment, AvoidanceCase)


def latest(model):
    return lambda w: model.objects.latest("pk")


def rec(attr):
    return lambda w: getattr(w, attr)


PAGES = [
    P("rotations:due_list", hidden=lambda w: "李强", ceiling=20, ceiling_user="staff_all", export=True),
    P("rotations:due_add_to_plan", method="post"),
    P(
        "rotations:avoidance_create",
        refuse=lambda w: {"cadre": w.cadre_b.pk, "reason": "亲属关系", "raised_on": "2026-01-05"},
        watch=WATCH,
    ),
    P(
        "rotations:exchange_list",
        shown=lambda w: "王芳",
        hidden=lambda w: "李强",
        export=True,
        ceiling=22,
        ceiling_user="staff_all",
    ),
    P(
        "rotations:exchange_create",
        refuse=lambda w: {
            "cadre": w.cadre_b.pk,
            "to_post": w.organ_head.pk,
            "kind": "township_to_city",
            "reason": "tenure_limit",
            "approval_date": "2026-03-01",
            "effective_date": "2026-03-10",
        },
        watch=WATCH,
    ),
    P("rotations:exchange_detail", inside=rec("ex_a"), outside=rec("ex_b")),
    P("rotations:figures", hidden=lambda w: "乙镇"),
    P(
        "rotations:plan_list",
        params={"year": 2026},
        shown=lambda w: "甲镇",
        hidden=lambda w: "乙镇",
        export=True,
        ceiling=25,
        ceiling_user="staff_all",
    ),
    P(
        "rotations:plan_create",
        refuse=lambda w: {"organization": w.town_b.pk, "year": 2027},
        watch=WATCH,
        accept=lambda w: {"organization": w.town_a.pk, "year": 2027},
        history=latest(RotationPlan),
    ),
    P("rotations:plan_detail", inside=rec("plan_a"), outside=rec("plan_b")),
    P(
        "rotations:plan_item_add",
        method="post",
        inside=rec("plan_a"),
        outside=rec("plan_b"),
        refuse=lambda w: {"cadre": w.cadre_b.pk},
        watch=WATCH,
    ),
    P(
        "rotations:plan_item_status",
        method="post",
        inside=rec("item_a"),
        outside=rec("item_b"),
        refuse=lambda w: {"status": "done"},
        watch=WATCH,
    ),
    P(
        "rotations:secondline_roster",
        shown=lambda w: "周老",
        hidden=lambda w: "吴老",
        export=True,
        ceiling=22,
        ceiling_user="staff_all",
    ),
    P("rotations:secondline_utilisation", hidden=lambda w: "吴老"),
    P(
        "rotations:secondline_move",
        refuse=lambda w: {"cadre": w.cadre_b.pk, "effective_date": "2026-01-01"},
        watch=WATCH,
    ),
    P("rotations:secondline_board", hidden=lambda w: "乙镇督查岗"),
    P(
        "rotations:opening_create",
        method="post",
        refuse=lambda w: {"organization": w.town_b.pk, "role": "inspection", "title": "督查", "slots": 1},
        watch=WATCH,
        accept=lambda w: {"organization": w.town_a.pk, "role": "inspection", "title": "督查", "slots": 1},
    ),
    P(
        "rotations:opening_close",
        method="post",
        inside=rec("op_a"),
        outside=rec("op_b"),
        refuse=lambda w: {},
        watch=WATCH,
    ),
    P(
        "rotations:leave_list",
        shown=lambda w: "甲事",
        hidden=lambda w: "乙事",
        ceiling=22,
        ceiling_user="staff_all",
    ),
    P("rotations:secondline_detail", inside=rec("rec_a"), outside=rec("rec_b")),
    P(
        "rotations:secondline_preferences",
        method="post",
        inside=rec("rec_a"),
        outside=rec("rec_b"),
        refuse=lambda w: {"preferred_roles": ["inspection"]},
        watch=WATCH,
    ),
    P(
        "rotations:assignment_propose",
        method="post",
        inside=rec("rec_a"),
        outside=rec("rec_b"),
        refuse=lambda w: {"role": "inspection"},
        watch=WATCH,
    ),
    P(
        "rotations:leave_create",
        method="post",
        inside=rec("rec_a"),
        outside=rec("rec_b"),
        refuse=lambda w: {"start_date": "2026-05-01", "end_date": "2026-05-02", "reason": "体检"},
        watch=WATCH,
    ),
    P(
        "rotations:absence_create",
        method="post",
        inside=rec("rec_a"),
        outside=rec("rec_b"),
        refuse=lambda w: {"date": "2026-05-06", "note": "缺勤"},
        watch=WATCH,
    ),
    P(
        "rotations:assessment_create",
        method="post",
        inside=rec("rec_a"),
        outside=rec("rec_b"),
        refuse=lambda w: {"year": 2025, "grade": "competent"},
        watch=WATCH,
    ),
    P(
        "rotations:early_retire",
        method="post",
        inside=rec("rec_a"),
        outside=rec("rec_b"),
        refuse=lambda w: {"retire_date": "2026-06-01"},
        watch=WATCH,
    ),
    P(
        "rotations:assignment_action",
        method="post",
        inside=lambda w: (w.asg_a, "confirm"),
        outside=lambda w: (w.asg_b, "confirm"),
        refuse=lambda w: {},
        watch=WATCH,
    ),
    P(
        "rotations:leave_action",
        method="post",
        inside=lambda w: (w.leave_a, "approve"),
        outside=lambda w: (w.leave_b, "approve"),
        refuse=lambda w: {},
        watch=WATCH,
    ),
]

APIS = [
    A("rotations-api:due-list", ceiling=10, ceiling_user="staff_all"),
    # The first request of the day refreshes both due snapshots (today and 1 January), a constant
    # number of queries whatever the rows; tests/rotations/test_pages_api.py bounds the read alone.
    A("rotations-api:stats", user="staff_all", ceiling=50),
    A(
        "rotations-api:exchange-list",
        shown=rec("ex_a"),
        hidden=rec("ex_b"),
        ceiling=6,
        ceiling_user="staff_all",
    ),
    A(
        "rotations-api:exchange-list",
        method="post",
        refuse_status=400,  # an out-of-scope related id: the same 400 as a nonexistent one
        refuse=lambda w: {
            "cadre": w.cadre_b.pk,
            "to_post": w.organ_head.pk,
            "kind": "township_to_city",
            "reason": "tenure_limit",
            "approval_date": "2026-03-01",
            "effective_date": "2026-03-10",
        },
        watch=WATCH,
    ),
    A("rotations-api:exchange-detail", inside=rec("ex_a"), outside=rec("ex_b")),
    A("rotations-api:exchange-history", inside=rec("ex_a"), outside=rec("ex_b")),
    A("rotations-api:rotation-plan-list", shown=rec("plan_a"), hidden=rec("plan_b")),
    A("rotations-api:rotation-plan-detail", inside=rec("plan_a"), outside=rec("plan_b")),
    A("rotations-api:rotation-plan-history", inside=rec("plan_a"), outside=rec("plan_b")),
    A("rotations-api:rotation-plan-item-list", shown=rec("item_a"), hidden=rec("item_b")),
    A("rotations-api:rotation-plan-item-detail", inside=rec("item_a"), outside=rec("item_b")),
    A("rotations-api:rotation-plan-item-history", inside=rec("item_a"), outside=rec("item_b")),
    A(
        "rotations-api:secondline-record-list",
        shown=rec("rec_a"),
        hidden=rec("rec_b"),
        ceiling=6,
        ceiling_user="staff_all",
    ),
    A("rotations-api:secondline-record-detail", inside=rec("rec_a"), outside=rec("rec_b")),
    A("rotations-api:secondline-record-history", inside=rec("rec_a"), outside=rec("rec_b")),
    A(
        "rotations-api:secondline-assignment-list",
        shown=rec("asg_a"),
        hidden=rec("asg_b"),
        ceiling=6,
        ceiling_user="staff_all",
    ),
    A(
        "rotations-api:secondline-assignment-list",
        method="post",
        refuse_status=400,  # an out-of-scope related id: the same 400 as a nonexistent one
        refuse=lambda w: {"cadre": w.old_b.pk, "role": "inspection"},
        watch=WATCH,
        accept=lambda w: {"cadre": w.old_a.pk, "role": "inspection"},
    ),
    A("rotations-api:secondline-assignment-detail", inside=rec("asg_a"), outside=rec("asg_b")),
    A("rotations-api:secondline-assignment-history", inside=rec("asg_a"), outside=rec("asg_b")),
    A(
        "rotations-api:secondline-assignment-agree",
        method="post",
        inside=rec("asg_a"),
        outside=rec("asg_b"),
        watch=WATCH,
    ),
    A(
        "rotations-api:secondline-assignment-confirm",
        method="post",
        inside=rec("asg_a"),
        outside=rec("asg_b"),
        accept=lambda w: {},
        watch=WATCH,
    ),
    A(
        "rotations-api:secondline-assignment-end",
        method="post",
        inside=rec("asg_a"),
        outside=rec("asg_b"),
        watch=WATCH,
    ),
    A(
        "rotations-api:secondline-leave-list",
        shown=rec("leave_a"),
        hidden=rec("leave_b"),
        ceiling=6,
        ceiling_user="staff_all",
    ),
    A(
        "rotations-api:secondline-leave-list",
        method="post",
        refuse_status=400,  # an out-of-scope related id: the same 400 as a nonexistent one
        refuse=lambda w: {
            "record": w.rec_b.pk,
            "start_date": "2026-04-01",
            "end_date": "2026-04-02",
            "reason": "体检",
        },
        watch=WATCH,
        accept=lambda w: {
            "record": w.rec_a.pk,
            "start_date": "2026-04-01",
            "end_date": "2026-04-02",
            "reason": "体检",
        },
        history=latest(LeaveRequest),
    ),
    A("rotations-api:secondline-leave-detail", inside=rec("leave_a"), outside=rec("leave_b")),
    A("rotations-api:secondline-leave-history", inside=rec("leave_a"), outside=rec("leave_b")),
    A(
        "rotations-api:secondline-leave-approve",
        method="post",
        inside=rec("leave_a"),
        outside=rec("leave_b"),
        watch=WATCH,
    ),
    A(
        "rotations-api:secondline-leave-reject",
        method="post",
        inside=rec("leave_a"),
        outside=rec("leave_b"),
        watch=WATCH,
    ),
    A(
        "rotations-api:secondline-leave-return-",
        method="post",
        inside=rec("leave_a"),
        outside=rec("leave_b"),
        watch=WATCH,
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
