// The planning map: districts coloured by cases per 1,000 residents (or by count) and the hot
// spots without works, from /dashboard/data/map.json (GeoJSON made by PostGIS; its URL carries the
// dashboard's filters). Drawn on the shared map module (webmap-map.js); the measure, the hot-spot
// toggle and the view are kept in the URL's hash (webmap-filters.js). Tiles only if the town
// configured its own tile server.
(function () {
  "use strict";
  var W = window.WebMap;
  var box = document.getElementById("dash-map");
  if (!box || typeof L === "undefined" || !W) { return; }
  var labels = JSON.parse(box.getAttribute("data-labels") || "{}");
  var legend = document.getElementById("dash-map-legend");
  var colors = ["#f1eef6", "#d0d1e6", "#a6bddb", "#74a9cf", "#2b8cbe", "#045a8d"];
  var tiles = box.getAttribute("data-tiles");
  var controls = W.filters(document.querySelector(".dash-map-controls") || box, { measure: "value", hotspots: "flag" });
  var view = controls.fromHash().view;
  // No base APIs: the districts and streets come with the figures.
  var map = W.createMap(box, { tiles: tiles ? { url: tiles, attribution: box.getAttribute("data-attribution") || "" } : null });
  var districtLayer = null, spotLayer = L.layerGroup(), data = null;
  var format = new Intl.NumberFormat(document.documentElement.lang === "en" ? "en-GB" : "ru-RU",
                                     { maximumFractionDigits: 2 });

  function measure() { return controls.state().measure || "per_1000"; }

  function breaks(values) {  // up to six classes of equal width from 0 to the maximum
    var max = Math.max.apply(null, values.concat([0]));
    if (max <= 0) { return [0]; }
    var n = colors.length - 1, out = [];
    for (var i = 1; i <= n; i++) { out.push(max * i / n); }
    return out;
  }

  function colorOf(value, limits) {
    if (value === null || value === undefined) { return "#ffffff"; }
    if (value <= 0) { return colors[0]; }
    for (var i = 0; i < limits.length; i++) { if (value <= limits[i]) { return colors[i + 1]; } }
    return colors[colors.length - 1];
  }

  function districtPopup(p) {
    return W.el("div", {}, [
      W.el("strong", { text: p.name }),
      W.el("div", { text: labels.received + ": " + format.format(p.received) }),
      W.el("div", { text: labels.per_1000 + ": " + (p.per_1000 === null ? labels.no_population : format.format(p.per_1000)) }),
      W.el("div", { text: labels.population + ": " + (p.population === null ? "—" : format.format(p.population)) }),
      W.el("div", { text: labels.overdue + ": " + format.format(p.overdue) })
    ]);
  }

  function drawDistricts() {
    if (districtLayer) { map.removeLayer(districtLayer); }
    var key = measure();
    var values = data.districts.features.map(function (f) { return f.properties[key]; })
      .filter(function (v) { return v !== null; });
    var limits = breaks(values);
    districtLayer = L.geoJSON(data.districts, {
      style: function (f) {
        return { color: "#34495e", weight: 1.5, fillOpacity: 0.75, fillColor: colorOf(f.properties[key], limits) };
      },
      onEachFeature: function (f, layer) {
        layer.bindPopup(districtPopup(f.properties));
        layer.bindTooltip(f.properties.name + ": " + (f.properties[key] === null ? "—" : format.format(f.properties[key])));
      }
    }).addTo(map);
    districtLayer.bringToBack();
    drawLegend(key, limits);
  }

  function drawLegend(key, limits) {
    if (!legend) { return; }
    legend.textContent = "";
    legend.appendChild(W.el("strong", { text: key === "per_1000" ? labels.per_1000 : labels.received }));
    var lower = 0;
    limits.forEach(function (upper, i) {
      var swatch = W.el("i");
      swatch.style.background = colors[i + 1];
      legend.appendChild(W.el("span", { className: "dash-legend-item" },
                              [swatch, format.format(lower) + "–" + format.format(upper)]));
      lower = upper;
    });
    if (key === "per_1000") { legend.appendChild(W.el("span", { className: "dash-legend-item", text: "□ " + labels.no_population })); }
  }

  function drawSpots() {
    spotLayer.clearLayers();
    if (controls.state().hotspots === "") { return; } // the toggle is off (a page without it shows them)
    data.hotspots.forEach(function (s) {
      var marker = L.circleMarker([s.lat, s.lon], {
        radius: 6 + Math.min(18, Math.sqrt(s.size) * 3), color: "#c92a2a", weight: 2, fillColor: "#ff6b6b", fillOpacity: 0.6
      });
      marker.bindPopup(W.el("div", {}, [
        W.el("a", { href: s.url, text: labels.hotspot + " №" + s.rank + ": " + s.category }),
        W.el("div", { text: s.size + " " + labels.cases + ", " + labels.open + ": " + s.open + (s.district ? " · " + s.district : "") })
      ]));
      marker.bindTooltip(s.category + ": " + s.size);
      spotLayer.addLayer(marker);
    });
  }

  W.getJSON(box.getAttribute("data-url"))
    .then(function (json) {
      data = json;
      // the view first: Leaflet adds layers to a map without one only later, out of order
      if (!view && data.districts.features.length) { map.fitBounds(L.geoJSON(data.districts).getBounds()); }
      drawDistricts();
      if (data.streets) {
        L.geoJSON(data.streets, { interactive: false, style: { color: "#7f8c8d", weight: 2, opacity: 0.7 } }).addTo(map);
      }
      spotLayer.addTo(map);
      drawSpots();
      map.on("moveend", function () { controls.toHash(map); });
      box.setAttribute("data-ready", "1");
      box.setAttribute("data-hotspots", String(data.hotspots.length));
    })
    .catch(function () { box.textContent = labels.error; });

  ["measure", "hotspots"].forEach(function (name) {
    document.querySelectorAll("input[name=" + name + "]").forEach(function (input) {
      input.addEventListener("change", function () {
        if (data) { if (name === "measure") { drawDistricts(); } else { drawSpots(); } controls.toHash(map); }
      });
    });
  });
})();
