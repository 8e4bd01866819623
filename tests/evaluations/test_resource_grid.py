"""Resource table of the evaluations app: every page and endpoint, checked by tests/kit.

In scope: staff_a (org staff of 甲镇) with 甲镇's campaign (complete), results (张伟, 班子),
democratic evaluation and care letter; out of scope: 乙镇's (李强)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from evaluations.choices import Grade, SubjectKind
from evaluations.models import (
    ActionItem,
    Campaign,
    CampaignStep,
    CareLetter,
    DemocraticEvaluation,
    DemocraticRating,
    Score,
    StepAttachment,
    Subject,
)
from tests.conftest import city
from tests.evaluations.conftest import YEAR, ev
from tests.factories import CadreFactory
from tests.kit.grid import grid_tests
from tests.kit.resources import ApiResource as A
from tests.kit.resources import PageResource as P
from tests.kit.world import grown_fixture, world_fixture


def _grow(w, n):
    cadres = [CadreFactory(name=f"甲镇干部{i}", organization=w.town_a) for i in range(n)]
    Subject.objects.bulk_create(
        [
            Subject(
                campaign=w.camp_a,
                year=YEAR,
                kind=SubjectKind.LEADER,
                organization=w.town_a,
                cadre=c,
                score=Decimal("80"),
                grade=Grade.COMPETENT,
                graded_on=dt.date(YEAR, 7, 1),
            )
            for c in cadres
        ]
    )
    evs = DemocraticEvaluation.objects.bulk_create(
        [
            DemocraticEvaluation(
                cadre=c, organization=w.town_a, year=YEAR, held_on=dt.date(YEAR, 6, 1), participants=30
            )
            for c in cadres
        ]
    )
    DemocraticRating.objects.bulk_create([DemocraticRating(evaluation=e, item="moral", good=28) for e in evs])
    CareLetter.objects.bulk_create(
        [
            CareLetter(
                cadre=c,
                organization=w.town_a,
                year=YEAR,
                reasons=["预警"],
                body="正文",
                proposed_on=dt.date(YEAR, 11, 1),
            )
            for c in cadres
        ]
    )
    ActionItem.objects.bulk_create(
        [
            ActionItem(subject=w.subj_a, kind="rectify", content=f"整改{i}", due_date=dt.date(YEAR, 12, 1))
            for i in range(n)
        ]
    )


world = world_fixture(city, ev)
grown = grown_fixture(_grow)

WATCH = (Campaign, CampaignStep, StepAttachment, Subject, Score, ActionItem, DemocraticEvaluation, CareLetter)


def rec(attr):
    return lambda w: getattr(w, attr)


def today():
    return timezone.localdate().isoformat()


PAGES = [
    P("evaluations:campaign_list", shown=lambda w: "甲镇", hidden=lambda w: "乙镇", export=True, ceiling=20),
    P(
        "evaluations:campaign_create",
        refuse=lambda w: {"organization": w.town_b.pk, "year": YEAR + 1},
        watch=WATCH,
        accept=lambda w: {"organization": w.town_a.pk, "year": YEAR + 1},
        history=lambda w: Campaign.objects.latest("pk"),
    ),
    P("evaluations:campaign_detail", inside=rec("camp_a"), outside=rec("camp_b"), ceiling=25),
    P("evaluations:campaign_history", inside=rec("camp_a"), outside=rec("camp_b")),
    P(
        "evaluations:subject_add",
        inside=rec("camp_a"),
        outside=rec("camp_b"),
        refuse=lambda w: {"kind": "team", "organization": w.town_b.pk},
        watch=WATCH,
    ),
    P(
        "evaluations:step_edit",
        inside=rec("step_a"),
        outside=rec("step_b"),
        accept=lambda w: {"summary": "已公示"},
        history=rec("step_a"),
    ),
    P(
        "evaluations:step_complete",
        method="post",
        inside=rec("step_a"),
        outside=rec("step_b"),
        refuse=lambda w: {"on": today()},
        watch=WATCH,
    ),
    P(
        "evaluations:step_attachment",
        method="post",
        inside=rec("step_a"),
        outside=rec("step_b"),
        refuse=lambda w: {},
        watch=WATCH,
    ),
    P("evaluations:attachment_download", inside=rec("att_a"), outside=rec("att_b")),
    P(
        "evaluations:subject_list",
        shown=lambda w: "张伟",
        hidden=lambda w: "李强",
        export=True,
        ceiling=20,
    ),
    P("evaluations:subject_detail", inside=rec("subj_a"), outside=rec("subj_b"), ceiling=25),
    P("evaluations:subject_history", inside=rec("subj_a"), outside=rec("subj_b")),
    P(
        "evaluations:subject_scores",
        inside=rec("subj_a"),
        outside=rec("subj_b"),
        refuse=lambda w: {"score_masses": "80"},
        refuse_url=rec("subj_a"),  # 测评定等 already done: refused, nothing saved
        watch=WATCH,
    ),
    P(
        "evaluations:item_add",
        method="post",
        inside=rec("subj_a"),
        outside=rec("subj_b"),
        refuse=lambda w: {"kind": "pledge", "content": "x", "due_date": "2026-12-01"},
        watch=WATCH,
    ),
    P("evaluations:item_list", shown=lambda w: "张伟", hidden=lambda w: "乙镇承诺", export=True, ceiling=20),
    P(
        "evaluations:item_done",
        method="post",
        inside=rec("item_a"),
        outside=rec("item_b"),
        refuse=lambda w: {"done_on": today(), "result": "完成"},
        watch=WATCH,
    ),
    P("evaluations:verdicts", shown=lambda w: "张伟", hidden=lambda w: "李强", export=True, ceiling=20),
    P(
        "evaluations:democratic_list",
        shown=lambda w: "张伟",
        hidden=lambda w: "李强",
        export=True,
        ceiling=20,
    ),
    P(
        "evaluations:democratic_create",
        refuse=lambda w: {
            "cadre": w.cadre_b.pk,
            "year": YEAR - 1,
            "held_on": f"{YEAR - 1}-06-01",
            "participants": 10,
            "moral_good": 5,
        },
        watch=WATCH,
        accept=lambda w: {
            "cadre": w.cadre_a.pk,
            "year": YEAR - 1,
            "held_on": f"{YEAR - 1}-06-01",
            "participants": 10,
            "social_circle_good": 8,
            "social_circle_fair": 2,
        },
        history=lambda w: DemocraticEvaluation.objects.latest("pk"),
    ),
    P("evaluations:democratic_detail", inside=rec("dem_a"), outside=rec("dem_b")),
    P("evaluations:democratic_history", inside=rec("dem_a"), outside=rec("dem_b")),
    P("evaluations:letter_list", shown=lambda w: "张伟", hidden=lambda w: "李强", export=True, ceiling=20),
    P(
        "evaluations:letter_propose",
        refuse=lambda w: {"cadre": w.cadre_b.pk, "year": YEAR + 1, "reasons": "预警"},
        watch=WATCH,
        accept=lambda w: {"cadre": w.cadre_a.pk, "year": YEAR + 1, "reasons": "民主测评反映问题"},
        history=lambda w: CareLetter.objects.latest("pk"),
    ),
    P("evaluations:letter_propose_all", method="post", accept=lambda w: {"year": YEAR}),
    P("evaluations:letter_detail", inside=rec("letter_a"), outside=rec("letter_b")),
    P("evaluations:letter_print", inside=rec("letter_a"), outside=rec("letter_b")),
    P("evaluations:letter_docx", inside=rec("letter_a"), outside=rec("letter_b")),
    P(
        "evaluations:letter_send",
        method="post",
        inside=rec("letter_a"),
        outside=rec("letter_b"),
        accept=lambda w: {"sent_on": today()},
        history=rec("letter_a"),
        refuse=lambda w: {"sent_on": today()},
        watch=WATCH,
    ),
    P(
        "evaluations:letter_acknowledge",
        method="post",
        inside=rec("letter_a"),
        outside=rec("letter_b"),
        refuse=lambda w: {"acknowledged_on": today()},
        refuse_url=rec("letter_a"),  # not sent yet: refused
        watch=WATCH,
    ),
    P(
        "evaluations:letter_dismiss",
        method="post",
        inside=rec("letter_a"),
        outside=rec("letter_b"),
        refuse=lambda w: {"reason": ""},
        refuse_url=rec("letter_a"),
        watch=WATCH,
    ),
    P("evaluations:letter_history", inside=rec("letter_a"), outside=rec("letter_b")),
]

APIS = [
    A("evaluations-api:campaign-list", shown=rec("camp_a"), hidden=rec("camp_b"), ceiling=12),
    A("evaluations-api:campaign-detail", inside=rec("camp_a"), outside=rec("camp_b")),
    A("evaluations-api:campaign-history", inside=rec("camp_a"), outside=rec("camp_b")),
    A("evaluations-api:step-list", shown=rec("step_a"), hidden=rec("step_b"), ceiling=10),
    A("evaluations-api:step-detail", inside=rec("step_a"), outside=rec("step_b")),
    A("evaluations-api:step-history", inside=rec("step_a"), outside=rec("step_b")),
    A(
        "evaluations-api:step-complete",
        method="post",
        inside=rec("step_a"),
        outside=rec("step_b"),
        refuse=lambda w: {"on": today()},
        watch=WATCH,
    ),
    A("evaluations-api:subject-list", shown=rec("subj_a"), hidden=rec("subj_b"), ceiling=10),
    A("evaluations-api:subject-detail", inside=rec("subj_a"), outside=rec("subj_b")),
    A("evaluations-api:subject-history", inside=rec("subj_a"), outside=rec("subj_b")),
    A(
        "evaluations-api:subject-scores",
        method="post",
        inside=rec("subj_a"),
        outside=rec("subj_b"),
        refuse=lambda w: {"scores": {"masses": "80"}},
        watch=WATCH,
    ),
    A("evaluations-api:item-list", shown=rec("item_a"), hidden=rec("item_b"), ceiling=10),
    A("evaluations-api:item-detail", inside=rec("item_a"), outside=rec("item_b")),
    A("evaluations-api:item-history", inside=rec("item_a"), outside=rec("item_b")),
    A("evaluations-api:democratic-list", shown=rec("dem_a"), hidden=rec("dem_b"), ceiling=12),
    A("evaluations-api:democratic-detail", inside=rec("dem_a"), outside=rec("dem_b")),
    A("evaluations-api:democratic-history", inside=rec("dem_a"), outside=rec("dem_b")),
    A("evaluations-api:care-letter-list", shown=rec("letter_a"), hidden=rec("letter_b"), ceiling=10),
    A("evaluations-api:care-letter-detail", inside=rec("letter_a"), outside=rec("letter_b")),
    A("evaluations-api:care-letter-history", inside=rec("letter_a"), outside=rec("letter_b")),
    A(
        "evaluations-api:care-letter-send",
        method="post",
        inside=rec("letter_a"),
        outside=rec("letter_b"),
        accept=lambda w: {"sent_on": today()},
        history=rec("letter_a"),
        refuse=lambda w: {"sent_on": today()},
        watch=WATCH,
    ),
    A(
        "evaluations-api:care-letter-acknowledge",
        method="post",
        inside=rec("letter_a"),
        outside=rec("letter_b"),
        refuse=lambda w: {"acknowledged_on": today()},
        watch=WATCH,
    ),
    A("evaluations-api:stats", user="stats", ceiling=2),
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
