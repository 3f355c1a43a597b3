// The planning map: districts coloured by cases per 1,000 residents (or by count) and the hot
// spots without works, from /dashboard/data/map.json (GeoJSON made by PostGIS). Leaflet comes from
// static/vendor; tiles only if the town configured its own tile server.
(function () {
  "use strict";
  var box = document.getElementById("dash-map");
  if (!box || typeof L === "undefined") { return; }
  var labels = JSON.parse(box.getAttribute("data-labels") || "{}");
  var legend = document.getElementById("dash-map-legend");
  var colors = ["#f1eef6", "#d0d1e6", "#a6bddb", "#74a9cf", "#2b8cbe", "#045a8d"];
  var map = L.map(box, { zoomControl: true, attributionControl: !!box.getAttribute("data-tiles") });
  if (box.getAttribute("data-tiles")) {
    L.tileLayer(box.getAttribute("data-tiles"), { attribution: box.getAttribute("data-attribution") || "" }).addTo(map);
  }
  var districtLayer = null, spotLayer = L.layerGroup(), data = null;
  var format = new Intl.NumberFormat(document.documentElement.lang === "en" ? "en-GB" : "ru-RU",
                                     { maximumFractionDigits: 2 });

  function measure() {
    var checked = document.querySelector("input[name=measure]:checked");
    return checked ? checked.value : "per_1000";
  }

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

  function text(tag, content, cls) {
    var el = document.createElement(tag);
    el.textContent = content;
    if (cls) { el.className = cls; }
    return el;
  }

  function districtPopup(p) {
    var div = document.createElement("div");
    div.appendChild(text("strong", p.name));
    div.appendChild(text("div", labels.received + ": " + format.format(p.received)));
    div.appendChild(text("div", labels.per_1000 + ": " + (p.per_1000 === null ? labels.no_population : format.format(p.per_1000))));
    div.appendChild(text("div", labels.population + ": " + (p.population === null ? "—" : format.format(p.population))));
    div.appendChild(text("div", labels.overdue + ": " + format.format(p.overdue)));
    return div;
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
    legend.appendChild(text("strong", key === "per_1000" ? labels.per_1000 : labels.received));
    var lower = 0;
    limits.forEach(function (upper, i) {
      var row = document.createElement("span");
      row.className = "dash-legend-item";
      var sw = document.createElement("i");
      sw.style.background = colors[i + 1];
      row.appendChild(sw);
      row.appendChild(document.createTextNode(format.format(lower) + "–" + format.format(upper)));
      legend.appendChild(row);
      lower = upper;
    });
    if (key === "per_1000") { legend.appendChild(text("span", "□ " + labels.no_population, "dash-legend-item")); }
  }

  function drawSpots() {
    spotLayer.clearLayers();
    var toggle = document.querySelector("input[name=hotspots]");
    if (toggle && !toggle.checked) { return; }
    data.hotspots.forEach(function (s) {
      var marker = L.circleMarker([s.lat, s.lon], {
        radius: 6 + Math.min(18, Math.sqrt(s.size) * 3), color: "#c92a2a", weight: 2, fillColor: "#ff6b6b", fillOpacity: 0.6
      });
      var div = document.createElement("div");
      var link = text("a", labels.hotspot + " №" + s.rank + ": " + s.category);
      link.href = s.url;
      div.appendChild(link);
      div.appendChild(text("div", s.size + " " + labels.cases + ", " + labels.open + ": " + s.open +
                                  (s.district ? " · " + s.district : "")));
      marker.bindPopup(div);
      marker.bindTooltip(s.category + ": " + s.size);
      spotLayer.addLayer(marker);
    });
  }

  fetch(box.getAttribute("data-url"), { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
    .then(function (json) {
      data = json;
      // the view first: Leaflet adds layers to a map without one only later, out of order
      if (data.districts.features.length) { map.fitBounds(L.geoJSON(data.districts).getBounds()); }
      else { map.setView([61.742, 75.595], 13); }
      drawDistricts();
      if (data.streets) {
        L.geoJSON(data.streets, { interactive: false, style: { color: "#7f8c8d", weight: 2, opacity: 0.7 } }).addTo(map);
      }
      spotLayer.addTo(map);
      drawSpots();
      box.setAttribute("data-ready", "1");
      box.setAttribute("data-hotspots", String(data.hotspots.length));
    })
    .catch(function () { box.textContent = labels.error; });

  document.querySelectorAll("input[name=measure]").forEach(function (input) {
    input.addEventListener("change", function () { if (data) { drawDistricts(); } });
  });
  var toggle = document.querySelector("input[name=hotspots]");
  if (toggle) { toggle.addEventListener("change", function () { if (data) { drawSpots(); } }); }
})();
