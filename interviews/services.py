"""Writes of the interviews app. Keyword-only, atomic; every write re-checks scope.

- The yearly plan: `plan_refresh(year=…, cadre_ids=…)` gives every cadre its required talks
  (rule 3: category, responsible role and person, due dates) and keeps them current when a
  post, a status or the assignment table changes. Done talks are never rewritten.
- Special-topic talks: `special_talk_raise` (events and by hand).
- Records: `record_create` / `record_update` / `record_delete`; which required talk a
  record fulfils is derived by `fulfilment_sync`, never picked by hand.
- Follow-ups, attachments, the assignment table.

Domain events this app listens to (see apps.py; types in cadre_supervision/events.py):
AppointmentCreated / AppointmentEnded / CadreStatusChanged (plan recomputed; a new appointment
makes a job-change talk due), AuditCreated, AssessmentRecorded, SecondLineMoved and
TeamChanged (special-topic talks due).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from cadre_supervision import events
from cadre_supervision.models import Notification
from cadre_supervision.notifications import ReminderSpec, notify
from cadre_supervision.people import display_name
from cadre_supervision.permissions import ensure_can, ensure_org_perm, has_org_perm
from cadres.choices import CadreStatus
from cadres.models import Appointment, Cadre, Organization

from . import policies, rules
from .choices import (
    DISCIPLINE_KINDS,
    REQUIRED_KINDS,
    TASK_KINDS,
    InterviewerRole,
    InterviewKind,
    ReminderKind,
    SpecialTrigger,
)
from .models import (
    FollowUp,
    InterviewAssignment,
    InterviewAttachment,
    InterviewParticipant,
    InterviewRecord,
    RequiredTalk,
)

User = get_user_model()

# --- profiles and the assignment table ------------------------------------------------------------


def assignment_refs() -> rules.AssignmentIndex:
    """The active assignment table, flattened and indexed (one query)."""
    return rules.AssignmentIndex(
        rules.AssignmentRef(id=pk, role=role, user_id=uid, org_path=path, line_role=line)
        for pk, role, uid, path, line in InterviewAssignment.objects.active()
        .filter(user__is_active=True)
        .values_list("id", "role", "user_id", "organization__path", "line_role")
    )


@dataclass(frozen=True)
class CadreFacts:
    cadre_id: int
    user_id: int | None
    profile: rules.CadreProfile
    org_path: str
    organization_id: int


@dataclass(frozen=True)
class _Seat:
    """A current appointment, flattened (what rule 3 needs of it)."""

    start_date: dt.date
    is_secondment: bool
    top_leader_kind: str
    is_leading: bool
    line_role: str
    org_id: int
    org_kind: str
    org_path: str


def _facts(
    cadre_id: int,
    user_id: int | None,
    status: str,
    level: str,
    org: tuple[int, str, str],
    seats: Sequence[_Seat],
) -> CadreFacts:
    main = [a for a in seats if not a.is_secondment] or list(seats)
    primary = (
        min(main, key=lambda a: (not a.top_leader_kind, not a.is_leading, a.start_date)) if main else None
    )
    org_id, org_kind, org_path = (primary.org_id, primary.org_kind, primary.org_path) if primary else org
    profile = rules.CadreProfile(
        org_kind=org_kind,
        status=status,
        is_top_leader=any(a.top_leader_kind for a in seats),
        is_leading=any(a.is_leading for a in seats),
        line_role=next((a.line_role for a in seats if a.line_role), ""),
        management_level=level,
    )
    return CadreFacts(cadre_id, user_id, profile, org_path, org_id)


def cadre_facts(cadre_qs, today: dt.date) -> dict[int, CadreFacts]:
    """Facts of many cadres in two queries (cadres with organization; current appointments),
    read as tuples: this runs over the whole city on every sweep."""
    cadres = list(
        cadre_qs.values_list(
            "id",
            "user_id",
            "status",
            "management_level",
            "organization_id",
            "organization__kind",
            "organization__path",
        )
    )
    seats: dict[int, list[_Seat]] = defaultdict(list)
    ids = [c[0] for c in cadres]
    for i in range(0, len(ids), 5000):
        for cid, *rest in (
            Appointment.objects.current(today)
            .filter(cadre_id__in=ids[i : i + 5000])
            .values_list(
                "cadre_id",
                "start_date",
                "is_secondment",
                "post__top_leader_kind",
                "post__is_leading",
                "post__line_role",
                "post__organization_id",
                "post__organization__kind",
                "post__organization__path",
            )
        ):
            seats[cid].append(_Seat(*rest))
    return {
        cid: _facts(cid, uid, status, level, (oid, kind, path), seats.get(cid, ()))
        for cid, uid, status, level, oid, kind, path in cadres
    }


def facts_for(cadre: Cadre, today: dt.date | None = None) -> CadreFacts:
    today = today or timezone.localdate()
    return cadre_facts(Cadre.objects.filter(pk=cadre.pk), today)[cadre.pk]


@dataclass(frozen=True)
class Responsibility:
    category: str | None
    role: str
    user_id: int | None

    @property
    def exempt(self) -> bool:
        return self.category is None


def responsibility(facts: CadreFacts, refs: rules.AssignmentIndex) -> Responsibility:
    category = rules.classify(facts.profile)
    role, found = rules.resolve(
        category, facts.org_path, facts.profile.line_role, refs, exclude_user_id=facts.user_id
    )
    return Responsibility(category, role, found.user_id if found else None)


# --- the plan --------------------------------------------------------------------------------------


@dataclass
class PlanResult:
    cadres: int = 0
    created: int = 0
    updated: int = 0
    cancelled: int = 0
    gaps: int = 0
    created_ids: list[int] = field(default_factory=list)


PLAN_FIELDS = ["due_date", "category", "interviewer_role", "responsible", "cancelled_at", "cancel_reason"]


def values_update(model, objs: Sequence, fields: Sequence[str], *, batch_size: int = 2000) -> int:
    """UPDATE … FROM (VALUES …): many rows with different values in one statement per batch.

    Django's bulk_update() builds one CASE WHEN per row and field, which PostgreSQL evaluates
    row by row (seconds per thousand rows); a VALUES join is linear. Database triggers (the
    change history) fire as for any UPDATE.
    """
    if not objs:
        return 0
    cols = [model._meta.get_field(f) for f in fields]
    qn = connection.ops.quote_name
    table = qn(model._meta.db_table)
    names = ", ".join(qn(c.column) for c in cols)
    sets = ", ".join(f"{qn(c.column)} = v.{qn(c.column)}::{c.db_type(connection)}" for c in cols)
    done = 0
    with connection.cursor() as cursor:
        for i in range(0, len(objs), batch_size):
            chunk = objs[i : i + batch_size]
            row = "(" + ", ".join(["%s"] * (len(cols) + 1)) + ")"
            params: list = []
            for o in chunk:
                params.append(o.pk)
                params += [c.get_db_prep_save(getattr(o, c.attname), connection) for c in cols]
            cursor.execute(
                f"UPDATE {table} AS t SET {sets} FROM (VALUES {', '.join([row] * len(chunk))}) "
                f"AS v(id, {names}) WHERE t.id = v.id::bigint",
                params,
            )
            done += cursor.rowcount
    return done


def _apply(talk: RequiredTalk, **values) -> bool:
    changed = False
    for k, v in values.items():
        attr = "responsible_id" if k == "responsible" else k
        if getattr(talk, attr) != v:
            setattr(talk, attr, v)
            changed = True
    return changed


def plan_refresh(
    *, year: int, today: dt.date | None = None, cadre_ids: Iterable[int] | None = None
) -> PlanResult:
    """Bring the required talks of `year` (and open special-topic talks) in line with rule 3.

    Idempotent; a bounded number of queries whatever the number of cadres. New talks are
    inserted with ON CONFLICT DO NOTHING, so two refreshes at once do not duplicate.
    """
    today = today or timezone.localdate()
    pol = policies.current()
    refs = assignment_refs()
    live_status = [CadreStatus.ACTIVE, CadreStatus.SECOND_LINE]
    if cadre_ids is None:
        with_open = RequiredTalk.objects.open().filter(
            Q(year__lte=year) | Q(kind=InterviewKind.SPECIAL_TOPIC)
        )
        cadre_qs = Cadre.objects.filter(Q(status__in=live_status) | Q(pk__in=with_open.values("cadre_id")))
        talk_filter: dict[str, Any] = {}
    else:
        ids = list(cadre_ids)
        cadre_qs = Cadre.objects.filter(pk__in=ids)
        talk_filter = {"cadre_id__in": ids}
    facts = cadre_facts(cadre_qs, today)
    routine: dict[int, dict[int, RequiredTalk]] = defaultdict(dict)
    for t in RequiredTalk.objects.filter(year=year, kind=InterviewKind.ROUTINE, **talk_filter):
        routine[t.cadre_id][t.seq] = t
    # Other open talks follow the cadre too: special-topic ones, and overdue ones of past years.
    others: dict[int, list[RequiredTalk]] = defaultdict(list)
    for t in RequiredTalk.objects.open().filter(
        Q(kind=InterviewKind.SPECIAL_TOPIC) | Q(kind=InterviewKind.ROUTINE, year__lt=year), **talk_filter
    ):
        others[t.cadre_id].append(t)

    result = PlanResult(cadres=len(facts))
    new: list[RequiredTalk] = []
    changed: list[RequiredTalk] = []
    now = timezone.now()
    for cadre_id, f in facts.items():
        resp = responsibility(f, refs)
        n = rules.talks_per_year(resp.category, top_leader=pol.talks_top_leader, other=pol.talks_other)
        dues = rules.plan_due_dates(year, n)
        if dues and resp.user_id is None:
            result.gaps += 1
        existing = routine.get(cadre_id, {})
        for seq, due in enumerate(dues, start=1):
            t = existing.get(seq)
            if t is None:
                new.append(
                    RequiredTalk(
                        cadre_id=cadre_id,
                        year=year,
                        kind=InterviewKind.ROUTINE,
                        seq=seq,
                        due_date=due,
                        category=resp.category,
                        interviewer_role=resp.role,
                        responsible_id=resp.user_id,
                    )
                )
            elif t.done_on is None and _apply(
                t,
                due_date=due,
                category=resp.category,
                interviewer_role=resp.role,
                responsible=resp.user_id,
                cancelled_at=None,
                cancel_reason="",
            ):
                changed.append(t)
        reason = "干部已退休、调出或不在谈话范围" if resp.exempt else "年度应谈次数调整"
        for seq, t in existing.items():
            if seq > len(dues) and t.done_on is None and t.cancelled_at is None:
                _apply(t, cancelled_at=now, cancel_reason=reason)
                changed.append(t)
                result.cancelled += 1
        for t in others.get(cadre_id, []):
            if resp.exempt:
                _apply(t, cancelled_at=now, cancel_reason=reason)
                changed.append(t)
                result.cancelled += 1
            elif _apply(t, category=resp.category, interviewer_role=resp.role, responsible=resp.user_id):
                changed.append(t)
    if new:
        created = RequiredTalk.objects.bulk_create(new, batch_size=1000, ignore_conflicts=True)
        result.created = len(created)
    if changed:
        unique = list({t.pk: t for t in changed}.values())
        values_update(RequiredTalk, unique, PLAN_FIELDS)
        result.updated = len(unique)
    return result


def plan_refresh_for_cadre(cadre: Cadre | int, *, today: dt.date | None = None) -> PlanResult:
    today = today or timezone.localdate()
    return plan_refresh(year=today.year, today=today, cadre_ids=[getattr(cadre, "pk", cadre)])


# --- special-topic talks -----------------------------------------------------------------------------


def _talk_url(talk: RequiredTalk) -> str:
    from django.urls import reverse

    return reverse("interviews:record_create") + f"?task={talk.pk}"


def special_talk_raise(
    *,
    user,
    cadre: Cadre,
    trigger: str,
    trigger_date: dt.date,
    note: str = "",
    source_type: str = "",
    source_id: str = "",
    today: dt.date | None = None,
) -> RequiredTalk | None:
    """Make a special-topic talk due (by an event when `user` is None, or by hand).

    Returns None when the cadre needs no talks (retired, left) or when this event already
    raised one (unique per cadre, trigger and source).
    """
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    if trigger not in SpecialTrigger.values:
        errors["trigger"] = "请选择专题谈话事由。"
    if trigger_date is None:
        errors["trigger_date"] = "请填写事由发生日期。"
    elif trigger_date > today:
        errors["trigger_date"] = "事由发生日期不能晚于今天。"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if user is not None:
            _ensure_may_raise(user, cadre)
        f = facts_for(cadre, today)
        resp = responsibility(f, assignment_refs())
        if resp.exempt:
            if user is not None:
                raise ValidationError({"cadre": "该干部已退休、调出或不在谈心谈话范围内，无需专题谈话。"})
            return None
        pol = policies.current()
        due = rules.special_due_date(trigger_date, pol.special_due_days)
        talk = RequiredTalk(
            cadre=cadre,
            year=due.year,
            kind=InterviewKind.SPECIAL_TOPIC,
            trigger=trigger,
            trigger_date=trigger_date,
            source_type=source_type,
            source_id=str(source_id or ""),
            due_date=due,
            category=resp.category,
            interviewer_role=resp.role,
            responsible_id=resp.user_id,
            note=note,
            created_by=user,
        )
        if source_id:
            # Once per (cadre, trigger, source): a repeated or concurrent event changes nothing.
            if RequiredTalk.objects.filter(
                cadre=cadre,
                kind=InterviewKind.SPECIAL_TOPIC,
                trigger=trigger,
                source_type=source_type,
                source_id=str(source_id),
            ).exists():
                return None
            try:
                with transaction.atomic():
                    talk.save()
            except IntegrityError:
                return None
        else:
            talk.save()
        fulfilment_sync(cadre.pk)
        talk.refresh_from_db()
        if talk.responsible_id and talk.done_on is None:
            notify(
                [
                    ReminderSpec(
                        recipient_id=talk.responsible_id,
                        kind=ReminderKind.ASSIGNED,
                        period="",
                        title=f"新的专题谈话任务：{cadre.name}（{talk.get_trigger_display()}）",
                        body=f"请于 {talk.due_date:%Y-%m-%d} 前与{cadre.name}开展专题谈心谈话。{note}".strip(),
                        url=_talk_url(talk),
                        object_type="interviews.requiredtalk",
                        object_id=str(talk.pk),
                    )
                ]
            )
            _enqueue_delivery()
        return talk


def _enqueue_delivery() -> None:
    from cadre_supervision.tasks import deliver_pending, enqueue

    enqueue(deliver_pending)


def _ensure_may_raise(user, cadre: Cadre) -> None:
    if has_org_perm(user, "manage_interviews", cadre.organization_id):
        return
    if RequiredTalk.objects.live().filter(cadre=cadre, responsible=user).exists():
        return
    raise PermissionDenied("您无权为该干部发起专题谈话。")


@transaction.atomic
def required_talk_cancel(*, user, talk: RequiredTalk, reason: str) -> RequiredTalk:
    talk = RequiredTalk.objects.select_for_update().get(pk=talk.pk)
    ensure_can(user, talk, "change")
    if not (reason or "").strip():
        raise ValidationError({"reason": "请填写取消原因。"})
    if talk.done_on:
        raise ValidationError({"reason": "该谈话任务已完成，不能取消。"})
    if talk.kind == InterviewKind.ROUTINE:
        raise ValidationError({"reason": "年度计划内的谈心谈话不能手工取消；如岗位变动，计划会自动调整。"})
    talk.cancelled_at = timezone.now()
    talk.cancel_reason = reason.strip()[:200]
    talk.save(update_fields=["cancelled_at", "cancel_reason", "updated_at"])
    return talk


# --- fulfilment (derived) ----------------------------------------------------------------------------


def fulfilment_sync(cadre_id: int) -> int:
    """Derive which record fulfils which required talk of one cadre (see fulfilment_sync_many)."""
    return fulfilment_sync_many([cadre_id])


def fulfilment_sync_many(cadre_ids: Iterable[int]) -> int:
    """Derive which record fulfils which required talk; returns the number of talks changed.

    The rule is `rules.match_fulfilment`: a record logged from a task fulfils exactly that
    task (late when dated after its due date); other routine records fulfil their own year's
    routine talks in due order; other special-topic records fulfil special-topic talks in
    trigger order. Cancelled talks are fulfilled by nothing. A fixed number of queries however
    many cadres are given.
    """
    ids = sorted(set(cadre_ids))
    if not ids:
        return 0
    talks_by: dict[int, list[RequiredTalk]] = defaultdict(list)
    for t in (
        RequiredTalk.objects.select_for_update()
        .filter(cadre_id__in=ids)
        .order_by("cadre_id", "due_date", "seq", "id")
        .only(
            "id",
            "cadre_id",
            "year",
            "kind",
            "seq",
            "due_date",
            "trigger_date",
            "cancelled_at",
            "fulfilled_by_id",
            "done_on",
        )
    ):
        talks_by[t.cadre_id].append(t)
    records_by: dict[int, list[rules.RecordRef]] = defaultdict(list)
    for rid, cid, kind, date, task_id in (
        InterviewRecord.objects.filter(interviewee_id__in=ids, kind__in=TASK_KINDS)
        .order_by("date", "id")
        .values_list("id", "interviewee_id", "kind", "date", "task_id")
    ):
        records_by[cid].append(rules.RecordRef(rid, kind, date, task_id))
    changed: list[RequiredTalk] = []
    for cid, talks in talks_by.items():
        refs = [
            rules.TalkRef(t.pk, t.kind, t.year, t.due_date, t.trigger_date, t.cancelled_at is not None)
            for t in talks
        ]
        wanted = rules.match_fulfilment(refs, records_by.get(cid, []))
        for t in talks:
            if (t.fulfilled_by_id, t.done_on) != wanted[t.pk]:
                t.fulfilled_by_id, t.done_on = wanted[t.pk]
                changed.append(t)
    if not changed:
        return 0
    # Two passes keep the one-to-one constraint satisfied while records move between talks.
    RequiredTalk.objects.filter(pk__in=[t.pk for t in changed]).update(fulfilled_by=None, done_on=None)
    values_update(RequiredTalk, [t for t in changed if t.fulfilled_by_id], ["fulfilled_by", "done_on"])
    done_ids = [str(t.pk) for t in changed if t.done_on]
    if done_ids:
        # A reminder stops once its talk is logged: earlier reminders of it are settled.
        Notification.objects.filter(
            object_type="interviews.requiredtalk", object_id__in=done_ids, read_at__isnull=True
        ).update(read_at=timezone.now())
    return len(changed)


# --- who may talk ------------------------------------------------------------------------------------


def allowed_interviewer_ids(cadre: Cadre, kind: str, candidate_ids: Iterable[int]) -> set[int]:
    """Which of `candidate_ids` may conduct a talk of `kind` with `cadre`."""
    candidates = set(candidate_ids)
    if not candidates:
        return set()
    f = facts_for(cadre)
    refs = assignment_refs()
    allowed: set[int] = set()
    if kind in REQUIRED_KINDS:
        category = rules.classify(f.profile)
        for role in rules.interviewer_roles(category):
            allowed |= {a.user_id for a in rules.covering(role, f.org_path, f.profile.line_role, refs)}
        allowed |= set(
            RequiredTalk.objects.live()
            .filter(cadre=cadre, responsible__isnull=False)
            .values_list("responsible_id", flat=True)
        )
    else:
        # Organizational, pre-appointment, reminder talks, admonishments, written inquiries:
        # any leader of the assignment table over the unit, org-department staff in scope and,
        # for admonishments and written inquiries, discipline officers in scope.
        allowed |= {a.user_id for a in refs if f.org_path.startswith(a.org_path)}
        for user in User.objects.filter(pk__in=candidates - allowed, is_active=True):
            if has_org_perm(user, "manage_interviews", f.organization_id) or (
                kind in DISCIPLINE_KINDS
                and has_org_perm(user, "view_discipline_interviews", f.organization_id)
            ):
                allowed.add(user.pk)
    allowed.discard(cadre.user_id)
    return candidates & allowed


# --- records -----------------------------------------------------------------------------------------

RECORD_FIELDS = (
    "kind",
    "trigger",
    "date",
    "place",
    "topics",
    "summary",
    "stated_issues",
    "reply",
    "reply_date",
)


def _user_label(u) -> str:
    return display_name(u)


def _check_attachments(files: Sequence, max_mb: int) -> list[str]:
    return [
        msg
        for f in files
        if (msg := rules.attachment_error(getattr(f, "name", ""), getattr(f, "size", 0) or 0, max_mb=max_mb))
    ]


def _validate_record(
    *,
    user,
    interviewee: Cadre | None,
    interviewers: Sequence,
    data: dict,
    follow_ups: Sequence[dict],
    attachments: Sequence,
    today: dt.date,
    task: RequiredTalk | None = None,
    record: InterviewRecord | None = None,
) -> None:
    errors: dict[str, list[str]] = defaultdict(list)
    kind = data.get("kind")
    if task is not None:
        for k, v in _task_errors(task, interviewee, kind or "", data.get("date"), record).items():
            errors[k].append(v)
    if kind not in InterviewKind.values:
        errors["kind"].append("请选择谈话类型。")
    if interviewee is None:
        errors["interviewee"].append("请选择谈话对象。")
    if not (data.get("summary") or "").strip():
        errors["summary"].append("请填写谈话内容摘要。")
    if data.get("trigger") and kind != InterviewKind.SPECIAL_TOPIC:
        errors["trigger"].append("只有专题谈心谈话需要选择事由。")
    if (data.get("reply") or "").strip() and kind != InterviewKind.WRITTEN_INQUIRY:
        errors["reply"].append("只有函询需要填写回复内容。")
    for fu in follow_ups:
        if not (fu.get("action") or "").strip() or not (fu.get("owner_name") or "").strip():
            errors["follow_ups"].append("每项后续措施都要写明措施内容和责任人。")
            break
    for k, v in rules.record_errors(
        kind=kind or "",
        date=data.get("date"),
        today=today,
        reply_date=data.get("reply_date"),
        follow_up_dues=[fu.get("due_date") for fu in follow_ups],
    ).items():
        errors[k].append(v)
    if attachments:
        errors["attachments"].extend(_check_attachments(attachments, policies.current().attachment_max_mb))
    if not interviewers:
        errors["interviewers"].append("请至少选择一名谈话人。")
    elif interviewee is not None and kind in InterviewKind.values:
        ids = {u.pk for u in interviewers}
        if interviewee.user_id in ids:
            errors["interviewers"].append("谈话人不能是谈话对象本人。")
        ok = allowed_interviewer_ids(interviewee, kind, ids)
        for u in interviewers:
            if u.pk not in ok and u.pk != interviewee.user_id:
                errors["interviewers"].append(
                    f"{_user_label(u)}不是{interviewee.name}的谈话责任人，无权开展{InterviewKind(kind).label}。"
                )
    errors = {k: v for k, v in errors.items() if v}
    if errors:
        raise ValidationError(errors)


def _task_errors(
    task: RequiredTalk, interviewee: Cadre | None, kind: str, date, record: InterviewRecord | None
) -> dict[str, str]:
    """Can a record (new, or `record`) of this interviewee, kind and date fulfil `task`?"""
    if interviewee is not None and task.cadre_id != interviewee.pk:
        return {"task": "该谈话任务不属于所选谈话对象。"}
    if task.cancelled_at is not None and record is None:
        return {"task": "该谈话任务已取消。"}
    if task.fulfilled_by_id and (record is None or task.fulfilled_by_id != record.pk):
        return {"task": "该谈话任务已由其他谈话记录完成。"}
    msg = rules.task_link_error(
        talk_kind=task.kind, talk_year=task.year, trigger_date=task.trigger_date, kind=kind, date=date
    )
    if msg:
        return {"kind" if "类型" in msg else "date": msg}
    return {}


def _visible_task(user, task) -> RequiredTalk | None:
    """The task a record is logged from, looked up in the caller's scope (locked). A task the
    caller cannot see gets the same answer as a task that does not exist."""
    if task is None:
        return None
    pk = getattr(task, "pk", task)
    found = (
        RequiredTalk.objects.restrict(user, "view").filter(pk=pk).values_list("pk", flat=True).first()
        if str(pk).isdigit()
        else None
    )
    if found is None:
        raise ValidationError({"task": "谈话任务不存在。"})
    return RequiredTalk.objects.select_for_update().get(pk=found)


def _ensure_may_record(user, interviewee: Cadre, interviewers: Sequence) -> None:
    if any(u.pk == user.pk for u in interviewers):
        return
    if has_org_perm(user, "manage_interviews", interviewee.organization_id):
        return
    raise PermissionDenied("您只能登记本人参加的谈话，或在您管理的单位范围内代为登记。")


def _save_follow_ups(record: InterviewRecord, follow_ups: Sequence[dict]) -> None:
    FollowUp.objects.bulk_create(
        [
            FollowUp(
                record=record,
                action=fu["action"].strip()[:300],
                owner_name=fu["owner_name"].strip()[:50],
                owner=fu.get("owner"),
                due_date=fu["due_date"],
            )
            for fu in follow_ups
        ]
    )


def _save_attachments(user, record: InterviewRecord, files: Sequence) -> None:
    for f in files:
        InterviewAttachment.objects.create(
            record=record, file=f, name=f.name[:200], size=f.size, uploaded_by=user
        )


@transaction.atomic
def record_create(
    *,
    user,
    interviewee: Cadre,
    interviewers: Sequence,
    kind: str,
    date: dt.date,
    summary: str,
    place: str = "",
    topics: str = "",
    stated_issues: str = "",
    reply: str = "",
    reply_date: dt.date | None = None,
    trigger: str = "",
    follow_ups: Sequence[dict] = (),
    attachments: Sequence = (),
    task: RequiredTalk | int | None = None,
) -> InterviewRecord:
    """Log a talk. Logged from a task (`task`), the record fulfils exactly that task, also a
    past-year one (a late talk, 逾期补谈); otherwise the fulfilment is derived by date."""
    today = timezone.localdate()
    interviewers = list(dict.fromkeys(interviewers))
    data = {
        "kind": kind,
        "trigger": trigger or "",
        "date": date,
        "place": place or "",
        "topics": topics or "",
        "summary": summary or "",
        "stated_issues": stated_issues or "",
        "reply": reply or "",
        "reply_date": reply_date,
    }
    if interviewee is not None:
        _ensure_may_record(user, interviewee, interviewers)
        # Lock the interviewee's talks so two records logged at once are matched one by one.
        Cadre.objects.select_for_update().filter(pk=interviewee.pk).first()
    task = _visible_task(user, task)
    if task is not None and task.kind == InterviewKind.SPECIAL_TOPIC and not data["trigger"]:
        data["trigger"] = task.trigger
    _validate_record(
        user=user,
        interviewee=interviewee,
        interviewers=interviewers,
        data=data,
        follow_ups=follow_ups,
        attachments=attachments,
        today=today,
        task=task,
    )
    record = InterviewRecord(interviewee=interviewee, created_by=user, task=task, **data)
    record.full_clean(exclude=["interviewers"])
    record.save()
    InterviewParticipant.objects.bulk_create(
        [InterviewParticipant(record=record, user=u) for u in interviewers]
    )
    _save_follow_ups(record, follow_ups)
    _save_attachments(user, record, attachments)
    fulfilment_sync(interviewee.pk)
    return record


@transaction.atomic
def record_update(
    *, user, record: InterviewRecord, interviewers: Sequence | None = None, **data
) -> InterviewRecord:
    record = InterviewRecord.objects.select_for_update().get(pk=record.pk)
    ensure_can(user, record, "change")
    today = timezone.localdate()
    for k, v in data.items():
        if k in RECORD_FIELDS:
            setattr(record, k, v if v is not None or k == "reply_date" else "")
    current = list(User.objects.filter(interview_records=record))
    new_interviewers = list(dict.fromkeys(interviewers)) if interviewers is not None else current
    _validate_record(
        user=user,
        interviewee=record.interviewee,
        interviewers=new_interviewers,
        data={k: getattr(record, k) for k in RECORD_FIELDS},
        follow_ups=[],
        attachments=[],
        today=today,
        task=RequiredTalk.objects.filter(pk=record.task_id).first() if record.task_id else None,
        record=record,
    )
    for fu in record.follow_ups.all():
        if fu.due_date < record.date:
            raise ValidationError({"date": "已有后续措施的完成期限早于新的谈话日期，请先调整后续措施。"})
    record.full_clean(exclude=["interviewers"])
    record.save()
    if interviewers is not None:
        keep = {u.pk for u in new_interviewers}
        InterviewParticipant.objects.filter(record=record).exclude(user_id__in=keep).delete()
        have = set(InterviewParticipant.objects.filter(record=record).values_list("user_id", flat=True))
        InterviewParticipant.objects.bulk_create(
            [InterviewParticipant(record=record, user_id=uid) for uid in keep - have]
        )
    fulfilment_sync(record.interviewee_id)
    return record


@transaction.atomic
def record_delete(*, user, record: InterviewRecord) -> None:
    record = InterviewRecord.objects.select_for_update().get(pk=record.pk)
    ensure_can(user, record, "change")
    cadre_id = record.interviewee_id
    files = [a.file for a in record.attachments.all()]
    record.delete()
    fulfilment_sync(cadre_id)
    transaction.on_commit(lambda: [f.delete(save=False) for f in files])


# --- follow-ups and attachments ----------------------------------------------------------------------


@transaction.atomic
def follow_up_add(
    *, user, record: InterviewRecord, action: str, owner_name: str, due_date: dt.date, owner=None
) -> FollowUp:
    ensure_can(user, record, "change")
    fu = {"action": action or "", "owner_name": owner_name or "", "due_date": due_date, "owner": owner}
    errors: dict[str, str] = {}
    if not fu["action"].strip():
        errors["action"] = "请填写后续措施。"
    if not fu["owner_name"].strip():
        errors["owner_name"] = "请填写责任人。"
    if due_date is None:
        errors["due_date"] = "请填写完成期限。"
    elif due_date < record.date:
        errors["due_date"] = "后续措施的完成期限不能早于谈话日期。"
    if errors:
        raise ValidationError(errors)
    return FollowUp.objects.create(
        record=record,
        action=action.strip()[:300],
        owner_name=owner_name.strip()[:50],
        owner=owner,
        due_date=due_date,
    )


@transaction.atomic
def follow_up_complete(*, user, follow_up: FollowUp, done_on: dt.date, result: str = "") -> FollowUp:
    follow_up = FollowUp.objects.select_for_update().select_related("record").get(pk=follow_up.pk)
    ensure_can(user, follow_up, "change")
    if done_on is None:
        raise ValidationError({"done_on": "请填写完成日期。"})
    if done_on > timezone.localdate():
        raise ValidationError({"done_on": "完成日期不能晚于今天。"})
    if done_on < follow_up.record.date:
        raise ValidationError({"done_on": "完成日期不能早于谈话日期。"})
    follow_up.done_on = done_on
    follow_up.result = result or ""
    follow_up.save(update_fields=["done_on", "result"])
    return follow_up


@transaction.atomic
def attachment_add(*, user, record: InterviewRecord, file) -> InterviewAttachment:
    ensure_can(user, record, "change")
    errors = _check_attachments([file], policies.current().attachment_max_mb) if file else ["请选择附件。"]
    if errors:
        raise ValidationError({"file": errors})
    return InterviewAttachment.objects.create(
        record=record, file=file, name=file.name[:200], size=file.size, uploaded_by=user
    )


# --- the assignment table ----------------------------------------------------------------------------

ASSIGNMENT_FIELDS = ("role", "user", "organization", "line_role", "note", "is_active")


def _assignment_errors(a: InterviewAssignment) -> dict[str, str]:
    errors: dict[str, str] = {}
    if a.role == InterviewerRole.LINE_LEADER and not a.line_role:
        errors["line_role"] = "条线领导须选择负责的条线。"
    if a.role != InterviewerRole.LINE_LEADER and a.line_role:
        errors["line_role"] = "只有条线领导需要选择条线。"
    if a.user_id and not User.objects.filter(pk=a.user_id, is_active=True).exists():
        errors["user"] = "该账号已停用，不能设为谈话人。"
    if (
        a.is_active
        and a.user_id
        and a.organization_id
        and InterviewAssignment.objects.active()
        .filter(role=a.role, user_id=a.user_id, organization_id=a.organization_id, line_role=a.line_role)
        .exclude(pk=a.pk)
        .exists()
    ):
        errors["organization"] = "已有相同的谈话责任分工。"
    return errors


def _refresh_for_orgs(*orgs: Organization) -> None:
    q = Q()
    for org in orgs:
        q |= Q(organization__path__startswith=org.path)
    today = timezone.localdate()
    ids = list(Cadre.objects.filter(q).values_list("pk", flat=True))
    if ids:
        plan_refresh(year=today.year, today=today, cadre_ids=ids)


@transaction.atomic
def assignment_create(
    *, user, role: str, interviewer, organization: Organization, line_role: str = "", note: str = ""
) -> InterviewAssignment:
    ensure_org_perm(user, "manage_interviews", organization)
    a = InterviewAssignment(
        role=role, user=interviewer, organization=organization, line_role=line_role or "", note=note or ""
    )
    errors = _assignment_errors(a)
    if errors:
        raise ValidationError(errors)
    a.full_clean(validate_constraints=False)
    a.save()
    _refresh_for_orgs(organization)
    return a


@transaction.atomic
def assignment_update(*, user, assignment: InterviewAssignment, **data) -> InterviewAssignment:
    a = InterviewAssignment.objects.select_for_update().select_related("organization").get(pk=assignment.pk)
    ensure_can(user, a, "change")
    old_org = a.organization
    if "interviewer" in data:
        data["user"] = data.pop("interviewer")
    for k, v in data.items():
        if k in ASSIGNMENT_FIELDS:
            setattr(a, k, v if v is not None else "")
    if a.organization_id != old_org.pk:
        ensure_org_perm(user, "manage_interviews", a.organization)
    errors = _assignment_errors(a)
    if errors:
        raise ValidationError(errors)
    a.full_clean(validate_constraints=False)
    a.save()
    _refresh_for_orgs(old_org, a.organization)
    return a


def assignment_deactivate(*, user, assignment: InterviewAssignment) -> InterviewAssignment:
    return assignment_update(user=user, assignment=assignment, is_active=False)


# --- domain events -----------------------------------------------------------------------------------


def _recent(day: dt.date | None, today: dt.date) -> bool:
    if day is None:
        return False
    return today - dt.timedelta(days=policies.current().special_lookback_days) <= day <= today


def on_appointment_created(event: events.AppointmentCreated) -> None:
    today = timezone.localdate()
    plan_refresh_for_cadre(event.cadre_id, today=today)
    if _recent(event.start_date, today):
        special_talk_raise(
            user=None,
            cadre=Cadre.objects.get(pk=event.cadre_id),
            trigger=SpecialTrigger.JOB_CHANGE,
            trigger_date=event.start_date,
            note=f"新任{event.post_title}",
            source_type="cadres.appointment",
            source_id=str(event.appointment_id),
            today=today,
        )


def on_appointment_ended(event: events.AppointmentEnded) -> None:
    plan_refresh_for_cadre(event.cadre_id)


def on_cadre_status_changed(event: events.CadreStatusChanged) -> None:
    plan_refresh_for_cadre(event.cadre_id)


def on_audit_created(event: events.AuditCreated) -> None:
    today = timezone.localdate()
    special_talk_raise(
        user=None,
        cadre=Cadre.objects.get(pk=event.cadre_id),
        trigger=SpecialTrigger.AUDIT,
        trigger_date=min(event.planned_date or today, today),
        note=f"针对{event.title}的专题谈话",
        source_type="audits.audit",
        source_id=str(event.audit_id),
        today=today,
    )


def on_assessment_recorded(event: events.AssessmentRecorded) -> None:
    """An annual assessment makes a special-topic talk due (rule 3); a late entry of an old
    year's assessment (before last year) does not."""
    today = timezone.localdate()
    if event.year < today.year - 1:
        return
    special_talk_raise(
        user=None,
        cadre=Cadre.objects.get(pk=event.cadre_id),
        trigger=SpecialTrigger.ASSESSMENT,
        trigger_date=today,
        note=f"{event.year}年度考核结果已记录",
        source_type=event.source or "assessment",
        source_id=str(event.source_id or event.year),
        today=today,
    )


def on_team_changed(event: events.TeamChanged) -> None:
    """A team change (班子调整) makes a special-topic talk due for every current leader of the
    unit, once per organization and day. Runs after commit (one talk per leader)."""
    today = timezone.localdate()
    if not _recent(event.date, today):
        return
    organization = Organization.objects.get(pk=event.organization_id)
    cadre_ids = (
        Appointment.objects.current(today)
        .filter(post__organization=organization, post__is_leading=True)
        .values_list("cadre_id", flat=True)
        .distinct()
    )
    for cadre in Cadre.objects.filter(pk__in=list(cadre_ids)):
        special_talk_raise(
            user=None,
            cadre=cadre,
            trigger=SpecialTrigger.TEAM_CHANGE,
            trigger_date=event.date,
            note=f"{organization.name}班子调整",
            source_type="cadres.organization",
            source_id=f"{organization.pk}@{event.date.isoformat()}",
            today=today,
        )


def on_secondline_moved(event: events.SecondLineMoved) -> None:
    """改任非领导职务 is a job change: a special-topic talk is due, with the second-line
    interviewer (rule 3: an organization-department official or the original unit's head) —
    the plan was recomputed by the status change in the same transaction."""
    today = timezone.localdate()
    if not _recent(event.moved_on, today):
        return
    special_talk_raise(
        user=None,
        cadre=Cadre.objects.get(pk=event.cadre_id),
        trigger=SpecialTrigger.JOB_CHANGE,
        trigger_date=event.moved_on,
        note=f"由{event.former_post}改任非领导职务",
        source_type="rotations.secondlinerecord",
        source_id=str(event.record_id),
        today=today,
    )


__all__ = [
    "assignment_create",
    "assignment_deactivate",
    "assignment_update",
    "attachment_add",
    "follow_up_add",
    "follow_up_complete",
    "fulfilment_sync",
    "plan_refresh",
    "record_create",
    "record_delete",
    "record_update",
    "required_talk_cancel",
    "special_talk_raise",
]
