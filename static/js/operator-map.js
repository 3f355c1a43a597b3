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
  // The panel's controls <-> the URL's hash <-> the APIs' query strings (webmap-filters.js).
  var filters = W.filters(form, { case_status: "list", works: "flag", heat: "flag", category: "value",
                                  district: "value", from: "value", to: "value", overdue: "flag" });
  var WHERE_WHEN = ["category", "district", "from", "to", "overdue"];
  function say(text) { status.textContent = text; }
  function tell(text) { notice.textContent = text; }

  function featuresUrl() {
    var s = filters.state();
    var layers = [];
    if (s.case_status.length || s.overdue) { layers.push("cases"); }
    if (s.works) { layers.push("works"); }
    if (!layers.length) { return null; }
    return cfg.api.features + "?" + filters.query({
      bbox: W.bboxParam(map.getBounds()), zoom: map.getZoom(), layers: layers,
      lang: cfg.locale === "ru" ? "" : cfg.locale
    }, ["case_status"].concat(WHERE_WHEN));
  }

  function caseUrl(id) { return W.fillUrl(cfg.api.caseUrl, { appeal_id: id }); }

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
      var p = f.properties;
      if (p.line && !p.cluster) { // a case on a street or a stretch of it: the line, with the pin standing for it
        layer.addLayer(L.geoJSON(p.line, { style: { className: "case-line case-line-" + W.token(p.status), weight: 6, opacity: 0.7 }, interactive: false }));
      }
      var marker = W.drawFeature(map, layer, f, { // webmap-markers.js
        lineWeight: 5,
        clusterClass: function (c) { return c.works && !c.cases ? "cluster-works" : ""; },
        title: function (c) { return c.kind === "work" ? c.title : "№" + c.id + " " + c.title; }
      });
      if (!marker) { return; }
      if (p.kind !== "work") { marker.on("dblclick", function () { location.href = caseUrl(p.id); }); }
      marker.bindPopup(function () { return popupFor(p); }, { maxWidth: 320 });
    });
    var n = data.total || 0;
    say(n ? (data.clustered ? t.shownClustered : t.shown).replace("%(n)s", n) : t.nothing);
  }

  var loadFeatures = W.featureLoader(map, function () {
    filters.toHash(map);
    return featuresUrl();
  }, draw, function (err) { say(t.error + (err && err.message ? ": " + err.message : "")); });

  // ---- heat ---------------------------------------------------------------------
  var loadHeat = W.featureLoader(map, function () {
    if (!filters.state().heat || !L.heatLayer) { return null; }
    return cfg.api.heat + "?" + filters.query({ bbox: W.bboxParam(map.getBounds()), zoom: map.getZoom() }, WHERE_WHEN);
  }, function (data) {
    if (heat) { map.removeLayer(heat); heat = null; }
    if (!data.points || !data.points.length) { return; }
    heat = L.heatLayer(data.points, { radius: 22, blur: 18, max: Math.max(1, data.max * 0.6), minOpacity: 0.25 }).addTo(map);
  }, function () {});

  // ---- unplaced cases and placing ------------------------------------------------
  function loadUnplaced() {
    W.getJSON(cfg.api.unplaced + "?" + filters.query({ limit: 100, lang: cfg.locale === "ru" ? "" : cfg.locale }, ["category"]))
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
    W.postJSON(W.fillUrl(cfg.api.place, { case_id: target.id }), {
      lon: Number(e.latlng.lng.toFixed(7)), lat: Number(e.latlng.lat.toFixed(7)), version: target.version
    }).then(function () {
      stopPicking();
      tell(t.placed.replace("%(id)s", target.id));
      loadFeatures();
      loadUnplaced();
    }).catch(function (err) {
      stopPicking();
      if (err.status === 409) {
        tell(t.conflict);
        loadUnplaced();
      } else {
        tell(t.error + (err.body && err.body.message ? ": " + err.body.message : ""));
      }
    });
  });
  document.addEventListener("keydown", function (e) { if (e.key === "Escape" && picking) { stopPicking(); tell(""); } });

  // ---- the panel ---------------------------------------------------------------------
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

  filters.fromHash();
  loadFeatures();
  loadHeat();
  loadUnplaced();
})();
