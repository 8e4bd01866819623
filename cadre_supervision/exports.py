"""Exports of a whole scope: the file at once while the scope is small, a background job beyond.

A download that builds a file of everything in the user's scope (the dossier in import format,
the yearly joint analysis) costs time in proportion to the scope: a province's takes longer than
a web worker may hold a request. Such a download is an `registry.ExportKind`, registered by the
app that builds it; this module decides, per request, whether the file is built inline or by a
Celery worker, keeps the job (`models.ExportJob`) and its file, and serves it.

How an app uses it:
- `registry.register_export(registry.ExportKind(key, label, build, size, inline_max, clean,
  check=None, describe=None))` from `AppConfig.ready()`; `build(user, params)` returns a
  `registry.ExportFile` and reads through `restrict()` like any export.
- The download's page view subclasses `cadre_supervision.views.ExportView` (GET and POST: the
  file when small; GET beyond offers the job, POST creates it and redirects to its page).
- `POST /api/v1/exports/` {kind, params} always makes a job (cadre_supervision/export_api.py).

The job's file is stored under MEDIA_ROOT/exports/<token>, encrypted (Fernet, a key derived from
FIELD_ENCRYPTION_KEY): a dossier holds citizen IDs. It belongs to the user who asked, is kept
KEEP_DAYS days (the sweep step "exports.expire" deletes it) and every download of it, like the
inline answer, writes one EXPORT row to the access log.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import uuid
from dataclasses import dataclass
from urllib.parse import quote

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.http import Http404, HttpResponse
from django.utils import timezone

from . import registry
from .accesslog import log_access
from .fernet import fernet
from .models import AccessLog, ExportJob
from .registry import ExportFile, ExportKind

logger = logging.getLogger(__name__)

Status = ExportJob.Status

KEEP_DAYS = 7  # a finished file is kept this long
STALE_AFTER = dt.timedelta(minutes=30)  # a job "running" this long lost its worker
MAX_ATTEMPTS = 3  # takes of one job (a stale one is taken again) before it is given up
CATCH_UP_AFTER = dt.timedelta(minutes=1)  # a queued job this old missed its task (broker down)
CATCH_UP_BATCH = 20  # jobs run by one catch-up task
ORPHAN_AFTER = dt.timedelta(days=1)  # a file of no finished job (a crashed write, a deleted user)

READY_KIND = "exports.ready"
FAILED_KIND = "exports.failed"

BACKGROUND_MESSAGE = "文件较大，已转入后台生成，完成后将通知您，可在“我的导出”中下载。"
PENDING_MESSAGE = "相同的导出正在后台生成，完成后将通知您，可在“我的导出”中下载。"
FAILED_MESSAGE = "生成文件时出错，请稍后重新导出；如仍失败，请联系系统管理员。"
GAVE_UP_MESSAGE = "多次生成均未完成，请重新导出。"
GONE_MESSAGE = "文件已过期或尚未生成。"

__all__ = [
    "ExportFile",
    "ExportKind",
    "ExportOutcome",
    "attachment",
    "export_expire",
    "export_file_response",
    "export_job_create",
    "export_job_for",
    "export_job_open",
    "export_jobs_of",
    "export_request",
    "export_run",
    "export_run_pending",
    "is_downloadable",
    "only_keys",
    "serves_inline",
    "shown_status",
]


# --- rules (pure) ---------------------------------------------------------------------------------


def serves_inline(size: int, inline_max: int, factor: float) -> bool:
    """A page request is answered with the file itself while the estimated size is within the
    export's `inline_max` scaled by settings.EXPORT_INLINE_FACTOR (0: only an empty scope)."""
    return size <= inline_max * factor


def is_downloadable(status: str, expires_at: dt.datetime | None, now: dt.datetime) -> bool:
    """A file may be downloaded when its job is done and its time has not run out (the sweep
    deletes it later: until then it is expired all the same)."""
    return status == Status.DONE and expires_at is not None and now < expires_at


def shown_status(status: str, expires_at: dt.datetime | None, now: dt.datetime) -> str:
    """The status a user is shown: a done job past its time is 已过期 before the sweep marks it."""
    if status == Status.DONE and not is_downloadable(status, expires_at, now):
        return Status.EXPIRED
    return status


def only_keys(params: dict, allowed: set[str]) -> dict:
    """`params` when it is a dict of the allowed keys only (else a ValidationError on "params")."""
    if not isinstance(params, dict):
        raise ValidationError({"params": "参数应为对象（键值对）。"})
    unknown = sorted(str(k) for k in params if k not in allowed)
    if unknown:
        raise ValidationError({"params": f"不支持的参数：{'、'.join(unknown)}。"})
    return params


# --- the encrypted file ---------------------------------------------------------------------------


def _fernet() -> Fernet:
    return fernet("export-file")


def export_dir() -> str:
    return os.path.join(os.path.abspath(str(settings.MEDIA_ROOT)), "exports")


def export_path(token) -> str:
    return os.path.join(export_dir(), str(token))


def _write(token, content: bytes) -> None:
    """Encrypt and store the file; it appears under its name whole or not at all."""
    os.makedirs(export_dir(), exist_ok=True)
    final = export_path(token)
    partial = f"{final}.{uuid.uuid4().hex}.tmp"
    try:
        with open(partial, "wb") as fh:
            fh.write(_fernet().encrypt(content))
        os.replace(partial, final)
    except BaseException:
        _remove(partial)
        raise


def _read(token) -> bytes:
    with open(export_path(token), "rb") as fh:
        return _fernet().decrypt(fh.read())


def _remove(path: str) -> bool:
    try:
        os.remove(path)
    except FileNotFoundError:
        return False
    return True


# --- requesting an export -------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportOutcome:
    """What a request came to: the file itself (`file`, small scope), a job (`job`; `created`
    False when the same request was already pending), or neither (a GET on a large scope:
    nothing was created). `label` names the export."""

    label: str
    file: ExportFile | None = None
    job: ExportJob | None = None
    created: bool = False


def export_kind(key) -> ExportKind:
    kind = registry.export_kinds.get(key) if isinstance(key, str) else None
    if kind is None:
        raise ValidationError({"kind": "没有这种导出。"})
    return kind


def _label(kind: ExportKind, user, params: dict) -> str:
    return (kind.describe(user, params) if kind.describe else kind.label)[:200]


def export_request(
    *, user, kind: str, params: dict | None = None, inline: bool = True, create: bool = True
) -> ExportOutcome:
    """One request for an export, from a page or the API: the export's own check
    (PermissionDenied), its parameters cleaned (ValidationError, nothing saved), then the file
    built at once when `inline` and the scope is small, else a background job (the pending one
    when the same user asked the same already). `create=False` (a GET) creates nothing: a large
    scope is answered with neither file nor job."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        raise PermissionDenied("请先登录。")
    spec = export_kind(kind)
    if spec.check is not None:
        spec.check(user)
    cleaned = spec.clean(user, {} if params is None else params)
    if inline and serves_inline(spec.size(user, cleaned), spec.inline_max, settings.EXPORT_INLINE_FACTOR):
        return ExportOutcome(label=spec.label, file=spec.build(user, cleaned))
    label = _label(spec, user, cleaned)
    if not create:
        return ExportOutcome(label=label)
    job, created = export_job_create(user=user, kind=spec, params=cleaned, label=label)
    return ExportOutcome(label=label, job=job, created=created)


@transaction.atomic
def export_job_create(*, user, kind: ExportKind, params: dict, label: str = "") -> tuple[ExportJob, bool]:
    """The job of (user, kind, params), queued and handed to a worker after commit; or the same
    request's job still queued or running (False: nothing new). Two identical requests at once
    still make one job (the partial unique constraint)."""
    pending = ExportJob.objects.filter(user=user, kind=kind.key, params=params, status__in=ExportJob.PENDING)
    existing = pending.first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            job = ExportJob.objects.create(
                user=user, kind=kind.key, label=label or kind.label[:200], params=params
            )
    except IntegrityError:
        return pending.get(), False
    from . import tasks

    tasks.enqueue(tasks.run_export, job.pk)
    return job, True


# --- running a job --------------------------------------------------------------------------------


class _Refused(Exception):
    """The job is not built, for a reason the user is told as it is."""


def _takeable(now: dt.datetime) -> Q:
    return Q(status=Status.QUEUED) | Q(
        status=Status.RUNNING, started_at__lt=now - STALE_AFTER, attempts__lt=MAX_ATTEMPTS
    )


def _build(job: ExportJob) -> ExportFile:
    user = job.user
    if not user.is_active:
        raise _Refused("账号已停用，未生成文件。")
    kind = registry.export_kinds.get(job.kind)
    if kind is None:
        raise _Refused("该导出已不再提供。")
    try:
        if kind.check is not None:
            kind.check(user)
        params = kind.clean(user, dict(job.params))
    except PermissionDenied:
        raise _Refused("您已无权进行此导出。") from None
    except ValidationError as exc:
        raise _Refused("；".join(exc.messages)[:300]) from None
    file = kind.build(user, params)
    if not isinstance(file.content, bytes):
        raise TypeError(f"export {job.kind} built {type(file.content).__name__}, not bytes")
    return file


def access_of(kind_key: str, file: ExportFile) -> dict:
    """What a download of `file` writes to the access log."""
    return {
        "object_type": file.object_type or kind_key,
        "object_repr": file.object_repr or file.filename,
        "detail": dict(file.detail),
    }


def _notify(job: ExportJob, *, ready: bool) -> None:
    from .notifications import ReminderSpec, notify

    if ready:
        title = f"导出完成：{job.label}"
        body = f"文件“{job.filename}”已生成，请在 {KEEP_DAYS} 天内下载。"
    else:
        title = f"导出失败：{job.label}"
        body = job.error
    notify(
        [
            ReminderSpec(
                recipient_id=job.user_id,
                kind=READY_KIND if ready else FAILED_KIND,
                period=job.token.hex[:30],
                title=title,
                body=body,
                url=job.get_absolute_url(),
                object_type="cadre_supervision.exportjob",
                object_id=str(job.pk),
            )
        ]
    )


def _fail(job: ExportJob, attempt: int, message: str) -> None:
    with transaction.atomic():
        failed = ExportJob.objects.filter(pk=job.pk, status=Status.RUNNING, attempts=attempt).update(
            status=Status.FAILED, error=message[:300], finished_at=timezone.now()
        )
        job.refresh_from_db()
        if failed:
            _notify(job, ready=False)


def export_run(*, job_id: int) -> ExportJob | None:
    """Run one job: take it (queued, or running but stale and not yet tried MAX_ATTEMPTS times;
    SKIP LOCKED, so two workers never take one job), mark it running and commit, build the file
    as the job's user, store it encrypted and mark it done with its size and expiry, then notify
    the user. A failure marks the job failed with a Chinese message (the exception is logged)
    and leaves no file. Idempotent: a job done, failed or being run elsewhere is left as it is
    (None)."""
    now = timezone.now()
    with transaction.atomic():
        job = (
            ExportJob.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("user")
            .filter(_takeable(now), pk=job_id)
            .first()
        )
        if job is None:
            return None
        job.status, job.started_at, job.attempts, job.error = Status.RUNNING, now, job.attempts + 1, ""
        job.save(update_fields=["status", "started_at", "attempts", "error"])
    attempt = job.attempts
    try:
        file = _build(job)
    except _Refused as exc:
        _fail(job, attempt, str(exc))
        return job
    except Exception:  # noqa: BLE001 - any failure of a build is the job's, told to its user
        logger.exception("export job %s (%s) failed", job.pk, job.kind)
        _fail(job, attempt, FAILED_MESSAGE)
        return job
    try:
        _write(job.token, file.content)
        finished = timezone.now()
        with transaction.atomic():
            done = ExportJob.objects.filter(pk=job.pk, status=Status.RUNNING, attempts=attempt).update(
                status=Status.DONE,
                filename=file.filename[:200],
                content_type=file.content_type[:200],
                size=len(file.content),
                access=access_of(job.kind, file),
                finished_at=finished,
                expires_at=finished + dt.timedelta(days=KEEP_DAYS),
            )
            job.refresh_from_db()
            if done:
                _notify(job, ready=True)
    except Exception:  # noqa: BLE001 - the file could not be stored: nothing half-written stays
        logger.exception("export job %s (%s): storing the file failed", job.pk, job.kind)
        _remove(export_path(job.token))
        _fail(job, attempt, FAILED_MESSAGE)
        return job
    if done:
        from . import tasks

        tasks.enqueue(tasks.deliver_pending)
    return job


def export_run_pending(*, now: dt.datetime | None = None, limit: int = CATCH_UP_BATCH) -> dict:
    """The catch-up (every few minutes): run the queued jobs older than CATCH_UP_AFTER (their
    task was lost, e.g. the broker was down) and the stale running ones; give up on a stale job
    that has been taken MAX_ATTEMPTS times."""
    now = now or timezone.now()
    gave_up = 0
    stuck = ExportJob.objects.filter(
        status=Status.RUNNING, started_at__lt=now - STALE_AFTER, attempts__gte=MAX_ATTEMPTS
    )
    for job in stuck.order_by("pk")[:limit]:
        _fail(job, job.attempts, GAVE_UP_MESSAGE)
        gave_up += 1
    due = ExportJob.objects.filter(
        Q(status=Status.QUEUED, created_at__lt=now - CATCH_UP_AFTER)
        | Q(status=Status.RUNNING, started_at__lt=now - STALE_AFTER, attempts__lt=MAX_ATTEMPTS)
    )
    ran = 0
    for pk in list(due.order_by("created_at", "pk").values_list("pk", flat=True)[:limit]):
        if export_run(job_id=pk) is not None:
            ran += 1
    return {"ran": ran, "gave_up": gave_up}


def export_expire(*, now: dt.datetime | None = None) -> dict:
    """The sweep step: jobs past their time are marked 已过期 and their files deleted; a file
    no finished job owns (a write that crashed, a deleted account) goes after ORPHAN_AFTER."""
    now = now or timezone.now()
    expired = list(
        ExportJob.objects.filter(status=Status.DONE, expires_at__lte=now).values_list("pk", "token")
    )
    marked = ExportJob.objects.filter(pk__in=[pk for pk, _t in expired], status=Status.DONE).update(
        status=Status.EXPIRED
    )
    deleted = sum(_remove(export_path(token)) for _pk, token in expired)
    return {"expired": marked, "files_deleted": deleted, "orphans_deleted": _remove_orphans(now)}


def _remove_orphans(now: dt.datetime) -> int:
    try:
        names = os.listdir(export_dir())
    except FileNotFoundError:
        return 0
    tokens: dict[str, uuid.UUID | None] = {}
    for name in names:
        try:
            tokens[name] = uuid.UUID(name.split(".", 1)[0])
        except ValueError:
            tokens[name] = None
    kept = {
        str(t)
        for t in ExportJob.objects.filter(
            token__in={t for t in tokens.values() if t is not None}, status=Status.DONE
        ).values_list("token", flat=True)
    }
    removed = 0
    cutoff = (now - ORPHAN_AFTER).timestamp()
    for name, token in tokens.items():
        path = os.path.join(export_dir(), name)
        if token is not None and name == str(token) and str(token) in kept:
            continue
        try:
            if os.path.getmtime(path) < cutoff and os.path.isfile(path):
                removed += _remove(path)
        except FileNotFoundError:
            continue
    return removed


def expire_step(today) -> dict:
    """`registry.register_sweep_step("exports.expire", expire_step)`."""
    return export_expire()


# --- serving --------------------------------------------------------------------------------------


def export_jobs_of(user):
    """The user's own export jobs, newest first (no one else's: the page, the API and a job's
    lookup all read through this)."""
    if not getattr(user, "is_authenticated", False):
        return ExportJob.objects.none()
    return ExportJob.objects.filter(user=user).order_by("-created_at", "-id")


def export_job_for(user, token) -> ExportJob:
    """The user's own job named `token`; anyone else's, or a malformed token, is a 404."""
    try:
        value = uuid.UUID(str(token))
    except ValueError:
        raise Http404 from None
    try:
        return export_jobs_of(user).get(token=value)
    except ExportJob.DoesNotExist:
        raise Http404 from None


def export_log_download(*, user, access: dict, request=None, job: ExportJob | None = None) -> None:
    """One EXPORT row of the access log per download, whichever path served it."""
    detail = dict(access.get("detail") or {})
    if job is not None:
        detail["export_job"] = str(job.token)
    log_access(
        user=user,
        action=AccessLog.Action.EXPORT,
        object_type=access.get("object_type", ""),
        object_repr=access.get("object_repr", ""),
        detail=detail,
        request=request,
    )


def export_job_open(*, user, job: ExportJob, request=None) -> bytes:
    """The decrypted file of the user's own finished job; counts the download and logs it.
    Not finished, expired or gone: a 404; the export's check refusing the user now: 403."""
    if job.user_id != getattr(user, "pk", None):
        raise Http404
    if not is_downloadable(job.status, job.expires_at, timezone.now()):
        raise Http404(GONE_MESSAGE)
    kind = registry.export_kinds.get(job.kind)
    if kind is not None and kind.check is not None:
        kind.check(user)
    try:
        content = _read(job.token)
    except (FileNotFoundError, InvalidToken):
        logger.warning("export job %s: its file is missing or unreadable", job.pk)
        raise Http404(GONE_MESSAGE) from None
    ExportJob.objects.filter(pk=job.pk).update(downloads=F("downloads") + 1)
    export_log_download(user=user, access=job.access, request=request, job=job)
    return content


def attachment(filename: str, content_type: str, content: bytes) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def export_file_response(*, user, kind: str, file: ExportFile, request=None) -> HttpResponse:
    """The inline answer: the access-log row, then the file."""
    export_log_download(user=user, access=access_of(kind, file), request=request)
    return attachment(file.filename, file.content_type, file.content)
