"""The gate: a new tenure of a leading post is refused at every entry point (page, API, import,
exchange) unless the cadre is a cleared candidate for the post or an exception is logged;
nothing is saved when refused."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from cadres import imports
from cadres import services as cadre_services
from cadres.models import Appointment
from rotations import services as rot_services
from rotations.choices import ExchangeKind
from rotations.models import Exchange
from selection import services
from selection.choices import CandidateStatus, ExceptionKind
from selection.models import Candidate, GateException
from tests.cadres.test_import_roundtrip import workbook
from tests.factories import PostFactory
from tests.selection.conftest import sel_world

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def g(city, selection_gate):
    return sel_world(city)


def _snapshot():
    return sorted(Appointment.objects.values_list("id", "cadre_id", "post_id", "start_date", "end_date"))


def clear(g, cand):
    Candidate.objects.filter(pk=cand.pk).update(status=CandidateStatus.CLEARED)


def via_page(g, client):
    client.force_login(g.staff_all)
    return client.post(
        reverse("cadres:appointment_create", args=[g.cadre_a.pk]),
        {"post": g.head_a.pk, "start_date": TODAY.isoformat(), "method": "appointed"},
    )


def via_api(g, api):
    api.force_authenticate(g.staff_all)
    return api.post(
        reverse("cadres-api:appointment-list"),
        {"cadre": g.cadre_a.pk, "post": g.head_a.pk, "start_date": TODAY.isoformat()},
        format="json",
    )


def via_import(g):
    cid = imports.ImportContext(g.admin).full_citizen_id(g.cadre_a)
    header = [c.header for c in imports.sheets()[3].columns]
    row = {"身份证号": cid, "单位": "甲镇", "岗位": "镇长", "任职开始": TODAY.isoformat()}
    (sheet,) = imports.run_import(
        user=g.staff_all, fileobj=workbook({"任职": (header, [row])}), dry_run=False
    ).sheets
    return sheet


def via_exchange(g):
    return rot_services.exchange_record(
        user=g.staff_all,
        cadre=g.cadre_a,
        to_post=g.head_a,
        kind=ExchangeKind.WITHIN_UNIT,
        reason="tenure_limit",
        approval_date=TODAY - dt.timedelta(days=5),
        effective_date=TODAY,
    )


def test_page_refuses_and_saves_nothing(g, client):
    before = _snapshot()
    resp = via_page(g, client)
    assert resp.status_code == 200
    assert "领导职务" in resp.context["form"].errors["post"][0]
    assert "凡提四必联审尚未准予任用" in resp.content.decode()
    assert _snapshot() == before


def test_api_refuses_and_saves_nothing(g, api):
    before = _snapshot()
    resp = via_api(g, api)
    assert resp.status_code == 400
    assert "领导职务" in resp.json()["post"][0]
    assert _snapshot() == before


def test_import_refuses_and_saves_nothing(g):
    before = _snapshot()
    sheet = via_import(g)
    assert not sheet.ok and any("领导职务" in e.message for e in sheet.errors)
    assert _snapshot() == before


def test_exchange_refuses_and_saves_nothing(g):
    before = _snapshot()
    n = Exchange.objects.count()
    with pytest.raises(ValidationError) as e:
        via_exchange(g)
    assert "领导职务" in str(e.value)
    assert _snapshot() == before and Exchange.objects.count() == n


def test_services_refuse_a_cadre_with_no_selection_naming_what_is_missing(g):
    with pytest.raises(ValidationError) as e:
        cadre_services.appointment_create(user=g.staff_all, cadre=g.cadre_a2, post=g.head_a, start_date=TODAY)
    assert "须是选拔任用中被准予任用" in e.value.message_dict["post"][0]


@pytest.mark.parametrize("entry", ["page", "api", "import"])
def test_a_cleared_candidate_passes_and_is_linked(g, client, api, entry):
    clear(g, g.cand_a)
    if entry == "page":
        assert via_page(g, client).status_code == 302
    elif entry == "api":
        assert via_api(g, api).status_code == 201
    else:
        assert via_import(g).ok
    appt = Appointment.objects.get(cadre=g.cadre_a, post=g.head_a)
    cand = Candidate.objects.get(pk=g.cand_a.pk)
    assert cand.status == CandidateStatus.APPOINTED and cand.appointment == appt


def test_an_exception_passes_once_and_is_logged(g, client):
    with pytest.raises(PermissionDenied):
        services.exception_record(user=g.staff_all, cadre=g.cadre_a2, post=g.head_a, reason="急需")
    with pytest.raises(ValidationError):
        services.exception_record(user=g.lead, cadre=g.cadre_a2, post=g.head_a, reason="")
    exc = services.exception_record(user=g.lead, cadre=g.cadre_a2, post=g.head_a, reason="抢险救灾急需")
    appt = cadre_services.appointment_create(
        user=g.staff_all, cadre=g.cadre_a2, post=g.head_a, start_date=TODAY
    )
    exc.refresh_from_db()
    assert exc.appointment == appt and exc.kind == ExceptionKind.APPOINTMENT
    cadre_services.appointment_end(user=g.staff_all, appointment=appt, end_date=TODAY + dt.timedelta(days=1))
    with pytest.raises(ValidationError):  # used up
        cadre_services.appointment_create(
            user=g.staff_all, cadre=g.cadre_a2, post=g.head_a, start_date=TODAY + dt.timedelta(days=2)
        )
    client.force_login(g.admin)
    body = client.get(reverse("integrity_file", args=[g.cadre_a2.pk])).content.decode()
    assert "抢险救灾急需" in body
    assert GateException.objects.count() == 1


def test_non_leading_posts_secondments_and_past_tenures_are_not_gated(g):
    clerk = PostFactory(organization=g.town_a, title="科员", is_leading=False)
    cadre_services.appointment_create(user=g.staff_all, cadre=g.cadre_a2, post=clerk, start_date=TODAY)
    cadre_services.appointment_create(
        user=g.staff_all,
        cadre=g.cadre_a2,
        post=g.dep_b,
        start_date=dt.date(2010, 1, 1),
        end_date=dt.date(2012, 1, 1),
    )
    cadre_services.appointment_create(
        user=g.staff_all,
        cadre=g.cadre_a2,
        post=g.head_a,
        start_date=TODAY,
        end_date=TODAY + dt.timedelta(days=90),
        is_secondment=True,
    )
