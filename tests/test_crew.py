"""The crew page: own works nearest first, navigation links, marking done with a cleaned photo."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image
from sqlalchemy import select

from tests import factories
from webmap.extensions import db
from webmap.models import Appeal, StatusChange, Work, WorkPhoto

NEAR = (75.5955, 61.7422)
FAR = (75.64, 61.73)


@pytest.fixture
def uploads(app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setitem(app.config, "WEBMAP_UPLOAD_DIR", str(tmp_path))
    return tmp_path


def test_crew_page_needs_the_crew_role(app_ctx: None, client: FlaskClient, auth: Any) -> None:
    assert client.get("/crew").status_code == 302  # to the login page
    auth.login("operator")
    assert client.get("/crew").status_code == 403
    auth.login("crew")
    assert client.get("/crew").status_code == 200


def test_own_works_nearest_first(app_ctx: None, client: FlaskClient, auth: Any) -> None:
    me = auth.login("crew")
    other = auth.user("crew", "other-crew")
    far = factories.work(*FAR, status="planned", crew=me, type_code="manhole")
    near = factories.work(*NEAR, status="in_work", crew=me, type_code="streetlight")
    factories.work(*NEAR, status="planned", crew=other)
    factories.work(*NEAR, status="done", crew=me)
    db.session.flush()
    works = client.get(f"/api/crew/works?lat={factories.CENTRE[1]}&lon={factories.CENTRE[0]}").get_json()["works"]
    assert [w["id"] for w in works] == [near.id, far.id]
    assert works[0]["distance_m"] < 100 < works[1]["distance_m"]
    assert works[0]["nav"]["geo"] == f"geo:{NEAR[1]:.6f},{NEAR[0]:.6f}?q={NEAR[1]:.6f},{NEAR[0]:.6f}"
    assert works[0]["nav"]["web"].startswith("https://")
    # without a position: in the order they were assigned
    works = client.get("/api/crew/works").get_json()["works"]
    assert [w["id"] for w in works] == [far.id, near.id] and works[0]["distance_m"] is None
    page = client.get(f"/crew?lat={factories.CENTRE[1]}&lon={factories.CENTRE[0]}").get_data(as_text=True)
    assert page.index(f'id="work-{near.id}"') < page.index(f'id="work-{far.id}"')
    assert 'href="geo:' in page and 'enctype="multipart/form-data"' in page
    assert 'name="csrf_token"' in page and "crew.js" in page
    assert client.get("/api/crew/works?lat=91&lon=75").status_code == 400
    assert client.get("/api/crew/works?lat=61").status_code == 400


def done(
    client: FlaskClient,
    auth: Any,
    work_id: int,
    photo: bytes | None,
    *,
    name: str = "photo.jpg",
    note: str = "Заменили светильник",
) -> Any:
    data: dict[str, Any] = {"csrf_token": auth.csrf_token(), "note": note}
    if photo is not None:
        data["photo"] = (io.BytesIO(photo), name)
    return client.post(f"/crew/works/{work_id}/done", data=data, content_type="multipart/form-data")


def test_mark_done_with_a_photo_strips_exif_and_shows_publicly(
    app_ctx: None, client: FlaskClient, auth: Any, uploads: Path
) -> None:
    me = auth.login("crew")
    case = factories.appeal(*NEAR, status="in_work")
    work = factories.work(*NEAR, status="in_work", crew=me, type_code="streetlight", appeals=[case], note=None)
    db.session.flush()
    original = factories.jpeg_with_exif()
    assert b"SERIAL-123456" in original and Image.open(io.BytesIO(original)).getexif()
    response = done(client, auth, work.id, original, note=f"Заменили светильник, звоните {factories.PHONE}")
    assert response.status_code == 303
    db.session.expire_all()
    work = db.session.get(Work, work.id)
    assert work.status == "done" and work.done_at is not None
    assert db.session.get(Appeal, case.id).status == "done"  # the case closes with the work
    photo = db.session.scalar(select(WorkPhoto).where(WorkPhoto.work_id == work.id))
    assert photo.stage == "after" and photo.path.startswith("works/") and photo.path.endswith(".jpg")
    stored = (uploads / photo.path).read_bytes()
    assert b"SERIAL-123456" not in stored and b"Exif" not in stored and b"PhoneMaker" not in stored
    assert not Image.open(io.BytesIO(stored)).getexif()
    assert len(Path(photo.path).stem) == 32  # a random name, not the uploaded one
    change = db.session.scalar(
        select(StatusChange).where(StatusChange.work_id == work.id, StatusChange.new_value == "done")
    )
    assert change.user_id == me.id
    # the public map shows it, its note redacted, with the photo
    fc = client.get("/api/features?bbox=75.59,61.74,75.60,61.745&zoom=16").get_json()
    assert f"work-{work.id}" in {f["id"] for f in fc["features"]}
    p = client.get(f"/api/features/work/{work.id}").get_json()["properties"]
    assert p["note"] == "Заменили светильник, звоните [телефон]"
    assert len(p["photos"]) == 1
    image = client.get(p["photos"][0])
    assert image.status_code == 200 and image.data == stored


@pytest.mark.parametrize("fmt, ext", [("PNG", ".png"), ("WEBP", ".webp")])
def test_png_and_webp_are_taken_and_cleaned(
    app_ctx: None, client: FlaskClient, auth: Any, uploads: Path, fmt: str, ext: str
) -> None:
    me = auth.login("crew")
    work = factories.work(status="planned", crew=me)
    db.session.flush()
    exif = Image.Exif()
    exif[0xA431] = "SERIAL-777"
    data = factories.image_bytes(fmt, exif=exif.tobytes())
    assert b"SERIAL-777" in data
    assert done(client, auth, work.id, data, name="x.bin").status_code == 303
    photo = db.session.scalar(select(WorkPhoto).where(WorkPhoto.work_id == work.id))
    assert photo.path.endswith(ext)
    assert b"SERIAL-777" not in (uploads / photo.path).read_bytes()


@pytest.mark.parametrize(
    "payload, name",
    [
        (b"<?php system($_GET['c']); ?>", "shell.jpg"),
        (b"GIF89a" + b"\0" * 64, "anim.gif"),
        (b"\xff\xd8\xff\xe0" + b"broken" * 10, "broken.jpg"),
        (b"", "empty.jpg"),
    ],
)
def test_not_an_image_is_refused(
    app_ctx: None, client: FlaskClient, auth: Any, uploads: Path, payload: bytes, name: str
) -> None:
    me = auth.login("crew")
    work = factories.work(status="planned", crew=me)
    db.session.flush()
    response = done(client, auth, work.id, payload, name=name)
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(Work, work.id).status == "planned"
    assert not list(uploads.rglob("*.*"))
    page = client.get("/crew").get_data(as_text=True)
    assert "crew-flash-error" in page


def test_too_large_is_refused(
    app: Flask, app_ctx: None, client: FlaskClient, auth: Any, uploads: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    me = auth.login("crew")
    work = factories.work(status="planned", crew=me)
    db.session.flush()
    monkeypatch.setitem(app.config, "WEBMAP_UPLOAD_MAX_BYTES", 2000)
    big = factories.image_bytes("PNG", size=(400, 400), compress_level=0)  # ~480 KB: over the request limit too
    response = done(client, auth, work.id, big)
    assert response.status_code == 303
    medium = factories.image_bytes("PNG", size=(40, 40), compress_level=0)  # ~5 KB: under the request limit
    assert 2000 < len(medium) < 60_000
    assert done(client, auth, work.id, medium).status_code == 303
    db.session.expire_all()
    assert db.session.get(Work, work.id).status == "planned"
    assert "crew-flash-error" in client.get("/crew").get_data(as_text=True)
    assert not list(uploads.rglob("*.png"))


def test_photo_is_required_and_only_own_works(app_ctx: None, client: FlaskClient, auth: Any, uploads: Path) -> None:
    other = auth.user("crew", "other-crew")
    me = auth.login("crew")
    mine = factories.work(status="planned", crew=me)
    theirs = factories.work(status="planned", crew=other)
    db.session.flush()
    assert done(client, auth, mine.id, None).status_code == 303
    assert done(client, auth, theirs.id, factories.jpeg_with_exif()).status_code == 303
    db.session.expire_all()
    assert db.session.get(Work, mine.id).status == "planned"
    assert db.session.get(Work, theirs.id).status == "planned"
    assert not list(uploads.rglob("*.jpg"))


def test_done_needs_the_csrf_token(app_ctx: None, client: FlaskClient, auth: Any, uploads: Path) -> None:
    me = auth.login("crew")
    work = factories.work(status="planned", crew=me)
    db.session.flush()
    response = client.post(
        f"/crew/works/{work.id}/done",
        content_type="multipart/form-data",
        data={"photo": (io.BytesIO(factories.jpeg_with_exif()), "a.jpg")},
    )
    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.get(Work, work.id).status == "planned"
