"""The API base (cadre_supervision.api): error conversion, the scoped viewset, history, related fields."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import serializers
from rest_framework.test import APIRequestFactory

from cadre_supervision.api import ScopedRelatedField, django_validation_to_drf, exception_handler
from cadres.models import Organization

pytestmark = pytest.mark.django_db


def _handle(exc):
    return exception_handler(exc, {"view": None, "request": None})


def test_field_keyed_validation_error():
    resp = _handle(DjangoValidationError({"citizen_id": "身份证号校验位错误。", "__all__": ["整体错误"]}))
    assert resp.status_code == 400
    assert resp.data == {"citizen_id": ["身份证号校验位错误。"], "non_field_errors": ["整体错误"]}


def test_plain_validation_error_becomes_non_field_errors():
    exc = django_validation_to_drf(DjangoValidationError(["甲", "乙"]))
    assert exc.detail == {"non_field_errors": ["甲", "乙"]}
    assert _handle(DjangoValidationError("出错了")).data == {"non_field_errors": ["出错了"]}


def test_permission_denied_keeps_the_chinese_message():
    resp = _handle(DjangoPermissionDenied("您无权在该单位下进行此操作。"))
    assert resp.status_code == 403 and resp.data["detail"] == "您无权在该单位下进行此操作。"
    resp = _handle(DjangoPermissionDenied())
    assert resp.status_code == 403 and resp.data["detail"]  # DRF's default (translated) message


def test_404_message():
    resp = _handle(Http404())
    assert resp.status_code == 404 and resp.data["detail"] == "记录不存在或无权查看"


def test_scoped_related_field_offers_only_the_scope(city):
    class S(serializers.Serializer):
        organization = ScopedRelatedField(model=Organization)

    request = APIRequestFactory().get("/")
    request.user = city.staff_a
    field = S(context={"request": request}).fields["organization"]
    assert list(field.get_queryset()) == [city.town_a]
    assert field.to_internal_value(city.town_a.pk) == city.town_a
    assert field.to_internal_value(str(city.town_a.pk)) == city.town_a
    # a reference outside the scope gets exactly the answer a missing one gets
    errors = {}
    for value in (city.town_b.pk, 999999):
        with pytest.raises(serializers.ValidationError) as exc:
            field.to_internal_value(value)
        errors[value] = [(str(d), d.code) for d in exc.value.detail]
    assert errors[city.town_b.pk][0][1] == errors[999999][0][1] == "does_not_exist"
    assert errors[city.town_b.pk][0][0].replace(str(city.town_b.pk), "N") == errors[999999][0][0].replace(
        "999999", "N"
    )
    for bad in ("abc", 1.5, True, [1], str(2**40)):
        with pytest.raises(serializers.ValidationError) as exc:
            field.to_internal_value(bad)
        assert exc.value.detail[0].code == "incorrect_type"
    assert list(S(context={}).fields["organization"].get_queryset()) == []
