"""The maps in a real browser: clusters, popups, privacy, the operator placing a case, the crew's photo."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from geoalchemy2.shape import to_shape

from tests import factories
from tests.conftest import until
from webmap.extensions import db
from webmap.models import Appeal, Work

pytestmark = pytest.mark.browser

PERSONAL = (
    factories.AUTHOR,
    factories.PHONE,
    "912 345",
    "912) 345",
    factories.POS_MARKER,
    factories.RECEPTION_MARKER,
    "id777",
)


def cluster_counts(page: Any) -> list[int]:
    return [int(t) for t in page.locator(".leaflet-marker-icon.cluster-marker").all_inner_texts()]


def test_public_map_shows_clusters_then_works(app: Flask, page: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(app.config, "WEBMAP_MAP_MAX_FEATURES", 30)
    with app.app_context():
        for i in range(60):  # a dense block in the 5th micro-district
            factories.work(75.592 + (i % 10) * 0.0003, 61.738 + (i // 10) * 0.0002, type_code="road")
        factories.work(75.640, 61.757, type_code="manhole")  # alone in the north-east
        db.session.commit()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url) if "/api/features?" in r.url else None)
    page.goto(page.base_url + "/")
    page.wait_for_selector(".leaflet-marker-icon.cluster-marker")
    until(page, "document.getElementById('map-status').textContent.includes('61')")
    counts = cluster_counts(page)
    singles = page.locator(".leaflet-marker-icon.work-marker").count()
    assert sum(counts) + singles == 61 and max(counts) > 1
    assert page.locator(".leaflet-marker-icon.work-manhole").count() == 1
    # a click on a cluster zooms in; the map fetches again for the new view
    fetched = len(requests)
    for _ in range(5):  # clusters all the way down, until the works come one by one
        if page.locator(".leaflet-marker-icon.work-road").count():
            break
        zoom = page.evaluate("webmapMap.getZoom()")
        page.locator(".leaflet-marker-icon.cluster-marker").first.click()
        until(page, f"webmapMap.getZoom() > {zoom}")
        # the features of the new zoom drawn (not the last zoom's, still on screen while they load)
        until(page, "document.getElementById('map').dataset.drawnZoom === String(webmapMap.getZoom())")
    assert page.locator(".leaflet-marker-icon.work-road").count() > 0
    assert len(requests) > fetched
    # the URL keeps the view and the filters: opening it again shows the same
    page.uncheck("input[name=show][value=case_in_work]")
    until(page, "location.hash.includes('show=work_done') && !location.hash.includes('case_in_work')")
    shared = page.url
    assert re.search(r"#map=\d+/61\.\d+/75\.\d+", shared)
    page.goto("about:blank")
    page.goto(shared)
    page.wait_for_selector(".leaflet-marker-icon.work-road")
    assert not page.is_checked("input[name=show][value=case_in_work]")
    assert page.offsite == []


def test_district_selector_zooms_to_it(app: Flask, page: Any) -> None:
    page.goto(page.base_url + "/")
    page.wait_for_selector("path.base-district")
    zoom = page.evaluate("webmapMap.getZoom()")
    page.select_option("select[name=district]", label="Промзона")
    until(page, f"webmapMap.getZoom() > {zoom}")
    until(page, "location.hash.includes('district=')")


def test_no_personal_data_in_the_public_page_or_its_responses(app: Flask, page: Any) -> None:
    with app.app_context():
        case = factories.private_case(factories.SCHOOL_2[0] + 0.001, factories.SCHOOL_2[1])
        factories.work(
            *factories.SCHOOL_2, note=f"Сделано. Вопросы {factories.AUTHOR} по тел. {factories.PHONE}", appeals=[case]
        )
        other = factories.private_case(75.605, 61.741)
        other.public_note = f"Ответственный {factories.AUTHOR}"
        db.session.commit()
    bodies: list[str] = []

    def keep(response: Any) -> None:
        try:
            bodies.append(response.text())
        except Exception:  # redirects and aborted requests have no body
            pass

    page.on("response", keep)
    page.goto(page.base_url + "/#map=16/61.7400/75.6020")
    page.wait_for_selector(".leaflet-marker-icon.work-marker").click()
    page.wait_for_selector(".leaflet-popup-content .popup-sources")
    popup = page.inner_text(".leaflet-popup-content")
    assert "пост ВКонтакте" in popup and "обращение через ПОС" in popup and "личный приём" in popup
    assert page.get_attribute(".popup-sources a", "href") == "https://vk.com/wall-21835_1001"
    page.locator(".leaflet-marker-icon.case-marker").first.click()
    page.wait_for_selector(".leaflet-popup-content.popup-case, .leaflet-popup-content .popup-case .popup-where")
    page.wait_for_timeout(300)
    content = page.content()
    assert bodies and any("/api/features" in b or "FeatureCollection" in b for b in bodies)
    for marker in PERSONAL:
        assert marker not in content, marker
        for body in bodies:
            assert marker not in body, marker
    assert page.offsite == []


def test_operator_places_an_unplaced_case(app: Flask, page: Any, logged_in_page: Any) -> None:
    with app.app_context():
        case = factories.appeal(
            None, None, status="new", messages=[factories.message("Не горит фонарь у второй школы", channel="pos")]
        )
        placed = factories.appeal(75.60, 61.74, status="new", days_ago=40, deadline_days=10)
        db.session.commit()
        case_id, placed_id = case.id, placed.id
    logged_in_page("operator", "op-map")
    page.goto(page.base_url + "/operator/map#map=16/61.7400/75.6000")
    item = page.wait_for_selector(f"#unplaced-{case_id}")
    assert "Не горит фонарь у второй школы" in item.inner_text()
    overdue = page.wait_for_selector(".leaflet-marker-icon.case-marker.overdue")  # the other, past its deadline
    overdue.click()
    link = page.wait_for_selector(".leaflet-popup-content a.button")
    assert link.get_attribute("href").endswith(f"/operator/cases/{placed_id}")
    page.keyboard.press("Escape")
    page.click(f"#unplaced-{case_id} .unplaced-pick")
    page.wait_for_selector("#map.picking")
    box = page.locator("#map").bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.6)
    until(page, "document.getElementById('map-notice').textContent.includes('поставлено')")
    until(page, f"!document.getElementById('unplaced-{case_id}')")
    with app.app_context():
        case = db.session.get(Appeal, case_id)
        assert case.point is not None and case.placed_by == "operator"
        point = to_shape(case.point)
        assert 75.59 < point.x < 75.60 and 61.735 < point.y < 61.74
    until(page, "document.querySelectorAll('.leaflet-marker-icon.case-marker').length >= 2")
    # the heat layer of open cases (leaflet.heat, served locally)
    page.check("input[name=heat]")
    page.wait_for_selector("canvas.leaflet-heatmap-layer")
    assert page.offsite == []


def test_crew_marks_done_with_a_photo_and_it_shows_on_the_public_map(
    app: Flask, page: Any, auth: Any, logged_in_page: Any, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "WEBMAP_UPLOAD_DIR", str(tmp_path))
    crew = auth.user("crew", "crew-map")
    with app.app_context():
        far = factories.work(75.64, 61.73, status="planned", crew=crew, type_code="manhole", note=None)
        near = factories.work(75.5952, 61.7421, status="in_work", crew=crew, type_code="streetlight", note=None)
        db.session.commit()
        far_id, near_id = far.id, near.id
    page.context.grant_permissions(["geolocation"], origin=page.base_url)
    page.context.set_geolocation({"latitude": factories.CENTRE[1], "longitude": factories.CENTRE[0]})
    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    logged_in_page("crew", "crew-map")
    page.goto(page.base_url + "/crew")
    until(page, f"document.querySelector('.crew-work').id === 'work-{near_id}'")
    assert page.locator(".crew-work").nth(1).get_attribute("id") == f"work-{far_id}"
    assert "м" in page.inner_text(f"#work-{near_id} .crew-distance")
    assert page.get_attribute(f"#work-{near_id} .crew-nav a", "href").startswith("geo:61.742")
    item = page.locator(f"#work-{near_id}")
    item.locator("summary").click()
    item.locator("input[name=photo]").set_input_files(
        files=[{"name": "IMG_0001.jpg", "mimeType": "image/jpeg", "buffer": factories.jpeg_with_exif()}]
    )
    item.locator("textarea[name=note]").fill("Заменили светильник")
    item.locator("button[type=submit]").click()
    page.wait_for_selector(".crew-flash-ok")
    assert page.locator(f"#work-{near_id}").count() == 0
    with app.app_context():
        assert db.session.get(Work, near_id).status == "done"
    page.goto(page.base_url + "/#map=17/61.7421/75.5952")
    page.wait_for_selector(".leaflet-marker-icon.work-streetlight").click()
    page.wait_for_selector(".leaflet-popup-content .popup-photo")
    assert "Заменили светильник" in page.inner_text(".leaflet-popup-content")
    natural = page.evaluate(
        "document.querySelector('.popup-photo').complete && document.querySelector('.popup-photo').naturalWidth"
    )
    assert natural == 64
    assert page.offsite == []
