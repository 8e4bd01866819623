import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cadres import services
from cadres.choices import TopLeaderKind
from cadres.models import Appointment, Cadre
from tests.factories import CadreFactory, PostFactory, make_citizen_id

pytestmark = pytest.mark.django_db


def _cadre_data(city, **over):
    data = dict(
        name="赵敏",
        gender="F",
        birth_date=dt.date(1982, 3, 4),
        identity_category="civil_servant",
        rank="zhengke",
        management_level="department",
        organization=city.town_a,
        party_join_date=dt.date(2005, 7, 1),
        work_start_date=dt.date(2004, 8, 1),
    )
    data.update(over)
    return data


def test_cadre_create_stores_citizen_id_protected(city):
    cid = make_citizen_id(dt.date(1982, 3, 4), "F", seq=11)
    cadre = services.cadre_create(user=city.staff_a, citizen_id=cid, **_cadre_data(city))
    cadre.refresh_from_db()
    assert cid not in cadre.citizen_id_encrypted
    assert cadre.citizen_id_masked.endswith(cid[-1:]) and "*" in cadre.citizen_id_masked
    assert cadre.citizen_id_tail == cid[-4:]
    assert cadre.name_initials == "zm"


@pytest.mark.parametrize(
    "over, cid_kwargs, field",
    [
        ({"birth_date": dt.date(1983, 3, 4)}, {}, "birth_date"),  # inconsistent with the ID
        ({"gender": "M"}, {}, "gender"),
        ({"birth_date": dt.date(2030, 1, 1)}, {"birth": dt.date(2030, 1, 1)}, "birth_date"),
        ({"party_join_date": dt.date(2030, 1, 1)}, {}, "party_join_date"),
    ],
)
def test_cadre_create_rejects_bad_input_and_saves_nothing(city, over, cid_kwargs, field):
    before = Cadre.objects.count()
    cid = make_citizen_id(cid_kwargs.get("birth", dt.date(1982, 3, 4)), "F", seq=12)
    with pytest.raises(ValidationError) as exc:
        services.cadre_create(user=city.staff_a, citizen_id=cid, **_cadre_data(city, **over))
    assert field in exc.value.message_dict
    assert Cadre.objects.count() == before


def test_cadre_create_rejects_bad_check_digit(city):
    cid = make_citizen_id(dt.date(1982, 3, 4), "F", seq=13)
    bad = cid[:-1] + ("0" if cid[-1] != "0" else "1")
    with pytest.raises(ValidationError) as exc:
        services.cadre_create(user=city.staff_a, citizen_id=bad, **_cadre_data(city))
    assert "校验位" in exc.value.message_dict["citizen_id"][0]


def test_cadre_create_outside_scope_is_refused(city):
    cid = make_citizen_id(dt.date(1982, 3, 4), "F", seq=14)
    with pytest.raises(PermissionDenied):
        services.cadre_create(
            user=city.staff_a, citizen_id=cid, **_cadre_data(city, organization=city.town_b)
        )
    assert not Cadre.objects.filter(name="赵敏").exists()


def test_second_current_top_leader_is_refused(city):
    other = CadreFactory(organization=city.town_a)
    before = Appointment.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.appointment_create(
            user=city.staff_all, cadre=other, post=city.sec_a, start_date=dt.date(2024, 1, 1)
        )
    assert "只能有一名" in exc.value.message_dict["start_date"][0]
    assert Appointment.objects.count() == before
    # another post of the same kind in the same organization clashes as well
    second_sec = PostFactory(
        organization=city.town_a, title="党委书记（兼）", top_leader_kind=TopLeaderKind.PARTY
    )
    with pytest.raises(ValidationError):
        services.appointment_create(
            user=city.staff_all, cadre=other, post=second_sec, start_date=dt.date(2024, 1, 1)
        )
    # the administrative head is a different kind: allowed
    services.appointment_create(
        user=city.staff_all, cadre=other, post=city.head_a, start_date=dt.date(2024, 1, 1)
    )


def test_successor_may_start_the_day_the_predecessor_leaves(city):
    successor = CadreFactory(organization=city.town_b)
    services.appointment_end(user=city.staff_all, appointment=city.appt_a, end_date=dt.date(2025, 1, 1))
    appt = services.appointment_create(
        user=city.staff_all, cadre=successor, post=city.sec_a, start_date=dt.date(2025, 1, 1)
    )
    successor.refresh_from_db()
    assert appt.pk and successor.organization_id == city.town_a.pk


def test_overlapping_tenure_in_same_post_is_refused(city):
    services.appointment_end(user=city.staff_all, appointment=city.appt_a2, end_date=dt.date(2022, 1, 1))
    with pytest.raises(ValidationError) as exc:
        services.appointment_create(
            user=city.staff_all, cadre=city.cadre_a2, post=city.dep_a, start_date=dt.date(2021, 6, 1)
        )
    assert "重叠" in exc.value.message_dict["start_date"][0]


def test_end_before_start_is_refused(city):
    with pytest.raises(ValidationError) as exc:
        services.appointment_end(user=city.staff_all, appointment=city.appt_a, end_date=dt.date(2019, 4, 1))
    assert "晚于" in exc.value.message_dict["end_date"][0]
    city.appt_a.refresh_from_db()
    assert city.appt_a.end_date is None


def test_transfer_is_atomic(city):
    """If starting the new tenure fails, the old one is not ended either."""
    with pytest.raises(ValidationError):
        services.appointment_transfer(
            user=city.staff_all,
            cadre=city.cadre_a2,
            from_appointment=city.appt_a2,
            to_post=city.sec_b,
            effective_date=dt.date(2024, 1, 1),
        )
    city.appt_a2.refresh_from_db()
    assert city.appt_a2.end_date is None


def test_history_captures_queryset_update(city):
    from cadre_supervision.history import history_for

    Cadre.objects.filter(pk=city.cadre_a.pk).update(phone="13800000000")
    rows = history_for(city.cadre_a)
    assert any(c["field"] == "phone" and c["after"] == "13800000000" for r in rows for c in r["changes"])
