// The operator's map: every case coloured by status (overdue ones ringed), fetched by
// bbox on every move and clustered by the server; a heat layer of open cases
// (leaflet.heat); unplaced cases listed beside the map, placed by a click on it.
(function () {
  "use strict";
  var W = window.WebMap;
  var node = document.getElementById("map");
  if (!node || !window.L || !W) { return; }
  var cfg = W.readConfig(node);
  var t = cfg.i18n;
  var form = document.getElementById("map-filters");
  var status = document.getElementById("map-status");
  var notice = document.getElementById("map-notice"); // what placing said: kept until the next action
  var list = document.getElementById("unplaced-list");
  var total = document.getElementById("unplaced-total");
  var map = W.createMap(node, cfg);
  window.webmapMap = map;
  var layer = L.featureGroup().addTo(map);
  var heat = null;
  var picking = null; // the unplaced case being placed: {id, version, item}
  var csrf = (document.querySelector("meta[name='csrf-token']") || {}).content || "";

  function checked(name) {
    return Array.prototype.filter.call(form.querySelectorAll("input[name='" + name + "']"), function (i) { return i.checked; })
      .map(function (i) { return i.value; });
  }
  function field(name) { return form.elements[name]; }
  function say(text) { status.textContent = text; }
  function tell(text) { notice.textContent = text; }

  function filters() {
    return { category: field("category").value, district: field("district").value,
             from: field("from").value, to: field("to").value, overdue: field("overdue").checked ? "1" : "" };
  }

  function featuresUrl() {
    var statuses = checked("case_status");
    var layers = [];
    if (statuses.length || field("overdue").checked) { layers.push("cases"); }
    if (field("works").checked) { layers.push("works"); }
    if (!layers.length) { return null; }
    var f = filters();
    return cfg.api.features + "?" + W.query({
      bbox: W.bboxParam(map.getBounds()), zoom: map.getZoom(), layers: layers, case_status: statuses,
      category: f.category, district: f.district, from: f.from, to: f.to, overdue: f.overdue,
      lang: cfg.locale === "ru" ? "" : cfg.locale
    });
  }

  function caseUrl(id) { return cfg.api.caseUrl.replace(/0$/, String(id)); }

  function popupFor(p) {
    if (p.kind === "work") {
      return W.el("div", { className: "popup" }, [W.el("strong", { text: t.workLabel + " №" + p.id + ": " + p.title }),
        W.el("p", { text: p.status + (p.date ? " · " + W.formatDate(p.date, cfg.locale) : "") })]);
    }
    var rows = [
      W.el("strong", { text: "№" + p.id + " · " + p.title }),
      W.el("p", {}, [W.el("span", { className: "popup-status status-" + W.token(p.status), text: cfg.statusLabels[p.status] || p.status }),
                     " · " + W.formatDate(p.date, cfg.locale)]),
    ];
    if (p.address) { rows.push(W.el("p", { text: t.address + ": " + p.address })); }
    if (p.deadline) {
      rows.push(W.el("p", { className: p.overdue ? "popup-overdue" : "" },
                     [t.deadline + ": " + p.deadline + (p.overdue ? " — " + t.overdue : "")]));
    }
    rows.push(W.el("p", {}, [W.el("a", { className: "button", href: caseUrl(p.id), text: t.open })]));
    return W.el("div", { className: "popup popup-case" }, rows);
  }

  function draw(data) {
    layer.clearLayers();
    (data.features || []).forEach(function (f) {
      var p = f.properties, g = f.geometry, marker;
      if (p.cluster) { layer.addLayer(W.clusterMarker(map, f, p.works && !p.cases ? "cluster-works" : "")); return; }
      if (p.kind === "work") {
        var at = g.type === "Point" ? g.coordinates : p.anchor;
        if (g.type !== "Point") { layer.addLayer(L.geoJSON(g, { style: { className: "work-line work-line-" + W.token(p.icon), weight: 5 }, interactive: false })); }
        marker = L.marker([at[1], at[0]], { icon: L.divIcon({ className: "work-marker work-open work-" + W.token(p.icon), iconSize: [22, 22] }), title: p.title });
      } else {
        if (p.line) { // a case on a street or a stretch of it: the line, with the pin standing for it
          layer.addLayer(L.geoJSON(p.line, { style: { className: "case-line case-line-" + W.token(p.status), weight: 6, opacity: 0.7 }, interactive: false }));
        }
        marker = L.marker([g.coordinates[1], g.coordinates[0]], {
          icon: L.divIcon({ className: "case-marker case-" + W.token(p.status) + (p.overdue ? " overdue" : ""), iconSize: [18, 18], popupAnchor: [0, -8] }),
          title: "№" + p.id + " " + p.title
        });
        marker.on("dblclick", function () { location.href = caseUrl(p.id); });
      }
      marker.bindPopup(function () { return popupFor(p); }, { maxWidth: 320 });
      layer.addLayer(marker);
    });
    var n = data.total || 0;
    say(n ? (data.clustered ? t.shownClustered : t.shown).replace("%(n)s", n) : t.nothing);
  }

  var loadFeatures = W.featureLoader(map, function () {
    W.writeHash(map, { case_status: checked("case_status"), works: field("works").checked ? "1" : "",
                       heat: field("heat").checked ? "1" : "", category: field("category").value,
                       district: field("district").value, from: field("from").value, to: field("to").value,
                       overdue: field("overdue").checked ? "1" : "" });
    return featuresUrl();
  }, draw, function (err) { say(t.error + (err && err.message ? ": " + err.message : "")); });

  // ---- heat ---------------------------------------------------------------------
  var loadHeat = W.featureLoader(map, function () {
    if (!field("heat").checked || !L.heatLayer) { return null; }
    var f = filters();
    return cfg.api.heat + "?" + W.query({ bbox: W.bboxParam(map.getBounds()), zoom: map.getZoom(), category: f.category,
                                           district: f.district, from: f.from, to: f.to, overdue: f.overdue });
  }, function (data) {
    if (heat) { map.removeLayer(heat); heat = null; }
    if (!data.points || !data.points.length) { return; }
    heat = L.heatLayer(data.points, { radius: 22, blur: 18, max: Math.max(1, data.max * 0.6), minOpacity: 0.25 }).addTo(map);
  }, function () {});

  // ---- unplaced cases and placing ------------------------------------------------
  function loadUnplaced() {
    var f = filters();
    W.getJSON(cfg.api.unplaced + "?" + W.query({ category: f.category, limit: 100, lang: cfg.locale === "ru" ? "" : cfg.locale }))
      .then(function (data) {
        list.textContent = "";
        total.textContent = "(" + data.total + ")";
        if (!data.items.length) { list.appendChild(W.el("li", { className: "unplaced-empty", text: t.noUnplaced })); }
        data.items.forEach(function (c) {
          var button = W.el("button", { type: "button", className: "unplaced-pick", "data-id": c.id, text: t.place });
          var item = W.el("li", { className: "unplaced-item", id: "unplaced-" + c.id }, [
            W.el("a", { href: caseUrl(c.id), text: "№" + c.id }), " " + c.title + " · " + W.formatDate(c.created, cfg.locale),
            c.text ? W.el("p", { className: "unplaced-text", text: c.text }) : null, button
          ]);
          button.addEventListener("click", function () { startPicking(c, item); });
          list.appendChild(item);
        });
      }).catch(function (err) { say(t.error + (err && err.message ? ": " + err.message : "")); });
  }

  function stopPicking() {
    if (picking) { picking.item.classList.remove("picking"); }
    picking = null;
    node.classList.remove("picking");
  }

  function startPicking(c, item) {
    stopPicking();
    picking = { id: c.id, version: c.version, item: item };
    item.classList.add("picking");
    node.classList.add("picking");
    tell(t.pick.replace("%(id)s", c.id));
  }

  map.on("click", function (e) {
    if (!picking) { return; }
    var target = picking;
    fetch(cfg.api.place.replace(/\/0\/place$/, "/" + target.id + "/place"), {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify({ lon: Number(e.latlng.lng.toFixed(7)), lat: Number(e.latlng.lat.toFixed(7)), version: target.version })
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (body) { return { ok: r.ok, status: r.status, body: body }; });
    }).then(function (res) {
      stopPicking();
      if (res.ok) {
        tell(t.placed.replace("%(id)s", target.id));
        loadFeatures();
        loadUnplaced();
      } else if (res.status === 409) {
        tell(t.conflict);
        loadUnplaced();
      } else {
        tell(t.error + (res.body && res.body.message ? ": " + res.body.message : ""));
      }
    }).catch(function () { stopPicking(); tell(t.error); });
  });
  document.addEventListener("keydown", function (e) { if (e.key === "Escape" && picking) { stopPicking(); tell(""); } });

  // ---- the panel ---------------------------------------------------------------------
  function applyHash() {
    var h = W.readHash();
    if (h.case_status !== undefined) {
      var wanted = h.case_status ? h.case_status.split(",") : [];
      Array.prototype.forEach.call(form.querySelectorAll("input[name='case_status']"), function (i) { i.checked = wanted.indexOf(i.value) >= 0; });
    }
    ["works", "heat", "overdue"].forEach(function (k) { if (h[k] !== undefined) { field(k).checked = h[k] === "1"; } });
    ["category", "district", "from", "to"].forEach(function (k) { if (h[k] !== undefined) { field(k).value = h[k]; } });
  }

  form.addEventListener("change", function (e) {
    if (e.target.name === "district") {
      var d = cfg.districts.filter(function (x) { return x.code === e.target.value; })[0];
      if (d) { map.fitBounds([[d.bbox[1], d.bbox[0]], [d.bbox[3], d.bbox[2]]]); } else if (cfg.bounds) { map.fitBounds(cfg.bounds); }
    }
    if (e.target.name === "heat" && !e.target.checked && heat) { map.removeLayer(heat); heat = null; }
    if (e.target.name === "category") { loadUnplaced(); }
    loadFeatures();
    loadHeat();
  });
  form.addEventListener("submit", function (e) { e.preventDefault(); });

  applyHash();
  loadFeatures();
  loadHeat();
  loadUnplaced();
})();
