// The case page's map: the town's own base map (webmap-map.js, as on the other maps),
// the case's point, and a click that moves the point and fills the place form
// (saved by its button).
(function () {
  "use strict";
  var W = window.WebMap;
  var box = document.getElementById("case-map");
  if (!box || !window.L || !W) { return; }
  var point = JSON.parse(box.dataset.point);
  var map = W.createMap(box, W.readConfig(box));
  var marker = null;
  function put(latlng) {
    if (marker) { marker.setLatLng(latlng); } else {
      marker = L.circleMarker(latlng, { radius: 9, color: "#c0392b", weight: 3, fillOpacity: 0.6,
                                         className: "case-point" }).addTo(map);
    }
  }
  var line = JSON.parse(box.dataset.line || "null");
  if (line) { // the street or the stretch of it the case lies on
    var drawn = L.geoJSON(line, { style: { color: "#c0392b", weight: 6, opacity: 0.6, className: "case-line" }, interactive: false }).addTo(map);
    map.fitBounds(drawn.getBounds(), { maxZoom: 17, padding: [20, 20] });
  }
  if (point) { if (!line) { map.setView([point[1], point[0]], 17); } put([point[1], point[0]]); }
  map.on("click", function (e) {
    put(e.latlng);
    document.getElementById("place-lon").value = e.latlng.lng.toFixed(7);
    document.getElementById("place-lat").value = e.latlng.lat.toFixed(7);
    box.dataset.placed = "1";
  });
})();
