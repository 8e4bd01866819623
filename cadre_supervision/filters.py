"""Filters shared by every app's FilterSets: typed, bounded parameters (see `params`).

An invalid value is a form error: the API answers 400 with the message under the
parameter's name, a page shows it on the filter form and ignores that filter."""

from __future__ import annotations

import django_filters as df
from django import forms
from django.core.exceptions import ValidationError

from . import params


class YearField(forms.IntegerField):
    """A year between `params.YEAR_MIN` and `params.YEAR_MAX`, parsed by `params.parse_year`."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", params.YEAR_MIN)
        kwargs.setdefault("max_value", params.YEAR_MAX)
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return params.parse_year(value)
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["year"], code="invalid") from None


class YearFilter(df.NumberFilter):
    """`?year=2026` on a year column or a date's `__year`; 0, 99999 or `abc` are form errors."""

    field_class = YearField


class IdFilter(df.NumberFilter):
    """`?plan=12`: a positive integer id within the column's range (never a decimal)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", params.INT_MAX)
        super().__init__(*args, **kwargs)


class StrictNullBooleanSelect(forms.NullBooleanSelect):
    """The yes / no / any select, handing on a value it does not know instead of "any"."""

    ANY = (None, "", "unknown", "1")

    def value_from_datadict(self, data, files, name):
        value = super().value_from_datadict(data, files, name)
        raw = data.get(name)
        if value is None and raw not in self.ANY:
            return raw
        return value


class StrictNullBooleanField(forms.NullBooleanField):
    """Yes / no / any, as the page's select sends it; anything else is an error (not "any")."""

    widget = StrictNullBooleanSelect

    def to_python(self, value):
        if isinstance(value, str):
            raise ValidationError("请选择“是”或“否”。", code="invalid")
        return super().to_python(value)


class BooleanFilter(df.BooleanFilter):
    """`?top_leader=true|false`; an unknown value (`-58800`) is a form error, not ignored."""

    field_class = StrictNullBooleanField
