from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def cadre_link(cadre):
    """The cadre's name linked to the cadre page (plain name if that page is not installed)."""
    if cadre is None:
        return ""
    try:
        url = reverse("cadres:cadre_detail", args=[cadre.pk])
    except NoReverseMatch:
        return cadre.name
    return format_html('<a href="{}">{}</a>', url, cadre.name)


@register.filter
def pct(value):
    return "—" if value is None else f"{value}%"


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def role_labels(codes):
    from rotations.choices import SecondLineRole

    labels = dict(SecondLineRole.choices)
    return "、".join(str(labels.get(c, c)) for c in (codes or []) if c)
