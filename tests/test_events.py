"""Domain events announced by the registry's services."""

import datetime as dt

import pytest

from cadre_supervision import registry
from cadres import services
from tests.factories import CadreFactory, PostFactory

pytestmark = pytest.mark.django_db


def test_appointment_services_emit_events(city, monkeypatch):
    seen = []
    monkeypatch.setattr(
        registry,
        "event_listeners",
        {
            "appointment.created": [lambda **kw: seen.append(("created", kw["appointment"].pk))],
            "appointment.ended": [lambda **kw: seen.append(("ended", kw["appointment"].pk))],
            "cadre.status_changed": [lambda **kw: seen.append(("status", kw["new_status"]))],
        },
    )
    cadre = CadreFactory(organization=city.town_a)
    post = PostFactory(organization=city.town_a, title="副镇长（新）")
    appt = services.appointment_create(
        user=city.staff_all, cadre=cadre, post=post, start_date=dt.date(2024, 1, 1)
    )
    services.appointment_end(user=city.staff_all, appointment=appt, end_date=dt.date(2025, 1, 1))
    services.cadre_update(user=city.staff_all, cadre=cadre, status="second_line")
    assert seen == [("created", appt.pk), ("ended", appt.pk), ("status", "second_line")]
