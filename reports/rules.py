"""Pure rules of personal-matter reports (no I/O): entry validation against the catalogue's
field definitions, completeness, year-on-year comparison, the reproducible sample draw,
verification outcomes, candidate clearance, publicity and major matters."""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import math
import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

# --- status ------------------------------------------------------------------------------------


def default_deadline(year: int, month: int = 1, day: int = 31) -> dt.date:
    """Deadline of the report for `year`: month/day of the following year (clamped)."""
    last = calendar.monthrange(year + 1, month)[1]
    return dt.date(year + 1, month, min(day, last))


def display_status(
    status: str, submitted_on: dt.date | None, deadline: dt.date | None, today: dt.date
) -> str:
    """Stored status + deadline -> not_started | draft | submitted | submitted_late | overdue."""
    if status == "submitted":
        if deadline and submitted_on and submitted_on > deadline:
            return "submitted_late"
        return "submitted"
    if deadline and today > deadline:
        return "overdue"
    return status


# --- entries -----------------------------------------------------------------------------------

AMOUNT_MAX_DEFAULT = Decimal("100000")  # 万元, i.e. 10亿元: beyond this is a typing error
AREA_MAX = Decimal("100000")


def _decimal(raw: Any) -> Decimal | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    try:
        value = Decimal(str(raw).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise ValueError
    if not value.is_finite():
        raise ValueError
    return value


def _date(raw: Any) -> dt.date | None:
    if raw is None or raw == "":
        return None
    if isinstance(raw, dt.date):
        return raw
    try:
        return dt.date.fromisoformat(str(raw).strip())
    except ValueError:
        raise ValueError


def is_blank_entry(data: Mapping[str, Any]) -> bool:
    return all(v is None or str(v).strip() == "" for v in data.values())


def validate_entry(
    fields: Sequence[Mapping[str, Any]],
    data: Mapping[str, Any],
    *,
    year: int,
    max_amount: Decimal = AMOUNT_MAX_DEFAULT,
) -> tuple[dict[str, Any], dict[str, str]]:
    """Clean one entry against its item's field definitions. Returns (cleaned, errors)."""
    cleaned: dict[str, Any] = {}
    errors: dict[str, str] = {}
    year_start, year_end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    known = {f["key"] for f in fields}
    for key in data:
        if key not in known:
            errors[key] = f"未知的填报栏目：{key}"
    for f in fields:
        key, label, kind = f["key"], f["label"], f.get("type", "text")
        raw = data.get(key)
        blank = raw is None or str(raw).strip() == ""
        if blank:
            if f.get("required"):
                errors[key] = f"请填写“{label}”。"
            cleaned[key] = ""
            continue
        if kind in ("amount", "share", "area"):
            try:
                value = _decimal(raw)
            except ValueError:
                errors[key] = f"“{label}”应为数字。"
                continue
            if value < 0:
                errors[key] = f"“{label}”不能为负数。"
            elif kind == "amount" and value > max_amount:
                errors[key] = f"“{label}”超出合理范围（不超过 {max_amount} 万元），请核对金额单位为万元。"
            elif kind == "share" and value == 0:
                errors[key] = f"“{label}”应大于 0%。"
            elif kind == "share" and value > 100:
                errors[key] = f"“{label}”不能超过 100%。"
            elif kind == "area" and (value == 0 or value > AREA_MAX):
                errors[key] = f"“{label}”不合理，请核对（应大于 0 且不超过 {AREA_MAX} 平方米）。"
            cleaned[key] = str(value.quantize(Decimal("0.01")))
        elif kind in ("date", "date_in_year"):
            try:
                value = _date(raw)
            except ValueError:
                errors[key] = f"“{label}”日期格式不正确（应为 YYYY-MM-DD）。"
                continue
            if kind == "date_in_year" and not (year_start <= value <= year_end):
                errors[key] = f"“{label}”须在报告年度（{year}年）内。"
            elif value > year_end:
                errors[key] = f"“{label}”不能晚于报告年度末（{year_end}）。"
            cleaned[key] = value.isoformat()
        elif kind == "choice":
            value = str(raw).strip()
            if value not in f.get("options", []):
                errors[key] = f"“{label}”的取值“{value}”不在可选范围内。"
            cleaned[key] = value
        else:
            value = str(raw).strip()
            if len(value) > 500:
                errors[key] = f"“{label}”过长（不超过 500 字）。"
            cleaned[key] = value
    return cleaned, errors


def answer_errors(nothing_to_report: bool, entry_count: int, *, title: str) -> str | None:
    if nothing_to_report and entry_count:
        return f"“{title}”已勾选无此类情况，不能同时填写条目。"
    return None


def completeness_errors(
    items: Iterable[tuple[str, str]], answered: Mapping[str, tuple[bool, int]]
) -> list[str]:
    """Every item needs an explicit answer: 'nothing to report' or at least one entry.

    items: (code, title); answered: code -> (nothing_to_report, entry_count)."""
    missing = []
    for code, title in items:
        none, count = answered.get(code, (False, 0))
        if not none and count == 0:
            missing.append(f"“{title}”未填报：请勾选“无此类情况”或至少填写一条。")
    return missing


# --- comparison --------------------------------------------------------------------------------


@dataclass
class EntryChange:
    before: dict
    after: dict
    changed: list[str]
    amount_deltas: dict[str, str] = field(default_factory=dict)


@dataclass
class ItemComparison:
    code: str
    added: list[dict] = field(default_factory=list)
    removed: list[dict] = field(default_factory=list)
    changed: list[EntryChange] = field(default_factory=list)
    unchanged: int = 0
    answer_changed: bool = False

    @property
    def has_changes(self) -> bool:
        return bool(self.added or self.removed or self.changed or self.answer_changed)


def _identity(fields: Sequence[Mapping[str, Any]], data: Mapping[str, Any]) -> tuple:
    keys = [f["key"] for f in fields if f.get("identity")]
    return tuple(str(data.get(k, "")).strip() for k in keys)


def compare_entries(
    fields: Sequence[Mapping[str, Any]],
    previous: Sequence[Mapping[str, Any]],
    current: Sequence[Mapping[str, Any]],
) -> ItemComparison:
    """Match entries by the item's identity fields (by position if it has none); report
    additions, removals and changes, with amount differences (current - previous)."""
    out = ItemComparison(code="")
    has_identity = any(f.get("identity") for f in fields)
    amount_keys = [f["key"] for f in fields if f.get("type") in ("amount", "area", "share")]
    if has_identity:
        prev_by: dict[tuple, list[Mapping]] = {}
        for e in previous:
            prev_by.setdefault(_identity(fields, e), []).append(e)
        pairs: list[tuple[Mapping | None, Mapping | None]] = []
        for e in current:
            bucket = prev_by.get(_identity(fields, e))
            pairs.append((bucket.pop(0) if bucket else None, e))
        for bucket in prev_by.values():
            pairs.extend((e, None) for e in bucket)
    else:
        n = max(len(previous), len(current))
        pairs = [
            (previous[i] if i < len(previous) else None, current[i] if i < len(current) else None)
            for i in range(n)
        ]
    for before, after in pairs:
        if before is None:
            out.added.append(dict(after))
        elif after is None:
            out.removed.append(dict(before))
        else:
            changed = [
                f["key"]
                for f in fields
                if str(before.get(f["key"], "")).strip() != str(after.get(f["key"], "")).strip()
            ]
            if not changed:
                out.unchanged += 1
                continue
            deltas = {}
            for k in amount_keys:
                if k in changed:
                    try:
                        b = _decimal(before.get(k)) or Decimal(0)
                        a = _decimal(after.get(k)) or Decimal(0)
                    except ValueError:
                        continue
                    diff = a - b
                    deltas[k] = f"{'+' if diff > 0 else ''}{diff.quantize(Decimal('0.01'))}"
            out.changed.append(EntryChange(dict(before), dict(after), changed, deltas))
    return out


def compare_reports(
    items: Sequence[Mapping[str, Any]],
    previous: Mapping[str, tuple[bool, list[dict]]] | None,
    current: Mapping[str, tuple[bool, list[dict]]],
) -> list[ItemComparison]:
    """items: [{"code", "fields"}]; previous/current: code -> (nothing_to_report, entries)."""
    result = []
    for item in items:
        code = item["code"]
        p_none, p_entries = (previous or {}).get(code, (False, []))
        c_none, c_entries = current.get(code, (False, []))
        cmp = compare_entries(item["fields"], p_entries if previous is not None else [], c_entries)
        cmp.code = code
        cmp.answer_changed = previous is not None and code in previous and p_none != c_none
        result.append(cmp)
    return result


# --- sampling ----------------------------------------------------------------------------------


def sample_size(pool_size: int, share_percent: Decimal | float) -> int:
    if pool_size <= 0:
        return 0
    return max(1, min(pool_size, math.ceil(pool_size * Decimal(str(share_percent)) / 100)))


def seed_to_int(seed: str) -> int:
    return int(hashlib.sha256(seed.encode("utf-8")).hexdigest(), 16)


@dataclass(frozen=True)
class Draw:
    selected: list[int]
    excluded: list[int]
    repeat_allowed: bool


def draw_sample(pool: Iterable[int], previous: Iterable[int], share_percent, seed: str) -> Draw:
    """Reproducible draw: the same pool, previous-year sample, share and seed always give the
    same result. Cadres sampled last year are excluded unless the pool is too small, in
    which case the shortfall is drawn from them (recorded as `repeat_allowed`)."""
    pool_sorted = sorted(set(pool))
    prev = set(previous)
    size = sample_size(len(pool_sorted), share_percent)
    eligible = [c for c in pool_sorted if c not in prev]
    excluded = [c for c in pool_sorted if c in prev]
    rng = random.Random(seed_to_int(seed))
    if len(eligible) >= size:
        return Draw(sorted(rng.sample(eligible, size)), excluded, False)
    rest = rng.sample(excluded, size - len(eligible))
    return Draw(sorted(eligible + rest), excluded, True)


# --- verification ------------------------------------------------------------------------------

OUTCOME_RANK = {"consistent": 0, "omission": 1, "concealment": 2}


def overall_outcome(item_outcomes: Iterable[str]) -> str:
    """The report's outcome is its worst item outcome; no item checked = consistent."""
    worst = "consistent"
    for o in item_outcomes:
        if OUTCOME_RANK[o] > OUTCOME_RANK[worst]:
            worst = o
    return worst


def verification_errors(
    *,
    outcome: str,
    handling: str,
    handling_note: str,
    evidence_sources: Sequence[str],
    item_outcomes: Mapping[str, tuple[str, str]],
) -> dict[str, str]:
    """item_outcomes: code -> (outcome, evidence_source)."""
    errors: dict[str, str] = {}
    if not evidence_sources:
        errors["evidence_sources"] = "请选择查核依据来源（如不动产登记、证券、银行等部门的反馈）。"
    for code, (o, src) in item_outcomes.items():
        if o != "consistent" and not src:
            errors[f"source_{code}"] = "漏报或瞒报的事项须注明依据来源。"
    expected = overall_outcome(o for o, _s in item_outcomes.values())
    if outcome != expected:
        errors["outcome"] = "报告总体结果须与各事项结果一致（以最严重的事项结果为准）。"
    if outcome == "consistent":
        if handling not in ("", "none"):
            errors["handling"] = "查核结果一致的，无需处理。"
    else:
        if handling in ("", "none"):
            errors["handling"] = "存在漏报或瞒报的，须填写处理方式。"
        if not handling_note.strip():
            errors["handling_note"] = "请说明处理情况（决定机关、时间、结果）。"
    return errors


# --- major matters -----------------------------------------------------------------------------


def major_matter_errors(
    *,
    is_top_leader: bool,
    occurred_on: dt.date | None,
    reported_on: dt.date | None,
    today: dt.date,
    kind: str,
    tie_count: int,
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not is_top_leader:
        errors["cadre"] = "重大事项报告由党政正职填报：该干部目前未担任党政正职。"
    if reported_on and reported_on > today:
        errors["reported_on"] = "报告日期不能晚于今天。"
    if occurred_on and reported_on and occurred_on > reported_on:
        errors["occurred_on"] = "发生日期不能晚于报告日期。"
    if kind == "social_ties" and tie_count == 0:
        errors["ties"] = "社会交往（“三圈”）情况须至少填写一名交往对象。"
    return errors
