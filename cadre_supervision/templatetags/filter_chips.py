"""`{% filter_chips filter request as chips %}`: each active filter value as a removable chip
(label, value as the user reads it, the list's URL without it)."""

from __future__ import annotations

from django import forms, template

register = template.Library()

SKIP = {"page", "cursor", "sort", "export", "per_page", "page_size"}


def _choice_labels(field) -> dict[str, str]:
    out = {}
    for value, label in getattr(field, "choices", ()):
        if isinstance(label, list | tuple):  # an option group
            out.update({str(v): str(lab) for v, lab in label})
        else:
            out[str(value)] = str(label)
    return out


def _texts(field, raw: list[str], cleaned) -> list[tuple[str, str]]:
    """(raw value, what the user reads) for each submitted value of one field."""
    if isinstance(field, forms.ModelMultipleChoiceField | forms.ModelChoiceField):
        objs = list(cleaned) if isinstance(cleaned, list | tuple) or hasattr(cleaned, "model") else [cleaned]
        objs = [o for o in objs if o is not None]
        by_pk = {str(o.pk): field.label_from_instance(o) for o in objs}
        return [(r, by_pk[r]) for r in raw if r in by_pk]
    if isinstance(field, forms.NullBooleanField):
        labels = {"true": "是", "1": "是", "True": "是", "false": "否", "0": "否", "False": "否"}
        return [(r, labels[r]) for r in raw if r in labels]
    if isinstance(field, forms.ChoiceField):  # incl. multiple choice
        labels = _choice_labels(field)
        return [(r, labels.get(r, r)) for r in raw]
    return [(r, r) for r in raw]


@register.simple_tag
def filter_chips(filterset, request):
    if filterset is None or request is None:
        return []
    form = getattr(filterset, "form", filterset)
    if not form.is_bound:
        return []
    cleaned = form.cleaned_data if form.is_valid() else getattr(form, "cleaned_data", {})
    chips = []
    for name, field in form.fields.items():
        if name in SKIP:
            continue
        raw = [v for v in request.GET.getlist(name) if v.strip()]
        if not raw or name in form.errors:
            continue
        for value, text in _texts(field, raw, cleaned.get(name)):
            query = request.GET.copy()
            for key in SKIP - {"sort"}:
                query.pop(key, None)
            query.setlist(name, [v for v in query.getlist(name) if v != value])
            url = f"{request.path}?{query.urlencode()}" if query else request.path
            chips.append({"label": field.label or name, "text": text, "remove_url": url})
    return chips
