"""Small registries through which apps compose cross-app pages without importing each other.

`cadres` is the base app and never imports the others; each other app fills these in its
AppConfig.ready():

- integrity_sections: sections of a cadre's integrity file (廉政档案).
- warning_sources: early-warning signals (预警) shown on the warnings board and cadre page.
- cadre_page_panels: extra panels on the cadre detail page.
- stats_sections: statistics endpoints listed on the statistics index.
- demo_seeders: called by `manage.py seed_demo` after the cadres app's own data.
- sweep_steps: the writes of the daily sweep (refresh a plan, purge ended grants), run in
  registration order before the sources.
- sweep_sources: reminder producers run by the daily sweep. A source only reads (as
  `permissions.SYSTEM` when it uses scoped selectors); it never writes.
- nav_items: entries of the main navigation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class IntegritySection:
    key: str
    title: str
    order: int
    # (cadre, user) -> dict context for the template, or rows; must apply restrict() itself.
    build: Callable[[Any, Any], dict]
    template: str
    # (cadre, user) -> list of rows (list of str) for the .xlsx export, with header
    export: Callable[[Any, Any], tuple[list[str], list[list[Any]]]] | None = None


@dataclass(frozen=True)
class WarningSource:
    key: str
    title: str
    # (user, cadre_ids or None) -> iterable of Warning
    collect: Callable[..., Any]


@dataclass(frozen=True)
class Warning:
    cadre_id: int
    kind: str
    title: str
    detail: str = ""
    url: str = ""
    severity: str = "warning"  # "warning" | "danger"


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    order: int
    # user -> bool; items hidden for users without the role (pages still enforce scope)
    visible: Callable[[Any], bool] = field(default=lambda user: True)


@dataclass(frozen=True)
class CadreOutcomeSource:
    """What later happened to cadres (for "谁推荐谁负责"): e.g. substantiated audit findings,
    concealment in personal reports. `collect(user, cadre_ids) -> {cadre_id: [text, ...]}`
    reads through restrict() itself (nothing out of the user's scope)."""

    key: str
    title: str
    collect: Callable[[Any, list[int]], dict[int, list[str]]]


integrity_sections: list[IntegritySection] = []
cadre_outcome_sources: list[CadreOutcomeSource] = []
warning_sources: list[WarningSource] = []
cadre_page_panels: list[Callable[[Any, Any], dict | None]] = []
stats_sections: dict[str, str] = {}
demo_seeders: list[tuple[int, Callable[..., None]]] = []
sweep_steps: dict[str, Callable[..., Any]] = {}
sweep_sources: dict[str, Callable[..., Any]] = {}
nav_items: list[NavItem] = []


def register_integrity_section(section: IntegritySection) -> None:
    if all(s.key != section.key for s in integrity_sections):
        integrity_sections.append(section)
        integrity_sections.sort(key=lambda s: s.order)


def register_warning_source(source: WarningSource) -> None:
    if all(s.key != source.key for s in warning_sources):
        warning_sources.append(source)


def register_cadre_outcome_source(source: CadreOutcomeSource) -> None:
    if all(s.key != source.key for s in cadre_outcome_sources):
        cadre_outcome_sources.append(source)


def register_demo_seeder(order: int, fn: Callable[..., None]) -> None:
    if all(f is not fn for _o, f in demo_seeders):
        demo_seeders.append((order, fn))
        demo_seeders.sort(key=lambda t: t[0])


def register_sweep_step(key: str, fn: Callable[..., Any]) -> None:
    """`fn(today)` is a write the sweep performs before asking the sources (e.g.
    "interviews.plan_refresh"); its return value is reported in the sweep result."""
    sweep_steps[key] = fn


def register_sweep_source(key: str, fn: Callable[..., Any]) -> None:
    """`fn(today) -> iterable[ReminderSpec]`; reads only (the sweep's steps do the writes)."""
    sweep_sources[key] = fn


def register_nav_item(item: NavItem) -> None:
    if all(i.url_name != item.url_name for i in nav_items):
        nav_items.append(item)
        nav_items.sort(key=lambda i: i.order)


def warnings_for(user, cadre_ids=None) -> list[Warning]:
    out: list[Warning] = []
    for source in warning_sources:
        out.extend(source.collect(user, cadre_ids))
    return out


# --- domain events ---------------------------------------------------------------------------
# A tiny in-process event bus so that base apps can announce facts other apps react to
# (e.g. a new appointment makes a special-topic talk due) without importing them.
# Event types are the frozen dataclasses of cadre_supervision/events.py; `emit(event)`
# dispatches on the type. A listener registered with after_commit=False runs inside the
# caller's transaction (keep it to a few queries: it keeps derived rows consistent and rolls
# back with the write); one registered with after_commit=True runs once the transaction has
# committed (robust: its failure is logged, it never undoes the write).


@dataclass(frozen=True)
class Listener:
    fn: Callable[[Any], None]
    after_commit: bool = False


event_listeners: dict[type, list[Listener]] = {}


def on(event_type: type, fn: Callable[[Any], None], *, after_commit: bool = False) -> None:
    """Register `fn(event)` for events of `event_type` (once per function)."""
    listeners = event_listeners.setdefault(event_type, [])
    if all(entry.fn is not fn for entry in listeners):
        listeners.append(Listener(fn, after_commit))


def off(event_type: type, fn: Callable[[Any], None]) -> None:
    event_listeners[event_type] = [e for e in event_listeners.get(event_type, []) if e.fn is not fn]


def emit(event) -> None:
    from django.db import transaction

    from .events import Event

    if not isinstance(event, Event):
        raise TypeError(f"emit() takes an event of cadre_supervision.events, not {event!r}")
    for entry in list(event_listeners.get(type(event), ())):
        if entry.after_commit:
            transaction.on_commit(lambda fn=entry.fn: fn(event), robust=True)
        else:
            entry.fn(event)
