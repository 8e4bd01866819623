"""Resource table of the reports app: every page and endpoint, checked by tests/kit.

In scope: staff_a (org staff of 甲镇) with 张伟's report, targeted check, notice, feedback and
major-matter report; out of scope: 乙镇's 李强 (staff_b's)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from cadres import publicity
from cadres.models import Publicity, PublicityFeedback
from reports import services
from reports.models import (
    MajorMatterReport,
    PersonalReport,
    ReportCycle,
    ReportVersion,
    Verification,
)
from tests.conftest import city
from tests.kit.grid import grid_tests
from tests.kit.resources import ApiResource as A
from tests.kit.resources import PageResource as P
from tests.kit.world import grown_fixture, world_fixture
from tests.reports.conftest import catalogue, full_answers, open_check, rc, submit
from tests.reports.test_views import _bulk_cycle


def _extra(w):
    submit(w.staff_all, w.report_a)
    submit(w.staff_all, w.report_b)
    today = timezone.localdate()
    w.ver_a = open_check(w.cadre_a, proposed_post="局长")
    w.ver_b = open_check(w.cadre_b, proposed_post="局长")
    start = today - dt.timedelta(days=1)
    w.notice_a = services.notice_create(
        user=w.staff_all, verification=w.ver_a, start_date=start, location="甲镇公示栏"
    )
    w.notice_b = services.notice_create(
        user=w.staff_all, verification=w.ver_b, start_date=start, location="乙镇公示栏"
    )
    fb = {"received_on": today, "channel": "letter", "content": "反映"}
    w.fb_a = publicity.publicity_feedback_add(user=w.staff_all, publicity=w.notice_a, **fb)
    w.fb_b = publicity.publicity_feedback_add(user=w.staff_all, publicity=w.notice_b, **fb)
    mm = {"kind": "celebration", "occurred_on": today, "reported_on": today, "description": "z"}
    w.major_a = services.major_matter_create(user=w.staff_all, cadre=w.cadre_a, title="甲镇婚礼", **mm)
    w.major_b = services.major_matter_create(user=w.staff_all, cadre=w.cadre_b, title="乙镇婚礼", **mm)
    return w


# `catalogue` (the reporting items) comes first: tests/reports/conftest.py loads it autouse.
world = world_fixture(catalogue, city, rc, extra=_extra)
grown = grown_fixture(_bulk_cycle)  # n cadres over both townships added to the cycle

WATCH = (
    ReportCycle,
    PersonalReport,
    ReportVersion,
    Verification,
    Publicity,
    PublicityFeedback,
    MajorMatterReport,
)


def rec(attr):
    return lambda w: getattr(w, attr)


PAGES = [
    P("reports:home", status=302),  # sends each user to the list they work from
    P("reports:cycle_list", ceiling=15, ceiling_user="staff_all"),  # + the sub-menu entries
    P(
        "reports:cycle_create",
        method="post",
        refuse=lambda w: {"year": 2000, "deadline": "2000-01-31"},
        watch=WATCH,
    ),
    P(
        "reports:cycle_detail",
        inside=rec("cycle"),
        shown=lambda w: "张伟",
        hidden=lambda w: "李强",
        export=True,
        ceiling=23,
        ceiling_user="staff_all",
    ),
    P("reports:sample_draw", inside=rec("cycle")),
    P("reports:my_reports", user="cadre_user"),
    P("reports:report_detail", inside=rec("report_a"), outside=rec("report_b")),
    P("reports:report_edit", inside=rec("report_a2"), outside=rec("report_b")),
    P(
        "reports:report_correct",
        method="post",
        inside=rec("report_a"),
        outside=rec("report_b"),
        refuse=lambda w: {"reason": "补报房产"},
        watch=WATCH,
    ),
    P("reports:report_export", inside=rec("report_a"), outside=rec("report_b")),
    P("reports:report_access", inside=rec("report_a"), outside=rec("report_b")),
    P("reports:report_history", inside=rec("report_a"), outside=rec("report_b")),
    P("reports:version_detail", inside=lambda w: (w.report_a, 1), outside=lambda w: (w.report_b, 1)),
    P("reports:verification_list", shown=lambda w: "张伟", hidden=lambda w: "李强"),
    P(
        "reports:verification_detail",
        inside=rec("ver_a"),
        outside=rec("ver_b"),
        # posting the report publicity of an out-of-scope candidate's check
        refuse=lambda w: {
            "action": "notice",
            "start_date": (timezone.localdate() + dt.timedelta(days=10)).isoformat(),
            "location": "乙镇公示栏",
        },
        watch=WATCH,
    ),
    # the one publicity mechanism (cadres), here with the 报告表公示 of both townships
    P("reports:notice_list", status=302),  # the old list: a redirect to cadres:publicity_list
    P("reports:notice_detail", inside=rec("notice_a"), status=302),  # to cadres:publicity_detail
    P("cadres:publicity_list", shown=lambda w: "甲镇公示栏", hidden=lambda w: "乙镇公示栏", export=True),
    P("cadres:publicity_detail", inside=rec("notice_a"), outside=rec("notice_b")),
    P("cadres:publicity_print", inside=rec("notice_a"), outside=rec("notice_b")),
    P("cadres:publicity_docx", inside=rec("notice_a"), outside=rec("notice_b")),
    P(
        "cadres:publicity_feedback",
        method="post",
        inside=rec("notice_a"),
        outside=rec("notice_b"),
        refuse=lambda w: {
            "received_on": timezone.localdate().isoformat(),
            "channel": "phone",
            "content": "反映",
        },
        watch=WATCH,
    ),
    P(
        "cadres:publicity_handle",
        method="post",
        inside=rec("notice_a"),
        outside=rec("notice_b"),
        refuse=lambda w: {"feedback": w.fb_b.pk, "handling": "已核实"},
        watch=WATCH,
    ),
    P("reports:major_list", shown=lambda w: "甲镇婚礼", hidden=lambda w: "乙镇婚礼"),
    P(
        "reports:major_create",
        refuse=lambda w: {
            "cadre": w.cadre_b.pk,
            "kind": "other",
            "title": "x",
            "occurred_on": "2025-01-01",
            "reported_on": "2025-01-02",
            "description": "x",
        },
        watch=WATCH,
    ),
    P("reports:major_detail", inside=rec("major_a"), outside=rec("major_b")),
]

APIS = [
    A("reports-api:stats-reports", user="staff_all", ceiling=15),
    A("reports-api:cycle-list", shown=rec("cycle")),
    A("reports-api:cycle-detail", inside=rec("cycle")),
    A("reports-api:cycle-draw", method="post", inside=rec("cycle")),
    A("reports-api:cycle-history", inside=rec("cycle")),
    A(
        "reports-api:report-list",
        shown=rec("report_a"),
        hidden=rec("report_b"),
        params={"page_size": 200},
        ceiling=10,
        ceiling_user="staff_all",
    ),
    A("reports-api:report-detail", inside=rec("report_a"), outside=rec("report_b")),
    A(
        "reports-api:report-detail",
        method="put",
        inside=rec("report_a2"),
        outside=rec("report_b"),
        accept=lambda w: {"answers": full_answers()},
        watch=WATCH,
    ),
    A("reports-api:report-access", inside=rec("report_a"), outside=rec("report_b")),
    # one submitted version only: "nothing to compare" is a clear 400; out of scope stays 404
    A("reports-api:report-compare", inside=rec("report_a"), outside=rec("report_b"), status=400),
    A(
        "reports-api:report-correct",
        method="post",
        inside=rec("report_a"),
        outside=rec("report_b"),
        accept=lambda w: {"reason": "补报房产"},
        watch=WATCH,
    ),
    A("reports-api:report-history", inside=rec("report_a"), outside=rec("report_b")),
    A(
        "reports-api:report-submit",
        method="post",
        inside=rec("report_a2"),
        outside=rec("report_b"),
        watch=WATCH,
    ),
    A("reports-api:verification-list", shown=rec("ver_a"), hidden=rec("ver_b")),
    A("reports-api:verification-detail", inside=rec("ver_a"), outside=rec("ver_b")),
    A(
        "reports-api:verification-assign",
        method="post",
        inside=rec("ver_a"),
        outside=rec("ver_b"),
        accept=lambda w: {"username": w.verifier.username},
        watch=WATCH,
    ),
    A("reports-api:verification-history", inside=rec("ver_a"), outside=rec("ver_b")),
    A(
        "reports-api:verification-outcome",
        method="post",
        inside=rec("ver_a"),
        outside=rec("ver_b"),
        watch=WATCH,
    ),
    A(
        "reports-api:verification-publicity",
        method="post",
        inside=rec("ver_a"),
        outside=rec("ver_b"),
        refuse=lambda w: {
            "start_date": (timezone.localdate() + dt.timedelta(days=10)).isoformat(),
            "location": "乙镇公示栏",
        },
        watch=WATCH,
    ),
    A("cadres-api:publicity-list", shown=rec("notice_a"), hidden=rec("notice_b")),
    A("cadres-api:publicity-detail", inside=rec("notice_a"), outside=rec("notice_b")),
    A(
        "cadres-api:publicity-feedback",
        method="post",
        inside=rec("notice_a"),
        outside=rec("notice_b"),
        accept=lambda w: {
            "received_on": timezone.localdate().isoformat(),
            "channel": "phone",
            "content": "反映",
        },
        watch=WATCH,
    ),
    A(
        "cadres-api:publicity-handle",
        method="post",
        inside=lambda w: (w.notice_a, w.fb_a),
        outside=lambda w: (w.notice_b, w.fb_b),
        accept=lambda w: {"handling": "已核实"},
        watch=WATCH,
    ),
    A("cadres-api:publicity-history", inside=rec("notice_a"), outside=rec("notice_b")),
    A("reports-api:major-list", shown=rec("major_a"), hidden=rec("major_b")),
    A("reports-api:major-detail", inside=rec("major_a"), outside=rec("major_b")),
    A("reports-api:major-history", inside=rec("major_a"), outside=rec("major_b")),
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
