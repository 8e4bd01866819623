"""GET/PUT/DELETE /api/v1/cadres/{id}/photo/: the page's checks through the same service."""

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from cadre_supervision.history import history_for
from cadre_supervision.models import AccessLog, PolicySetting
from cadres.models import CadrePhoto

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.CS_PRIVATE_MEDIA_ROOT = str(tmp_path / "private")
    settings.MEDIA_ROOT = str(tmp_path / "media")


def image(fmt="PNG", size=(120, 160)) -> bytes:
    from PIL import Image

    out = BytesIO()
    Image.new("RGB", size, (200, 180, 160)).save(out, fmt)
    return out.getvalue()


def url(cadre):
    return reverse("cadres-api:cadre-photo", args=[cadre.pk])


def api(user=None):
    c = APIClient()
    if user is not None:
        c.force_authenticate(user)
    return c


def put(client, cadre, data: bytes, name="p.png"):
    return client.put(url(cadre), {"photo": SimpleUploadedFile(name, data)}, format="multipart")


def test_upload_read_replace_and_delete_over_the_api(city):
    c = api(city.staff_a)
    resp = put(c, city.cadre_a, image("JPEG"), name="looks-like.png")
    assert resp.status_code == 200, resp.json()
    assert resp.json() == {
        "content_type": "image/jpeg",
        "width": 120,
        "height": 160,
        "size": resp.json()["size"],
    }
    photo = CadrePhoto.objects.get(cadre=city.cadre_a)
    assert any(r["username"] == "staff_a" for r in history_for(photo))

    before = AccessLog.objects.filter(action=AccessLog.Action.DOWNLOAD_FILE).count()
    got = c.get(url(city.cadre_a))
    assert got.status_code == 200 and got["Content-Type"] == "image/jpeg"
    assert got["Cache-Control"] == "private, no-store"
    assert b"".join(got.streaming_content)[:3] == b"\xff\xd8\xff"
    assert AccessLog.objects.filter(action=AccessLog.Action.DOWNLOAD_FILE).count() == before + 1

    assert put(c, city.cadre_a, image("PNG", (200, 260))).status_code == 200
    photo = CadrePhoto.objects.get(cadre=city.cadre_a)
    assert (photo.content_type, photo.width) == ("image/png", 200)

    assert c.delete(url(city.cadre_a)).status_code == 204
    assert not CadrePhoto.objects.filter(cadre=city.cadre_a).exists()
    assert c.get(url(city.cadre_a)).status_code == 404
    assert c.delete(url(city.cadre_a)).status_code == 404


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "照片文件为空。"),
        (b"not an image at all", "照片须为 JPEG 或 PNG 图片，文件无法识别。"),
        ("gif", "照片须为 JPEG 或 PNG 格式。"),
        ("tiny", "照片尺寸须在 50 至 6000 像素之间。"),
    ],
)
def test_bad_uploads_are_400_in_chinese_and_save_nothing(city, data, message):
    data = {"gif": lambda: image("GIF"), "tiny": lambda: image("PNG", (20, 20))}.get(data, lambda: data)()
    resp = put(api(city.staff_a), city.cadre_a, data)
    assert resp.status_code == 400
    assert resp.json() == {"photo": [message]}
    assert not CadrePhoto.objects.filter(cadre=city.cadre_a).exists()


def test_missing_file_and_size_policy(city):
    c = api(city.staff_a)
    resp = c.put(url(city.cadre_a), {}, format="multipart")
    assert resp.status_code == 400 and resp.json() == {"photo": ["请选择照片文件。"]}
    assert c.put(url(city.cadre_a), {"photo": "x"}, format="json").status_code == 415
    PolicySetting.objects.create(key="cadres.photo_max_kb", value=50)
    resp = put(c, city.cadre_a, b"\x89PNG" + b"0" * 60 * 1024)
    assert resp.status_code == 400 and resp.json() == {"photo": ["照片不能超过 50 KB。"]}
    assert not CadrePhoto.objects.filter(cadre=city.cadre_a).exists()


def test_photo_permission_and_scope(city):
    assert put(api(city.staff_a), city.cadre_a, image()).status_code == 200
    # anonymous
    assert api().get(url(city.cadre_a)).status_code in (401, 403)
    # in scope without view_photos: as if absent
    assert api(city.liaison_a).get(url(city.cadre_a)).status_code == 404
    assert put(api(city.liaison_a), city.cadre_a, image()).status_code == 404
    assert api(city.liaison_a).delete(url(city.cadre_a)).status_code == 404
    # out of scope: 404 for every method, nothing changes
    for method in ("get", "delete"):
        assert getattr(api(city.staff_a), method)(url(city.cadre_b)).status_code == 404
    assert put(api(city.staff_a), city.cadre_b, image()).status_code == 404
    assert not CadrePhoto.objects.filter(cadre=city.cadre_b).exists()
    # discipline officers read photos but do not change the record
    assert api(city.discipline).get(url(city.cadre_a)).status_code == 200
    assert put(api(city.discipline), city.cadre_a, image("JPEG")).status_code == 403
    assert api(city.discipline).delete(url(city.cadre_a)).status_code == 403
    assert CadrePhoto.objects.get(cadre=city.cadre_a).content_type == "image/png"


def test_photo_endpoint_is_in_the_schema_with_a_binary_response(city):
    resp = api(city.staff_all).get(reverse("schema"), {"format": "json"})
    assert resp.status_code == 200
    ops = resp.json()["paths"]["/api/v1/cadres/{id}/photo/"]
    assert set(ops) >= {"get", "put", "delete"}
    assert ops["get"]["responses"]["200"]["content"]["image/jpeg"]["schema"] == {
        "type": "string",
        "format": "binary",
    }
    assert "multipart/form-data" in ops["put"]["requestBody"]["content"]
