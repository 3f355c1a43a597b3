// The case page's map: the town's own base layers, the case's point, and a
// click that moves the point and fills the place form (saved by its button).
(function () {
  "use strict";
  var box = document.getElementById("case-map");
  if (!box || !window.L) { return; }
  var base = JSON.parse(document.getElementById("base-layers").textContent);
  var point = JSON.parse(box.dataset.point);
  var districts = L.geoJSON(base.districts, {
    style: { color: "#5b6b7a", weight: 2, fillColor: "#dfe7ee", fillOpacity: 0.35 },
    onEachFeature: function (f, layer) { layer.bindTooltip(f.properties.name); }
  });
  var streets = L.geoJSON(base.streets, {
    style: { color: "#8a8f98", weight: 5, opacity: 0.8 },
    onEachFeature: function (f, layer) { layer.bindTooltip(f.properties.name); }
  });
  // The view first: Leaflet draws vector layers relative to it.
  var map = L.map(box, { zoomControl: true });
  if (point) { map.setView([point[1], point[0]], 16); }
  else if (districts.getLayers().length) { map.fitBounds(districts.getBounds()); }
  else { map.setView([61.742, 75.595], 14); }
  districts.addTo(map);
  streets.addTo(map);
  var marker = null;
  function put(latlng) {
    if (marker) { marker.setLatLng(latlng); } else {
      marker = L.circleMarker(latlng, { radius: 9, color: "#c0392b", weight: 3, fillOpacity: 0.6,
                                         className: "case-point" }).addTo(map);
    }
  }
  if (point) { put([point[1], point[0]]); }
  map.on("click", function (e) {
    put(e.latlng);
    document.getElementById("place-lon").value = e.latlng.lng.toFixed(7);
    document.getElementById("place-lat").value = e.latlng.lat.toFixed(7);
    box.dataset.placed = "1";
  });
})();
