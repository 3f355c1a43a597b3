"""Gazetteer import from a small OpenStreetMap extract written by the test."""

from __future__ import annotations

from pathlib import Path

from flask.testing import FlaskCliRunner
from sqlalchemy import select

from geo.osm import read_osm, split_street_name
from webmap.extensions import db
from webmap.models import Address, District, Landmark, Street

OSM = """<?xml version='1.0' encoding='UTF-8'?>
<osm version="0.6" generator="test">
  <node id="1" lat="61.700" lon="75.500" version="1"/>
  <node id="2" lat="61.700" lon="75.510" version="1"/>
  <node id="3" lat="61.700" lon="75.520" version="1"/>
  <node id="4" lat="61.705" lon="75.505" version="1"/>
  <node id="5" lat="61.695" lon="75.505" version="1"/>
  <node id="10" lat="61.7010" lon="75.5010" version="1"/>
  <node id="11" lat="61.7010" lon="75.5015" version="1"/>
  <node id="12" lat="61.7015" lon="75.5015" version="1"/>
  <node id="13" lat="61.7015" lon="75.5010" version="1"/>
  <node id="20" lat="61.6990" lon="75.5080" version="1">
    <tag k="addr:street" v="Рябиновая улица"/><tag k="addr:housenumber" v="4А"/>
  </node>
  <node id="21" lat="61.7020" lon="75.5030" version="1">
    <tag k="amenity" v="school"/><tag k="name" v="Школа № 9"/>
  </node>
  <node id="22" lat="61.7100" lon="75.6000" version="1">
    <tag k="addr:street" v="Нигдешняя улица"/><tag k="addr:housenumber" v="1"/>
  </node>
  <node id="30" lat="61.690" lon="75.490" version="1"/>
  <node id="31" lat="61.690" lon="75.530" version="1"/>
  <node id="32" lat="61.710" lon="75.530" version="1"/>
  <node id="33" lat="61.710" lon="75.490" version="1"/>
  <way id="100" version="1"><nd ref="1"/><nd ref="2"/><tag k="highway" v="residential"/><tag k="name" v="Рябиновая улица"/></way>
  <way id="101" version="1"><nd ref="2"/><nd ref="3"/><tag k="highway" v="residential"/><tag k="name" v="Рябиновая улица"/></way>
  <way id="102" version="1"><nd ref="4"/><nd ref="5"/><tag k="highway" v="tertiary"/><tag k="name" v="проспект Строителей"/></way>
  <way id="103" version="1">
    <nd ref="10"/><nd ref="11"/><nd ref="12"/><nd ref="13"/><nd ref="10"/>
    <tag k="building" v="apartments"/><tag k="addr:street" v="проспект Строителей"/><tag k="addr:housenumber" v="7 к2"/>
  </way>
  <way id="104" version="1">
    <nd ref="30"/><nd ref="31"/><nd ref="32"/><nd ref="33"/><nd ref="30"/>
    <tag k="place" v="suburb"/><tag k="name" v="Рябиновый микрорайон"/>
  </way>
</osm>
"""


def _write(tmp_path: Path) -> Path:
    path = tmp_path / "town.osm"
    path.write_text(OSM, encoding="utf-8")
    return path


def test_street_names_lose_their_type() -> None:
    assert split_street_name("улица Мира") == ("Мира", "улица")
    assert split_street_name("Школьный переулок") == ("Школьный", "переулок")
    assert split_street_name("Набережная") == ("Набережная", "улица")


def test_read_osm(tmp_path: Path) -> None:
    town, report = read_osm(_write(tmp_path))
    assert {(s.name, s.type) for s in town.streets} == {("Рябиновая", "улица"), ("Строителей", "проспект")}
    ryabinovaya = next(s for s in town.streets if s.name == "Рябиновая")
    assert ryabinovaya.geom.geom_type == "LineString"  # two ways merged into one line
    assert {(a.street, a.housenumber) for a in town.addresses} == {("Рябиновая", "4А"), ("Строителей", "7 к2")}
    assert all(a.district == "Рябиновый микрорайон" for a in town.addresses)
    assert [(m.name, m.kind) for m in town.landmarks] == [("Школа № 9", "school")]
    assert [d.name for d in town.districts] == ["Рябиновый микрорайон"]
    assert report.skipped["address on a street that is not in the extract"] == 1


def test_load_osm_command_is_idempotent(app_ctx: None, runner: FlaskCliRunner, tmp_path: Path) -> None:
    path = _write(tmp_path)
    first = runner.invoke(args=["gazetteer", "load-osm", str(path)])
    assert first.exit_code == 0, first.output
    assert "streets: added 2" in first.output and "skipped 1: address on a street" in first.output
    again = runner.invoke(args=["gazetteer", "load-osm", str(path)])
    assert "streets: added 0, changed 0, unchanged 2" in again.output
    house = db.session.scalar(select(Address).join(Street).where(Street.name == "Строителей"))
    assert house.house_key == "7к2" and house.district.name == "Рябиновый микрорайон"
    assert db.session.scalar(select(Landmark.kind).where(Landmark.name == "Школа № 9")) == "school"
    assert db.session.scalar(select(District.code).where(District.name == "Рябиновый микрорайон")).startswith("osm-")


def test_broken_osm_file_loads_nothing(app_ctx: None, runner: FlaskCliRunner, tmp_path: Path) -> None:
    path = tmp_path / "broken.osm"
    path.write_text("<osm><node id='1' lat='x'", encoding="utf-8")
    result = runner.invoke(args=["gazetteer", "load-osm", str(path)])
    assert result.exit_code != 0 and "nothing loaded" in result.output
