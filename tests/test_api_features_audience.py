"""Each audience gets its own fields: the public never personal data nor non-public text; operators more."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask.testing import FlaskClient

from tests import maps_seed as seed
from webmap.extensions import db

TOWN = "75.54,61.72,75.66,61.765"
PERSONAL = (seed.AUTHOR, "Петров", seed.PHONE, "912 345", "id777", seed.POS_MARKER, seed.RECEPTION_MARKER)


def assert_no_personal_data(text: str) -> None:
    for marker in PERSONAL:
        assert marker not in text, marker


def test_public_answers_carry_no_personal_data(app_ctx: None, client: FlaskClient) -> None:
    case = seed.private_case()
    work = seed.work(note=f"Сделано, спасибо {seed.AUTHOR}, тел. {seed.PHONE}", appeals=[case])
    db.session.flush()
    for url in (
        f"/api/features?bbox={TOWN}&zoom=14&case_status=in_work,done",
        f"/api/features/work/{work.id}",
        f"/api/features/case/{case.id}",
        "/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_no_personal_data(response.get_data(as_text=True))


def test_popup_says_what_where_when_and_links_public_posts_only(app_ctx: None, client: FlaskClient) -> None:
    case = seed.private_case(*seed.SCHOOL_2)
    profile = seed.message("ещё", channel="vk", url="https://vk.com/id12345")  # a person's page: never linked
    phone_call = seed.message("звонок", channel="phone")
    tg = seed.message("тоже", channel="telegram", url="https://t.me/pokachi_chat/1043")
    case.messages += [profile, phone_call, tg]
    work = seed.work(*seed.SCHOOL_2, note=f"Установлена неровность. Вопросы: {seed.PHONE}", appeals=[case])
    db.session.flush()
    p = client.get(f"/api/features/work/{work.id}").get_json()["properties"]
    assert p["title"] == "Установлена искусственная неровность"
    assert p["status"] == "done" and p["when"].startswith("выполнено ")
    assert p["where"] and "(" in p["where"]  # the nearest house and its district, from the gazetteer
    assert p["note"] == "Установлена неровность. Вопросы: [телефон]"
    sources = p["sources"]
    links = [s["url"] for s in sources if s.get("url")]
    assert links == ["https://vk.com/wall-21835_1001", "https://t.me/pokachi_chat/1043"]
    labels = {s["label"]: s for s in sources if not s.get("url")}
    assert labels["обращение через ПОС"]["count"] == 1 and "url" not in labels["обращение через ПОС"]
    assert "личный приём" in labels and "обращение по телефону" in labels
    assert labels["пост ВКонтакте"]["count"] == 1  # the profile link is dropped, the post counted
    for s in sources:
        assert set(s) <= {"channel", "label", "url", "count"}


def test_public_detail_hides_what_the_public_map_does_not_show(app_ctx: None, client: FlaskClient) -> None:
    planned = seed.work(status="planned")
    new = seed.appeal(status="new")
    unplaced = seed.appeal(None, None, status="in_work")
    db.session.flush()
    for url in (
        f"/api/features/work/{planned.id}",
        f"/api/features/case/{new.id}",
        f"/api/features/case/{unplaced.id}",
    ):
        assert client.get(url).status_code == 404


def test_case_popup(app_ctx: None, client: FlaskClient) -> None:
    case = seed.private_case()
    case.public_note = f"Передано в работу, ответственный {seed.AUTHOR}"
    db.session.flush()
    p = client.get(f"/api/features/case/{case.id}").get_json()["properties"]
    assert p["title"] == "Дороги, ямы, тротуары" and p["status_label"] == "в работе"
    assert p["note"] == "Передано в работу, ответственный [имя]"
    assert p["when"].startswith("поступило ")


def operator_features(client: FlaskClient, **params: Any) -> Any:
    params.setdefault("bbox", TOWN)
    params.setdefault("zoom", 14)
    return client.get("/api/operator/features", query_string=params)


def test_operator_features_need_the_operator_role(app_ctx: None, client: FlaskClient, auth: Any) -> None:
    response = operator_features(client)
    assert response.status_code == 401 and response.get_json()["error"] == "unauthorized"
    auth.login("crew")
    assert operator_features(client).status_code == 403
    auth.login("operator")
    assert operator_features(client).status_code == 200
    auth.login("admin")
    assert operator_features(client).status_code == 200


def test_operator_fields_and_every_status(app_ctx: None, client: FlaskClient, auth: Any) -> None:
    overdue = seed.appeal(status="new", days_ago=40, deadline_days=30, address="улица Мира, 5")
    fine = seed.appeal(status="accepted", days_ago=1)
    rejected = seed.appeal(status="rejected")
    db.session.flush()
    auth.login("operator")
    fc = operator_features(client).get_json()
    got = {f["id"]: f["properties"] for f in fc["features"]}
    assert f"case-{rejected.id}" not in got  # open cases by default
    p = got[f"case-{overdue.id}"]
    assert p["overdue"] is True and p["address"] == "улица Мира, 5" and p["version"] == overdue.version
    assert set(p) == {
        "kind",
        "id",
        "category",
        "title",
        "status",
        "date",
        "overdue",
        "deadline",
        "address",
        "precision",
        "placed_by",
        "version",
    }
    assert got[f"case-{fine.id}"]["overdue"] is False
    everything = operator_features(client, case_status="new,accepted,in_work,done,rejected,duplicate").get_json()
    assert f"case-{rejected.id}" in {f["id"] for f in everything["features"]}
    only_overdue = operator_features(client, overdue=1).get_json()
    assert [f["id"] for f in only_overdue["features"]] == [f"case-{overdue.id}"]
    assert_no_personal_data(operator_features(client).get_data(as_text=True))


def test_operator_works_layer(app_ctx: None, client: FlaskClient, auth: Any) -> None:
    planned = seed.work(status="planned")
    done = seed.work(status="done", days_ago=500)
    db.session.flush()
    auth.login("operator")
    got = {f["id"] for f in operator_features(client, layers="works").get_json()["features"]}
    assert got == {f"work-{planned.id}"}
    got = {f["id"] for f in operator_features(client, layers="works", work_status="done").get_json()["features"]}
    assert got == {f"work-{done.id}"}  # operators see old ones too


def test_heat_counts_open_cases(app_ctx: None, client: FlaskClient, auth: Any) -> None:
    for i in range(5):
        seed.appeal(75.6 + i * 0.00001, 61.74, status="new")
    seed.appeal(75.6, 61.74, status="done")
    db.session.flush()
    assert client.get(f"/api/operator/heat?bbox={TOWN}&zoom=14").status_code == 401
    auth.login("operator")
    heat = client.get(f"/api/operator/heat?bbox={TOWN}&zoom=14").get_json()
    assert heat["total"] == 5 and heat["max"] == 5
    lat, lon, n = heat["points"][0]
    assert abs(lat - 61.74) < 0.001 and abs(lon - 75.6) < 0.001 and n == 5
    assert client.get(f"/api/operator/heat?bbox={TOWN}&zoom=14&case_status=done").status_code == 400


def test_unplaced_list(app_ctx: None, client: FlaskClient, auth: Any) -> None:
    first = seed.appeal(
        None, None, status="new", days_ago=3, messages=[seed.message("Не горит фонарь возле остановки", channel="pos")]
    )
    second = seed.appeal(None, None, status="accepted", category="snow", days_ago=1)
    seed.appeal(None, None, status="rejected")
    seed.appeal(status="new")
    db.session.flush()
    assert client.get("/api/operator/unplaced").status_code == 401
    auth.login("operator")
    body = client.get("/api/operator/unplaced").get_json()
    assert body["total"] == 2
    assert [i["id"] for i in body["items"]] == [first.id, second.id]
    assert body["items"][0]["text"] == "Не горит фонарь возле остановки"
    assert body["items"][0]["version"] == first.version
    assert "author" not in body["items"][0]
    body = client.get("/api/operator/unplaced?category=snow").get_json()
    assert [i["id"] for i in body["items"]] == [second.id]
    assert client.get("/api/operator/unplaced?limit=0").status_code == 400


def test_old_done_items_stay_for_the_operator(app_ctx: None, client: FlaskClient, auth: Any) -> None:
    old = seed.appeal(status="done")
    old.closed_at = seed.now() - timedelta(days=900)
    db.session.flush()
    auth.login("operator")
    got = {f["id"] for f in operator_features(client, case_status="done").get_json()["features"]}
    assert f"case-{old.id}" in got


def test_public_text_keeps_street_names_that_are_surnames(app_ctx) -> None:
    from webmap.privacy import public_text

    assert public_text("Заменены светильники на Мира и Ленина.") == "Заменены светильники на Мира и Ленина."
    assert public_text("Работы выполнил Иван Сидоров, тел. 8-912-345-67-89") == "Работы выполнил [имя], тел. [телефон]"
