"""Pure domain rules of the registry (no I/O). Table-driven tests in tests/cadres/test_rules.py."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass

# --- Citizen ID (GB 11643-1999) ------------------------------------------------------------

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


class CitizenIdError(ValueError):
    pass


def citizen_id_check_digit(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK[total % 11]


@dataclass(frozen=True)
class CitizenId:
    value: str
    birth_date: dt.date
    gender: str  # "M" | "F"


def parse_citizen_id(raw: str, *, today: dt.date | None = None) -> CitizenId:
    """Validate an 18-digit citizen ID; raise CitizenIdError with a Chinese message."""
    value = (raw or "").strip().upper()
    if len(value) != 18:
        raise CitizenIdError("身份证号应为18位。")
    if not value[:17].isdigit() or not (value[17].isdigit() or value[17] == "X"):
        raise CitizenIdError("身份证号前17位应为数字，最后一位为数字或X。")
    try:
        birth = dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise CitizenIdError("身份证号中的出生日期不存在。")
    today = today or dt.date.today()
    if birth > today or birth.year < 1900:
        raise CitizenIdError("身份证号中的出生日期不合理。")
    if citizen_id_check_digit(value[:17]) != value[17]:
        raise CitizenIdError("身份证号校验位错误。")
    return CitizenId(value, birth, "M" if int(value[16]) % 2 == 1 else "F")


def facts_from_citizen_id(
    parsed: CitizenId, *, gender: str = "", birth_date: dt.date | None = None
) -> tuple[str, dt.date, dict[str, str]]:
    """Gender and birth date come from a valid citizen ID: an empty typed value takes the ID's,
    a typed value that differs is an error. Returns (gender, birth_date, errors)."""
    errors: dict[str, str] = {}
    if birth_date and birth_date != parsed.birth_date:
        errors["birth_date"] = "出生日期与身份证号不一致。"
    if gender and gender != parsed.gender:
        errors["gender"] = "性别与身份证号不一致。"
    return parsed.gender, parsed.birth_date, errors


# What a user without `view_citizen_ids` sees of an ID: the province (first 2) and the check
# character (last 1). The birth date (positions 7-14) and the gender (parity of position 17) are
# shown elsewhere on the same page, so the hidden part that really protects the ID is the
# region code below the province (positions 3-6) and the sequence number (positions 15-16 and
# the rest of 17): 10^4 x 100 x 5 combinations, of which about 1 in 11 match the shown check
# character, i.e. about 4.5 x 10^5 candidate IDs per masked value
# (see citizen_id_candidate_count and its test).
MASK_SHOW_HEAD = 2
MASK_SHOW_TAIL = 1


def mask_citizen_id(value: str) -> str:
    if not value:
        return ""
    if len(value) <= MASK_SHOW_HEAD + MASK_SHOW_TAIL:
        return "*" * len(value)
    hidden = len(value) - MASK_SHOW_HEAD - MASK_SHOW_TAIL
    return value[:MASK_SHOW_HEAD] + "*" * hidden + value[len(value) - MASK_SHOW_TAIL :]


def citizen_id_candidate_count(masked: str, *, birth_date: dt.date, gender: str) -> int:
    """How many valid 18-character IDs agree with a masked form (``*`` = hidden character)
    plus the birth date and gender shown next to it: what a user without the reveal
    permission would have to try. Exact count, the same as enumerating every candidate,
    by counting weighted digit sums modulo 11 position by position."""
    if len(masked) != 18:
        raise CitizenIdError("身份证号应为18位。")
    known = list(masked.upper())
    for i, ch in enumerate(f"{birth_date:%Y%m%d}", start=6):
        if known[i] not in ("*", ch):
            return 0
        known[i] = ch
    # counts[r] = number of ways to fill positions so far with weighted sum ≡ r (mod 11)
    counts = [1] + [0] * 10
    for i in range(17):
        if known[i] == "*":
            digits = [d for d in range(10) if i != 16 or (d % 2 == 1) == (gender == "M")]
        else:
            d = int(known[i])
            if i == 16 and (d % 2 == 1) != (gender == "M"):
                return 0
            digits = [d]
        nxt = [0] * 11
        for r, n in enumerate(counts):
            if n:
                for d in digits:
                    nxt[(r + d * _WEIGHTS[i]) % 11] += n
        counts = nxt
    if known[17] == "*":
        return sum(counts)
    return sum(n for r, n in enumerate(counts) if _CHECK[r] == known[17])


# --- Ages and durations ------------------------------------------------------------------------


def full_years(start: dt.date | None, on: dt.date) -> int | None:
    """Whole years from start to `on` (birthday arithmetic; 29 Feb counts on 28 Feb in
    non-leap years)."""
    if start is None or on < start:
        return None
    years = on.year - start.year
    if (on.month, on.day) < (start.month, start.day):
        years -= 1
    return years


def years_between(start: dt.date, end: dt.date) -> float:
    """Elapsed years as a decimal (for display: 'years in post')."""
    return round((end - start).days / 365.25, 1)


# --- Rule 1: a 一把手 must not directly oversee these areas -------------------------------
# Which areas are forbidden is policy data: the portfolio-area catalogue
# (cadres.models.PortfolioArea.top_leader_forbidden). The free-text portfolio is a note and is
# never matched: "不分管财务、人事" is not a finance portfolio.


def portfolio_violations(is_top_leader: bool, areas: Iterable[str], forbidden: Collection[str]) -> list[str]:
    """The forbidden areas (codes, in the order held) in a 一把手's structured portfolio.
    Empty for anyone who is not a 一把手."""
    if not is_top_leader:
        return []
    forbidden = set(forbidden)
    return list(dict.fromkeys(c for c in areas or () if c in forbidden))


def unknown_portfolio_areas(areas: Iterable[str], known: Collection[str]) -> list[str]:
    """Codes that are not in the catalogue (a write must not store them)."""
    known = set(known)
    return [c for c in dict.fromkeys(areas or ()) if c not in known]


# --- Invariants on tenures ----------------------------------------------------------------------


def periods_overlap(a_start: dt.date, a_end: dt.date | None, b_start: dt.date, b_end: dt.date | None) -> bool:
    """Half-open periods [start, end): a tenure ending on day D and one starting on D do not overlap.
    An open end (None) means 'still in office'."""
    a_end_v = a_end or dt.date.max
    b_end_v = b_end or dt.date.max
    return a_start < b_end_v and b_start < a_end_v


def tenure_errors(start: dt.date | None, end: dt.date | None, *, today: dt.date) -> dict[str, str]:
    errors: dict[str, str] = {}
    if start is None:
        errors["start_date"] = "请填写任职开始日期。"
        return errors
    if end is not None and end <= start:
        errors["end_date"] = "任职结束日期必须晚于开始日期。"
    return errors


def birth_date_errors(birth: dt.date | None, *, today: dt.date) -> dict[str, str]:
    if birth is None:
        return {"birth_date": "请填写出生日期。"}
    if birth > today:
        return {"birth_date": "出生日期不能晚于今天。"}
    if full_years(birth, today) > 100:
        return {"birth_date": "出生日期不合理。"}
    return {}


def age_band(age: int | None) -> str:
    if age is None:
        return "未知"
    if age < 35:
        return "35岁以下"
    if age < 41:
        return "35-40岁"
    if age < 46:
        return "41-45岁"
    if age < 51:
        return "46-50岁"
    if age < 56:
        return "51-55岁"
    return "56岁以上"


AGE_BANDS = ["35岁以下", "35-40岁", "41-45岁", "46-50岁", "51-55岁", "56岁以上", "未知"]


def pinyin_initials(name: str) -> str:
    from pypinyin import Style, lazy_pinyin

    return "".join(p[0] for p in lazy_pinyin(name or "", style=Style.FIRST_LETTER) if p).lower()


# --- the dossier (干部档案) -------------------------------------------------------------------------

# Education levels from highest to lowest (cadres.choices.EducationLevel values).
EDUCATION_RANK = ("doctor", "master", "bachelor", "college", "secondary")


@dataclass(frozen=True)
class EducationEntry:
    full_time: bool
    level: str
    degree: str = ""
    school: str = ""
    department: str = ""
    major: str = ""
    end_date: dt.date | None = None


def _education_key(e) -> tuple:
    rank = EDUCATION_RANK.index(e.level) if e.level in EDUCATION_RANK else len(EDUCATION_RANK)
    # Highest level first; among equals the later graduation.
    return (rank, -(e.end_date or dt.date.min).toordinal())


def highest_education(records: Iterable, *, full_time: bool):
    """The highest record of one track (全日制 when full_time, else 在职), or None.
    `records` are objects with full_time, level and end_date (EducationRecord or EducationEntry)."""
    track = [r for r in records if bool(r.full_time) == full_time]
    return min(track, key=_education_key) if track else None


def highest_overall(records: Iterable):
    """The highest record of both tracks (最高学历)."""
    records = list(records)
    return min(records, key=_education_key) if records else None


def month(value: dt.date | None) -> str:
    """'1973.10' as the 任免审批表 writes dates; '' for none."""
    return f"{value.year}.{value.month:02d}" if value else ""


def month_with_age(birth: dt.date | None, on: dt.date) -> str:
    """'1973.10（53岁）'."""
    if birth is None:
        return ""
    return f"{month(birth)}（{full_years(birth, on)}岁）"


def first_of_month(value: dt.date | None) -> dt.date | None:
    return value.replace(day=1) if value else None


def add_months(start: dt.date, months: int) -> dt.date:
    """The same day `months` later (clamped to the month's last day: 31 Aug + 6 = 28/29 Feb)."""
    import calendar

    y, m = divmod(start.month - 1 + months, 12)
    year, mon = start.year + y, m + 1
    return dt.date(year, mon, min(start.day, calendar.monthrange(year, mon)[1]))


RESUME_DASH = "—"


def resume_period(start: dt.date, end: dt.date | None) -> str:
    """'2018.09—2021.06'; the current line has an open end: '2021.06—       '."""
    return f"{month(start)}{RESUME_DASH}{month(end) if end else ' ' * 7}"


def resume_line_text(start: dt.date, end: dt.date | None, text: str) -> str:
    return f"{resume_period(start, end)}  {text}"


@dataclass(frozen=True)
class ResumeEntry:
    start: dt.date
    end: dt.date | None
    text: str
    source: str = "entered"  # entered / imported / tenure
    secondary: bool = False  # a concurrent post (兼任, 挂职): overlaps with it are expected


@dataclass(frozen=True)
class ResumeIssue:
    kind: str  # "gap" | "overlap"
    start: dt.date
    end: dt.date
    message: str


def _month_index(d: dt.date) -> int:
    return d.year * 12 + d.month - 1


def resume_issues(
    entries: Iterable[ResumeEntry], *, today: dt.date, tolerance_months: int = 1
) -> list[ResumeIssue]:
    """Gaps and overlaps in a résumé, at month grain. Concurrent posts (secondary) are not
    compared. A gap of up to `tolerance_months` (the month between leaving one post and
    starting the next) is not flagged; neither is an overlap of one month (the hand-over
    month appears as the end of one line and the start of the next)."""
    main = sorted((e for e in entries if not e.secondary), key=lambda e: (e.start, e.end or dt.date.max))
    issues: list[ResumeIssue] = []
    reach: dt.date | None = None  # the latest end so far (None before the first line)
    reach_open = False
    for e in main:
        if reach is not None or reach_open:
            if reach_open:
                issues.append(
                    ResumeIssue(
                        "overlap",
                        e.start,
                        e.end or today,
                        f"{month(e.start)}起的经历与仍在进行的上一段经历重叠。",
                    )
                )
            else:
                gap = _month_index(e.start) - _month_index(reach)
                if gap > tolerance_months:
                    issues.append(
                        ResumeIssue(
                            "gap", reach, e.start, f"{month(reach)}至{month(e.start)}之间的经历空缺。"
                        )
                    )
                elif gap < 0:
                    issues.append(
                        ResumeIssue(
                            "overlap",
                            e.start,
                            min(reach, e.end or reach),
                            f"{month(e.start)}起的经历与上一段经历重叠至{month(reach)}。",
                        )
                    )
        if e.end is None:
            reach_open = True
        elif not reach_open:
            reach = max(reach, e.end) if reach else e.end
    return issues


# --- sanctions: the promotion bar --------------------------------------------------------------------


def sanction_bar(
    kind: str, decision: dt.date, months_by_kind: dict[str, int]
) -> tuple[int, dt.date | None, bool]:
    """(months, end date, indefinite) of the promotion bar of a sanction of `kind` decided on
    `decision`. 0 months means the kind ends membership or service: barred without end."""
    if kind not in months_by_kind:
        raise KeyError(kind)
    months = int(months_by_kind[kind])
    if months <= 0:
        return 0, None, True
    return months, add_months(decision, months), False


def sanction_bars(decision: dt.date, end: dt.date | None, indefinite: bool, on: dt.date) -> bool:
    """Whether promotion is barred on `on`: the bar runs from the decision up to (not
    including) its end date."""
    if on < decision:
        return False
    return indefinite or (end is not None and on < end)


# --- 三龄两历一身份 认定 -------------------------------------------------------------------------


@dataclass(frozen=True)
class VerificationSummary:
    complete: bool
    open_items: list[str]  # items not 已认定 (missing rows count as 待核)
    doubtful_items: list[str]


def verification_summary(statuses: dict[str, str], items: Iterable[str]) -> VerificationSummary:
    """`statuses` maps item → status for the rows there are; `items` is the full list of six."""
    open_items = [i for i in items if statuses.get(i) != "verified"]
    doubtful = [i for i in open_items if statuses.get(i) == "doubtful"]
    return VerificationSummary(not open_items, open_items, doubtful)


def verified_change_errors(
    field: str, *, old, new, verified: bool, reason: str, label: str
) -> dict[str, str]:
    """A change to a verified (已认定) value is refused without a reason."""
    if verified and old != new and not (reason or "").strip():
        return {field: f"{label}已认定，修改须填写变更理由。"}
    return {}


# --- 干部任免审批表: fitting the résumé into the form ----------------------------------------------------

# (font size in pt, characters per printed line of the 简历 cell, lines that fit on page one,
# lines that fit in the continuation on page two), from the largest font to the smallest.
RESUME_FITS = ((12, 34, 20, 12), (10.5, 39, 23, 14), (9, 46, 27, 17))
RESUME_PERIOD_CHARS = 17  # "2018.09—2021.06  ": continuation lines are indented by this much


def printed_lines(text: str, chars_per_line: int) -> int:
    """How many printed lines one résumé line takes in a cell `chars_per_line` wide (wide
    characters count one, narrow ones half; continuation lines are indented under the text)."""
    width = sum(1 if ord(ch) > 0x2000 else 0.5 for ch in text)
    if width <= chars_per_line:
        return 1
    rest = width - chars_per_line
    per = max(chars_per_line - RESUME_PERIOD_CHARS / 2, 1)
    return 1 + int(-(-rest // per))


@dataclass(frozen=True)
class ResumeFit:
    font_pt: float
    page_one: list[str]
    continued: list[str]
    fits: bool  # False: even the smallest font overflows the continuation


def fit_resume(lines: list[str], fits=RESUME_FITS) -> ResumeFit:
    """The largest font at which the résumé fits page one plus the continuation on page two,
    and where it breaks (never inside a line)."""
    for pt, chars, first, second in fits:
        used, split = 0, len(lines)
        for i, line in enumerate(lines):
            n = printed_lines(line, chars)
            if used + n > first:
                split = i
                break
            used += n
        rest = lines[split:]
        if sum(printed_lines(line, chars) for line in rest) <= second:
            return ResumeFit(pt, lines[:split], rest, True)
    return ResumeFit(fits[-1][0], lines[:split], rest, False)


# --- working days (公示期, deadlines) -------------------------------------------------------


def weekday_calendar(holidays: Iterable[dt.date] = (), workdays: Iterable[dt.date] = ()) -> Callable:
    """A working-day test from data: weekends off, `holidays` off, `workdays` (调休上班) on."""
    off, on = set(holidays), set(workdays)

    def is_workday(day: dt.date) -> bool:
        if day in on:
            return True
        if day in off:
            return False
        return day.weekday() < 5

    return is_workday


def add_working_days(start: dt.date, days: int, is_workday: Callable[[dt.date], bool]) -> dt.date:
    """The date `days` working days after `start` (start itself not counted). 0 → start."""
    if days < 0:
        raise ValueError("days must be >= 0")
    day, left = start, days
    while left:
        day += dt.timedelta(days=1)
        if is_workday(day):
            left -= 1
    return day


def working_days_between(start: dt.date, end: dt.date, is_workday: Callable[[dt.date], bool]) -> int:
    """Working days in (start, end]; negative when end is before start."""
    if end < start:
        return -working_days_between(end, start, is_workday)
    n, day = 0, start
    while day < end:
        day += dt.timedelta(days=1)
        n += is_workday(day)
    return n


def working_days_inclusive(start: dt.date, end: dt.date, is_workday: Callable[[dt.date], bool]) -> int:
    """Working days in [start, end] (0 when end is before start)."""
    if end < start:
        return 0
    return working_days_between(start, end, is_workday) + (1 if is_workday(start) else 0)


def publicity_end(start: dt.date, working_days: int, is_workday: Callable[[dt.date], bool]) -> dt.date:
    """The last day of a publicity of `working_days` working days starting on `start`
    (the start counts when it is a working day)."""
    if working_days < 1:
        raise ValueError("working_days must be >= 1")
    day = start
    while not is_workday(day):
        day += dt.timedelta(days=1)
    return add_working_days(day, working_days - 1, is_workday)


def china_is_workday(day: dt.date) -> bool:
    """Working day in mainland China: the State Council's holiday arrangement as shipped in
    `chinesecalendar` (holidays off, 调休 weekends on); outside the years it knows, weekdays."""
    try:
        import chinese_calendar

        return chinese_calendar.is_workday(day)
    except (NotImplementedError, ImportError):
        return day.weekday() < 5


def publicity_feedback_errors(
    received_on: dt.date | None, start: dt.date, end: dt.date, today: dt.date
) -> dict[str, str]:
    """A feedback is received within the publicity period, and not in the future."""
    if received_on is None:
        return {"received_on": "请填写收到日期。"}
    if received_on > today:
        return {"received_on": "收到日期不能晚于今天。"}
    if not (start <= received_on <= end):
        return {"received_on": f"收到日期须在公示期内（{start}至{end}）。"}
    return {}


def publicity_state(start: dt.date, end: dt.date, today: dt.date) -> str:
    """ "pending" (not yet started), "running" or "ended"."""
    if today < start:
        return "pending"
    return "running" if today <= end else "ended"


# --- training (干部教育培训工作条例) -----------------------------------------------------------


@dataclass(frozen=True)
class TrainingTotal:
    hours: float  # 学时 within the window
    days: int  # days of training within the window (overlapping courses counted once)
    met: bool


def hours_text(value) -> str:
    """学时 without a trailing ".0": 40 → "40", 12.5 → "12.5"."""
    return f"{float(value or 0):.1f}".removesuffix(".0")


def training_total(
    records: Iterable[tuple[dt.date | None, dt.date | None, float]],
    today: dt.date,
    *,
    years: int = 5,
    min_hours: float = 550,
    min_days: int = 90,
) -> TrainingTotal:
    """A leading cadre's training within the last `years` years against the norm: at least
    `min_days` days (3 months) or `min_hours` 学时 of training. Records are (start, end,
    hours); a course ending before the window does not count, one starting before it counts
    its days inside the window and all its hours."""
    window_start = (
        today.replace(year=today.year - years)
        if not (today.month == 2 and today.day == 29)
        else (today.replace(year=today.year - years, day=28))
    )
    hours, days = 0.0, set()
    for start, end, h in records:
        end = end or start
        if end is None or end < window_start or (start and start > today):
            continue
        hours += float(h or 0)
        day = max(start or end, window_start)
        while day <= min(end, today):
            days.add(day)
            day += dt.timedelta(days=1)
    return TrainingTotal(hours=hours, days=len(days), met=hours >= min_hours or len(days) >= min_days)
