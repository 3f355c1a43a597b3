"""The works registry for operators: status, crew, photos before and after."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image

from tests import factories
from webmap.extensions import db
from webmap.models import Work


@pytest.fixture
def operator(app: Flask, app_ctx: None, auth, monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", False)
    monkeypatch.setitem(app.config, "WEBMAP_UPLOAD_DIR", str(tmp_path))
    return auth.login(role="operator")


def _jpeg_with_exif() -> bytes:
    image = Image.new("RGB", (40, 30), "red")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {2: (61.0, 44.0, 0.0)}  # GPSInfo: where the photo was taken
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def _planned_work() -> Work:
    case = factories.appeal(category="streetlight", messages=[factories.message("Не горит фонарь")])
    work = factories.work(type_code="streetlight", status="planned", note=None)
    work.appeals.append(case)
    db.session.commit()
    return work


def test_done_work_closes_its_cases(operator, client: FlaskClient) -> None:
    work = _planned_work()
    assert client.get("/operator/works").status_code == 200
    response = client.post(
        f"/operator/works/{work.id}/status",
        data={"status": "done", "public_note": "Фонарь заменён", "version": work.version},
    )
    assert response.status_code == 302
    assert work.status == "done" and work.appeals[0].status == "done"
    assert work.appeals[0].public_note == "Фонарь заменён"
    again = client.post(f"/operator/works/{work.id}/status", data={"status": "planned", "version": work.version})
    assert again.status_code == 400


def test_crew_is_assigned(operator, client: FlaskClient, auth) -> None:
    work = _planned_work()
    crew = auth.user(role="crew", username="brigada-1")
    assert (
        client.post(f"/operator/works/{work.id}/crew", data={"crew_id": crew.id, "version": work.version}).status_code
        == 302
    )
    assert work.crew_id == crew.id
    assert (
        client.post(f"/operator/works/{work.id}/crew", data={"crew_id": "999999", "version": work.version}).status_code
        == 400
    )


def test_photo_loses_its_exif(operator, client: FlaskClient, tmp_path: Path) -> None:
    work = _planned_work()
    response = client.post(
        f"/operator/works/{work.id}/photos",
        content_type="multipart/form-data",
        data={"stage": "before", "photo": (io.BytesIO(_jpeg_with_exif()), "IMG_1.jpg")},
    )
    assert response.status_code == 302
    photo = work.photos[0]
    stored = (tmp_path / photo.path).read_bytes()
    assert b"PhoneMaker" not in stored
    assert not Image.open(io.BytesIO(stored)).getexif()
    served = client.get(f"/operator/photos/{photo.id}")
    assert served.status_code == 200 and served.data == stored


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"<script>alert(1)</script>", "x.jpg"),
        (b"\xff\xd8\xff" + b"broken", "broken.jpg"),
        (b"", "empty.jpg"),
    ],
)
def test_bad_photo_is_refused(operator, client: FlaskClient, content: bytes, name: str) -> None:
    work = _planned_work()
    response = client.post(
        f"/operator/works/{work.id}/photos",
        content_type="multipart/form-data",
        data={"stage": "after", "photo": (io.BytesIO(content), name)},
    )
    assert response.status_code == 400
    assert "<script>alert(1)" not in response.get_data(as_text=True)
    assert work.photos == []


def test_oversized_photo_is_refused(operator, app: Flask, client: FlaskClient, monkeypatch) -> None:
    monkeypatch.setitem(app.config, "WEBMAP_UPLOAD_MAX_BYTES", 1000)
    work = _planned_work()
    response = client.post(
        f"/operator/works/{work.id}/photos",
        content_type="multipart/form-data",
        data={"stage": "after", "photo": (io.BytesIO(_jpeg_with_exif() + b"0" * 2000), "big.jpg")},
    )
    assert response.status_code == 400


def test_huge_upload_is_refused_before_it_is_read(operator, app: Flask, client: FlaskClient, monkeypatch) -> None:
    monkeypatch.setitem(app.config, "WEBMAP_UPLOAD_MAX_BYTES", 1000)
    work = _planned_work()
    response = client.post(
        f"/operator/works/{work.id}/photos",
        content_type="multipart/form-data",
        data={"stage": "after", "photo": (io.BytesIO(b"\xff\xd8\xff" + b"0" * 200_000), "big.jpg")},
    )
    assert response.status_code == 413
    assert work.photos == []
