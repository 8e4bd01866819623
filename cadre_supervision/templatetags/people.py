"""`{% load people %}{{ user|display_name }}`: a person's name on every page, as everywhere else."""

from __future__ import annotations

from django import template

from cadre_supervision import people

register = template.Library()


@register.filter(name="display_name")
def display_name(user) -> str:
    """Full name (family name first), else user name; "" for no user."""
    return people.display_name(user)
