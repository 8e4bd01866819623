"""Builders shared by the audits tests (and the integrity-file tests)."""

from __future__ import annotations

import datetime as dt

import pytest

from audits import services
from audits.choices import AuditKind, AuditStatus, MemberRole, RectState, Stream
from audits.models import Audit
from tests.factories import make_user

D = dt.date


@pytest.fixture
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


def advance(audit: Audit, user, to: str, *, start: dt.date | None = None) -> Audit:
    """Walk an audit through the steps up to `to`, one day apart from `start`."""
    from audits import rules

    day = start or (audit.status_date + dt.timedelta(days=1))
    order = rules.AUDIT_ORDER
    while audit.status != to:
        nxt = order[order.index(audit.status) + 1]
        audit = services.audit_transition(user=user, audit=audit, status=nxt, on=day)
        day = day + dt.timedelta(days=1)
    return audit


def make_finding(audit, user, *, stream=Stream.MONEY, due=None, **kw):
    data = {
        "stream": audit.streams.get(stream=stream),
        "description": kw.pop("description", "公务接待超标准"),
        "severity": kw.pop("severity", "minor"),
        "responsible_name": kw.pop("responsible_name", "办公室主任"),
        "rectification_required": kw.pop("rectification_required", "清退并报送整改材料"),
        "due_date": due or D(2030, 1, 1),
    }
    data.update(kw)
    return services.finding_create(user=user, audit=audit, **data)


def verify(finding, actor, verifier):
    for state, note in (
        (RectState.IN_PROGRESS, "开始整改"),
        (RectState.SUBMITTED, "已整改"),
    ):
        services.finding_transition(user=actor, finding=finding, to_state=state, note=note)
    return services.finding_transition(
        user=verifier, finding=finding, to_state=RectState.VERIFIED, note="同意销号"
    )


@pytest.fixture
def ac(city, private_media):
    """The shared city plus: an audit of 甲镇's party secretary (team: staff_a leads people,
    auditor on money, discipline observing) and one of 乙镇's party secretary (no team)."""
    ns = city
    ns.auditor = make_user("auditor", "audit_team", [ns.root])
    ns.discipline_b = make_user("discipline_b", "discipline", [ns.town_b])
    ns.audit_a = services.audit_create(
        user=ns.staff_all,
        appointment=ns.appt_a,
        kind=AuditKind.MID_TERM,
        year=2024,
        period_start=D(2019, 5, 1),
        period_end=D(2023, 12, 31),
        planned_date=D(2024, 1, 10),
    )
    services.audit_member_add(
        user=ns.staff_all,
        audit=ns.audit_a,
        member_user=ns.staff_a,
        role=MemberRole.LEADER,
        stream=Stream.PEOPLE,
    )
    services.audit_member_add(
        user=ns.staff_all,
        audit=ns.audit_a,
        member_user=ns.auditor,
        role=MemberRole.MEMBER,
        stream=Stream.MONEY,
    )
    services.audit_member_add(
        user=ns.staff_all, audit=ns.audit_a, member_user=ns.discipline, role=MemberRole.OBSERVER
    )
    ns.audit_b = services.audit_create(
        user=ns.staff_all,
        appointment=ns.appt_b,
        kind=AuditKind.MID_TERM,
        year=2024,
        period_start=D(2016, 9, 1),
        period_end=D(2023, 12, 31),
        planned_date=D(2024, 1, 10),
    )
    return ns


__all__ = ["AuditStatus", "advance", "make_finding", "verify", "ac", "private_media", "D"]
