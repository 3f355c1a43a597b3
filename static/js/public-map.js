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

  // ---- filters <-> URL (webmap-filters.js) ---------------------------------
  var filters = W.filters(form, { show: "list", type: "some", category: "value", district: "value",
                                  from: "value", to: "value", old: "flag" });

  // ---- the request ----------------------------------------------------------
  function url() {
    var s = filters.state();
    var workStatus = s.show.filter(function (v) { return v.indexOf("work_") === 0; }).map(function (v) { return v.slice(5); });
    var caseStatus = s.show.filter(function (v) { return v.indexOf("case_") === 0; }).map(function (v) { return v.slice(5); });
    var layers = [];
    if (workStatus.length) { layers.push("works"); }
    if (caseStatus.length) { layers.push("cases"); }
    if (!layers.length) { return null; }
    if (!filters.checked("type").length) { layers = layers.filter(function (l) { return l !== "works"; }); } // no type ticked
    if (!layers.length) { return null; }
    return cfg.api.features + "?" + filters.query({
      bbox: W.bboxParam(map.getBounds()), zoom: map.getZoom(), layers: layers,
      work_status: workStatus, case_status: caseStatus, lang: cfg.locale === "ru" ? "" : cfg.locale
    }, ["type", "category", "district", "from", "to", "old"]);
  }

  function say(text) { status.textContent = text; }

  // ---- drawing (webmap-markers.js) ---------------------------------------------
  // The markers drawn last, as the answer's features: an answer with the same ones (the exact
  // view's answer after the embedded first view, often) leaves them, and an open popup, in place.
  var drawnKey = null;
  function draw(data, source) {
    var key = JSON.stringify(data.features || []);
    if (key !== drawnKey) {
      drawnKey = key;
      layer.clearLayers();
      (data.features || []).forEach(function (f) {
        var marker = W.drawFeature(map, layer, f);
        if (marker) { marker.bindPopup(function () { return popupFor(f.properties); }, { maxWidth: 320, minWidth: 220 }); }
      });
    }
    var n = data.total || 0;
    var text = data.clustered ? t.shownClustered.replace("%(n)s", n) : t.shown.replace("%(n)s", n);
    say(n ? text : t.nothing);
    node.setAttribute("data-drawn", source || "view"); // "first": the embedded answer; "view": this view's
    if (!source) { node.setAttribute("data-drawn-zoom", String(map.getZoom())); } // this zoom's answer (tests wait on it)
  }

  // The first view's answer embedded in the page (webmap/public/first_view.py): /api/features for
  // the whole town at the default filters, so the first markers wait for no request. Only for the
  // view it was made for: the town, with the form as the page made it (no view or filter in the hash).
  function firstView(hash) {
    var block = document.getElementById("map-first-view");
    if (!block || hash.view || !filters.atDefaults()) { return null; }
    try { return JSON.parse(block.textContent); } catch (e) { return null; } // the request draws the map anyway
  }

  // A popup fills itself from /api/features/<kind>/<id>: what, where, when, who asked.
  function popupFor(p) {
    var box = W.el("div", { className: "popup popup-" + p.kind }, [W.el("strong", { text: p.title }), W.el("p", { className: "popup-loading", text: t.loading })]);
    var q = cfg.locale === "ru" ? "" : "?lang=" + encodeURIComponent(cfg.locale);
    W.getJSON(W.fillUrl(cfg.api.feature, { kind: p.kind, item_id: p.id }) + q).then(function (d) {
      var dp = d.properties;
      box.textContent = "";
      box.appendChild(W.el("strong", { className: "popup-title", text: dp.title }));
      box.appendChild(W.el("p", { className: "popup-when" }, [W.el("span", { className: "popup-status status-" + W.token(dp.status), text: dp.status_label }), " · " + dp.when]));
      if (dp.where) { box.appendChild(W.el("p", { className: "popup-where", text: dp.where })); }
      if (dp.note) { box.appendChild(W.el("p", { className: "popup-note", text: dp.note })); }
      if (dp.answer) { box.appendChild(W.el("p", { className: "popup-answer" }, [W.el("strong", { text: dp.answer_label + ": " }), dp.answer])); }
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
    filters.toHash(map);
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
    var v = filters.fromHash().view;
    if (v) { map.setView([v.lat, v.lon], v.zoom); } else { load(); }
  });

  var first = firstView(filters.fromHash());
  if (first) { draw(first, "first"); }
  load(); // the exact view's answer replaces the first view's (or leaves it, when it is the same)
})();
