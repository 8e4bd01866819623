"""Resource table of the cadres app: every page and endpoint, checked by tests/kit."""

from __future__ import annotations

import datetime as dt

from cadres.models import Appointment, Cadre, Organization, Post
from tests.cadres.test_api import cadre_payload
from tests.cadres.test_api_grid import _grow
from tests.conftest import city
from tests.kit.grid import grid_tests
from tests.kit.resources import ApiResource as A
from tests.kit.resources import PageResource as P
from tests.kit.world import grown_fixture, world_fixture

world = world_fixture(city)
grown = grown_fixture(_grow)  # n organizations, posts, cadres and tenures under the city


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
