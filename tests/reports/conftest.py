"""Fixtures for the reports app: the shared small city plus report-specific users."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from reports import services
from reports.catalogue import ensure_catalogue
from reports.models import PersonalReport
from tests.factories import make_user

YEAR = timezone.localdate().year - 1
DEADLINE = dt.date(YEAR + 1, 1, 31)
AFTER_DEADLINE = dt.date(YEAR + 1, 3, 1)
ON_TIME = timezone.make_aware(dt.datetime(YEAR + 1, 1, 20, 10, 0))
LATE = timezone.make_aware(dt.datetime(YEAR + 1, 2, 10, 10, 0))

NOTHING = {"nothing_to_report": True, "entries": []}


def full_answers(**over) -> dict:
    """A complete, valid report: marriage, salary, one flat; nothing for the rest."""
    answers = {
        code: dict(NOTHING)
        for code in ("F1", "F2", "F3", "F4", "F5", "F6", "F7", "F8", "P1", "P2", "P3", "P4", "P5", "P6")
    }
    answers["F1"] = {"entries": [{"marital_status": "已婚", "spouse_name": "李红"}]}
    answers["P1"] = {
        "entries": [{"income_kind": "工资", "amount": "18.5"}, {"income_kind": "奖金", "amount": "3"}]
    }
    answers["P3"] = {
        "entries": [
            {
                "owner": "本人、配偶",
                "address": "城东区人民路1号2幢301室",
                "area": "120",
                "use": "住宅",
                "share": "50",
            }
        ]
    }
    answers.update(over)
    return answers


def submit(user, report, answers=None, now=None):
    services.report_save_draft(user=user, report=report, answers=answers or full_answers())
    return services.report_submit(user=user, report=report, now=now or ON_TIME)


@pytest.fixture(autouse=True)
def _deterministic_factories():
    """CadreFactory draws random birth dates (and fails on 29 February): fix the seed."""
    import random

    random.seed(20240131)


@pytest.fixture(autouse=True)
def catalogue(db):
    # Transactional (live_server) tests flush the data migration's rows: reload if needed.
    return ensure_catalogue()


@pytest.fixture
def rc(city):
    """The shared city plus: a linked account for 张伟 (cadre_a), staff over 乙镇 only,
    an interviewer, a verifier without any role, and a cycle for last year."""
    ns = city
    ns.cadre_user = make_user("zhangwei")
    ns.cadre_a.user = ns.cadre_user
    ns.cadre_a.save(update_fields=["user"])
    ns.staff_b = make_user("staff_b", "org_staff", [ns.town_b])
    ns.interviewer = make_user("interviewer", "supervisor", [ns.root])
    ns.verifier = make_user("verifier")
    ns.cycle = services.cycle_open(user=ns.staff_all, year=YEAR, deadline=DEADLINE)
    ns.report_a = PersonalReport.objects.get(cycle=ns.cycle, cadre=ns.cadre_a)
    ns.report_a2 = PersonalReport.objects.get(cycle=ns.cycle, cadre=ns.cadre_a2)
    ns.report_b = PersonalReport.objects.get(cycle=ns.cycle, cadre=ns.cadre_b)
    return ns


_next_source = iter(range(1000, 10**6))


def open_check(cadre, proposed_post="副局长", source_id=None):
    """A targeted verification opened for a (selection) candidate, as the nomination hook does."""
    from reports import services

    return services.targeted_check_open(
        cadre=cadre,
        source_type="selection.candidate",
        source_id=source_id or next(_next_source),
        proposed_post=proposed_post,
    )
