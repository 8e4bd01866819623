from django import template
from django.urls import NoReverseMatch, reverse

register = template.Library()

STATE_CLASS = {
    "open": "tag-orange",
    "in_progress": "tag-blue",
    "submitted": "tag-blue",
    "returned": "tag-red",
    "verified": "tag-green",
}
STATUS_CLASS = {
    "planned": "",
    "notified": "tag-blue",
    "fieldwork": "tag-blue",
    "report": "tag-blue",
    "rectification": "tag-orange",
    "closed": "tag-green",
}
SEVERITY_CLASS = {"minor": "", "serious": "tag-orange", "grave": "tag-red"}


@register.filter
def rect_class(state: str) -> str:
    return STATE_CLASS.get(state, "")


@register.filter
def status_class(status: str) -> str:
    return STATUS_CLASS.get(status, "")


@register.filter
def severity_class(severity: str) -> str:
    return SEVERITY_CLASS.get(severity, "")


@register.simple_tag
def cadre_url(cadre_id) -> str:
    """The cadre page if the cadres app provides it, else the integrity file."""
    try:
        return reverse("cadres:cadre_detail", args=[cadre_id])
    except NoReverseMatch:
        return reverse("integrity_file", args=[cadre_id])


@register.filter
def filesize(n) -> str:
    n = n or 0
    if n < 1024:
        return f"{n} B"
    if n < 1024 * 1024:
        return f"{n / 1024:.1f} KB"
    return f"{n / 1024 / 1024:.1f} MB"
