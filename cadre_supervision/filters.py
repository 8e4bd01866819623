"""Filters shared by every app's FilterSets: typed, bounded parameters (see `params`).

An invalid value is a form error: the API answers 400 with the message under the
parameter's name, a page shows it on the filter form and ignores that filter."""

from __future__ import annotations

import django_filters as df
from django import forms
from django.core.exceptions import ValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from . import lookup, params
from .widgets import LookupChoiceField, LookupMultipleChoiceField


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

    def __init__(self, attrs=None):
        super().__init__(attrs)
        # "any" reads 全部 (Django's select says 未知).
        self.choices = [("unknown", "全部"), ("true", "是"), ("false", "否")]

    def value_from_datadict(self, data, files, name):
        value = super().value_from_datadict(data, files, name)
        raw = data.get(name)
        if raw in ("2", "3"):  # Django's legacy yes/no codes: not true/false, so refused
            return raw
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


@extend_schema_field(OpenApiTypes.INT)
class LookupFilter(df.ModelChoiceFilter):
    """A record picked by type-ahead (`widgets.LookupChoiceField`), scoped to the request's
    user: `LookupFilter(label="干部", source="cadres", field_name="cadre")`. The page carries
    only the selected option; an id outside the scope is a form error, never a raw-id box."""

    field_class = LookupChoiceField

    def __init__(self, *args, source: str, action: str | None = None, set_name: str | None = None, **kwargs):
        kwargs.update(source=source, action=action, set_name=set_name, queryset=self._scoped)
        super().__init__(*args, **kwargs)

    def _scoped(self, request):
        extra = self.extra
        user = getattr(request, "user", None)
        return lookup.source_queryset(
            extra["source"], user, action=extra["action"], set_name=extra["set_name"]
        )

    @property
    def field(self):
        field = super().field
        field.widget.empty_label = "全部"
        field.widget.placeholder = "全部（输入搜索）"
        return field


@extend_schema_field({"type": "array", "items": {"type": "integer"}})
class LookupMultipleFilter(df.ModelMultipleChoiceFilter):
    """Several records picked by type-ahead, any of them matching."""

    field_class = LookupMultipleChoiceField

    def __init__(self, *args, source: str, action: str | None = None, set_name: str | None = None, **kwargs):
        kwargs.update(source=source, action=action, set_name=set_name, queryset=self._scoped)
        super().__init__(*args, **kwargs)

    _scoped = LookupFilter._scoped


def organization_filter(label: str = "单位（含下级）", *, method: str = "filter_subtree", **kwargs):
    """The unit filter of every list: an organization picked from the tree or by name."""
    return LookupFilter(label=label, source="organizations", method=method, **kwargs)


def with_page_year(data, year: int, field: str = "year"):
    """A list's filter data whose year is the year the page shows (`params.page_year`: the
    given year, or this year when it is missing or bad), so the filter never says otherwise."""
    data = data.copy()
    data[field] = str(year)
    return data
