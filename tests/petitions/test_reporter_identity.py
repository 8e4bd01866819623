"""The named reporter's identity is seen by the handlers of that petition only, and every read
is logged. One test per surface: detail page, list, export, API (list, detail, create answer),
history (page and API), search and lookups, integrity file, statistics."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from cadre_supervision.models import AccessLog
from petitions import services
from tests.kit.checks import xlsx_text

pytestmark = pytest.mark.django_db
NAME, PHONE = "赵举报", "13800001111"


def _text(resp) -> str:
    return resp.content.decode()


def _login(client, user):
    client.force_login(user)
    return client


def _reads(petition) -> int:
    return AccessLog.objects.filter(
        object_type="petitions.petition", object_id=str(petition.pk), detail__what="petition_reporter"
    ).count()


def test_detail_page_handler_sees_reporter_and_read_is_logged(client, pet):
    url = reverse("petitions:petition_detail", args=[pet.pet_a.pk])
    resp = _login(client, pet.disc_a).get(url)
    assert resp.status_code == 200 and NAME in _text(resp) and PHONE in _text(resp)
    assert _reads(pet.pet_a) == 1
    _login(client, pet.disc_a).get(url)
    assert _reads(pet.pet_a) == 2


@pytest.mark.parametrize("who", ["disc_a2", "discipline", "admin"])
def test_detail_page_others_do_not_see_reporter(client, pet, who):
    resp = _login(client, getattr(pet, who)).get(reverse("petitions:petition_detail", args=[pet.pet_a.pk]))
    assert resp.status_code == 200
    assert NAME not in _text(resp) and PHONE not in _text(resp)
    assert "实名" in _text(resp)
    assert _reads(pet.pet_a) == 0


def test_co_handler_sees_reporter(client, pet):
    from petitions.models import PetitionCoHandler

    PetitionCoHandler.objects.create(petition=pet.pet_a, user=pet.disc_a2)
    resp = _login(client, pet.disc_a2).get(reverse("petitions:petition_detail", args=[pet.pet_a.pk]))
    assert NAME in _text(resp)


@pytest.mark.parametrize("who", ["disc_a", "discipline"])
def test_list_and_export_never_carry_reporter(client, pet, who):
    c = _login(client, getattr(pet, who))
    resp = c.get(reverse("petitions:petition_list"))
    assert "反映张伟违规收受礼金" in _text(resp) and NAME not in _text(resp)
    text = xlsx_text(c.get(reverse("petitions:petition_list"), {"export": "xlsx"}))
    assert "反映张伟违规收受礼金" in text and NAME not in text and PHONE not in text


@pytest.mark.parametrize("who", ["disc_a", "discipline"])
def test_search_by_reporter_finds_nothing(client, pet, who):
    resp = _login(client, getattr(pet, who)).get(reverse("petitions:petition_list"), {"q": NAME})
    assert "反映张伟违规收受礼金" not in _text(resp)
    api = _login(client, getattr(pet, who)).get(reverse("petitions-api:petition-list"), {"q": NAME})
    assert api.json()["results"] == []


@pytest.mark.parametrize("who", ["disc_a", "discipline", "admin"])
def test_api_never_carries_reporter(api, pet, who):
    api.force_authenticate(getattr(pet, who))
    for resp in (
        api.get(reverse("petitions-api:petition-list")),
        api.get(reverse("petitions-api:petition-detail", args=[pet.pet_a.pk])),
    ):
        assert resp.status_code == 200
        body = resp.content.decode()
        assert NAME not in body and PHONE not in body and "reporter" not in body


def test_api_create_answer_has_no_reporter(api, pet):
    api.force_authenticate(pet.disc_a)
    resp = api.post(
        reverse("petitions-api:petition-list"),
        {
            "title": "接口实名举报",
            "channel": "phone",
            "received_on": "2026-05-01",
            "organization": pet.town_a.pk,
            "content": "电话反映",
            "handler": pet.disc_a.pk,
            "anonymous": False,
            "reporter": {"name": "钱举报", "phone": "13900002222"},
        },
        format="json",
    )
    assert resp.status_code == 201, resp.content
    assert "钱举报" not in resp.content.decode() and "13900002222" not in resp.content.decode()


@pytest.mark.parametrize("who", ["disc_a", "discipline"])
def test_history_never_carries_reporter(client, api, pet, who):
    user = getattr(pet, who)
    services.petition_dispose(
        user=pet.disc_a,
        petition=pet.pet_a,
        disposal="shelved",
        decided_on=dt.date(2026, 3, 10),
        note="暂存",
        today=dt.date(2026, 6, 1),
    )
    page = _login(client, user).get(reverse("petitions:petition_history", args=[pet.pet_a.pk]))
    assert page.status_code == 200 and NAME not in _text(page) and PHONE not in _text(page)
    api.force_authenticate(user)
    resp = api.get(reverse("petitions-api:petition-history", args=[pet.pet_a.pk]))
    assert resp.status_code == 200 and NAME not in resp.content.decode()


def test_integrity_file_shows_petition_without_reporter(client, pet):
    resp = _login(client, pet.discipline).get(reverse("integrity_file", args=[pet.cadre_a.pk]))
    assert resp.status_code == 200
    text = _text(resp)
    assert "反映张伟违规收受礼金" in text and NAME not in text and PHONE not in text


def test_cadre_lookup_and_stats_never_carry_reporter(api, pet):
    api.force_authenticate(pet.disc_a)
    resp = api.get(reverse("lookup", args=["cadres"]), {"q": NAME, "action": "view_cadres"})
    assert NAME not in resp.content.decode()
    stats = api.get(reverse("petitions-api:stats"), {"year": 2026})
    assert stats.status_code == 200 and NAME not in stats.content.decode()


def test_attachments_for_handlers_only_and_download_logged(client, pet, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = str(tmp_path)
    att = services.petition_attachment_add(
        user=pet.disc_a, petition=pet.pet_a, file=SimpleUploadedFile("赵举报的来信.pdf", b"%PDF-1.4 x")
    )
    detail = reverse("petitions:petition_detail", args=[pet.pet_a.pk])
    assert "赵举报的来信.pdf" in _text(_login(client, pet.disc_a).get(detail))
    download = reverse("petitions:attachment_download", args=[att.pk])
    assert _login(client, pet.disc_a).get(download).status_code == 200
    assert AccessLog.objects.filter(action="download_file", object_id=str(att.pk)).count() == 1
    for who in ("disc_a2", "discipline", "admin"):
        c = _login(client, getattr(pet, who))
        html = _text(c.get(detail))
        assert "赵举报的来信.pdf" not in html and "1 份" in html
        assert c.get(download).status_code == 404
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.petition_attachment_add(
            user=pet.disc_a2, petition=pet.pet_a, file=SimpleUploadedFile("x.pdf", b"%PDF")
        )


def test_attachment_type_refused(pet):
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile

    with pytest.raises(ValidationError) as e:
        services.petition_attachment_add(
            user=pet.disc_a, petition=pet.pet_a, file=SimpleUploadedFile("a.exe", b"MZ")
        )
    assert "file" in e.value.message_dict
