"""The public page draws its embedded first view before any /api/features request answers, then
the exact view's answer: left in place when it is the same, drawn instead when it is not; a URL
that names another view or other filters never shows the default first view."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from tests import factories
from tests.conftest import until
from webmap.extensions import db

pytestmark = pytest.mark.browser

SPEED_BUMP = factories.SCHOOL_2
FENCE = [(75.58, 61.73), (75.581, 61.73)]


def features_request(url: str) -> bool:
    return "/api/features?" in url


class Held:
    """The page's /api/features requests, held until the test lets them go (or refuses them)."""

    def __init__(self, page: Any) -> None:
        self.routes: list[Any] = []
        page.route(features_request, self.hold)

    def hold(self, route: Any) -> None:
        self.routes.append(route)

    def release(self) -> None:
        while self.routes:
            self.routes.pop(0).continue_()


def seed(app: Flask) -> None:
    with app.app_context():
        factories.work(*SPEED_BUMP)
        factories.work(type_code="fence", line=FENCE)
        factories.appeal(75.6, 61.745, status="in_work")
        db.session.commit()


def drawn(page: Any) -> str | None:
    return page.get_attribute("#map", "data-drawn")


def markers(page: Any) -> int:
    return page.locator(".leaflet-marker-icon.work-marker, .leaflet-marker-icon.case-marker").count()


def test_first_markers_are_drawn_with_the_features_request_refused(app: Flask, page: Any) -> None:
    seed(app)
    refused: list[str] = []
    page.route(features_request, lambda route: (refused.append(route.request.url), route.abort()))
    page.goto(page.base_url + "/")
    page.wait_for_selector(".leaflet-marker-icon.work-marker")
    assert drawn(page) == "first" and markers(page) == 3
    assert page.locator(".leaflet-marker-icon.work-fence").count() == 1
    assert page.locator(".leaflet-marker-icon.case-in_work").count() == 1
    until(page, "document.getElementById('map-status').textContent.indexOf('Не удалось') >= 0")
    assert refused and "bbox=" in refused[0]
    assert page.locator(".leaflet-marker-icon.work-marker").count() == 2  # the error leaves the markers
    # the server guessed the zoom this window's map opens at: the exact view asks for the same cells
    first_zoom = page.evaluate("JSON.parse(document.getElementById('map-first-view').textContent).zoom")
    assert page.evaluate("webmapMap.getZoom()") == first_zoom
    assert page.offsite == []


def test_the_same_answer_leaves_the_markers_and_an_open_popup(app: Flask, page: Any) -> None:
    seed(app)
    held = Held(page)
    page.goto(page.base_url + "/")
    page.wait_for_selector(".leaflet-marker-icon.work-marker")
    assert drawn(page) == "first"
    page.evaluate("document.querySelectorAll('.leaflet-marker-icon').forEach(function (m) { m.dataset.probe = '1'; })")
    page.locator(".leaflet-marker-icon.work-speed_bump").click()
    page.wait_for_selector(".leaflet-popup-content .popup-when")
    held.release()
    until(page, "document.getElementById('map').getAttribute('data-drawn') === 'view'")
    assert markers(page) == 3
    assert page.locator(".leaflet-marker-icon:not([data-probe])").count() == 0  # none redrawn
    assert page.locator(".leaflet-popup-content .popup-when").count() == 1  # the popup stayed open


def test_a_different_answer_replaces_the_first_view(app: Flask, page: Any) -> None:
    seed(app)
    held = Held(page)
    page.goto(page.base_url + "/")
    page.wait_for_selector(".leaflet-marker-icon.work-marker")
    assert drawn(page) == "first" and markers(page) == 3
    with app.app_context():  # done after the page was made: only the exact view's answer has it
        factories.work(75.57, 61.735, type_code="streetlight")
        db.session.commit()
    held.release()
    until(page, "document.getElementById('map').getAttribute('data-drawn') === 'view'")
    page.wait_for_selector(".leaflet-marker-icon.work-streetlight")
    assert markers(page) == 4


@pytest.mark.parametrize(
    ("fragment", "expected"),
    [
        ("#type=fence", 2),  # a filter: the fence of the works, and the case
        ("#show=work_done", 2),  # cases in work not ticked: the two works
        ("#old=1", 3),  # a filter the first view was not made with, even if it changes nothing here
        ("#map=17/61.7396/75.6007", 1),  # another view: the speed bump by the school
    ],
)
def test_a_url_naming_a_view_or_filters_does_not_show_the_first_view(
    app: Flask, page: Any, fragment: str, expected: int
) -> None:
    seed(app)
    held = Held(page)
    page.goto(page.base_url + "/" + fragment)
    page.wait_for_selector(".leaflet-marker-icon.base-landmark, path.base-district", state="attached")
    until(page, "!!window.webmapMap")
    page.wait_for_timeout(300)
    assert drawn(page) is None and markers(page) == 0  # nothing until this view's answer
    held.release()
    until(page, "document.getElementById('map').getAttribute('data-drawn') === 'view'")
    assert markers(page) == expected


def test_a_form_changed_before_the_script_runs_does_not_show_the_first_view(app: Flask, page: Any) -> None:
    """A browser may restore the form's last state (back, reload): not the defaults any more."""
    seed(app)
    held = Held(page)
    page.add_init_script(  # unticks the box as the parser adds it, before the page's scripts run
        "new MutationObserver(function (changes, observer) {"
        "  var box = document.querySelector(\"input[name='type'][value='speed_bump']\");"
        "  if (box) { box.checked = false; observer.disconnect(); }"
        "}).observe(document, { childList: true, subtree: true });"
    )
    page.goto(page.base_url + "/")
    until(page, "!!window.webmapMap")
    page.wait_for_timeout(300)
    assert drawn(page) is None and markers(page) == 0
    held.release()
    until(page, "document.getElementById('map').getAttribute('data-drawn') === 'view'")
    assert page.locator(".leaflet-marker-icon.work-speed_bump").count() == 0 and markers(page) == 2
