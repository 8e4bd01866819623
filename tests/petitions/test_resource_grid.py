"""Resource table of the petitions app: every page and endpoint, checked by tests/kit.

In scope: disc_a (discipline officer of 甲镇, handler of 甲镇's named petition about 张伟);
out of scope: 乙镇's anonymous petition about 李强 (handled by disc_b)."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile

from interviews.models import InterviewRecord
from petitions import services
from petitions.models import Petition, PetitionAttachment, PetitionReporter
from tests.conftest import city
from tests.kit.grid import grid_tests
from tests.kit.resources import ApiResource as A
from tests.kit.resources import PageResource as P
from tests.kit.world import grown_fixture, world_fixture
from tests.petitions.conftest import pet

D = dt.date


def _grow(w, n):
    for i in range(n):
        services.petition_create(
            user=w.disc_a,
            title=f"增长件{i}",
            channel=["letter", "visit", "web", "phone"][i % 4],
            received_on=D(2026, 4, 1),
            organization=w.town_a,
            content=f"增长内容{i}",
            handler=w.disc_a,
            cadres=[w.cadre_a, w.cadre_a2],
            categories=[w.cat_integrity],
            anonymous=bool(i % 2),
            reporter=None if i % 2 else {"name": f"举报人{i}"},
            today=D(2026, 6, 1),
        )


def _extra(w):
    w.att_a = services.petition_attachment_add(
        user=w.disc_a, petition=w.pet_a, file=SimpleUploadedFile("举报信.pdf", b"%PDF-1.4 a")
    )
    w.att_b = services.petition_attachment_add(
        user=w.disc_b, petition=w.pet_b, file=SimpleUploadedFile("截图.png", b"\x89PNG b")
    )
    return w


world = world_fixture(city, pet, extra=_extra)
grown = grown_fixture(_grow)

WATCH = (Petition, PetitionReporter, PetitionAttachment, InterviewRecord)


def rec(attr):
    return lambda w: getattr(w, attr)


DISPOSE = {
    "disposal": "talk_inquiry",
    "talk_form": "written_inquiry",
    "decided_on": "2026-03-10",
    "note": "函询",
}

PAGES = [
    P(
        "petitions:petition_list",
        user="disc_a",
        shown=lambda w: "反映张伟违规收受礼金",
        hidden=lambda w: "反映李强公车私用",
        export=True,
        ceiling=18,
    ),
    P(
        "petitions:petition_create",
        user="disc_a",
        refuse=lambda w: {
            "title": "越权",
            "channel": "letter",
            "received_on": "2026-05-01",
            "organization": w.town_b.pk,
            "content": "内容",
            "anonymous": "on",
            "handler": w.disc_a.pk,
        },
        watch=WATCH,
        accept=lambda w: {
            "title": "新登记",
            "channel": "visit",
            "received_on": "2026-05-01",
            "organization": w.town_a.pk,
            "cadres": [w.cadre_a2.pk],
            "content": "来访反映王芳工作作风粗暴",
            "anonymous": "on",
            "handler": w.disc_a.pk,
        },
        history=lambda w: Petition.objects.latest("pk"),
    ),
    P("petitions:petition_detail", user="disc_a", inside=rec("pet_a"), outside=rec("pet_b"), ceiling=40),
    P("petitions:petition_history", user="disc_a", inside=rec("pet_a"), outside=rec("pet_b")),
    P(
        "petitions:petition_dispose",
        user="disc_a",
        inside=rec("pet_a"),
        outside=rec("pet_b"),
        refuse=lambda w: DISPOSE,
        watch=WATCH,
        accept=lambda w: DISPOSE,
        history=rec("pet_a"),
    ),
    P(
        "petitions:petition_conclude",
        user="disc_a",
        inside=rec("pet_a"),
        outside=rec("pet_b"),
        refuse=lambda w: {"result": "true", "concluded_on": "2026-04-01", "note": "属实"},
        watch=WATCH,
    ),
    P(
        "petitions:petition_feedback",
        user="disc_a",
        inside=rec("pet_a"),
        outside=rec("pet_b"),
        refuse=lambda w: {"given_on": "2026-04-01", "note": "已反馈"},
        watch=WATCH,
    ),
    P(
        "petitions:petition_assign",
        user="disc_a",
        inside=rec("pet_a"),
        outside=rec("pet_b"),
        refuse=lambda w: {"handler": w.disc_a.pk},
        watch=WATCH,
        accept=lambda w: {"handler": w.disc_a2.pk, "co_handlers": [w.disc_a.pk]},
        history=rec("pet_a"),
    ),
    P(
        "petitions:petition_escalate",
        method="post",
        user="disc_a",
        inside=rec("pet_a"),
        outside=rec("pet_b"),
        refuse=lambda w: {"note": "督办"},
        watch=WATCH,
        accept=lambda w: {"note": "督办"},
        history=rec("pet_a"),
    ),
    P(
        "petitions:attachment_upload",
        method="post",
        user="disc_a",
        inside=rec("pet_a"),
        outside=rec("pet_b"),
        refuse=lambda w: {"file": SimpleUploadedFile("a.pdf", b"%PDF-1.4")},
        watch=WATCH,
    ),
    P("petitions:attachment_download", user="disc_a", inside=rec("att_a"), outside=rec("att_b")),
    P("petitions:figures", user="disc_a", params={"year": 2026}, shown=lambda w: "来信", ceiling=20),
    P("petitions:heavy_units", user="disc_a", params={"year": 2026}, export=True, ceiling=17),
]

APIS = [
    A("petitions-api:stats", user="disc_a", ceiling=2),
    A(
        "petitions-api:petition-list",
        user="disc_a",
        shown=rec("pet_a"),
        hidden=rec("pet_b"),
        ceiling=12,
    ),
    A(
        "petitions-api:petition-list",
        method="post",
        user="disc_a",
        refuse_status=400,
        refuse=lambda w: {
            "title": "越权",
            "channel": "letter",
            "received_on": "2026-05-01",
            "organization": w.town_b.pk,
            "content": "内容",
            "handler": w.disc_a.pk,
        },
        watch=WATCH,
        accept=lambda w: {
            "title": "接口登记",
            "channel": "phone",
            "received_on": "2026-05-01",
            "organization": w.town_a.pk,
            "cadres": [w.cadre_a.pk],
            "content": "电话反映",
            "handler": w.disc_a.pk,
            "anonymous": False,
            "reporter": {"name": "钱举报"},
        },
        history=lambda w: Petition.objects.latest("pk"),
    ),
    A("petitions-api:petition-detail", user="disc_a", inside=rec("pet_a"), outside=rec("pet_b")),
    A("petitions-api:petition-history", user="disc_a", inside=rec("pet_a"), outside=rec("pet_b")),
    A(
        "petitions-api:petition-dispose",
        method="post",
        user="disc_a",
        inside=rec("pet_a"),
        outside=rec("pet_b"),
        refuse=lambda w: DISPOSE,
        watch=WATCH,
        accept=lambda w: DISPOSE,
        history=rec("pet_a"),
    ),
    A(
        "petitions-api:petition-conclude",
        method="post",
        user="disc_a",
        inside=rec("pet_a"),
        outside=rec("pet_b"),
        refuse=lambda w: {"result": "true", "concluded_on": "2026-04-01", "note": "属实"},
        watch=WATCH,
    ),
    A(
        "petitions-api:petition-feedback",
        method="post",
        user="disc_a",
        inside=rec("pet_a"),
        outside=rec("pet_b"),
        refuse=lambda w: {"given_on": "2026-04-01", "note": "已反馈"},
        watch=WATCH,
    ),
    A(
        "petitions-api:petition-escalate",
        method="post",
        user="disc_a",
        inside=rec("pet_a"),
        outside=rec("pet_b"),
        refuse=lambda w: {"note": "督办"},
        watch=WATCH,
        accept=lambda w: {"note": "督办"},
        history=rec("pet_a"),
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
