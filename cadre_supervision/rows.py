"""Helpers for code that builds hundreds of rows at once (warning and to-do sources, figures): a
record's address without a `reverse()` per row, and choice labels without Django's per-call
label dictionary (`get_FOO_display()` rebuilds it from lazy translations on every call)."""

from __future__ import annotations

import functools

from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

# A number no primary key of the demo or of a city reaches, replaced by each row's own.
_SENTINEL = 987654321987


@functools.cache
def _url_pattern(name: str, prefix: str, urlconf) -> str:
    url = reverse(name, args=[_SENTINEL], urlconf=urlconf)
    if str(_SENTINEL) not in url:  # pragma: no cover - a URL whose only argument is not in its path
        raise ValueError(f"{name} does not put its argument in the path")
    return url.replace("{", "{{").replace("}", "}}").replace(str(_SENTINEL), "{}", 1)


def url_maker(name: str):
    """`make(pk)` == `reverse(name, args=[pk])` for a URL with one integer argument, the pattern
    resolved once (per script prefix and URL configuration)."""
    return _url_pattern(name, get_script_prefix(), get_urlconf()).format


@functools.cache
def _labels(choices, language: str | None) -> dict:
    return {value: str(label) for value, label in choices.choices}


def choice_labels(choices) -> dict:
    """{value: label} of a `TextChoices`/`IntegerChoices` class in the active language."""
    return _labels(choices, get_language())


def label_of(choices, value) -> str:
    """The label of `value` as `get_FOO_display()` answers it (the value itself when unknown)."""
    return choice_labels(choices).get(value, value)
