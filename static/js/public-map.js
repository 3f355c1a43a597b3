// The public map: completed works by type and cases in work, fetched by bbox on every
// move (clustered by the server when there are many), with filters, a legend, a
// district selector and a shareable URL (#map=zoom/lat/lon&filters...).
(function () {
  "use strict";
  var W = window.WebMap;
  var node = document.getElementById("map");
  if (!node || !window.L || !W) { return; }
  var cfg = W.readConfig(node);
  var t = cfg.i18n;
  var form = document.getElementById("map-filters");
  var status = document.getElementById("map-status");
  var map = W.createMap(node, cfg);
  window.webmapMap = map; // for tests and the curious
  var layer = L.featureGroup().addTo(map);

  // ---- filters <-> URL ----------------------------------------------------
  function checked(name) {
    return Array.prototype.filter.call(form.querySelectorAll("input[name='" + name + "']"), function (i) { return i.checked; })
      .map(function (i) { return i.value; });
  }
  function setChecked(name, values) {
    Array.prototype.forEach.call(form.querySelectorAll("input[name='" + name + "']"), function (i) {
      i.checked = values.indexOf(i.value) >= 0;
    });
  }
  function field(name) { return form.elements[name]; }

  function state() {
    var types = checked("type");
    return {
      show: checked("show"),
      type: types.length === cfg.workTypes.length ? [] : types,
      category: field("category").value,
      district: field("district").value,
      from: field("from").value,
      to: field("to").value,
      old: field("old").checked ? "1" : ""
    };
  }

  function applyHash() {
    var h = W.readHash();
    if (h.show !== undefined) { setChecked("show", h.show ? h.show.split(",") : []); }
    if (h.type !== undefined) { setChecked("type", h.type ? h.type.split(",") : cfg.workTypes.map(function (w) { return w.code; })); }
    ["category", "district", "from", "to"].forEach(function (k) { if (h[k] !== undefined) { field(k).value = h[k]; } });
    if (h.old !== undefined) { field("old").checked = h.old === "1"; }
  }

  function hashState() {
    var s = state();
    return { show: s.show.join(","), type: s.type, category: s.category, district: s.district, from: s.from, to: s.to, old: s.old };
  }

  // ---- the request ----------------------------------------------------------
  function url() {
    var s = state();
    var workStatus = s.show.filter(function (v) { return v.indexOf("work_") === 0; }).map(function (v) { return v.slice(5); });
    var caseStatus = s.show.filter(function (v) { return v.indexOf("case_") === 0; }).map(function (v) { return v.slice(5); });
    var layers = [];
    if (workStatus.length) { layers.push("works"); }
    if (caseStatus.length) { layers.push("cases"); }
    if (!layers.length) { return null; }
    if (!checked("type").length) { layers = layers.filter(function (l) { return l !== "works"; }); } // no type ticked
    if (!layers.length) { return null; }
    return cfg.api.features + "?" + W.query({
      bbox: W.bboxParam(map.getBounds()), zoom: map.getZoom(), layers: layers,
      work_status: workStatus, case_status: caseStatus, type: s.type, category: s.category,
      district: s.district, from: s.from, to: s.to, old: s.old, lang: cfg.locale === "ru" ? "" : cfg.locale
    });
  }

  function say(text) { status.textContent = text; }

  // ---- drawing ----------------------------------------------------------------
  function workIcon(p) {
    return L.divIcon({ className: "work-marker work-" + W.token(p.icon) + (p.status === "done" ? "" : " work-open"),
                       iconSize: [24, 24], iconAnchor: [12, 12], popupAnchor: [0, -10] });
  }
  function caseIcon(p) {
    return L.divIcon({ className: "case-marker case-" + W.token(p.status), iconSize: [18, 18], iconAnchor: [9, 9], popupAnchor: [0, -8] });
  }

  // The markers drawn last, by id and count: an answer drawing the same ones (the exact view's
  // answer after the embedded first view, often) leaves them, and an open popup, in place.
  var drawnKey = null;
  function draw(data) {
    var key = (data.features || []).map(function (f) { return f.id + ":" + (f.properties.count || 1); }).join(",");
    if (key !== drawnKey) { drawnKey = key; drawFeatures(data); }
    var n = data.total || 0;
    var text = data.clustered ? t.shownClustered.replace("%(n)s", n) : t.shown.replace("%(n)s", n);
    say(n ? text : t.nothing);
  }

  function drawFeatures(data) {
    layer.clearLayers();
    (data.features || []).forEach(function (f) {
      var p = f.properties;
      if (p.cluster) { layer.addLayer(W.clusterMarker(map, f)); return; }
      var g = f.geometry, at, marker;
      if (p.kind === "work") {
        if (g.type !== "Point") {
          layer.addLayer(L.geoJSON(g, { style: { className: "work-line work-line-" + W.token(p.icon), weight: 6 }, interactive: false }));
          at = p.anchor;
        } else { at = g.coordinates; }
        marker = L.marker([at[1], at[0]], { icon: workIcon(p), title: p.title, riseOnHover: true });
      } else {
        marker = L.marker([g.coordinates[1], g.coordinates[0]], { icon: caseIcon(p), title: p.title, riseOnHover: true });
      }
      marker.bindPopup(function () { return popupFor(p); }, { maxWidth: 320, minWidth: 220 });
      layer.addLayer(marker);
    });
  }

  // A popup fills itself from /api/features/<kind>/<id>: what, where, when, who asked.
  function popupFor(p) {
    var box = W.el("div", { className: "popup popup-" + p.kind }, [W.el("strong", { text: p.title }), W.el("p", { className: "popup-loading", text: t.loading })]);
    var q = cfg.locale === "ru" ? "" : "?lang=" + encodeURIComponent(cfg.locale);
    W.getJSON(cfg.api.feature + p.kind + "/" + p.id + q).then(function (d) {
      var dp = d.properties;
      box.textContent = "";
      box.appendChild(W.el("strong", { className: "popup-title", text: dp.title }));
      box.appendChild(W.el("p", { className: "popup-when" }, [W.el("span", { className: "popup-status status-" + W.token(dp.status), text: dp.status_label }), " · " + dp.when]));
      if (dp.where) { box.appendChild(W.el("p", { className: "popup-where", text: dp.where })); }
      if (dp.note) { box.appendChild(W.el("p", { className: "popup-note", text: dp.note })); }
      (dp.photos || []).forEach(function (src) {
        box.appendChild(W.el("img", { className: "popup-photo", src: src, alt: t.photo, loading: "lazy" }));
      });
      if (dp.sources && dp.sources.length) {
        var list = W.el("ul", { className: "popup-sources" });
        dp.sources.forEach(function (s) {
          var item = s.url
            ? W.el("a", { href: s.url, target: "_blank", rel: "noopener noreferrer nofollow", text: s.label })
            : W.el("span", { text: s.label + (s.count > 1 ? " (" + s.count + ")" : "") });
          list.appendChild(W.el("li", { className: "source-" + W.token(s.channel) }, [item]));
        });
        box.appendChild(W.el("p", { className: "popup-asked", text: p.kind === "work" ? t.askedWork : t.askedCase }));
        box.appendChild(list);
      }
    }).catch(function () {
      box.appendChild(W.el("p", { className: "popup-error", text: t.error }));
    });
    return box;
  }

  var load = W.featureLoader(map, function () {
    W.writeHash(map, hashState());
    return url();
  }, draw, function (err) { say(t.error + (err && err.message ? ": " + err.message : "")); });

  // ---- the panel ------------------------------------------------------------
  form.addEventListener("change", function (e) {
    if (e.target.name === "district") { // zoom to the district (or the town); moveend reloads too
      var d = cfg.districts.filter(function (x) { return x.code === e.target.value; })[0];
      if (d) { map.fitBounds([[d.bbox[1], d.bbox[0]], [d.bbox[3], d.bbox[2]]]); } else if (cfg.bounds) { map.fitBounds(cfg.bounds); }
    }
    load();
  });
  form.addEventListener("submit", function (e) { e.preventDefault(); load(); });
  window.addEventListener("hashchange", function () {
    applyHash();
    var v = W.readHash().view;
    if (v) { map.setView([v.lat, v.lon], v.zoom); } else { load(); }
  });

  applyHash();
  // The town-wide answer embedded in the page: markers at once, replaced by the exact view's answer.
  var first = node.getAttribute("data-first");
  if (first && !location.hash) {
    try { draw(JSON.parse(first)); } catch (e) { /* the request below draws the map anyway */ }
  }
  load();
})();
