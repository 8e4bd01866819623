"""Citizen IDs cannot be rebuilt from what a user without `view_citizen_ids` sees: the mask
leaves enough candidates, and no derived form (digest, ciphertext, tail, a mask of another
shape) appears on a page, in an export, in a history (page or API) or in any API response."""

from __future__ import annotations

import datetime as dt
import importlib
import itertools
import json
from io import BytesIO

import pytest
from django.apps import apps as django_apps
from django.urls import reverse
from openpyxl import load_workbook

from cadres import crypto, rules, services
from cadres.models import Cadre
from tests.factories import make_citizen_id

BIRTH = dt.date(1949, 12, 31)


@pytest.mark.parametrize(
    "value, masked",
    [
        ("11010519491231002X", "11***************X"),
        ("330106198203042739", "33***************9"),
        ("", ""),
        ("123", "***"),  # too short to show anything
    ],
)
def test_mask_shape(value, masked):
    assert rules.mask_citizen_id(value) == masked


def _brute_force(masked: str, birth: dt.date, gender: str) -> int:
    """Literal enumeration of every completion of the hidden characters."""
    hidden = [i for i, ch in enumerate(masked) if ch == "*"]
    count = 0
    for digits in itertools.product("0123456789X", repeat=len(hidden)):
        chars = list(masked)
        for i, d in zip(hidden, digits, strict=True):
            chars[i] = d
        try:
            parsed = rules.parse_citizen_id("".join(chars), today=dt.date(2026, 1, 1))
        except rules.CitizenIdError:
            continue
        if parsed.birth_date == birth and parsed.gender == gender:
            count += 1
    return count


@pytest.mark.parametrize(
    "masked, birth, gender, expected",
    [
        # the old mask hid exactly the birth date: with the birth date shown, one candidate
        ("110105********002X", BIRTH, "F", 1),
        # a wrong birth date or gender leaves none
        ("11010519491231002X", dt.date(1950, 1, 1), "F", 0),
        ("11010519491231002X", BIRTH, "M", 0),
        # hiding only the check digit hides nothing: it is computed from the other 17
        ("11010519491231002*", BIRTH, "F", 1),
        # two sequence digits hidden, check shown: 100 completions, about 1 in 11 fit
        ("110105194912310**X", BIRTH, "F", None),
        ("1101**19491231002*", BIRTH, "F", None),
    ],
)
def test_candidate_count_agrees_with_brute_force(masked, birth, gender, expected):
    count = rules.citizen_id_candidate_count(masked, birth_date=birth, gender=gender)
    small = masked.replace("*", "")
    if len(masked) - len(small) <= 4:
        assert count == _brute_force(masked, birth, gender)
    if expected is not None:
        assert count == expected


@pytest.mark.parametrize("gender", ["M", "F"])
@pytest.mark.parametrize("seq", [0, 7, 321, 498])
def test_new_mask_leaves_many_candidates(gender, seq):
    value = make_citizen_id(BIRTH, gender, region="330106", seq=seq)
    masked = rules.mask_citizen_id(value)
    count = rules.citizen_id_candidate_count(masked, birth_date=BIRTH, gender=gender)
    assert count >= 10**5  # about 10^4 regions x 500 sequences / 11 check characters
    # and the true ID is among them (the count is not of an empty or wrong set)
    assert rules.citizen_id_candidate_count(value, birth_date=BIRTH, gender=gender) == 1


# --- surfaces -----------------------------------------------------------------------------------


def _derived_forms(cadre: Cadre) -> list[str]:
    cadre = Cadre.objects.get(pk=cadre.pk)
    full = crypto.decrypt(cadre.citizen_id_encrypted)
    return [
        full,
        full[:6] + "*" * 8 + full[-4:],  # the earlier mask
        full[:6],  # region code
        full[:17],
        cadre.citizen_id_digest,
        cadre.citizen_id_encrypted,
    ]


def _assert_absent(text: str, cadre: Cadre):
    for form in _derived_forms(cadre):
        assert form not in text, form
    for key in ("citizen_id_digest", "citizen_id_tail", "citizen_id_encrypted"):
        assert key not in text


def _change_id(city, cadre):
    services.cadre_update(
        user=city.admin, cadre=cadre, citizen_id=make_citizen_id(cadre.birth_date, cadre.gender, seq=77)
    )
    return Cadre.objects.get(pk=cadre.pk)


def test_pages_and_history_page_show_no_derived_form(client, city):
    cadre = _change_id(city, city.cadre_a)
    client.force_login(city.discipline)  # sees cadres, may not reveal IDs
    pages = [
        reverse("cadres:cadre_list"),
        reverse("cadres:cadre_detail", args=[cadre.pk]),
        reverse("cadres:cadre_history", args=[cadre.pk]),
        reverse("integrity_file", args=[cadre.pk]),
    ]
    for url in pages:
        resp = client.get(url)
        assert resp.status_code == 200, url
        body = resp.content.decode()
        _assert_absent(body, cadre)
    detail = client.get(pages[1]).content.decode()
    assert cadre.citizen_id_masked in detail and str(cadre.birth_date.year) in detail


@pytest.mark.parametrize("export", ["cadre_list", "integrity_file"])
def test_exports_show_the_new_mask_only(client, city, export):
    cadre = _change_id(city, city.cadre_a)
    client.force_login(city.discipline)
    if export == "cadre_list":
        resp = client.get(reverse("cadres:cadre_list"), {"export": "xlsx"})
    else:
        resp = client.get(reverse("integrity_file_export", args=[cadre.pk]))
    assert resp.status_code == 200
    text = "\n".join(
        str(v)
        for ws in load_workbook(BytesIO(resp.content)).worksheets
        for r in ws.iter_rows(values_only=True)
        for v in r
        if v is not None
    )
    assert cadre.citizen_id_masked in text
    _assert_absent(text, cadre)


def test_api_responses_and_history_api_show_no_derived_form(api, city):
    cadre = _change_id(city, city.cadre_a)
    api.force_authenticate(city.discipline)
    for url in (
        reverse("cadres-api:cadre-list"),
        reverse("cadres-api:cadre-detail", args=[cadre.pk]),
        reverse("cadres-api:cadre-history", args=[cadre.pk]),
    ):
        resp = api.get(url)
        assert resp.status_code == 200, url
        _assert_absent(json.dumps(resp.json(), ensure_ascii=False), cadre)
    history = api.get(reverse("cadres-api:cadre-history", args=[cadre.pk])).json()
    fields = {c["field"] for row in history for c in row["changes"]}
    assert fields and not any(f.startswith("citizen_id") for f in fields)
    # even a holder of the reveal permission gets no derived form in history
    api.force_authenticate(city.staff_all)
    resp = api.get(reverse("cadres-api:cadre-history", args=[cadre.pk]))
    _assert_absent(json.dumps(resp.json(), ensure_ascii=False), cadre)


def test_tail_search_only_for_holders_of_the_reveal_permission(api, city):
    tail = Cadre.objects.get(pk=city.cadre_b.pk).citizen_id_tail
    url = reverse("cadres-api:cadre-list")
    api.force_authenticate(city.staff_all)
    assert [r["id"] for r in api.get(url, {"q": tail}).json()["results"]] == [city.cadre_b.pk]
    api.force_authenticate(city.discipline)
    assert api.get(url, {"q": tail}).json()["results"] == []


def test_migration_remasks_stored_ids(city):
    value = crypto.decrypt(Cadre.objects.get(pk=city.cadre_a.pk).citizen_id_encrypted)
    Cadre.objects.filter(pk=city.cadre_a.pk).update(citizen_id_masked=value[:6] + "*" * 8 + value[-4:])
    migration = importlib.import_module("cadres.migrations.0004_remask_citizen_ids")
    migration.remask(django_apps, None)
    assert Cadre.objects.get(pk=city.cadre_a.pk).citizen_id_masked == rules.mask_citizen_id(value)
