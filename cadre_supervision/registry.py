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
- subnav_items: entries of a section's sub-menu (`{% include "partials/subnav.html" with items=subnav.<section> %}`).
- person_office_sources: `fn(user_ids) -> {user_id: office}` naming the office of an account
  (e.g. the current post of the cadre linked to it), one query per source.
- todo_sources: the signed-in user's to-do items on the workbench (工作台).
- date_sources: dated items of the user's scope for the due calendar and its .ics feed.
- figures: headline figures (with a chart) on the workbench.
- export_kinds: files of a whole scope (the dossier in import format, the yearly joint
  analysis) that `cadre_supervision.exports` builds inline when small and as a background job
  when large.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class IntegritySection:
    """A section of the integrity file. `build_many` / `export_many`, when given, answer for a
    whole list of cadres in a constant number of queries (the yearly joint analysis); a section
    that has them derives `build` / `export` from them with `section_of_one`, so the file of one
    cadre and the analysis of many cannot drift apart."""

    key: str
    title: str
    order: int
    # (cadre, user) -> dict context for the template, or rows; must apply restrict() itself.
    build: Callable[[Any, Any], dict]
    template: str
    # (cadre, user) -> list of rows (list of str) for the .xlsx export, with header
    export: Callable[[Any, Any], tuple[list[str], list[list[Any]]]] | None = None
    # (cadres, user) -> {cadre_id: the context `build` gives}, one entry per cadre asked
    build_many: Callable[[Any, Any], dict[int, dict]] | None = None
    # (cadres, user) -> {cadre_id: the (header, rows) `export` gives}, one entry per cadre asked
    export_many: Callable[[Any, Any], dict[int, tuple[list[str], list[list[Any]]]]] | None = None

    def build_for(self, cadres, user) -> dict[int, dict]:
        """`build` of each of `cadres` (cadre id -> context): `build_many` when the section has
        one, else `build` per cadre."""
        cadres = list(cadres)
        if self.build_many is not None:
            return self.build_many(cadres, user)
        return {c.pk: self.build(c, user) for c in cadres}

    def export_for(self, cadres, user) -> dict[int, tuple[list[str], list[list[Any]]]]:
        """`export` of each of `cadres` (cadre id -> (header, rows)); empty when the section
        has no export."""
        cadres = list(cadres)
        if self.export_many is not None:
            return self.export_many(cadres, user)
        if self.export is None:
            return {}
        return {c.pk: self.export(c, user) for c in cadres}


def section_of_one(many: Callable[..., dict[int, Any]]) -> Callable[[Any, Any], Any]:
    """The per-cadre `build` (or `export`) of a section's `build_many` (or `export_many`): what
    the many version gives for that one cadre."""

    def fn(cadre, user):
        return many([cadre], user)[cadre.pk]

    fn.__name__ = getattr(many, "__name__", "section").removesuffix("_many")
    fn.__qualname__ = fn.__name__
    fn.__doc__ = many.__doc__
    return fn


@dataclass(frozen=True)
class WarningSource:
    """A source of early-warning signals (预警). `collect(user, cadre_ids or None)` reads
    through restrict() itself and yields `Warning`s, one per open signal.

    `level` is the source's default colour ("red" | "orange" | "yellow"; the board reads
    the policy `warnings.level.<key>` over it) and `weight` its default weight in a cadre's
    risk score (policy `warnings.weight.<key>`). `channel` names the supervision channel the
    signals come from ("dossier", "sanctions", "reports", "audits", "rotations",
    "interviews", "cadres", "petitions", "evaluations", "selection"): a selection's
    pre-review asks whether any source of a channel is registered at all (凡提必查 reads
    "no petition source" until a "petitions" source exists). `blocks_promotion` marks
    signals that are a 带病提拔 flag: an open one blocks a candidate's clearance. `raises`
    names the colours some of its signals carry instead of the source's (`Warning.level`: a
    doubtful 认定 is red whatever the source's colour); a board asked for one colour asks
    only the sources whose colour it is or that raise it (the daily red-signal reminders)."""

    key: str
    title: str
    # (user, cadre_ids or None) -> iterable of Warning
    collect: Callable[..., Any]
    level: str = "yellow"
    weight: int = 1
    channel: str = ""
    blocks_promotion: bool = False
    raises: tuple[str, ...] = ()


@dataclass(frozen=True)
class Warning:
    """One open signal about one cadre. `kind` is the signal's kind (the source key, or a
    finer "<source key>.<sub-kind>"), `url` its evidence, `since` the date it arose, `uid` a
    stable identifier ("<app>.<model>.<pk>[.<what>]") so a new signal is notified once,
    `level` overrides the source's colour for this one signal (blank: the source's)."""

    cadre_id: int
    kind: str
    title: str
    detail: str = ""
    url: str = ""
    severity: str = "warning"  # "warning" | "danger"
    level: str = ""
    since: Any = None
    uid: str = ""


@dataclass(frozen=True)
class TimelineEntry:
    """One dated event of a cadre's integrity file timeline (a petition's disposal, a
    sanction, an annual assessment, an evaluation grade, a care letter, a 提醒谈话 ...)."""

    date: Any
    kind: str  # source key, e.g. "petitions.disposal"
    label: str  # the channel in Chinese, e.g. "信访举报"
    title: str
    detail: str = ""
    url: str = ""


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


@dataclass(frozen=True)
class TodoItem:
    """One thing to do (a to-do row) or one dated item (a calendar entry).

    `kind` names the source ("interviews.talk"), `label` says in Chinese what it is,
    `url` is where it is done, `due` the date it is due (None: to do now), `uid` a stable
    identifier (object type and id) so a calendar client keeps one event per item."""

    kind: str
    label: str
    title: str
    url: str
    due: Any = None
    detail: str = ""
    uid: str = ""


@dataclass(frozen=True)
class Figure:
    """A headline figure of the workbench. `build(user, today)` returns None when the user
    has no scope for it (the tile is not shown), else a dict: `value` (the headline, text),
    `caption`, `url` (the list behind it), `chart` ("bar" | "pie"), `categories` (labels) and
    `series` (list of {"name", "data"}), read from the app's own statistics code."""

    key: str
    title: str
    order: int
    build: Callable[[Any, Any], dict | None]


@dataclass(frozen=True)
class StatsFloor:
    """The hand-written floor of a statistics endpoint, for `manage.py bench` (issue 14): the
    same numbers computed by hand-written SQL. `compute(run, user, today)` calls
    `run(sql, params) -> rows` (a raw connection: the statements are what is timed) and returns
    the numbers; `numbers(answer)` takes the same numbers out of the endpoint's JSON answer.
    The bench fails loudly when the two differ."""

    url_name: str
    compute: Callable[..., dict]
    numbers: Callable[[dict], dict]


stats_floors: dict[str, StatsFloor] = {}


@dataclass(frozen=True)
class ExportFile:
    """A built export: the file, and what its download writes to the access log (`object_type`
    and `object_repr` of the entry, blank: the export's key and the file name; `detail`)."""

    filename: str
    content_type: str
    content: bytes
    detail: dict = field(default_factory=dict)
    object_type: str = ""
    object_repr: str = ""


@dataclass(frozen=True)
class ExportKind:
    """A file of everything in the user's scope, served by `cadre_supervision.exports`.

    `clean(user, params) -> params` validates and normalises the parameters (raises
    `ValidationError({"field": "中文消息"})`; the result is what a job stores, JSON only, and
    what `size`, `build` and `describe` are given: every path cleans first, the worker again);
    `size(user, params) -> int` is a cheap estimate of the work (e.g. the cadres in scope);
    `build(user, params) -> ExportFile` builds the file reading through `restrict()`;
    `inline_max`: a page request is answered with the file itself while `size <= inline_max *
    settings.EXPORT_INLINE_FACTOR`, else it becomes a background job; `check(user)` raises
    `PermissionDenied` for a user who may not use the export at all (None: any signed-in user,
    the file holding only what the user's scope reads); `describe(user, params) -> str` names
    one request in the user's list of exports ("2025年度联席会议专题分析"; None: `label`)."""

    key: str
    label: str
    build: Callable[[Any, dict], ExportFile]
    size: Callable[[Any, dict], int]
    inline_max: int
    clean: Callable[[Any, dict], dict]
    check: Callable[[Any], None] | None = None
    describe: Callable[[Any, dict], str] | None = None


export_kinds: dict[str, ExportKind] = {}


def register_export(kind: ExportKind) -> None:
    """An export kind, by its key ("<app>.<what>"); the first registration of a key stands."""
    export_kinds.setdefault(kind.key, kind)


def register_stats_floor(floor: StatsFloor) -> None:
    stats_floors[floor.url_name] = floor


integrity_sections: list[IntegritySection] = []
cadre_outcome_sources: list[CadreOutcomeSource] = []
warning_sources: list[WarningSource] = []
cadre_page_panels: list[Callable[[Any, Any], dict | None]] = []
stats_sections: dict[str, str] = {}
demo_seeders: list[tuple[int, Callable[..., None]]] = []
sweep_steps: dict[str, Callable[..., Any]] = {}
sweep_sources: dict[str, Callable[..., Any]] = {}
sweep_source_after: dict[str, str] = {}
nav_items: list[NavItem] = []
subnav_items: dict[str, list[NavItem]] = {}
person_office_sources: list[Callable[[set[int]], dict[int, str]]] = []
todo_sources: dict[str, Callable[..., Any]] = {}
date_sources: dict[str, Callable[..., Any]] = {}
figures: list[Figure] = []
# (cadre, user) -> iterable of TimelineEntry, read through restrict() by the source
timeline_sources: dict[str, Callable[..., Any]] = {}
# the same sources for many cadres at once (same keys):
# (cadre_ids, user) -> iterable of (cadre_id, TimelineEntry), in a constant number of queries
timeline_sources_many: dict[str, Callable[..., Any]] = {}
# fn(*, user, cadre, post, start_date, via) -> None; raises ValidationError to refuse
appointment_guards: dict[str, Callable[..., Any]] = {}


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


def register_sweep_source(key: str, fn: Callable[..., Any], *, after: str | None = None) -> None:
    """`fn(today) -> iterable[ReminderSpec]`; reads only (the sweep's steps do the writes).
    `after` names the step whose writes the source reads: on the workers its chunk runs once
    that step has run, while the sources that name none run beside the steps."""
    sweep_sources[key] = fn
    if after:
        sweep_source_after[key] = after
    else:
        sweep_source_after.pop(key, None)


def register_nav_item(item: NavItem) -> None:
    if all(i.url_name != item.url_name for i in nav_items):
        nav_items.append(item)
        nav_items.sort(key=lambda i: i.order)


def register_subnav_item(section: str, item: NavItem) -> None:
    """An entry of the sub-menu of `section`; `visible(user)` decides without reading rows."""
    items = subnav_items.setdefault(section, [])
    if all(i.url_name != item.url_name for i in items):
        items.append(item)
        items.sort(key=lambda i: i.order)


def register_person_office_source(fn: Callable[[set[int]], dict[int, str]]) -> None:
    if fn not in person_office_sources:
        person_office_sources.append(fn)


def register_todo_source(key: str, fn: Callable[..., Any]) -> None:
    """`fn(user, today) -> iterable[TodoItem]`: the user's own work, read with `restrict()`
    (or filtered to the user's own rows) in a constant number of queries."""
    todo_sources[key] = fn


def register_date_source(key: str, fn: Callable[..., Any]) -> None:
    """`fn(user, start, end) -> iterable[TodoItem]`: dated items (start <= due <= end) of the
    user's scope for the calendar and its feed, read with `restrict()`."""
    date_sources[key] = fn


def register_figure(figure: Figure) -> None:
    if all(f.key != figure.key for f in figures):
        figures.append(figure)
        figures.sort(key=lambda f: f.order)


def register_timeline_source(
    key: str, fn: Callable[..., Any], *, many: Callable[..., Any] | None = None
) -> None:
    """`fn(cadre, user) -> iterable[TimelineEntry]` (the integrity file); `many(cadre_ids, user)
    -> iterable[(cadre_id, TimelineEntry)]` gives the same entries for many cadres in a constant
    number of queries (the yearly joint analysis), each cadre's in the order `fn` yields them."""
    timeline_sources.setdefault(key, fn)
    if many is not None:
        timeline_sources_many.setdefault(key, many)


def timeline_of_one(many: Callable[..., Any]) -> Callable[..., list[TimelineEntry]]:
    """The per-cadre timeline source `fn(cadre, user)` of a `many` source: the same entries, so
    the integrity file and the yearly joint analysis cannot drift apart."""

    def fn(cadre, user) -> list[TimelineEntry]:
        return [entry for _cadre_id, entry in many([cadre.pk], user)]

    fn.__name__ = getattr(many, "__name__", "timeline").removesuffix("_many")
    fn.__qualname__ = fn.__name__
    fn.__doc__ = many.__doc__
    return fn


def register_appointment_guard(key: str, fn: Callable[..., Any]) -> None:
    """A check every new appointment passes (cadres.services calls each guard inside the
    transaction, whatever the entry point: page, API, import, exchange)."""
    appointment_guards.setdefault(key, fn)


def warning_channels() -> set[str]:
    return {s.channel for s in warning_sources if s.channel}


def warnings_for(user, cadre_ids=None, *, sources=None, blocks_promotion=None) -> list[Warning]:
    """Every open signal of the registered sources (or of the given source keys), within
    the user's scope; `blocks_promotion=True` keeps only the 带病提拔 sources."""
    out: list[Warning] = []
    for source in warning_sources:
        if sources is not None and source.key not in sources:
            continue
        if blocks_promotion is not None and source.blocks_promotion != blocks_promotion:
            continue
        out.extend(source.collect(user, cadre_ids))
    return out


def warning_source(key: str) -> WarningSource | None:
    return next((s for s in warning_sources if s.key == key), None)


# --- selection: the personal-matter check (凡提必核) read back from the app that owns it ---


@dataclass(frozen=True)
class PersonalMatterCheck:
    """The outcome of a candidate's targeted verification (重点查核) of the latest personal-
    matter report: `status` "pending" | "done"; `outcome` "" | "consistent" | "omission" |
    "concealment" (with its Chinese label); `handling` the recorded handling ("" if none)."""

    cadre_id: int
    status: str
    outcome: str = ""
    outcome_label: str = ""
    handling: str = ""
    url: str = ""


# key -> fn(user, cadre_ids) -> {cadre_id: PersonalMatterCheck}, read through restrict()
personal_matter_checks: dict[str, Callable[..., Any]] = {}


def register_personal_matter_check(key: str, fn: Callable[..., Any]) -> None:
    personal_matter_checks.setdefault(key, fn)


def personal_matter_checks_for(user, cadre_ids) -> dict[int, PersonalMatterCheck]:
    out: dict[int, PersonalMatterCheck] = {}
    for fn in personal_matter_checks.values():
        out.update(fn(user, list(cadre_ids)))
    return out


@contextmanager
def appointment_guards_suspended():
    """Run without the appointment guards: for a history written as if it predated them (the
    demo's earlier years, test fixtures). Production entry points never use it."""
    saved = dict(appointment_guards)
    appointment_guards.clear()
    try:
        yield
    finally:
        appointment_guards.clear()
        appointment_guards.update(saved)


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


# --- petitions: audit plan suggestions and linked records ------------------------------------
# An app may suggest units for the yearly audit plan (essay 1: units with many petitions are
# audited) without the audits app importing it; and an app that creates records on another
# app's behalf (interviews raises the talks of a petition's 谈话函询 disposal) lets the
# originating app find them back by a stable source reference.

# fn(user, year) -> iterable of (organization_id, reason), read through restrict()
audit_plan_suggestions: dict[str, Callable[..., Any]] = {}
# fn(user, source_type, source_ids) -> {source_id: [(title, url), ...]}, read through restrict()
linked_record_sources: dict[str, Callable[..., Any]] = {}


def register_audit_plan_suggestion(key: str, fn: Callable[..., Any]) -> None:
    audit_plan_suggestions.setdefault(key, fn)


def audit_plan_suggestions_for(user, year) -> list[tuple[int, str]]:
    """Every registered suggestion of units for the audit plan of `year`, in the user's scope."""
    out: list[tuple[int, str]] = []
    for fn in audit_plan_suggestions.values():
        out.extend(fn(user, year))
    return out


def register_linked_record_source(key: str, fn: Callable[..., Any]) -> None:
    linked_record_sources.setdefault(key, fn)


def linked_records(user, source_type: str, source_ids) -> dict[str, list[tuple[str, str]]]:
    """Records other apps keep for `source_type` rows (e.g. the talks of a petition), visible
    to `user`: {source_id: [(title, url), ...]}."""
    ids = [str(i) for i in source_ids]
    out: dict[str, list[tuple[str, str]]] = {}
    for fn in linked_record_sources.values():
        for sid, items in fn(user, source_type, ids).items():
            out.setdefault(str(sid), []).extend(items)
    return out
