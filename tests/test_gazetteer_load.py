"""Loading a town's gazetteer: idempotent, and all-or-nothing on a bad file."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from flask.testing import FlaskCliRunner
from sqlalchemy import func, select

from tests.conftest import DEMO_TOWN
from webmap.extensions import db
from webmap.models import Address, District, Landmark, Street


def _counts() -> tuple[int, int, int, int]:
    return tuple(db.session.scalar(select(func.count()).select_from(m)) for m in (District, Street, Address, Landmark))


def _town_copy(tmp_path: Path) -> Path:
    target = tmp_path / "town"
    target.mkdir()
    for name in ("districts", "streets", "addresses", "landmarks"):
        shutil.copy(DEMO_TOWN / f"{name}.geojson", target / f"{name}.geojson")
    return target


def _edit(path: Path, change) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data["features"])
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def test_demo_town_is_loaded_once(app_ctx: None, runner: FlaskCliRunner) -> None:
    assert _counts() == (9, 15, 444, 17)
    result = runner.invoke(args=["gazetteer", "load", str(DEMO_TOWN)])
    assert result.exit_code == 0, result.output
    assert "addresses: added 0, changed 0, unchanged 444" in result.output
    assert _counts() == (9, 15, 444, 17)


def test_house_numbers_are_stored_with_keys(app_ctx: None) -> None:
    house = db.session.scalar(select(Address).where(Address.housenumber == "7 корп. 2"))
    assert house is not None and house.house_key == "7к2"
    assert house.district is not None


def test_corrected_file_updates_in_place(app_ctx: None, runner: FlaskCliRunner, tmp_path: Path) -> None:
    town = _town_copy(tmp_path)
    _edit(town / "landmarks.geojson", lambda fs: fs[0]["properties"].update(kind="lyceum"))
    result = runner.invoke(args=["gazetteer", "load", str(town)])
    assert "landmarks: added 0, changed 1, unchanged 16" in result.output
    assert db.session.scalar(select(Landmark.kind).where(Landmark.name == "Школа № 1")) == "lyceum"


@pytest.mark.parametrize(
    ("layer", "breakage", "reason"),
    [
        ("addresses", lambda fs: fs[4]["properties"].pop("housenumber"), "feature 5: missing property 'housenumber'"),
        ("streets", lambda fs: fs[2]["geometry"].update(coordinates=[[75.6, 61.7]]), "feature 3: broken geometry"),
        (
            "districts",
            lambda fs: fs[0]["geometry"].update(type="Point", coordinates=[75.6, 61.7]),
            "feature 1: geometry type 'Point'",
        ),
        ("landmarks", lambda fs: fs[1]["geometry"].update(coordinates=[975.6, 61.7]), "feature 2: coordinates outside"),
        ("addresses", lambda fs: fs[0]["properties"].update(street="Несуществующая"), "unknown street"),
    ],
)
def test_bad_file_is_refused_whole(
    app_ctx: None, runner: FlaskCliRunner, tmp_path: Path, layer: str, breakage, reason: str
) -> None:
    town = _town_copy(tmp_path)
    # a new district that must not be stored, since another file of the town is broken
    _edit(
        town / "districts.geojson",
        lambda fs: fs.append(
            {
                "type": "Feature",
                "properties": {"name": "Новый", "code": "NEW"},
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [[[75.5, 61.7], [75.51, 61.7], [75.51, 61.71], [75.5, 61.7]]],
                },
            }
        ),
    )
    _edit(town / f"{layer}.geojson", breakage)
    before = _counts()
    result = runner.invoke(args=["gazetteer", "load", str(town)])
    assert result.exit_code != 0
    assert f"{layer}.geojson" in result.output and reason in result.output
    assert "nothing loaded" in result.output
    assert _counts() == before


@pytest.mark.parametrize("content", [b"", b"{not json", b'{"type": "Feature"}', "не json".encode("cp1251")])
def test_unreadable_file_is_refused(app_ctx: None, runner: FlaskCliRunner, tmp_path: Path, content: bytes) -> None:
    town = _town_copy(tmp_path)
    (town / "streets.geojson").write_bytes(content)
    result = runner.invoke(args=["gazetteer", "load", str(town)])
    assert result.exit_code != 0 and "streets.geojson" in result.output
