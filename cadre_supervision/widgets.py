"""Pickers that scale: a select that renders only its selected option(s) and searches a
scoped lookup endpoint as the user types (Tom Select, wired by `static/js/pickers.js`).

    cadre = LookupChoiceField(label="干部", source="cadres", action="manage_rotations", set_name="active")
    ...
    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        bind_lookups(self, user)

`bind_lookups` gives each lookup field the rows of `lookup.source_queryset` for that user:
the same rows the endpoint offers, and the only ids the field accepts (any other id, out of
scope or nonexistent alike, is "选择的对象不存在"). A page never carries thousands of options.
"""

from __future__ import annotations

from django import forms
from django.urls import reverse

from . import lookup

NOT_FOUND = "选择的对象不存在。"


def _ids(value) -> list[int]:
    if value in (None, ""):
        return []
    values = value if isinstance(value, list | tuple | set) else [value]
    out = []
    for v in values:
        v = getattr(v, "pk", v)
        try:
            number = int(str(v))
        except (TypeError, ValueError):
            continue
        if 0 < number <= 2**31 - 1:
            out.append(number)
    return out


class LookupSelectMixin:
    """Renders the selected option(s) only; the rest comes from the lookup endpoint."""

    def __init__(self, *, source: str, action: str | None = None, set_name: str | None = None, attrs=None):
        super().__init__(attrs=attrs)
        self.source = source
        self.action = action
        self.set_name = set_name
        self.under = None
        self.placeholder = "输入姓名、拼音首字母搜索"
        self.empty_label = "请选择"

    def lookup_attrs(self) -> dict:
        attrs = {
            "data-lookup": reverse("lookup", args=[self.source]),
            "data-placeholder": self.placeholder,
        }
        if self.action:
            attrs["data-lookup-action"] = self.action
        if self.set_name:
            attrs["data-lookup-set"] = self.set_name
        if self.under:
            attrs["data-lookup-under"] = str(self.under)
        if lookup.get_source(self.source).tree:
            attrs["data-lookup-tree"] = "1"
        return attrs

    def build_attrs(self, base_attrs, extra_attrs=None):
        return {**super().build_attrs(base_attrs, extra_attrs), **self.lookup_attrs()}

    def optgroups(self, name, value, attrs=None):
        ids = _ids(value)
        groups = []
        if not self.allow_multiple_selected:
            groups.append((None, [self.create_option(name, "", self.empty_label, not ids, 0)], 0))
        queryset = getattr(self.choices, "queryset", None)
        if ids and queryset is not None:
            for index, obj in enumerate(queryset.filter(pk__in=ids), start=1):
                option = self.create_option(name, str(obj.pk), lookup.label_of(self.source, obj), True, index)
                groups.append((None, [option], index))
        return groups


class LookupSelect(LookupSelectMixin, forms.Select):
    pass


class LookupSelectMultiple(LookupSelectMixin, forms.SelectMultiple):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.placeholder = "输入搜索，可选多个"


class _LookupFieldMixin:
    widget_class = LookupSelect

    def __init__(
        self, *, source: str, action: str | None = None, set_name: str | None = None, queryset=None, **kwargs
    ):
        self.source = source
        self.action = action
        self.set_name = set_name
        model = lookup.get_source(source).model
        kwargs.setdefault("widget", self.widget_class(source=source, action=action, set_name=set_name))
        messages = {"invalid_choice": NOT_FOUND, "invalid_pk_value": NOT_FOUND}
        messages.update(kwargs.pop("error_messages", None) or {})
        super().__init__(queryset=model.objects.none() if queryset is None else queryset, **kwargs)
        self.error_messages.update(messages)

    def bind(self, user, *, under=None) -> None:
        """Scope the field to `user` (and to `under`'s subtree): choices = the lookup's rows."""
        self.queryset = lookup.source_queryset(
            self.source, user, action=self.action, set_name=self.set_name, under=under
        )
        self.widget.under = getattr(under, "pk", under)

    def label_from_instance(self, obj):
        return lookup.label_of(self.source, obj)


class LookupChoiceField(_LookupFieldMixin, forms.ModelChoiceField):
    """One record picked by type-ahead inside the caller's scope."""


class LookupMultipleChoiceField(_LookupFieldMixin, forms.ModelMultipleChoiceField):
    """Several records picked by type-ahead (no Ctrl-click)."""

    widget_class = LookupSelectMultiple

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.error_messages["invalid_choice"] = NOT_FOUND


def bind_lookups(form, user, **under) -> None:
    """Scope every lookup field of `form` to `user`; `under={"cadre": org}` narrows one field."""
    for name, f in form.fields.items():
        if isinstance(f, _LookupFieldMixin):
            f.bind(user, under=under.get(name))
