"""The early-warning board (预警): every open signal of every registered warning source, within
the user's scope, coloured by policy and grouped by cadre with a risk score.

The cadres app never imports the others: each app registers its `WarningSource`s in
`registry.warning_sources` and the board (here, because it composes around a `Cadre`) asks them
all. Each source reads through `restrict()` itself in a constant number of queries; the board adds
one query for the colour and weight policies and one for the cadres named by the signals, so a
board costs the same number of queries whatever the number of cadres.

Colours and weights are policies, one pair per registered source, registered once every app is
ready (`policy.register_deferred`): `warnings.level.<key>` (1 红 / 2 橙 / 3 黄, default the
source's `level`) and `warnings.weight.<key>` (default its `weight`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse

from cadre_supervision import policy, registry
from cadre_supervision.permissions import AnyOf

from .models import Cadre

# Whose signals a user sees: the cadres they may view or whose integrity file they may open.
CADRE_READ = AnyOf("view_cadres", "view_integrity")

LEVELS = ("red", "orange", "yellow")
LEVEL_LABELS = {"red": "红", "orange": "橙", "yellow": "黄"}
LEVEL_CHOICES = [(k, f"{LEVEL_LABELS[k]}色预警") for k in LEVELS]
LEVEL_NUMBERS = {"red": 1, "orange": 2, "yellow": 3}
NUMBER_LEVELS = {v: k for k, v in LEVEL_NUMBERS.items()}
POLICY_AREA = "预警"


def level_key(source_key: str) -> str:
    return f"warnings.level.{source_key}"


def weight_key(source_key: str) -> str:
    return f"warnings.weight.{source_key}"


def register_policies() -> None:
    """A colour and a weight policy for every registered source (idempotent: a source registered
    later, e.g. in a test, gets its pair the next time the board is computed)."""
    for s in registry.warning_sources:
        if level_key(s.key) not in policy.REGISTRY:
            policy.register(
                level_key(s.key),
                LEVEL_NUMBERS.get(s.level, 3),
                f"{s.title}：预警颜色等级（1 红色 / 2 橙色 / 3 黄色）",
                minimum=1,
                maximum=3,
                area=POLICY_AREA,
                unit="级",
            )
        if weight_key(s.key) not in policy.REGISTRY:
            policy.register(
                weight_key(s.key),
                int(s.weight),
                f"{s.title}：计入干部风险分值的权重",
                minimum=0,
                maximum=100,
                area=POLICY_AREA,
                unit="分",
            )


@dataclass(frozen=True)
class SourceSetting:
    key: str
    title: str
    level: str
    weight: int
    channel: str
    blocks_promotion: bool


def source_settings() -> dict[str, SourceSetting]:
    """Each registered source with its colour and weight as the policies say now (one query)."""
    from cadre_supervision.models import PolicySetting

    register_policies()
    overrides = dict(PolicySetting.objects.filter(key__startswith="warnings.").values_list("key", "value"))
    out = {}
    for s in registry.warning_sources:
        level = NUMBER_LEVELS.get(_int(overrides.get(level_key(s.key))), None) or (
            s.level if s.level in LEVELS else "yellow"
        )
        weight = _int(overrides.get(weight_key(s.key)))
        out[s.key] = SourceSetting(
            s.key,
            s.title,
            level,
            int(s.weight) if weight is None else weight,
            s.channel,
            s.blocks_promotion,
        )
    return out


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@dataclass
class Signal:
    """One open signal on the board: the source's `Warning` with its colour and weight."""

    warning: registry.Warning
    source: SourceSetting
    level: str
    weight: int
    cadre: Any = None

    @property
    def cadre_id(self) -> int:
        return self.warning.cadre_id

    @property
    def kind(self) -> str:
        return self.warning.kind

    @property
    def title(self) -> str:
        return self.warning.title

    @property
    def detail(self) -> str:
        return self.warning.detail

    @property
    def url(self) -> str:
        return self.warning.url

    @property
    def since(self):
        return self.warning.since

    @property
    def uid(self) -> str:
        return self.warning.uid

    @property
    def severity(self) -> str:
        return "danger" if self.level == "red" else "warning"

    @property
    def level_label(self) -> str:
        return LEVEL_LABELS[self.level]

    @property
    def level_rank(self) -> int:
        return LEVELS.index(self.level)

    @property
    def source_key(self) -> str:
        return self.source.key

    @property
    def source_title(self) -> str:
        return self.source.title

    @property
    def organization(self):
        return self.cadre.organization if self.cadre is not None else None

    @property
    def cadre_name(self) -> str:
        return self.cadre.name if self.cadre is not None else ""

    @property
    def organization_name(self) -> str:
        org = self.organization
        return org.name if org is not None else ""


@dataclass
class CadreRisk:
    """A cadre's open signals and risk score (the sum of their weights), with the parts."""

    cadre: Any
    signals: list[Signal] = field(default_factory=list)

    @property
    def score(self) -> int:
        return sum(s.weight for s in self.signals)

    @property
    def level(self) -> str:
        return min((s.level for s in self.signals), key=LEVELS.index, default="yellow")

    @property
    def level_label(self) -> str:
        return LEVEL_LABELS[self.level]

    @property
    def level_rank(self) -> int:
        return LEVELS.index(self.level)

    @property
    def count(self) -> int:
        return len(self.signals)

    @property
    def parts(self) -> list[tuple[str, int, str]]:
        """(source title, weight, level) per signal: what the score is made of."""
        return [(s.source_title, s.weight, s.level) for s in self.signals]

    @property
    def parts_text(self) -> str:
        return " + ".join(f"{title} {weight}" for title, weight, _level in self.parts)

    @property
    def cadre_name(self) -> str:
        return self.cadre.name if self.cadre is not None else ""

    @property
    def organization_name(self) -> str:
        return self.cadre.organization.name if self.cadre is not None else ""


def _sort_key(s: Signal):
    since = s.since if isinstance(s.since, dt.date) else dt.date.max
    return (LEVELS.index(s.level), since, s.cadre_id, s.kind)


# The whole-scope reading of each source (the board's pages, its workbench tile, its counts) is
# kept per user, day and source for BOARD_TTL seconds while the tables that source read are
# unchanged (`keep.kept_many`): a talk logged leaves the audit and report sources as they were.
# A reading for given cadres (a cadre page, a candidate's pre-review) is always live.
BOARD_TTL = 300
# Asked for more cadres than this (the joint analysis' 一把手), the board reads the kept
# whole-scope reading instead of asking every source again.
FEW_CADRES = 20


def scope_warnings(user, sources=None) -> list[registry.Warning]:
    """`registry.warnings_for(user, sources=)` over the user's whole scope, each source's part
    from the cache while what it read is unchanged."""
    from functools import partial

    from cadre_supervision import keep

    if not getattr(user, "is_authenticated", False) or getattr(user, "pk", None) is None:
        return registry.warnings_for(user, sources=sources)
    items = [
        (_kept_key(user, s), partial(_collect_all, s, user))
        for s in registry.warning_sources
        if sources is None or s.key in sources
    ]
    return [w for part in keep.kept_many(items, ttl=BOARD_TTL) for w in part]


def _kept_key(user, source) -> str:
    from django.utils import timezone

    return f"warnings:source:{user.pk}:{timezone.localdate().isoformat()}:{source.key}"


def _collect_all(source, user) -> list[registry.Warning]:
    return list(source.collect(user, None))


def few_cadre_warnings(user, cadre_ids: set, *, sources=None) -> list[registry.Warning]:
    """`registry.warnings_for(user, cadre_ids, sources=)`: each source's part narrowed from its
    kept whole-scope reading where that is still fresh (each source narrows its own scoped query
    to the cadres asked, so the rows are the same), asked live for these cadres otherwise."""
    from cadre_supervision import keep

    if not getattr(user, "is_authenticated", False) or getattr(user, "pk", None) is None:
        return registry.warnings_for(user, cadre_ids, sources=sources)
    wanted = [s for s in registry.warning_sources if sources is None or s.key in sources]
    out: list[registry.Warning] = []
    for source, part in zip(wanted, keep.peek_many([_kept_key(user, s) for s in wanted]), strict=True):
        if part is keep.MISSING:
            out.extend(source.collect(user, cadre_ids))
        else:
            out.extend(w for w in part if w.cadre_id in cadre_ids)
    return out


def signals_for(
    user,
    cadre_ids=None,
    *,
    sources=None,
    levels=None,
    organization=None,
    with_cadres: bool = True,
) -> list[Signal]:
    """Every open signal within `user`'s scope (one call of each source), coloured and weighted by
    policy, most urgent first; narrowed to `sources` (keys), `levels` ("red", ...) and the subtree
    of `organization`. The cadres are read in one query (`with_cadres=False`: only whether they
    are in scope, for counting; the signals then carry no cadre)."""
    settings = source_settings()
    if cadre_ids is not None:
        cadre_ids = set(cadre_ids)
    if levels:
        # only the sources whose colour is asked for or that raise it are asked at all
        coloured = sources_of_levels(levels, settings)
        sources = (
            coloured
            if sources is None
            else {k for k in sources if k in coloured or _source_key(k, settings) in coloured}
        )
    keeps = getattr(user, "is_authenticated", False) and getattr(user, "pk", None) is not None
    if cadre_ids is None or (keeps and len(cadre_ids) > FEW_CADRES):
        # the whole scope's kept reading, narrowed here: each source narrows its own scoped query
        # to the cadres asked, so the rows are the same
        asked = None if sources is None else {_source_key(k, settings) or k for k in sources}
        warnings = scope_warnings(user, asked)
        if cadre_ids is not None:
            warnings = [w for w in warnings if w.cadre_id in cadre_ids]
        if sources is not None:
            warnings = [w for w in warnings if w.kind in sources or _source_key(w.kind, settings) in sources]
    else:
        warnings = few_cadre_warnings(user, cadre_ids, sources=sources)
    ids = {w.cadre_id for w in warnings}
    # The cadres the sources named, read through the user's scope like every other row: a source
    # may reach a record through a single-record grant (a talk visible to its interviewer) whose
    # cadre the user may not open; such a signal is not shown (the cadre is out of scope).
    in_scope = Cadre.objects.restrict(user, CADRE_READ)
    if not ids:
        cadres = {}
    elif with_cadres or organization is not None:
        cadres = _named_cadres(in_scope, ids)
    else:
        cadres = dict.fromkeys(in_scope.filter(pk__in=ids).values_list("pk", flat=True), True)
    out = []
    for w in warnings:
        source = settings.get(w.kind) or settings.get(_source_key(w.kind, settings))
        if source is None:
            continue
        level = w.level if w.level in LEVELS else source.level
        if levels and level not in levels:
            continue
        cadre = cadres.get(w.cadre_id)
        if cadre is None:
            continue
        if organization is not None and not cadre.organization.path.startswith(organization.path):
            continue
        out.append(Signal(w, source, level, source.weight, cadre if with_cadres else None))
    out.sort(key=_sort_key)
    return out


def sources_of_levels(levels, settings: dict[str, SourceSetting] | None = None) -> set[str]:
    """The keys of the sources that may show a signal of one of `levels`: the source's colour
    (as the policies set it) is one of them, or the source declares it `raises` one."""
    settings = source_settings() if settings is None else settings
    wanted = set(levels)
    return {
        s.key
        for s in registry.warning_sources
        if (s.key in settings and settings[s.key].level in wanted) or wanted & set(s.raises)
    }


_NAMED_FIELDS = ("id", "name", "organization_id")
MANY_IDS = 2000
_UNIT_FIELDS = ("id", "name", "path")


def _named_cadres(in_scope, ids) -> dict[int, Cadre]:
    """The cadres `ids` within `in_scope` as instances holding their id, name and unit (id,
    name, path; the other fields deferred, as `.only()` leaves them), read in one query as
    tuples, each unit built once. Building a cadre and a unit instance per signalled cadre
    through `select_related` was most of the board's time (0.43 s of 0.6 s for the city at
    scale 10)."""
    from .models import Organization

    names = [f.attname for f in Cadre._meta.concrete_fields if f.attname in _NAMED_FIELDS]
    unit_names = [f.attname for f in Organization._meta.concrete_fields if f.attname in _UNIT_FIELDS]
    # Many ids (a whole city's signals): read the scope and keep the ids asked, rather than
    # send tens of thousands of literals (building that IN list cost Django 1.9 s at scale 80).
    qs = in_scope if len(ids) > MANY_IDS else in_scope.filter(pk__in=ids)
    rows = qs.values_list(*names, *(f"organization__{n}" for n in unit_names))
    db, n, pk_at = in_scope.db, len(names), names.index("id")
    units: dict[int, Organization] = {}
    out: dict[int, Cadre] = {}
    for row in rows:
        if row[pk_at] not in ids:
            continue
        cadre = Cadre.from_db(db, names, row[:n])
        unit = units.get(cadre.organization_id)
        if unit is None:
            unit = units[cadre.organization_id] = Organization.from_db(db, unit_names, row[n:])
        cadre._state.fields_cache["organization"] = unit
        out[cadre.pk] = cadre
    return out


def _source_key(kind: str, settings: dict[str, SourceSetting]) -> str:
    """The source of a finer kind ("<source key>.<sub-kind>"): the longest registered prefix."""
    best = ""
    for key in settings:
        if kind.startswith(key + ".") and len(key) > len(best):
            best = key
    return best


def group_by_cadre(signals: list[Signal]) -> list[CadreRisk]:
    """Per-cadre groups, highest risk score first."""
    groups: dict[int, CadreRisk] = {}
    for s in signals:
        groups.setdefault(s.cadre_id, CadreRisk(s.cadre)).signals.append(s)
    return sorted(
        groups.values(),
        key=lambda g: (-g.score, LEVELS.index(g.level), g.organization_name, g.cadre_name),
    )


def level_counts(signals: list[Signal]) -> dict[str, int]:
    counts = {k: 0 for k in LEVELS}
    for s in signals:
        counts[s.level] += 1
    return counts


def counts_by_source(signals: list[Signal]) -> list[dict]:
    """Per source and level: the board's figures (every registered source, zeros included)."""
    settings = source_settings()
    table: dict[str, dict[str, int]] = defaultdict(lambda: {k: 0 for k in LEVELS})
    for s in signals:
        table[s.source_key][s.level] += 1
    return [
        {
            "source": key,
            "title": st.title,
            "level": st.level,
            "weight": st.weight,
            **table[key],
            "total": sum(table[key].values()),
        }
        for key, st in settings.items()
    ]


def cadre_signals(user, cadre) -> list[Signal]:
    """The signals of one cadre: the cadre page and the integrity file (one computation each)."""
    return signals_for(user, [cadre.pk])


def board_url(**params) -> str:
    from urllib.parse import urlencode

    url = reverse("warnings:board")
    return f"{url}?{urlencode(params)}" if params else url


# --- the shared sweep: a new red signal notifies the responsible staff once -----------------------

SWEEP_KIND = "warnings.red"


def red_signal_reminders(today: dt.date):
    """Sweep source: one reminder per (organization-staff user holding manage_cadres over the
    cadre's unit, red signal uid); the period is constant, so the unique constraint makes each
    signal notified once ("new" = not yet notified). Reads only."""
    from cadre_supervision.notifications import ReminderSpec
    from cadre_supervision.permissions import SYSTEM, users_with_org_perm

    signals = [s for s in signals_for(SYSTEM, levels=["red"]) if s.uid and s.cadre is not None]
    recipients = users_with_org_perm(
        {s.cadre.organization_id for s in signals}, "manage_cadres", role="org_staff"
    )
    for s in signals:
        for uid in sorted(recipients.get(s.cadre.organization_id, ())):
            yield ReminderSpec(
                recipient_id=uid,
                kind=SWEEP_KIND,
                period="new",
                title=f"新的红色预警：{s.cadre_name}（{s.organization_name}）{s.title}",
                body=s.detail,
                url=s.url or board_url(level="red"),
                object_type="warnings.signal",
                object_id=s.uid,
            )


# --- the workbench ----------------------------------------------------------------------------------


def may_use_board(user) -> bool:
    """The board's menu entry and workbench figure: supervision staff, i.e. those who may open
    integrity files somewhere (organization staff, discipline officers); the pages themselves
    answer anyone signed in with the signals of their own scope."""
    from cadre_supervision.permissions import has_any_scope

    return has_any_scope(Cadre, user, "integrity")


def workbench_figure(user, today):
    """预警 on the workbench: the user's open signals by colour (None: no scope, no tile)."""

    if not may_use_board(user):
        return None
    counts = level_counts(signals_for(user, with_cadres=False))
    return {
        "value": str(counts["red"]),
        "caption": f"红色预警（橙色 {counts['orange']}，黄色 {counts['yellow']}）",
        "url": board_url(level="red"),
        "chart": "bar",
        "unit": "条",
        "categories": [f"{LEVEL_LABELS[k]}色" for k in LEVELS],
        "series": [{"name": "预警", "data": [counts[k] for k in LEVELS]}],
        "table_head": ["等级", "预警数"],
        "table_rows": [[f"{LEVEL_LABELS[k]}色", counts[k]] for k in LEVELS],
    }


def register() -> None:
    """Called from CadresConfig.ready(): policies (once every app is ready), nav, sweep, workbench."""
    from cadre_supervision import notifications

    policy.register_deferred(register_policies)
    registry.register_nav_item(registry.NavItem("预警看板", "warnings:board", 14, visible=may_use_board))
    registry.register_sweep_source(SWEEP_KIND, red_signal_reminders)
    notifications.register_kind_label(SWEEP_KIND, "红色预警")
    registry.register_figure(registry.Figure("warnings.board", "预警", 15, workbench_figure))
