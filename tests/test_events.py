"""Domain events: typed, emitted by the services, every type emitted and handled in production."""

from __future__ import annotations

import ast
import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from cadre_supervision import events, registry
from cadres import services
from tests.factories import CadreFactory, PostFactory

ROOT = Path(__file__).resolve().parent.parent
APPS = (
    "cadre_supervision",
    "cadres",
    "interviews",
    "audits",
    "rotations",
    "reports",
    "petitions",
    "evaluations",
    "selection",
)


def _production_sources():
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" not in path.parts:
                yield path, ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _event_name(node: ast.AST) -> str | None:
    """`events.X` or `X` → "X"."""
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    return None


def _is_call_to(node: ast.AST, name: str) -> bool:
    return isinstance(node, ast.Call) and _event_name(node.func) == name


def scan() -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """{event type: files that emit it}, {event type: files that register a listener}."""
    emitted: dict[str, set[str]] = {}
    handled: dict[str, set[str]] = {}
    for path, tree in _production_sources():
        rel = str(path.relative_to(ROOT))
        for node in ast.walk(tree):
            if _is_call_to(node, "emit") and node.args and isinstance(node.args[0], ast.Call):
                if name := _event_name(node.args[0].func):
                    emitted.setdefault(name, set()).add(rel)
            if _is_call_to(node, "on") and len(node.args) >= 2:
                if name := _event_name(node.args[0]):
                    handled.setdefault(name, set()).add(rel)
    return emitted, handled


def test_every_event_type_is_emitted_and_handled_in_production_code():
    emitted, handled = scan()
    names = {t.__name__ for t in events.EVENT_TYPES}
    assert names == {
        n
        for n, obj in vars(events).items()
        if isinstance(obj, type) and issubclass(obj, events.Event) and obj is not events.Event
    }, "every event class is listed in EVENT_TYPES"
    assert not names - emitted.keys(), f"emitted nowhere: {sorted(names - emitted.keys())}"
    assert not names - handled.keys(), f"handled nowhere: {sorted(names - handled.keys())}"
    assert not (emitted.keys() | handled.keys()) - names, "only typed events are emitted or handled"
    # No event is emitted only by the framework itself or only from its own listener module.
    assert emitted["RotationExchanged"] == {"rotations/services.py"}
    assert emitted["AssessmentRecorded"] == {"cadres/services.py"}
    assert emitted["TeamChanged"] == {"cadres/services.py"}
    assert "interviews/apps.py" in handled["SecondLineMoved"]


def test_the_scan_finds_a_missing_emitter(tmp_path, monkeypatch):
    """The check above can fail: a source tree without the emitter is reported."""
    fake = tmp_path / "cadres"
    fake.mkdir()
    (fake / "services.py").write_text("registry.emit(events.TeamChanged(organization_id=1, date=d))\n")
    (fake / "apps.py").write_text("registry.on(events.TeamChanged, fn)\n")
    monkeypatch.setattr("tests.test_events.ROOT", tmp_path)
    monkeypatch.setattr("tests.test_events.APPS", ("cadres",))
    emitted, handled = scan()
    assert emitted == {"TeamChanged": {"cadres/services.py"}} and handled == {
        "TeamChanged": {"cadres/apps.py"}
    }


def test_events_are_frozen_dataclasses_and_emit_refuses_untyped_events():
    for t in events.EVENT_TYPES:
        assert dataclasses.is_dataclass(t) and t.__dataclass_params__.frozen
    ev = events.TeamChanged(organization_id=1, date=dt.date(2026, 1, 1))
    with pytest.raises(dataclasses.FrozenInstanceError):
        ev.organization_id = 2
    with pytest.raises(TypeError):
        registry.emit("team.changed")


@pytest.mark.django_db
def test_emit_dispatches_on_the_type_and_defers_after_commit_listeners(
    monkeypatch, django_capture_on_commit_callbacks
):
    seen = []
    monkeypatch.setattr(registry, "event_listeners", {})
    registry.on(events.TeamChanged, lambda e: seen.append(("now", e.organization_id)))
    registry.on(events.TeamChanged, lambda e: seen.append(("later", e.organization_id)), after_commit=True)
    registry.on(events.AuditCreated, lambda e: seen.append(("audit", e.audit_id)))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        registry.emit(events.TeamChanged(organization_id=7, date=dt.date(2026, 1, 1)))
        assert seen == [("now", 7)]
    assert len(callbacks) == 1 and seen == [("now", 7), ("later", 7)]


@pytest.mark.django_db
def test_appointment_services_emit_events(city, monkeypatch, django_capture_on_commit_callbacks):
    seen = []
    monkeypatch.setattr(registry, "event_listeners", {})
    for t in (
        events.AppointmentCreated,
        events.AppointmentEnded,
        events.CadreStatusChanged,
        events.TeamChanged,
    ):
        registry.on(t, seen.append)
    cadre = CadreFactory(organization=city.town_a)
    post = PostFactory(organization=city.town_a, title="副镇长（新）")
    appt = services.appointment_create(
        user=city.staff_all, cadre=cadre, post=post, start_date=dt.date(2024, 1, 1)
    )
    services.appointment_end(user=city.staff_all, appointment=appt, end_date=dt.date(2025, 1, 1))
    services.cadre_update(user=city.staff_all, cadre=cadre, status="second_line")
    assert [type(e).__name__ for e in seen] == [
        "AppointmentCreated",
        "AppointmentEnded",
        "CadreStatusChanged",
    ]
    assert seen[0].appointment_id == appt.pk and seen[0].user_id == city.staff_all.pk
    assert (seen[2].old_status, seen[2].new_status) == ("active", "second_line")
    # A 党政正职 tenure starting and ending changes the unit's team.
    seen.clear()
    head = PostFactory(organization=city.town_b, title="镇长（新）", top_leader_kind="admin")
    appt = services.appointment_create(
        user=city.staff_all,
        cadre=CadreFactory(organization=city.town_b),
        post=head,
        start_date=dt.date(2024, 1, 1),
    )
    services.appointment_end(user=city.staff_all, appointment=appt, end_date=dt.date(2025, 1, 1))
    teams = [e for e in seen if isinstance(e, events.TeamChanged)]
    assert [(e.organization_id, e.date) for e in teams] == [
        (city.town_b.pk, dt.date(2024, 1, 1)),
        (city.town_b.pk, dt.date(2025, 1, 1)),
    ]
