"""Demo data for the rotations app, over the demo city built by `manage.py seed_demo`.

Everything goes through this app's services (so appointments stay consistent through
cadres.services): a year of exchanges of every kind, organised as realistic chains (a post is
vacated before it is filled), yearly plans per organization whose execution is deliberately
uneven, and a second-line roster whose utilisation reads like essay 3's table
(17 at work / 25 business-help / 6 investment / 76 idle / 9 other; 89 willing of 133).
What grows with the scale beyond the showcase is written in bulk, as the services would write
it: the records of the cadres already on the second line, their preferences, and the confirmed
assignments after the first `SHOWCASE` of an opening.
"""

from __future__ import annotations

import copy
import datetime as dt
import math
from collections import defaultdict

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from cadre_supervision.permissions import SYSTEM
from cadres.bulk import copy_insert, copy_rows, copy_update
from cadres.choices import AssessmentGrade, CadreStatus, OrgKind, TopLeaderKind
from cadres.models import AnnualAssessment, Appointment, Cadre, Organization, Post

from . import selectors, services
from .choices import (
    AssignmentStatus,
    ExchangeKind,
    ExchangeReason,
    LeaveKind,
    SecondLineRole,
    SecondLineStatus,
    WorkStatus,
)
from .models import Assignment, Exchange, RotationPlan, SecondLineRecord

ESSAY3 = {"at_work": 17, "business_help": 25, "investment": 6, "idle": 76, "other": 9}
ESSAY3_TOTAL = 133
ESSAY3_WILLING = 89
PLAN_EXECUTION = [1.0, 1.0, 0.8, 0.75, 0.6, 0.5, 0.4, 0.34, 0.25, 0.0, 0.0]
# Confirmed second-line assignments made through the services per opening; the others (their
# number grows with the scale) are written in bulk (`write_assignments`).
SHOWCASE = 12


class _Skip(Exception):
    pass


def _user():
    User = get_user_model()
    return User.objects.filter(username="zuzhibu").first() or User.objects.filter(is_superuser=True).first()


def _scaled(total: int, parts: dict[str, int], whole: int) -> dict[str, int]:
    raw = {k: total * v / whole for k, v in parts.items()}
    out = {k: math.floor(v) for k, v in raw.items()}
    for k in sorted(raw, key=lambda k: raw[k] - out[k], reverse=True)[: total - sum(out.values())]:
        out[k] += 1
    return out


class Seeder:
    def __init__(self, *, today, rng, stdout, user):
        self.today, self.rng, self.stdout, self.user = today, rng, stdout, user
        self.touched: set[int] = set()  # cadres already moved (one move each), or kept in place:
        # planned cadres whose plan item is meant to stay open (the stalling units)
        self.counts = defaultdict(int)
        self._holders: dict[int, Appointment] | None = None
        self._posts: dict[tuple, list[Post]] = {}
        self._dirty: set[int] = set()  # posts whose holder changed in the current attempt
        self._prefs: list[SecondLineRecord] = []  # preferences waiting for write_prefs
        self._assignments: list[tuple] = []  # confirmed assignments waiting for write_assignments

    # --- lookups ---------------------------------------------------------------------------
    # The current holder of every post and the post lists are read once and kept up to date
    # as the seeder moves cadres (the posts an attempt touched are re-read after it, whether
    # it committed or rolled back), instead of one query per candidate post per exchange.
    def _holders_of(self, post_ids=None) -> dict[int, Appointment]:
        qs = Appointment.objects.current(self.today).filter(is_secondment=False).select_related("cadre")
        if post_ids is not None:
            qs = qs.filter(post_id__in=post_ids)
        found: dict[int, Appointment] = {}
        for a in qs.order_by("post_id", "-start_date", "-id"):
            found.setdefault(a.post_id, a)
        return found

    def _refresh(self, post_ids) -> None:
        post_ids = set(post_ids)
        if not post_ids or self._holders is None:
            return
        for pk in post_ids:
            self._holders.pop(pk, None)
        self._holders.update(self._holders_of(post_ids))

    def _moved(self, cadre) -> None:
        """Re-read the holders of every post the cadre holds or held (after a move)."""
        posts = set(Appointment.objects.filter(cadre_id=cadre.pk).values_list("post_id", flat=True))
        self._dirty |= posts
        self._refresh(posts)

    def holder(self, post: Post) -> Appointment | None:
        if self._holders is None:
            self._holders = self._holders_of()
        return self._holders.get(post.pk)

    def current(self, cadre: Cadre) -> Appointment | None:
        return services.primary_home_appointment(cadre, self.today)

    def posts(self, **filters):
        key = tuple(sorted((k, getattr(v, "pk", v)) for k, v in filters.items()))
        if key not in self._posts:
            self._posts[key] = list(
                Post.objects.filter(is_active=True, **filters).select_related("organization")
            )
        return list(self._posts[key])

    def free_cadre_in(self, posts_qs_filter: dict, *, max_start: dt.date, exclude_orgs=()):
        """A movable cadre holding a current non-top leading post matching the filter."""
        qs = (
            Appointment.objects.current(self.today)
            .filter(
                is_secondment=False,
                cadre__status=CadreStatus.ACTIVE,
                start_date__lt=max_start,
                **posts_qs_filter,
            )
            .exclude(cadre_id__in=self.touched)
            .exclude(post__organization_id__in=exclude_orgs)
        )
        return self.pick(qs)

    def pick(self, qs) -> Appointment | None:
        """One of the appointments `qs` finds, drawn with the seeder's generator (the same seed
        picks the same one; ORDER BY random() picked another each run)."""
        ids = list(qs.order_by("pk").values_list("pk", flat=True))
        if not ids:
            return None
        return Appointment.objects.select_related("cadre", "post", "post__organization").get(
            pk=self.rng.choice(ids)
        )

    # --- moves -------------------------------------------------------------------------------
    def exchange(self, cadre, to_post, kind, reason, date, **extra):
        ex = services.exchange_record(
            user=self.user,
            cadre=cadre,
            to_post=to_post,
            kind=kind,
            reason=reason,
            approval_date=date - dt.timedelta(days=self.rng.randint(5, 25)),
            effective_date=date,
            document_no=f"市委干〔{date.year}〕{self.rng.randint(10, 199)}号",
            **extra,
        )
        self.touched.add(cadre.pk)
        self.counts[kind] += 1
        self._moved(cadre)
        return ex

    def to_second_line(self, cadre, date, appt):
        date = max(date, appt.start_date + dt.timedelta(days=1))
        rec = services.secondline_move(
            user=self.user,
            cadre=cadre,
            effective_date=date,
            non_leading_title=self.rng.choice(["一级调研员", "二级调研员", "四级调研员"]),
        )
        self.touched.add(cadre.pk)
        self.counts["second_line_moves"] += 1
        self._moved(cadre)
        return rec

    def vacate(self, post: Post, date: dt.date) -> None:
        """Free a 一把手 post: an older holder goes to the second line, a younger one moves to a
        deputy post elsewhere (township → city organ, organ → another organ)."""
        h = self.holder(post)
        if h is None:
            return
        if h.start_date >= date or h.cadre_id in self.touched:
            raise _Skip()
        if h.cadre.age(date) >= 54:
            self.to_second_line(h.cadre, date, h)
            return
        org = post.organization
        deputies = [
            p
            for p in self.posts(
                organization__kind=OrgKind.CITY_ORGAN,
                is_leading=True,
                top_leader_kind="",
                is_middle_level=False,
            )
            if p.organization_id != org.pk
        ]
        if not deputies:
            raise _Skip()
        kind = (
            ExchangeKind.TOWNSHIP_TO_CITY if org.kind == OrgKind.TOWNSHIP else ExchangeKind.CROSS_DEPARTMENT
        )
        if org.kind not in (OrgKind.TOWNSHIP, OrgKind.CITY_ORGAN):
            kind = ExchangeKind.CROSS_DEPARTMENT
        self.exchange(h.cadre, self.rng.choice(deputies), kind, ExchangeReason.PERFORMANCE, date)

    def fill_township_head(self, post: Post, date: dt.date) -> None:
        """A city-organ cadre goes to a township as 党政正职 (essay 1: 25 of them)."""
        a = self.free_cadre_in(
            {
                "post__organization__kind": OrgKind.CITY_ORGAN,
                "post__is_leading": True,
                "post__top_leader_kind": "",
            },
            max_start=date,
        )
        if a is not None and a.cadre.age(date) < 52:
            self.exchange(a.cadre, post, ExchangeKind.CITY_TO_TOWNSHIP_HEAD, ExchangeReason.TRAINING, date)

    def carry_out(self, appt: Appointment, date: dt.date) -> None:
        """Exchange a due cadre out of their post, with the kind their post calls for."""
        cadre, post, org = appt.cadre, appt.post, appt.post.organization
        if date <= appt.start_date:
            raise _Skip()
        if post.top_leader_kind and org.kind == OrgKind.TOWNSHIP:
            if post.top_leader_kind == TopLeaderKind.PARTY:
                # township party secretary → head of a city department
                targets = self.posts(
                    organization__kind=OrgKind.CITY_ORGAN, top_leader_kind=TopLeaderKind.ADMIN
                )
                kind = ExchangeKind.TOWNSHIP_TO_CITY
            else:
                # township head (镇长) → a more important township
                targets = [
                    p
                    for p in self.posts(
                        organization__kind=OrgKind.TOWNSHIP, top_leader_kind=TopLeaderKind.ADMIN
                    )
                    if p.organization_id != org.pk
                ]
                kind = ExchangeKind.WEAK_TO_IMPORTANT
            targets = [t for t in targets if (h := self.holder(t)) is None or h.cadre_id not in self.touched]
            if not targets:
                raise _Skip()
            target = self.rng.choice(targets)
            self.vacate(target, date)
            self.exchange(cadre, target, kind, ExchangeReason.TENURE_LIMIT, date)
            self.fill_township_head(post, date)
        elif post.top_leader_kind:
            targets = [
                p
                for p in self.posts(organization__kind=org.kind, top_leader_kind=post.top_leader_kind)
                if p.organization_id != org.pk
                and ((h := self.holder(p)) is None or h.cadre_id not in self.touched)
            ]
            if not targets:
                raise _Skip()
            target = self.rng.choice(targets)
            self.vacate(target, date)
            self.exchange(cadre, target, ExchangeKind.CROSS_DEPARTMENT, ExchangeReason.TENURE_LIMIT, date)
        elif post.is_middle_level:
            targets = [p for p in self.posts(organization=org, is_middle_level=True) if p.pk != post.pk]
            if not targets:
                raise _Skip()
            self.exchange(
                cadre, self.rng.choice(targets), ExchangeKind.WITHIN_UNIT, ExchangeReason.TENURE_LIMIT, date
            )
        else:
            kind = (
                ExchangeKind.TOWNSHIP_TO_CITY
                if org.kind == OrgKind.TOWNSHIP
                else ExchangeKind.CROSS_DEPARTMENT
            )
            targets = [
                p
                for p in self.posts(
                    organization__kind=OrgKind.CITY_ORGAN,
                    is_leading=True,
                    top_leader_kind="",
                    is_middle_level=False,
                )
                if p.organization_id != org.pk
            ]
            if not targets:
                raise _Skip()
            self.exchange(cadre, self.rng.choice(targets), kind, ExchangeReason.TENURE_LIMIT, date)

    def attempt(self, fn, *args) -> bool:
        self._dirty = set()
        try:
            with transaction.atomic():
                fn(*args)
            return True
        except (_Skip, ValidationError, PermissionDenied):
            self._refresh(self._dirty)  # rolled back: read the holders again
            return False

    # --- the year's work -------------------------------------------------------------------------
    def dates(self, n: int, start: dt.date, end: dt.date) -> list[dt.date]:
        span = max((end - start).days, 1)
        return sorted(start + dt.timedelta(days=self.rng.randint(0, span)) for _ in range(n))

    def plans_and_exchanges(self) -> None:
        year = self.today.year
        jan1 = dt.date(year, 1, 1)
        due = [
            i for i in selectors.due_items(user=SYSTEM, on=jan1) if i.mandatory_date <= dt.date(year, 12, 31)
        ]
        by_org = defaultdict(list)
        for i in due:
            by_org[i.organization.pk].append(i)
        orgs = sorted(by_org, key=lambda o: (-len(by_org[o]), o))[:24]
        todo = []
        for n, org_id in enumerate(orgs):
            items = by_org[org_id]
            org = items[0].organization
            plan = services.plan_create(
                user=self.user,
                organization=org,
                year=year,
                title=f"{org.name}{year}年度干部轮岗交流计划",
                notes="依据到期名单制定，年底前完成。",
            )
            for i in items:
                if i.cadre.status == CadreStatus.ACTIVE and self.current(i.cadre) is not None:
                    try:
                        services.plan_item_add(
                            user=self.user,
                            plan=plan,
                            cadre=i.cadre,
                            post=i.post,
                            rule=i.rule,
                            due_date=i.mandatory_date,
                        )
                    except ValidationError:
                        continue
            frac = PLAN_EXECUTION[n % len(PLAN_EXECUTION)]
            items_ = list(plan.items.all())
            cut = math.ceil(frac * len(items_))
            todo.extend(items_[:cut])
            self.touched.update(i.cadre_id for i in items_[cut:])  # left undone this year
            self.counts["plans"] += 1
        self.rng.shuffle(todo)
        latest = self.today - dt.timedelta(days=3)
        for item, date in zip(
            todo, self.dates(len(todo), jan1 + dt.timedelta(days=20), latest), strict=False
        ):
            if item.cadre_id in self.touched:
                continue
            appt = self.current(item.cadre)
            if appt is not None and appt.post_id == item.post_id:
                self.attempt(self.carry_out, appt, date)
        # Unplanned exchanges over the last twelve months, so every kind has a year's worth.
        start = self.today - dt.timedelta(days=365)
        extra = [
            (ExchangeKind.SECONDMENT, 10),
            (ExchangeKind.WITHIN_UNIT, 10),
            (ExchangeKind.TOWNSHIP_TO_CITY, 14),
            (ExchangeKind.CROSS_DEPARTMENT, 8),
            (ExchangeKind.CITY_TO_TOWNSHIP_HEAD, 4),
            (ExchangeKind.WEAK_TO_IMPORTANT, 3),
            ("secretary_to_head", 6),
        ]
        jobs = [k for k, n in extra for _ in range(n)]
        self.rng.shuffle(jobs)
        for kind, date in zip(jobs, self.dates(len(jobs), start, latest), strict=True):
            self.attempt(self.unplanned, kind, date)

    def unplanned(self, kind: str, date: dt.date) -> None:
        if kind == ExchangeKind.SECONDMENT:
            a = self.free_cadre_in(
                {
                    "post__organization__kind": OrgKind.CITY_ORGAN,
                    "post__is_leading": True,
                    "post__top_leader_kind": "",
                },
                max_start=date,
            )
            targets = self.posts(organization__kind=OrgKind.TOWNSHIP, is_leading=True, top_leader_kind="")
            if a is None or not targets:
                raise _Skip()
            end = dt.date(date.year + 2, date.month, min(date.day, 28))
            self.exchange(
                a.cadre, self.rng.choice(targets), kind, ExchangeReason.TRAINING, date, secondment_end=end
            )
        elif kind == ExchangeKind.WITHIN_UNIT:
            a = self.free_cadre_in(
                {"post__organization__kind": OrgKind.CITY_ORGAN, "post__is_middle_level": True},
                max_start=date,
            )
            if a is None:
                raise _Skip()
            self.carry_out(a, date)
        elif kind == ExchangeKind.TOWNSHIP_TO_CITY:
            a = self.free_cadre_in(
                {
                    "post__organization__kind": OrgKind.TOWNSHIP,
                    "post__is_leading": True,
                    "post__top_leader_kind": "",
                },
                max_start=date,
            )
            if a is None:
                raise _Skip()
            self.carry_out(a, date)
        elif kind == ExchangeKind.CROSS_DEPARTMENT:
            a = self.free_cadre_in(
                {
                    "post__organization__kind": OrgKind.CITY_ORGAN,
                    "post__is_leading": True,
                    "post__top_leader_kind": "",
                    "post__is_middle_level": False,
                },
                max_start=date,
            )
            if a is None:
                raise _Skip()
            self.carry_out(a, date)
        elif kind == ExchangeKind.CITY_TO_TOWNSHIP_HEAD:
            towns = self.posts(organization__kind=OrgKind.TOWNSHIP, top_leader_kind=TopLeaderKind.ADMIN)
            towns = [t for t in towns if (h := self.holder(t)) is not None and h.cadre_id not in self.touched]
            if not towns:
                raise _Skip()
            t = self.rng.choice(towns)
            self.vacate(t, date)
            before = self.counts[ExchangeKind.CITY_TO_TOWNSHIP_HEAD]
            self.fill_township_head(t, date)
            if self.counts[ExchangeKind.CITY_TO_TOWNSHIP_HEAD] == before:
                raise _Skip()
        elif kind == "secretary_to_head":
            a = (
                Appointment.objects.current(self.today)
                .filter(
                    post__organization__kind=OrgKind.TOWNSHIP,
                    post__top_leader_kind=TopLeaderKind.PARTY,
                    start_date__lt=date,
                )
                .exclude(cadre_id__in=self.touched)
                .select_related("cadre", "post", "post__organization")
                .order_by("start_date")
                .first()
            )
            if a is None:
                raise _Skip()
            self.carry_out(a, date)
        elif kind == ExchangeKind.WEAK_TO_IMPORTANT:
            heads = (
                Appointment.objects.current(self.today)
                .filter(
                    post__organization__kind=OrgKind.TOWNSHIP,
                    post__top_leader_kind=TopLeaderKind.ADMIN,
                    start_date__lt=date,
                )
                .exclude(cadre_id__in=self.touched)
            )
            a = self.pick(heads)
            if a is None:
                raise _Skip()
            self.carry_out(a, date)

    # --- second line ---------------------------------------------------------------------------
    def second_line(self) -> None:
        self.register_second_line()
        need = ESSAY3_TOTAL - SecondLineRecord.objects.count()
        if need > 0:
            candidates = list(
                Appointment.objects.current(self.today)
                .filter(is_secondment=False, post__is_leading=True, cadre__status=CadreStatus.ACTIVE)
                .exclude(cadre_id__in=self.touched)
                .select_related("cadre")
                .order_by("cadre__birth_date", "id")
            )
            seen = set()
            for a in candidates:
                if need <= 0:
                    break
                if a.cadre_id in seen or a.cadre.age(self.today) < 52:
                    continue
                seen.add(a.cadre_id)
                date = self.today - dt.timedelta(days=self.rng.randint(30, 1300))
                if self.attempt(self.to_second_line, a.cadre, date, a):
                    need -= 1
        self.utilisation()

    def register_second_line(self) -> None:
        """The records of the cadres already on the second line, written in one COPY: what
        `services.secondline_register` would write for each (its checks hold by construction:
        status 二线, no record yet; the former post is the last leading tenure's)."""
        waiting = list(
            Cadre.objects.filter(status=CadreStatus.SECOND_LINE).exclude(second_line__isnull=False)
        )
        ids = [c.pk for c in waiting]
        last_end: dict[int, dt.date | None] = {}
        former: dict[int, int] = {}
        for cadre_id, end, post_id, leading in (
            Appointment.objects.filter(cadre_id__in=ids)
            .order_by("cadre_id", "start_date", "id")
            .values_list("cadre_id", "end_date", "post_id", "post__is_leading")
        ):
            # the latest end (an open tenure counts as latest, as ORDER BY end_date DESC puts it)
            if cadre_id not in last_end or last_end[cadre_id] is not None:
                if end is None or cadre_id not in last_end or end > last_end[cadre_id]:
                    last_end[cadre_id] = end
            if leading:
                former[cadre_id] = post_id  # the last leading tenure by start date
        rows = []
        for cadre in waiting:
            end = last_end.get(cadre.pk)
            moved = end if end else self.today - dt.timedelta(days=self.rng.randint(200, 1400))
            rows.append(
                SecondLineRecord(
                    cadre=cadre,
                    former_post_id=former.get(cadre.pk),
                    moved_on=min(moved, self.today),
                    non_leading_title="二级调研员",
                )
            )
        copy_insert(SecondLineRecord, rows)

    def utilisation(self) -> None:
        records = list(SecondLineRecord.objects.select_related("cadre", "cadre__organization").order_by("id"))
        self.rng.shuffle(records)
        # Make sure the first township (the demo liaison's unit) has a few.
        first_town = Organization.objects.filter(kind=OrgKind.TOWNSHIP).order_by("sort_order", "id").first()
        records.sort(key=lambda r: 0 if first_town and r.cadre.organization_id == first_town.pk else 1)
        total = len(records)
        if not total:
            return
        plan = _scaled(total, ESSAY3, ESSAY3_TOTAL)
        willing = round(total * ESSAY3_WILLING / ESSAY3_TOTAL)
        city = Organization.objects.filter(parent__isnull=True).order_by("id").first()
        orgs = [r.cadre.organization for r in records]
        openings = {
            SecondLineRole.ENTERPRISE_HELP: services.opening_create(
                user=self.user,
                organization=city,
                role=SecondLineRole.ENTERPRISE_HELP,
                title="重点企业帮办服务专员",
                slots=max(plan["business_help"], 1),
                description="联系服务重点企业，协调解决生产经营难题",
            ),
            SecondLineRole.INVESTMENT: services.opening_create(
                user=self.user,
                organization=city,
                role=SecondLineRole.INVESTMENT,
                title="驻外专业招商小分队",
                slots=max(plan["investment"], 1),
                description="长三角、珠三角专业招商",
            ),
            SecondLineRole.INSPECTION: services.opening_create(
                user=self.user,
                organization=city,
                role=SecondLineRole.INSPECTION,
                title="市委市政府重点工作督查组",
                slots=6,
            ),
            SecondLineRole.RESEARCH: services.opening_create(
                user=self.user,
                organization=city,
                role=SecondLineRole.RESEARCH,
                title="重大决策调研组",
                slots=4,
            ),
        }
        for role, title in [
            (SecondLineRole.DEMOLITION, "城区征收拆迁协调"),
            (SecondLineRole.PETITIONS, "信访接待室接访"),
            (SecondLineRole.VILLAGE_SECRETARY, "软弱涣散村第一书记"),
            (SecondLineRole.PARTY_BUILDING, "非公企业党建指导员"),
            (SecondLineRole.MENTORING, "新录用公务员“一帮一”"),
        ]:
            org = self.rng.choice(orgs)
            openings[role] = services.opening_create(
                user=self.user, organization=org, role=role, title=title, slots=3
            )
        at_work_roles = [
            SecondLineRole.INSPECTION,
            SecondLineRole.MENTORING,
            SecondLineRole.RESEARCH,
            SecondLineRole.PETITIONS,
            SecondLineRole.PARTY_BUILDING,
            SecondLineRole.INSPECTION,
            SecondLineRole.MENTORING,
            SecondLineRole.RESEARCH,
            SecondLineRole.VILLAGE_SECRETARY,
            SecondLineRole.DEMOLITION,
        ]
        it = iter(records)
        buckets = {k: [next(it) for _ in range(v)] for k, v in plan.items()}
        utilised = buckets["at_work"] + buckets["business_help"] + buckets["investment"]
        willing_left = willing - len(utilised)
        for r in utilised:
            self.prefs(r, True, WorkStatus.AT_WORK)
        self.write_prefs()
        for i, r in enumerate(buckets["business_help"]):
            self.assign(r, openings[SecondLineRole.ENTERPRISE_HELP], i)
        self.write_assignments()
        for i, r in enumerate(buckets["investment"]):
            self.assign(r, openings[SecondLineRole.INVESTMENT], i)
        self.write_assignments()
        for i, r in enumerate(buckets["at_work"][: len(at_work_roles)]):
            role = at_work_roles[i]
            self.assign(r, openings[role], i)
        for n, r in enumerate(buckets["idle"]):
            self.prefs(r, n < willing_left, WorkStatus.IDLE)
        retiring = max(1, len(buckets["other"]) // 3)
        for n, r in enumerate(buckets["other"]):
            if n < retiring:
                self.prefs(r, False, WorkStatus.OTHER, "年龄偏大，身体欠佳")
            else:
                self.prefs(
                    r, False, WorkStatus.OTHER, self.rng.choice(["病休", "长期病假", "照顾家人，已请长假"])
                )
        self.write_prefs()
        for n, r in enumerate(buckets["other"]):
            if n < retiring:
                approved = self.today - dt.timedelta(days=self.rng.randint(40, 200))
                services.secondline_early_retire(
                    user=self.user,
                    record=r,
                    retirement_date=max(approved + dt.timedelta(days=10), r.moved_on),
                    approved_on=approved,
                    approval=f"市委组〔{approved.year}〕{self.rng.randint(20, 90)}号",
                )
                self.counts["early_retired"] += 1
        # Proposals waiting on the board: willing idle cadres with one side or both agreed.
        for n, r in enumerate([r for r in buckets["idle"][:willing_left]][:8]):
            role = r.preferred_roles[0] if r.preferred_roles else SecondLineRole.INSPECTION
            op = openings.get(role)
            kw = (
                {"opening": op}
                if op and role != SecondLineRole.MENTORING
                else {"role": role if role != SecondLineRole.MENTORING else SecondLineRole.RESEARCH}
            )
            self.attempt(
                lambda r=r, kw=kw, n=n: services.assignment_propose(
                    user=self.user, cadre=r.cadre, cadre_agreed=True, unit_agreed=n % 2 == 0, **kw
                )
            )
            self.counts["proposals"] += 1
        self.leave_and_attendance(buckets)

    def prefs(self, r, willing, work, health=""):
        roles = (
            self.rng.sample([c for c, _l in SecondLineRole.choices if c != "other"], self.rng.randint(1, 3))
            if willing
            else []
        )
        # What services.secondline_update(willing_to_serve=…, preferred_roles=…, work_status=…,
        # health_note=…) would write, kept for one UPDATE (write_prefs); `r` itself is left as
        # read, as the service left it.
        row = copy.copy(r)
        row.willing_to_serve, row.preferred_roles, row.work_status = willing, roles, work
        row.health_note = health
        row.full_clean(exclude=["cadre", "former_post"], validate_unique=False)
        self._prefs.append(row)

    def write_prefs(self) -> None:
        copy_update(
            SecondLineRecord,
            self._prefs,
            ["willing_to_serve", "preferred_roles", "work_status", "health_note"],
        )
        self._prefs = []

    def assign(self, r, opening, i):
        if i >= SHOWCASE and opening.role != SecondLineRole.MENTORING:
            start = max(r.moved_on, self.today - dt.timedelta(days=self.rng.randint(20, 400)))
            self._assignments.append((r, opening, start))
            return
        mentees = []
        if opening.role == SecondLineRole.MENTORING:
            mentees = list(
                Cadre.objects.filter(
                    organization_id=r.cadre.organization_id, status=CadreStatus.ACTIVE
                ).order_by("-birth_date")[:2]
            )
            if not mentees:
                return
        a = services.assignment_propose(
            user=self.user,
            cadre=r.cadre,
            opening=opening,
            cadre_agreed=True,
            unit_agreed=True,
            mentees=mentees,
        )
        start = max(r.moved_on, self.today - dt.timedelta(days=self.rng.randint(20, 400)))
        services.assignment_confirm(user=self.user, assignment=a, start_date=start)
        self.counts["assignments"] += 1

    def write_assignments(self) -> None:
        """What `services.assignment_propose` (both sides agreed, an opening, no mentees) then
        `services.assignment_confirm` write for each waiting assignment: the proposals in one
        COPY, their confirmation in one UPDATE (an insert and an update event each, as through
        the services). Their checks hold by construction (an active second-line record with no
        other assignment, an open opening whose slots were sized for its bucket; the seeding
        user is whole-city staff) and are asserted here, the slots once per opening."""
        waiting, self._assignments = self._assignments, []
        if not waiting:
            return
        taken = defaultdict(int)
        for r, opening, _start in waiting:
            if r.status != SecondLineStatus.ACTIVE or r.cadre.status != CadreStatus.SECOND_LINE:
                raise ValidationError(
                    {"cadre": f"{r.cadre.name}不是在岗的二线干部，不能安排二线干部工作岗位。"}
                )
            taken[opening.pk] += 1
        for opening in {o.pk: o for _r, o, _s in waiting}.values():
            confirmed = opening.assignments.filter(status=AssignmentStatus.CONFIRMED).count()
            if not opening.is_open or confirmed + taken[opening.pk] > opening.slots:
                raise ValidationError({"opening": f"“{opening.title}”的 {opening.slots} 个名额已满。"})
        ids = copy_rows(
            Assignment,
            ["record_id", "opening_id", "role", "organization_id", "cadre_agreed", "unit_agreed"],
            [(r.pk, o.pk, o.role, o.organization_id, True, True) for r, o, _s in waiting],
        )
        now = timezone.now()
        confirmed = []
        for pk, (_r, _o, start) in zip(ids, waiting, strict=True):
            a = Assignment(pk=pk, status=AssignmentStatus.CONFIRMED, start_date=start, confirmed_at=now)
            a.confirmed_by_id = self.user.pk
            confirmed.append(a)
        copy_update(Assignment, confirmed, ["status", "start_date", "confirmed_by", "confirmed_at"])
        self.counts["assignments"] += len(waiting)

    def leave_and_attendance(self, buckets) -> None:
        User = get_user_model()
        liaison = User.objects.filter(username="zhuanguanyuan").first()
        workers = buckets["at_work"] + buckets["business_help"] + buckets["investment"] + buckets["idle"][:10]
        for n, r in enumerate(workers[:28]):
            start = self.today - dt.timedelta(days=self.rng.randint(2, 120))
            if n % 7 == 0:
                start = self.today + dt.timedelta(days=self.rng.randint(2, 20))
            end = start + dt.timedelta(days=self.rng.randint(0, 6))
            requester = (
                liaison
                if liaison and selectors.has_org_perm(liaison, "manage_secondline", r.cadre.organization_id)
                else self.user
            )
            lv = services.leave_request_create(
                user=requester,
                record=r,
                start_date=start,
                end_date=end,
                reason=self.rng.choice(["就医", "探亲", "子女婚事", "处理家事", "体检"]),
                kind=self.rng.choice([LeaveKind.PERSONAL, LeaveKind.SICK, LeaveKind.ANNUAL]),
            )
            self.counts["leave"] += 1
            if n % 7 == 0 or n % 9 == 4:
                continue  # pending: waiting for the unit head
            if n % 11 == 5:
                services.leave_decide(user=self.user, leave=lv, approve=False, note="工作任务重，请调整时间")
                continue
            services.leave_decide(user=self.user, leave=lv, approve=True, note="同意")
            if end < self.today and n % 6 != 3:  # a few never registered their return (逾期未销假)
                services.leave_return(
                    user=self.user, leave=lv, returned_on=min(end + dt.timedelta(days=1), self.today)
                )
        for r in buckets["idle"][-6:]:
            for k in range(self.rng.randint(1, 3)):
                day = self.today - dt.timedelta(days=self.rng.randint(1, 60) + k)
                self.attempt(
                    lambda r=r, day=day: services.absence_record(
                        user=self.user, record=r, date=day, note="未请假未到岗"
                    )
                )
                self.counts["absences"] += 1
        grades = (
            [AssessmentGrade.EXCELLENT] * 3
            + [AssessmentGrade.COMPETENT] * 14
            + [AssessmentGrade.BASIC] * 2
            + [AssessmentGrade.INCOMPETENT]
        )
        year = self.today.year - 1
        # A cadre whose year is recorded already (the dossier seeder records three years for
        # every cadre) is left out: the service would refuse it.
        recorded = AnnualAssessment.objects.filter(year=year).values("cadre_id")
        for r in (
            SecondLineRecord.objects.filter(moved_on__year__lte=year)
            .exclude(cadre_id__in=recorded)
            .select_related("cadre")
        ):
            idle = r.work_status == WorkStatus.IDLE
            g = self.rng.choice(
                grades
                if not idle
                else [AssessmentGrade.COMPETENT] * 3
                + [AssessmentGrade.BASIC] * 2
                + [AssessmentGrade.INCOMPETENT]
            )
            self.attempt(
                lambda r=r, g=g: services.assessment_record(user=self.user, record=r, year=year, grade=g)
            )


def seed_demo(*, today, rng, stdout):
    user = _user()
    if user is None:
        stdout.write("rotations: no zuzhibu/superuser account, skipped\n")
        return
    if Exchange.objects.exists() or RotationPlan.objects.exists() or SecondLineRecord.objects.exists():
        stdout.write("rotations: demo data already present, skipped\n")
        return
    import pghistory

    s = Seeder(today=today, rng=rng, stdout=stdout, user=user)
    with pghistory.context(username=user.get_username(), command="seed_demo"):
        s.plans_and_exchanges()
        s.second_line()
    stdout.write(f"rotations: {dict(s.counts)}\n")
    stdout.write(f"rotations: figures {report()}\n")


def report() -> dict:
    """The headline figures (also printed after seeding)."""
    figures = selectors.exchange_figures(Exchange.objects.all())
    table = selectors.utilisation_table(SecondLineRecord.objects.all())
    rows = selectors.execution_by_org(user=SYSTEM, year=dt.date.today().year)
    return {
        "exchanges_by_kind": {k["kind"]: k["total"] for k in figures["kinds"]},
        "exchanges_by_year": dict(zip(figures["years"], figures["totals_by_year"], strict=True)),
        "township_secretaries_to_city_heads": figures["township_secretaries_to_city_heads"],
        "city_cadres_to_township_heads": figures["city_cadres_to_township_heads"],
        "plan_rates": [(r.organization.name, r.planned, r.done, r.plan_rate) for r in rows if r.plan],
        "second_line": {
            **dict(table["total"]["counts"]),
            "total": table["total"]["n"],
            "willing": table["total"]["willing"],
            "rate": table["total"]["rate"],
        },
        "due_now": len(selectors.due_items(user=SYSTEM)),
    }
