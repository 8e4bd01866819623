"""Background export jobs (cadre_supervision.exports): a download of a whole scope is the file
itself while the scope is small and a job beyond; the job's file is encrypted, its user's only,
kept seven days and logged on every download, on the pages and through the API."""

from __future__ import annotations

import datetime as dt
import logging
import os
import time
from io import BytesIO
from urllib.parse import quote

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from cadre_supervision import exports, registry, tasks
from cadre_supervision.models import AccessLog, ExportJob, Notification
from cadre_supervision.notifications import kind_label
from cadres import crypto
from cadres.imports import DOSSIER_EXPORT
from cadres.joint_analysis import ANALYSIS_EXPORT, DOCX_TYPE

pytestmark = pytest.mark.django_db
Status = ExportJob.Status
YEAR = 2025
NOW = timezone.make_aware(dt.datetime(2026, 3, 1, 12, 0))
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


@pytest.fixture
def background(settings, media):
    """Every non-empty scope goes to the background."""
    settings.EXPORT_INLINE_FACTOR = 0
    return media


@pytest.fixture
def sent(monkeypatch):
    """The tasks handed to the broker (none is: the tests run the task bodies themselves)."""
    calls = []
    for task in (tasks.run_export, tasks.deliver_pending):
        monkeypatch.setattr(
            task, "apply_async", lambda args=(), kwargs=None, t=task, **kw: calls.append((t.name, args))
        )
    return calls


def fake_kind(monkeypatch, *, size=10, inline_max=5, build=None, check=None, key="tests.fake"):
    """A registered export that counts its builds and answers fixed bytes."""
    built = []

    def _build(user, params):
        built.append(params)
        return registry.ExportFile(
            "测试导出.bin",
            "application/octet-stream",
            b"PK\x03\x04" + b"x" * 100,
            detail={"n": params.get("n")},
        )

    def _clean(user, params):
        exports.only_keys(params, {"n"})
        if params.get("n") == "bad":
            raise ValidationError({"n": "n 有误。"})
        return {"n": params.get("n", 1)}

    kind = registry.ExportKind(
        key=key,
        label="测试导出",
        build=build or _build,
        size=lambda user, params: size,
        inline_max=inline_max,
        clean=_clean,
        check=check,
    )
    monkeypatch.setitem(registry.export_kinds, key, kind)
    return built


def encrypted_bytes(job) -> bytes:
    with open(exports.export_path(job.token), "rb") as fh:
        return fh.read()


def run(job) -> ExportJob:
    assert tasks.run_export(job.pk) in ("done", "failed")
    job.refresh_from_db()
    return job


def export_logs(user):
    return AccessLog.objects.filter(user=user, action=AccessLog.Action.EXPORT)


def xlsx_cells(content: bytes) -> dict:
    wb = load_workbook(BytesIO(content), read_only=True)
    return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}


# --- rules ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "size,inline_max,factor,inline",
    [
        (0, 3000, 1.0, True),
        (3000, 3000, 1.0, True),
        (3001, 3000, 1.0, False),
        (6000, 3000, 2.0, True),
        (6001, 3000, 2.0, False),
        (150, 300, 0.5, True),
        (151, 300, 0.5, False),
        (1, 3000, 0.0, False),  # factor 0: every non-empty scope in the background
        (0, 3000, 0.0, True),  # an empty scope never needs a job
    ],
)
def test_inline_or_background(size, inline_max, factor, inline):
    assert exports.serves_inline(size, inline_max, factor) is inline


@pytest.mark.parametrize(
    "status,expires_in,downloadable,shown",
    [
        (Status.DONE, dt.timedelta(hours=1), True, Status.DONE),
        (Status.DONE, dt.timedelta(seconds=0), False, Status.EXPIRED),  # the moment it expires
        (Status.DONE, -dt.timedelta(seconds=1), False, Status.EXPIRED),  # before the sweep marks it
        (Status.DONE, None, False, Status.EXPIRED),
        (Status.EXPIRED, -dt.timedelta(days=1), False, Status.EXPIRED),
        (Status.QUEUED, None, False, Status.QUEUED),
        (Status.RUNNING, None, False, Status.RUNNING),
        (Status.FAILED, None, False, Status.FAILED),
    ],
)
def test_expiry(status, expires_in, downloadable, shown):
    expires_at = NOW + expires_in if expires_in is not None else None
    assert exports.is_downloadable(status, expires_at, NOW) is downloadable
    assert exports.shown_status(status, expires_at, NOW) == shown


@pytest.mark.parametrize(
    "factor,api,expect",
    [(1.0, False, "file"), (0.39, False, "job"), (1.0, True, "job"), (100.0, True, "job")],
)
def test_the_request_decides_by_size_and_the_api_always_makes_a_job(
    city, media, settings, monkeypatch, sent, factor, api, expect
):
    """An estimate of 10 against inline_max 25: inline at factor 1 (10 ≤ 25), a job at 0.39
    (10 > 9.75); a request of the API is never built inline."""
    fake_kind(monkeypatch, size=10, inline_max=25)
    settings.EXPORT_INLINE_FACTOR = factor
    outcome = exports.export_request(user=city.staff_a, kind="tests.fake", params={}, inline=not api)
    assert (outcome.file is not None, outcome.job is not None) == (expect == "file", expect == "job")
    assert ExportJob.objects.count() == (1 if expect == "job" else 0)


# --- the dossier through the page: lifecycle, encryption, download ------------------------------


def test_a_large_dossier_becomes_a_job_and_downloads_decrypted(
    client, city, background, sent, django_capture_on_commit_callbacks, settings
):
    client.force_login(city.staff_a)
    url = reverse("cadres:cadre_import_export")
    with django_capture_on_commit_callbacks(execute=True):
        resp = client.post(url)
    job = ExportJob.objects.get(user=city.staff_a)
    assert resp.status_code == 302 and resp["Location"] == job.get_absolute_url()
    assert (job.status, job.kind, job.label, job.params) == (
        Status.QUEUED,
        DOSSIER_EXPORT,
        "干部档案导出（导入格式）",
        {},
    )
    assert sent == [("cadre_supervision.tasks.run_export", (job.pk,))]  # handed to a worker after commit
    page = client.get(resp["Location"]).content.decode()
    assert "文件较大，已转入后台生成，完成后将通知您，可在“我的导出”中下载。" in page
    assert '<meta http-equiv="refresh" content="3">' in page and "排队中" in page
    assert 'id="export-download"' not in page
    assert not os.path.exists(exports.export_path(job.token))
    assert not export_logs(city.staff_a).exists()  # asking is not downloading

    job = run(job)
    assert job.status == Status.DONE and job.attempts == 1 and job.filename == "干部档案导出.xlsx"
    assert job.expires_at == job.finished_at + dt.timedelta(days=7)
    raw = encrypted_bytes(job)
    full_id = crypto.decrypt(city.cadre_a.citizen_id_encrypted)
    assert not raw.startswith(b"PK") and b"PK\x03\x04" not in raw and full_id.encode() not in raw
    note = Notification.objects.get(recipient=city.staff_a, kind=exports.READY_KIND)
    assert note.url == job.get_absolute_url() and "干部档案导出" in note.title
    assert kind_label(exports.READY_KIND) == "导出完成"

    page = client.get(job.get_absolute_url()).content.decode()
    assert 'http-equiv="refresh"' not in page and 'id="export-download"' in page and "已完成" in page
    download = client.get(reverse("export_job_download", args=[job.token]))
    assert download.status_code == 200 and download["Content-Type"] == XLSX
    assert download["Content-Disposition"] == "attachment; filename*=UTF-8''" + quote("干部档案导出.xlsx")
    assert download.content == exports._fernet().decrypt(raw) and len(download.content) == job.size
    cells = xlsx_cells(download.content)
    assert full_id in str(cells)  # the full ID was exported (the user may read it): encrypted at rest
    assert "李强" not in str(cells)  # staff_a's scope only

    # the inline path gives the same workbook (the bytes differ only by XlsxWriter's creation time)
    settings.EXPORT_INLINE_FACTOR = 1.0
    inline = client.get(url)
    assert inline.status_code == 200 and inline["Content-Disposition"] == download["Content-Disposition"]
    assert xlsx_cells(inline.content) == cells


def test_the_stored_file_is_exactly_what_was_built(city, media, monkeypatch, sent):
    built_bytes = []

    def build(user, params):
        content = os.urandom(2000)
        built_bytes.append(content)
        return registry.ExportFile("随机.bin", "application/octet-stream", content)

    fake_kind(monkeypatch, build=build)
    job = run(exports.export_request(user=city.staff_a, kind="tests.fake", params={}, inline=False).job)
    assert exports.export_job_open(user=city.staff_a, job=job) == built_bytes[0]
    assert built_bytes[0] not in encrypted_bytes(job)
    assert job.access == {"object_type": "tests.fake", "object_repr": "随机.bin", "detail": {}}


def test_small_scopes_are_answered_inline_on_get_and_post(client, city, media):
    client.force_login(city.staff_a)
    url = reverse("cadres:cadre_import_export")
    for method in (client.get, client.post):
        resp = method(url)
        assert resp.status_code == 200 and resp["Content-Type"] == XLSX
    assert not ExportJob.objects.exists()
    assert export_logs(city.staff_a).count() == 2


def test_a_get_on_a_large_scope_creates_nothing(client, city, background):
    client.force_login(city.staff_a)
    resp = client.get(reverse("cadres:cadre_import_export"))
    html = resp.content.decode()
    assert resp.status_code == 200 and resp["Content-Type"].startswith("text/html")
    assert 'id="export-start"' in html and 'method="post"' in html and "csrfmiddlewaretoken" in html
    client.force_login(city.discipline)
    resp = client.get(reverse("integrity_analysis_docx"), {"year": YEAR})
    assert resp.status_code == 200 and 'id="export-start"' in resp.content.decode()
    assert f'action="/integrity/analysis/docx/?year={YEAR}"' in resp.content.decode()
    assert (
        not ExportJob.objects.exists()
        and not AccessLog.objects.filter(action=AccessLog.Action.EXPORT).exists()
    )
    assert not os.path.exists(exports.export_dir()) or not os.listdir(exports.export_dir())


def test_the_download_links_are_post_forms(client, city):
    client.force_login(city.staff_a)
    html = client.get(reverse("cadres:cadre_import")).content.decode()
    assert 'id="download-export-form"' in html and 'method="post"' in html
    assert '<button type="submit" class="linkbutton as-link" id="download-export">' in html
    client.force_login(city.discipline)
    html = client.get(reverse("integrity_analysis"), {"year": YEAR}).content.decode()
    assert (
        f'<form method="post" id="analysis-docx-form" class="no-print" action="/integrity/analysis/docx/?year={YEAR}">'
        in html
    )
    assert 'form="analysis-docx-form" id="analysis-docx"' in html


# --- the joint analysis in the background ----------------------------------------------------------


def test_the_joint_analysis_in_the_background(
    client, city, background, sent, django_capture_on_commit_callbacks
):
    client.force_login(city.discipline)
    with django_capture_on_commit_callbacks(execute=True):
        resp = client.post(reverse("integrity_analysis_docx") + f"?year={YEAR}&organization={city.town_a.pk}")
    job = ExportJob.objects.get(user=city.discipline)
    assert resp["Location"] == job.get_absolute_url()
    assert job.params == {"year": YEAR, "organization": city.town_a.pk}
    assert job.label == f"{YEAR}年度联席会议专题分析（甲镇）"
    job = run(job)
    assert job.status == Status.DONE and job.content_type == DOCX_TYPE
    resp = client.get(reverse("export_job_download", args=[job.token]))
    from docx import Document

    doc = Document(BytesIO(resp.content))
    text = "\n".join(p.text for p in doc.paragraphs) + "\n".join(
        c.text for t in doc.tables for r in t.rows for c in r.cells
    )
    assert f"{YEAR}年度一把手廉政情况联席会议专题分析" in text and "张伟" in text and "李强" not in text
    (log,) = export_logs(city.discipline)
    assert (log.object_type, log.object_repr) == ("cadres.joint_analysis", f"{YEAR}年度联席会议专题分析.docx")
    assert log.detail == {
        "what": "joint_analysis",
        "year": YEAR,
        "scope": "甲镇",
        "leaders": 1,
        "export_job": str(job.token),
    }


# --- dedupe ------------------------------------------------------------------------------------------


def test_the_same_pending_request_is_one_job(client, city, background, sent):
    first = exports.export_request(user=city.staff_a, kind=DOSSIER_EXPORT, params={})
    again = exports.export_request(user=city.staff_a, kind=DOSSIER_EXPORT, params={})
    assert first.created and not again.created and again.job == first.job
    other_user = exports.export_request(user=city.staff_all, kind=DOSSIER_EXPORT, params={})
    assert other_user.created and other_user.job != first.job
    y1 = exports.export_request(user=city.discipline, kind=ANALYSIS_EXPORT, params={"year": YEAR})
    y1_again = exports.export_request(user=city.discipline, kind=ANALYSIS_EXPORT, params={"year": str(YEAR)})
    y2 = exports.export_request(user=city.discipline, kind=ANALYSIS_EXPORT, params={"year": YEAR - 1})
    assert y1_again.job == y1.job and not y1_again.created and y2.created
    assert ExportJob.objects.count() == 4
    # the page says so and goes to the same job
    client.force_login(city.staff_a)
    resp = client.post(reverse("cadres:cadre_import_export"), follow=True)
    assert resp.redirect_chain[-1][0] == first.job.get_absolute_url()
    assert "相同的导出正在后台生成" in resp.content.decode()
    # once it ran (running counts as pending; done does not), asking again makes a new job
    run(first.job)
    assert exports.export_request(user=city.staff_a, kind=DOSSIER_EXPORT, params={}).created
    assert ExportJob.objects.filter(user=city.staff_a).count() == 2


# --- access ------------------------------------------------------------------------------------------


@pytest.fixture
def done_job(city, media, sent):
    job = exports.export_request(user=city.staff_a, kind=DOSSIER_EXPORT, params={}, inline=False).job
    return run(job)


def test_another_users_job_is_404_everywhere(client, api, city, done_job):
    token = done_job.token
    pages = [reverse("export_job", args=[token]), reverse("export_job_download", args=[token])]
    apis = [
        reverse("exports-api:export-detail", args=[token]),
        reverse("exports-api:export-download", args=[token]),
    ]
    for who in (city.staff_all, city.admin):  # wider scope, superuser: still not theirs
        client.force_login(who)
        assert [client.get(u).status_code for u in pages] == [404, 404]
        assert str(token) not in client.get(reverse("export_list")).content.decode()
        api.force_authenticate(who)
        assert [api.get(u).status_code for u in apis] == [404, 404]
        assert str(token) not in api.get(reverse("exports-api:export-list")).content.decode()
    client.force_login(city.staff_a)
    assert [client.get(u).status_code for u in pages] == [200, 200]
    for bad in ("abc", "00000000-0000-0000-0000-000000000000"):
        assert client.get(reverse("export_job", args=[bad])).status_code == 404
    assert ExportJob.objects.get(pk=done_job.pk).downloads == 1
    assert export_logs(city.staff_all).count() == export_logs(city.admin).count() == 0


def test_anonymous_is_sent_to_login_and_the_api_says_401(client, api, city, done_job):
    resp = client.get(reverse("export_job_download", args=[done_job.token]))
    assert resp.status_code == 302 and resp["Location"].startswith(reverse("login"))
    assert api.get(reverse("exports-api:export-download", args=[done_job.token])).status_code == 401
    assert (
        api.post(reverse("exports-api:export-list"), {"kind": DOSSIER_EXPORT}, format="json").status_code
        == 401
    )


def test_every_download_writes_one_access_log_row(client, city, done_job, settings):
    client.force_login(city.staff_a)
    url = reverse("export_job_download", args=[done_job.token])
    assert not export_logs(city.staff_a).exists()  # neither the request nor the run logged
    client.get(url)
    client.get(url)
    logs = list(export_logs(city.staff_a).order_by("id"))
    assert len(logs) == 2 and ExportJob.objects.get(pk=done_job.pk).downloads == 2
    for log in logs:
        assert (log.object_type, log.object_repr) == ("cadres.import", "导出全部档案（导入格式）")
        assert log.detail["kind"] == "import_download" and log.detail["export_job"] == str(done_job.token)
    inline = client.get(reverse("cadres:cadre_import_export"))  # the inline path: the same entry
    assert inline.status_code == 200
    last = export_logs(city.staff_a).order_by("-id").first()
    assert export_logs(city.staff_a).count() == 3
    assert (last.object_type, last.object_repr) == (logs[0].object_type, logs[0].object_repr)
    assert last.detail == {k: v for k, v in logs[0].detail.items() if k != "export_job"}


def test_the_exports_check_is_asked_again_at_download(city, done_job, monkeypatch):
    from cadre_supervision.permissions import clear_cache

    city.staff_a.groups.clear()
    clear_cache(city.staff_a)
    with pytest.raises(PermissionDenied):
        exports.export_job_open(user=city.staff_a, job=done_job)
    assert not export_logs(city.staff_a).exists()


# --- expiry ------------------------------------------------------------------------------------------


def test_an_expired_job_is_gone_and_the_sweep_deletes_its_file(client, api, city, done_job, sent):
    keep = run(
        exports.export_request(
            user=city.staff_a, kind=ANALYSIS_EXPORT, params={"year": YEAR}, inline=False
        ).job
    )
    ExportJob.objects.filter(pk=done_job.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    client.force_login(city.staff_a)
    page = client.get(reverse("export_job", args=[done_job.token])).content.decode()
    assert "已过期" in page and 'id="export-expired"' in page and 'id="export-download"' not in page
    assert client.get(reverse("export_job_download", args=[done_job.token])).status_code == 404
    api.force_authenticate(city.staff_a)
    assert api.get(reverse("exports-api:export-detail", args=[done_job.token])).json()["status"] == "expired"
    assert api.get(reverse("exports-api:export-download", args=[done_job.token])).status_code == 404
    assert os.path.exists(exports.export_path(done_job.token))  # until the sweep

    result = registry.sweep_steps["exports.expire"](timezone.localdate())
    assert result == {"expired": 1, "files_deleted": 1, "orphans_deleted": 0}
    assert ExportJob.objects.get(pk=done_job.pk).status == Status.EXPIRED
    assert not os.path.exists(exports.export_path(done_job.token))
    assert ExportJob.objects.get(pk=keep.pk).status == Status.DONE and os.path.exists(
        exports.export_path(keep.token)
    )
    assert not export_logs(city.staff_a).exists()
    assert registry.sweep_steps["exports.expire"](timezone.localdate())["expired"] == 0  # idempotent


def test_the_sweep_removes_files_no_finished_job_owns(city, done_job):
    directory = exports.export_dir()
    old, fresh = os.path.join(directory, "stray.tmp"), os.path.join(directory, "fresh.tmp")
    for path in (old, fresh):
        with open(path, "wb") as fh:
            fh.write(b"x")
    day_ago = time.time() - 2 * 86400
    os.utime(old, (day_ago, day_ago))
    os.utime(exports.export_path(done_job.token), (day_ago, day_ago))  # an old file of a live job stays
    assert exports.export_expire()["orphans_deleted"] == 1
    assert sorted(os.listdir(directory)) == sorted(["fresh.tmp", str(done_job.token)])


# --- failure -----------------------------------------------------------------------------------------


def test_a_failing_build_marks_the_job_failed_and_leaves_nothing(
    client, city, media, monkeypatch, sent, caplog
):
    def broken(user, params):
        raise RuntimeError("disk on fire")

    fake_kind(monkeypatch, build=broken)
    job = exports.export_request(user=city.staff_a, kind="tests.fake", params={}, inline=False).job
    with caplog.at_level(logging.ERROR, logger="cadre_supervision.exports"):
        job = run(job)
    assert job.status == Status.FAILED and job.error == exports.FAILED_MESSAGE
    assert (job.filename, job.size, job.expires_at) == ("", 0, None) and job.finished_at is not None
    assert "disk on fire" in caplog.text  # the exception is logged, the user gets the message
    assert not os.path.exists(exports.export_dir()) or os.listdir(exports.export_dir()) == []
    note = Notification.objects.get(recipient=city.staff_a, kind=exports.FAILED_KIND)
    assert note.body == exports.FAILED_MESSAGE and kind_label(exports.FAILED_KIND) == "导出失败"
    client.force_login(city.staff_a)
    page = client.get(job.get_absolute_url()).content.decode()
    assert "失败" in page and exports.FAILED_MESSAGE in page and 'http-equiv="refresh"' not in page
    assert exports.FAILED_MESSAGE in client.get(reverse("export_list")).content.decode()
    assert client.get(reverse("export_job_download", args=[job.token])).status_code == 404
    assert exports.export_run(job_id=job.pk) is None  # failed stays failed


def test_a_failing_write_leaves_no_file(city, media, monkeypatch, sent):
    fake_kind(monkeypatch)
    job = exports.export_request(user=city.staff_a, kind="tests.fake", params={}, inline=False).job

    def no_space(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(exports.os, "replace", no_space)
    job = run(job)
    assert job.status == Status.FAILED and os.listdir(exports.export_dir()) == []


@pytest.mark.parametrize("cause", ["inactive", "refused", "bad_params", "unregistered"])
def test_a_job_refused_at_run_time_says_why(city, media, monkeypatch, sent, cause):
    state = {"refuse": False}

    def check(user):
        if state["refuse"]:
            raise PermissionDenied("不行")

    built = fake_kind(monkeypatch, check=check)
    job = exports.export_request(user=city.staff_a, kind="tests.fake", params={}, inline=False).job
    if cause == "inactive":
        type(city.staff_a).objects.filter(pk=city.staff_a.pk).update(is_active=False)
    elif cause == "refused":
        state["refuse"] = True
    elif cause == "bad_params":
        ExportJob.objects.filter(pk=job.pk).update(params={"n": "bad"})
    else:
        monkeypatch.delitem(registry.export_kinds, "tests.fake")
    job = run(job)
    expected = {
        "inactive": "账号已停用，未生成文件。",
        "refused": "您已无权进行此导出。",
        "bad_params": "n 有误。",
        "unregistered": "该导出已不再提供。",
    }[cause]
    assert (job.status, job.error, built) == (Status.FAILED, expected, [])


def test_a_done_job_is_not_built_again(city, media, monkeypatch, sent):
    built = fake_kind(monkeypatch)
    job = run(exports.export_request(user=city.staff_a, kind="tests.fake", params={"n": 2}, inline=False).job)
    assert job.status == Status.DONE and built == [{"n": 2}]
    assert exports.export_run(job_id=job.pk) is None and tasks.run_export(job.pk) == "skipped"
    assert built == [{"n": 2}] and ExportJob.objects.get(pk=job.pk).attempts == 1


# --- the catch-up ------------------------------------------------------------------------------------


def test_the_catch_up_runs_what_the_broker_lost(city, media, monkeypatch, django_capture_on_commit_callbacks):
    from kombu.exceptions import OperationalError

    def down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.run_export, "apply_async", down)
    monkeypatch.setattr(tasks.deliver_pending, "apply_async", down)
    built = fake_kind(monkeypatch)
    with django_capture_on_commit_callbacks(execute=True):  # the broker is down: logged, not raised
        lost = exports.export_request(user=city.staff_a, kind="tests.fake", params={"n": 1}, inline=False).job
        recent = exports.export_request(
            user=city.staff_a, kind="tests.fake", params={"n": 2}, inline=False
        ).job
    now = timezone.now()
    ExportJob.objects.filter(pk=lost.pk).update(created_at=now - dt.timedelta(minutes=2))
    # a worker died 31 minutes into a job (tried once), another one three times over
    stale = exports.export_request(user=city.staff_a, kind="tests.fake", params={"n": 3}, inline=False).job
    dead = exports.export_request(user=city.staff_a, kind="tests.fake", params={"n": 4}, inline=False).job
    busy = exports.export_request(user=city.staff_a, kind="tests.fake", params={"n": 5}, inline=False).job
    long_ago = now - dt.timedelta(minutes=31)
    ExportJob.objects.filter(pk__in=[stale.pk, dead.pk, busy.pk]).update(
        status=Status.RUNNING, started_at=long_ago, created_at=long_ago, attempts=1
    )
    ExportJob.objects.filter(pk=dead.pk).update(attempts=3)
    ExportJob.objects.filter(pk=busy.pk).update(started_at=now - dt.timedelta(minutes=5))

    assert tasks.run_pending_exports() == {"ran": 2, "gave_up": 1}
    status = dict(ExportJob.objects.values_list("pk", "status"))
    assert status[lost.pk] == status[stale.pk] == Status.DONE
    assert status[recent.pk] == Status.QUEUED  # its task may still be on its way
    assert status[busy.pk] == Status.RUNNING  # a worker is on it
    assert (
        status[dead.pk] == Status.FAILED
        and ExportJob.objects.get(pk=dead.pk).error == exports.GAVE_UP_MESSAGE
    )
    assert ExportJob.objects.get(pk=stale.pk).attempts == 2
    assert sorted(p["n"] for p in built) == [1, 3]

    from celery.schedules import crontab

    from cadre_supervision.celery import app

    (entry,) = [e for e in app.conf.beat_schedule.values() if e["task"] == tasks.run_pending_exports.name]
    assert entry["schedule"] == crontab(minute="*/5")


def test_a_running_job_is_not_taken_twice(city, media, monkeypatch, sent):
    built = fake_kind(monkeypatch)
    job = exports.export_request(user=city.staff_a, kind="tests.fake", params={}, inline=False).job
    ExportJob.objects.filter(pk=job.pk).update(status=Status.RUNNING, started_at=timezone.now(), attempts=1)
    assert exports.export_run(job_id=job.pk) is None and built == []


# --- the API -----------------------------------------------------------------------------------------


def test_api_create_list_detail_download(api, city, media, sent):
    api.force_authenticate(city.staff_a)
    url = reverse("exports-api:export-list")
    resp = api.post(url, {"kind": DOSSIER_EXPORT, "params": {}}, format="json")
    assert resp.status_code == 201, resp.content  # a small scope too: through the API always a job
    body = resp.json()
    assert body["status"] == "queued" and body["status_label"] == "排队中" and body["download_url"] == ""
    job = ExportJob.objects.get(token=body["token"])
    assert body["url"] == job.get_absolute_url()
    again = api.post(url, {"kind": DOSSIER_EXPORT}, format="json")
    assert again.status_code == 200 and again.json()["token"] == body["token"]
    download_url = reverse("exports-api:export-download", args=[job.token])
    assert api.get(download_url).status_code == 404  # not generated yet

    run(job)
    detail = api.get(reverse("exports-api:export-detail", args=[job.token])).json()
    assert (
        detail["status"] == "done" and detail["download_url"] == download_url and detail["size"] == job.size
    )
    listing = api.get(url).json()
    assert [r["token"] for r in listing["results"]] == [body["token"]]
    resp = api.get(download_url)
    assert resp.status_code == 200 and resp["Content-Type"] == XLSX
    assert "张伟" in str(xlsx_cells(resp.content))
    assert export_logs(city.staff_a).count() == 1


def test_api_lists_only_the_callers_jobs_newest_first(api, city, media, sent):
    for year in (2021, 2022, 2023):
        exports.export_request(
            user=city.discipline, kind=ANALYSIS_EXPORT, params={"year": year}, inline=False
        )
    exports.export_request(user=city.staff_all, kind=ANALYSIS_EXPORT, params={"year": 2021}, inline=False)
    api.force_authenticate(city.discipline)
    rows = api.get(reverse("exports-api:export-list"), {"page_size": 2}).json()
    assert [r["params"]["year"] for r in rows["results"]] == [2023, 2022] and rows["next"]
    rest = api.get(rows["next"]).json()
    assert [r["params"]["year"] for r in rest["results"]] == [2021]


@pytest.mark.parametrize(
    "who,body,status,field",
    [
        ("staff_a", lambda c: {"kind": "no.such.export", "params": {}}, 400, "kind"),
        ("staff_a", lambda c: {"params": {}}, 400, "kind"),
        ("staff_a", lambda c: {"kind": DOSSIER_EXPORT, "params": "all"}, 400, "params"),
        ("staff_a", lambda c: {"kind": DOSSIER_EXPORT, "params": {"sheet": "干部"}}, 400, "params"),
        ("discipline", lambda c: {"kind": ANALYSIS_EXPORT, "params": {"year": "abc"}}, 400, "year"),
        ("discipline", lambda c: {"kind": ANALYSIS_EXPORT, "params": {"year": 1999}}, 400, "year"),
        (
            "discipline",
            lambda c: {"kind": ANALYSIS_EXPORT, "params": {"organization": 99999999}},
            400,
            "organization",
        ),
        (
            "discipline",
            lambda c: {"kind": ANALYSIS_EXPORT, "params": {"organization": [1]}},
            400,
            "organization",
        ),
        # a unit outside the caller's integrity scope is answered like one that does not exist
        (
            "staff_a",
            lambda c: {"kind": ANALYSIS_EXPORT, "params": {"organization": c.town_b.pk}},
            400,
            "organization",
        ),
        ("discipline", lambda c: {"kind": DOSSIER_EXPORT, "params": {}}, 403, None),  # no cadre management
    ],
)
def test_api_bad_requests_save_nothing(api, city, media, sent, who, body, status, field):
    api.force_authenticate(getattr(city, who))
    resp = api.post(reverse("exports-api:export-list"), body(city), format="json")
    assert resp.status_code == status, resp.content
    if field:
        assert list(resp.json()) == [field] and resp.json()[field]
    assert not ExportJob.objects.exists() and sent == []


def test_the_api_error_messages_are_chinese(api, city):
    api.force_authenticate(city.discipline)
    resp = api.post(
        reverse("exports-api:export-list"),
        {"kind": ANALYSIS_EXPORT, "params": {"year": "abc"}},
        format="json",
    )
    assert resp.json() == {"year": ["年度应为四位数字，例如 2026。"]}
    resp = api.post(reverse("exports-api:export-list"), {"kind": "nope"}, format="json")
    assert resp.json() == {"kind": ["没有这种导出。"]}


def test_the_schema_describes_the_exports_api():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    paths = schema["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/exports/"])
    assert set(paths["/api/v1/exports/"]["post"]["responses"]) >= {"200", "201", "400", "403"}
    assert "*/*" in paths["/api/v1/exports/{token}/download/"]["get"]["responses"]["200"]["content"]
    assert "token" in schema["components"]["schemas"]["ExportJob"]["properties"]


# --- 我的导出 --------------------------------------------------------------------------------------


def test_my_exports_newest_first_and_paged(client, city, media, sent):
    for year in range(2001, 2026):
        exports.export_request(
            user=city.discipline, kind=ANALYSIS_EXPORT, params={"year": year}, inline=False
        )
    client.force_login(city.discipline)
    html = client.get(reverse("export_list")).content.decode()
    assert html.index("2025年度联席会议专题分析") < html.index("2024年度联席会议专题分析")
    assert "2005年度" not in html and "共 25 条" in html and 'rel="next"' in html
    assert 'id="my-exports"' in html  # the user menu's entry
