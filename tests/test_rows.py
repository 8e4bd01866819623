"""cadre_supervision.rows: addresses and labels for code that builds many rows."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from cadre_supervision.rows import choice_labels, label_of, url_maker
from cadres.choices import AssessmentGrade, VerificationStatus
from interviews.choices import SpecialTrigger


@pytest.mark.parametrize(
    ("name", "pk"),
    [
        ("cadres:cadre_detail", 1),
        ("cadres:cadre_detail", 987654321),
        ("interviews:required_detail", 42),
        ("interviews:record_detail", 7),
        ("audits:audit_detail", 1234567),
    ],
)
def test_url_maker_equals_reverse(name, pk):
    assert url_maker(name)(pk) == reverse(name, args=[pk])


def test_url_maker_follows_the_script_prefix():
    from django.urls import get_script_prefix, set_script_prefix

    old = get_script_prefix()
    try:
        set_script_prefix("/gb/")
        assert url_maker("cadres:cadre_detail")(5) == reverse("cadres:cadre_detail", args=[5])
        assert url_maker("cadres:cadre_detail")(5).startswith("/gb/")
    finally:
        set_script_prefix(old)


@pytest.mark.parametrize("choices", [AssessmentGrade, VerificationStatus, SpecialTrigger])
def test_choice_labels_equal_the_display_of_every_value(choices):
    labels = choice_labels(choices)
    assert labels == {value: str(label) for value, label in choices.choices}
    for value, label in choices.choices:
        assert label_of(choices, value) == str(label)
    assert label_of(choices, "no-such-code") == "no-such-code"  # as get_FOO_display answers


def test_choice_labels_follow_the_active_language():
    with translation.override("zh-hans"):
        zh = choice_labels(VerificationStatus)
    with translation.override("en"):
        en = choice_labels(VerificationStatus)
    assert zh["verified"] == "已认定"
    assert set(en) == set(zh)
