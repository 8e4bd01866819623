"""Cheap serialisation for the API: the same bodies as DRF's, without its per-row overhead.

DRF's `Serializer.to_representation` costs about half a millisecond per row here, spent on
three things that do not depend on the row:

* `get_<field>_display` sources: Django's `_get_FIELD_display` rebuilds a dict of the
  field's lazily translated choices on every call (hashing and translating every label),
  and DRF calls `inspect.signature` on the bound partial every time to decide it may call it.
* Method sources (`source="years"`): `inspect.signature` per row, for the same function.
* Walking `_readable_fields` and the per-field dispatch.

`FastRepresentationMixin` (mixed into the API's `ModelSerializer` and `Serializer`, see
`cadre_supervision.api`) plans each serializer's readable fields once per serializer
instance (a `ListSerializer`'s child is one instance for the whole page) and, per row:

* reads a `get_<field>_display` source from a per-language label map of the model field's
  choices — exactly what `_get_FIELD_display` answers (a value outside the choices is
  itself), provided the model does not override the method;
* decides "may this attribute be called without arguments" once per function (DRF's
  `is_simple_callable`, remembered per function object);
* calls a `SerializerMethodField`'s method directly.

`nested(SerializerClass, items)` answers `SerializerClass(items, many=True).data` inside a method
field with one nested serializer per parent (DRF would build and bind its fields per row).

Every other field takes DRF's own path (`field.get_attribute`, `field.to_representation`), and
any error on the fast path is retried on DRF's path, so errors, defaults and skipped fields are
DRF's. The schema is untouched: only `to_representation` changes.
"""

from __future__ import annotations

import inspect
import weakref
from collections.abc import Mapping
from functools import partialmethod
from types import FunctionType, MethodType

from django.core.exceptions import ObjectDoesNotExist
from django.core.signals import setting_changed
from django.db import models
from django.utils.choices import CallableChoiceIterator
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.translation import get_language
from rest_framework import fields as drf_fields
from rest_framework import serializers
from rest_framework.relations import PKOnlyObject

# --- DRF's callable test, once per function ---------------------------------------------------------

_SIMPLE: dict[str, weakref.WeakKeyDictionary] = {
    "method": weakref.WeakKeyDictionary(),
    "function": weakref.WeakKeyDictionary(),
}


def simple_callable(obj) -> bool:
    """DRF's `is_simple_callable`, answered once per function (its signature does not change)."""
    kind = type(obj)
    if kind is MethodType:
        key, memo = obj.__func__, _SIMPLE["method"]
    elif kind is FunctionType:
        key, memo = obj, _SIMPLE["function"]
    else:
        return drf_fields.is_simple_callable(obj)
    try:
        return memo[key]
    except KeyError:
        answer = memo[key] = drf_fields.is_simple_callable(obj)
        return answer
    except TypeError:  # pragma: no cover - a function that cannot be weakly referenced
        return drf_fields.is_simple_callable(obj)


def get_attribute(instance, attrs):
    """`rest_framework.fields.get_attribute` with `simple_callable`."""
    for attr in attrs:
        try:
            instance = instance[attr] if isinstance(instance, Mapping) else getattr(instance, attr)
        except ObjectDoesNotExist:
            return None
        if simple_callable(instance):
            instance = instance()
    return instance


# --- get_<field>_display ------------------------------------------------------------------------

_LABELS: dict[tuple[int, str | None], dict] = {}


@setting_changed.connect
def _forget_labels(*, setting, **kwargs):
    if setting in ("LANGUAGE_CODE", "LANGUAGES", "USE_I18N", "LOCALE_PATHS"):
        _LABELS.clear()


def _labels(field: models.Field) -> dict:
    """{value: label} as `_get_FIELD_display` answers it, in the active language."""
    key = (id(field), get_language())
    try:
        return _LABELS[key]
    except KeyError:
        pass
    labels = {make_hashable(value): force_str(label, strings_only=True) for value, label in field.flatchoices}
    _LABELS[key] = labels
    return labels


def display_field(model, name: str) -> models.Field | None:
    """The model field whose `get_<field>_display` `name` is, when the model keeps Django's own."""
    if not (name.startswith("get_") and name.endswith("_display")):
        return None
    try:
        field = model._meta.get_field(name[4:-8])
    except Exception:  # noqa: BLE001 - not a field of this model
        return None
    if not getattr(field, "choices", None) or isinstance(field.choices, CallableChoiceIterator):
        return None
    method = inspect.getattr_static(model, name, None)
    if not (
        isinstance(method, partialmethod)
        and method.func is models.Model._get_FIELD_display
        and method.keywords.get("field") is field
        and not method.args
    ):
        return None
    return field


_DIRECT = (str, int, type(None))


class _DisplayReader:
    """The value of `get_<field>_display()` on instances of one model."""

    __slots__ = ("model", "name", "attname", "field")

    def __init__(self, model, name: str, field: models.Field):
        self.model, self.name, self.attname, self.field = model, name, field.attname, field

    def __call__(self, instance):
        if type(instance) is not self.model:
            return getattr(instance, self.name)()
        value = getattr(instance, self.attname)
        if type(value) not in _DIRECT:
            return getattr(instance, self.name)()
        return _labels(self.field).get(value, value)


# --- the plan -------------------------------------------------------------------------------------

_GENERIC, _ATTRS, _DISPLAY, _METHOD = range(4)


def _plan_field(serializer, field):
    kind = type(field)
    if kind.get_attribute is not drf_fields.Field.get_attribute:  # related fields, nested lists, ...
        return (_GENERIC, field, None)
    if isinstance(field, serializers.SerializerMethodField):
        if (
            kind.to_representation is serializers.SerializerMethodField.to_representation
            and field.source_attrs == []
        ):
            return (_METHOD, field, getattr(serializer, field.method_name))
        return (_GENERIC, field, None)
    attrs = list(field.source_attrs)
    if not attrs:
        return (_GENERIC, field, None)
    model = getattr(getattr(serializer, "Meta", None), "model", None)
    if len(attrs) == 1 and model is not None:
        model_field = display_field(model, attrs[0])
        if model_field is not None:
            return (_DISPLAY, field, _DisplayReader(model, attrs[0], model_field))
    return (_ATTRS, field, attrs)


class FastRepresentationMixin:
    # `to_representation` as DRF's, planned once per serializer instance (see the module). No
    # docstring: drf-spectacular would take it as the description of every serializer without one.

    def _representation_plan(self):
        plan = self.__dict__.get("_cs_plan")
        if plan is None:
            plan = self.__dict__["_cs_plan"] = [_plan_field(self, f) for f in self._readable_fields]
        return plan

    def to_representation(self, instance):
        ret = {}
        for kind, field, extra in self._representation_plan():
            if kind == _METHOD:
                ret[field.field_name] = None if instance is None else extra(instance)
                continue
            try:
                if kind == _GENERIC:
                    attribute = field.get_attribute(instance)
                else:
                    try:
                        attribute = get_attribute(instance, extra) if kind == _ATTRS else extra(instance)
                    except Exception:  # noqa: BLE001 - DRF's path decides: default, null, skip or its error
                        attribute = field.get_attribute(instance)
            except drf_fields.SkipField:
                continue
            check_for_none = attribute.pk if isinstance(attribute, PKOnlyObject) else attribute
            if check_for_none is None:
                ret[field.field_name] = None
            else:
                ret[field.field_name] = field.to_representation(attribute)
        return ret

    def nested(self, serializer_class, items) -> list:
        """`serializer_class(items, many=True).data` for a method field, with the nested
        serializer built once per serializer (not once per row)."""
        cache = self.__dict__.setdefault("_cs_nested", {})
        child = cache.get(serializer_class)
        if child is None:
            child = cache[serializer_class] = serializer_class(many=True)
        return serializers.ReturnList(child.to_representation(items), serializer=child)
