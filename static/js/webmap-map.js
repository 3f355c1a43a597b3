// webmap: what every map page shares. The town's own base map drawn from the
// gazetteer (districts, streets, house numbers, landmarks; raster tiles only if
// the config names a server), features fetched by bounding box on every move,
// the view and filters kept in the URL's hash, JSON requests (POSTs with the
// page's CSRF token), URL templates from the server, and DOM helpers that never
// put data into HTML (text goes through textContent). Filters are in
// webmap-filters.js, markers in webmap-markers.js.
(function () {
  "use strict";

  var W = {};

  // ---- DOM ---------------------------------------------------------------
  W.el = function (tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      var value = attrs[key];
      if (value === null || value === undefined || value === false) { return; }
      if (key === "text") { node.textContent = value; } else if (key === "className") { node.className = value; } else { node.setAttribute(key, value); }
    });
    (children || []).forEach(function (child) {
      if (child === null || child === undefined) { return; }
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  };

  // Class names built from data keep to [a-z0-9_-].
  W.token = function (value) { return String(value || "").toLowerCase().replace(/[^a-z0-9_-]/g, ""); };

  W.readConfig = function (node) { return JSON.parse(node.getAttribute("data-config")); };

  W.formatDate = function (iso, locale) {
    if (!iso) { return ""; }
    var p = String(iso).slice(0, 10).split("-");
    return locale === "en" ? p.join("-") : p[2] + "." + p[1] + "." + p[0];
  };

  // ---- fetch -------------------------------------------------------------
  W.getJSON = function (url, signal) {
    return fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" }, signal: signal })
      .then(function (r) {
        return r.json().catch(function () { return {}; }).then(function (body) {
          if (!r.ok) { var e = new Error(body.message || r.statusText); e.status = r.status; e.body = body; throw e; }
          return body;
        });
      });
  };

  // The CSRF token the server put in <meta name="csrf-token">, sent as X-CSRFToken with every POST.
  W.csrfToken = function () { return (document.querySelector("meta[name='csrf-token']") || {}).content || ""; };

  // POST ``body`` as JSON; resolves with the answer's JSON, rejects with an Error carrying status and body.
  W.postJSON = function (url, body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": W.csrfToken() },
      body: JSON.stringify(body)
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (answer) {
        if (!r.ok) { var e = new Error(answer.message || r.statusText); e.status = r.status; e.body = answer; throw e; }
        return answer;
      });
    });
  };

  // A URL from a template the server made with url_for (``/api/cases/{case_id}/place``): each
  // ``{name}`` becomes ``values[name]``, encoded. A missing value is an error, not a broken link.
  W.fillUrl = function (template, values) {
    return template.replace(/\{([a-z_]+)\}/g, function (whole, name) {
      if (values[name] === undefined || values[name] === null) { throw new Error("no " + name + " for " + template); }
      return encodeURIComponent(String(values[name]));
    });
  };

  W.query = function (params) {
    return Object.keys(params).filter(function (k) {
      var v = params[k]; return v !== null && v !== undefined && v !== "" && !(Array.isArray(v) && !v.length);
    }).map(function (k) {
      var v = Array.isArray(params[k]) ? params[k].join(",") : params[k];
      return encodeURIComponent(k) + "=" + encodeURIComponent(v);
    }).join("&");
  };

  W.bboxParam = function (bounds) {
    function c(v, lo, hi) { return Math.min(hi, Math.max(lo, v)).toFixed(6); }
    return [c(bounds.getWest(), -180, 180), c(bounds.getSouth(), -90, 90),
            c(bounds.getEast(), -180, 180), c(bounds.getNorth(), -90, 90)].join(",");
  };

  // ---- the URL's hash: #map=zoom/lat/lon&key=value... ---------------------
  W.readHash = function () {
    var out = {};
    (location.hash || "").replace(/^#/, "").split("&").forEach(function (part) {
      if (!part) { return; }
      var i = part.indexOf("=");
      var key = decodeURIComponent(i < 0 ? part : part.slice(0, i));
      out[key] = i < 0 ? "" : decodeURIComponent(part.slice(i + 1));
    });
    if (out.map) {
      var m = out.map.split("/").map(Number);
      if (m.length === 3 && m.every(isFinite)) { out.view = { zoom: m[0], lat: m[1], lon: m[2] }; }
    }
    return out;
  };

  W.writeHash = function (map, state) {
    var c = map.getCenter();
    var params = { map: map.getZoom() + "/" + c.lat.toFixed(5) + "/" + c.lng.toFixed(5) };
    Object.keys(state).forEach(function (k) { params[k] = state[k]; });
    var hash = "#" + W.query(params).replace(/%2F/g, "/").replace(/%2C/g, ",");
    if (hash !== location.hash) { history.replaceState(null, "", hash); }
  };

  // ---- the base map --------------------------------------------------------
  function labelMarker(latlng, text, className, pane) {
    return L.marker(latlng, {
      icon: L.divIcon({ className: className, html: W.el("span", { text: text }), iconSize: null }),
      pane: pane, interactive: false, keyboard: false
    });
  }

  // A layer refetched by bbox when the view leaves the area fetched last (padded), or the zoom band changes.
  function bboxLayer(map, url, minZoom, draw) {
    var group = L.layerGroup().addTo(map);
    var fetched = null, fetchedZoom = null, controller = null;
    function refresh() {
      var zoom = map.getZoom();
      if (zoom < minZoom) { group.clearLayers(); fetched = null; return; }
      var view = map.getBounds();
      if (fetched && fetched.contains(view) && Math.abs(fetchedZoom - zoom) < 2) { return; }
      var padded = view.pad(0.5);
      if (controller) { controller.abort(); }
      controller = window.AbortController ? new AbortController() : null;
      W.getJSON(url + "?" + W.query({ bbox: W.bboxParam(padded), zoom: zoom }), controller && controller.signal)
        .then(function (data) { group.clearLayers(); draw(group, data, zoom); fetched = padded; fetchedZoom = zoom; })
        .catch(function () { /* the base map is decoration: the features still load */ });
    }
    map.on("moveend", refresh);
    refresh();
    return group;
  }

  W.createMap = function (node, cfg) {
    var map = L.map(node, { zoomControl: true, minZoom: 10, maxZoom: 19, preferCanvas: false });
    map.createPane("base").style.zIndex = 250;
    map.createPane("baselabels").style.zIndex = 450;
    map.getPane("baselabels").style.pointerEvents = "none";
    if (cfg.tiles && cfg.tiles.url) {
      L.tileLayer(cfg.tiles.url, { attribution: cfg.tiles.attribution || "", maxZoom: 19 }).addTo(map);
      node.classList.add("with-tiles");
    }
    var hash = W.readHash();
    if (hash.view) {
      map.setView([hash.view.lat, hash.view.lon], Math.min(19, Math.max(10, hash.view.zoom)));
    } else if (cfg.bounds) {
      map.fitBounds(cfg.bounds);
    } else {
      map.setView([61.742, 75.595], 14);
    }
    // The base layers are asked for after the page's own first request (the features), which
    // the page makes right after this returns: the points come first, the streets a moment later.
    // A page with its own base (the dashboard's districts) names no base APIs.
    if (cfg.api) { setTimeout(function () { baseLayers(map, cfg); }, 0); }
    return map;
  };

  function baseLayers(map, cfg) {
    var labels = { districts: L.layerGroup(), streets: L.layerGroup(), landmarks: L.layerGroup() };

    W.getJSON(cfg.api.districts).then(function (data) {
      L.geoJSON(data, {
        pane: "base", interactive: false,
        style: { color: "#7b8a99", weight: 1.5, dashArray: "4 3", fillColor: "#e4ebe1", fillOpacity: 0.55, className: "base-district" }
      }).addTo(map);
      data.features.forEach(function (f) {
        var p = f.properties.label;
        if (p) { labels.districts.addLayer(labelMarker([p[1], p[0]], f.properties.name, "district-label", "baselabels")); }
      });
      zoomLabels();
    }).catch(function () {});

    bboxLayer(map, cfg.api.streets, 0, function (group, data, zoom) {
      labels.streets.clearLayers();
      L.geoJSON(data, { pane: "base", interactive: false, style: { color: "#b9bec6", weight: zoom >= 16 ? 11 : 7, lineCap: "round", className: "base-street-casing" } }).addTo(group);
      L.geoJSON(data, { pane: "base", interactive: false, style: { color: "#ffffff", weight: zoom >= 16 ? 8 : 4.5, lineCap: "round", className: "base-street" } }).addTo(group);
      data.features.forEach(function (f) {
        var p = f.properties.label;
        if (p) { labels.streets.addLayer(labelMarker([p[1], p[0]], f.properties.name, "street-label", "baselabels")); }
      });
      zoomLabels();
    });

    bboxLayer(map, cfg.api.houses, cfg.houseMinZoom || 16, function (group, data) {
      data.features.forEach(function (f) {
        var c = f.geometry.coordinates;
        group.addLayer(labelMarker([c[1], c[0]], f.properties.number, "house-label", "baselabels"));
      });
    });

    W.getJSON(cfg.api.landmarks).then(function (data) {
      data.features.forEach(function (f) {
        var c = f.geometry.coordinates;
        labels.landmarks.addLayer(labelMarker([c[1], c[0]], f.properties.name, "landmark-label", "baselabels"));
      });
      zoomLabels();
    }).catch(function () {});

    // Which labels a zoom can hold: districts when far, streets and landmarks when near.
    function zoomLabels() {
      var z = map.getZoom();
      [[labels.districts, z >= 14 && z <= 15], [labels.streets, z >= 15], [labels.landmarks, z >= 16]].forEach(function (pair) {
        if (pair[1] && !map.hasLayer(pair[0])) { pair[0].addTo(map); }
        if (!pair[1] && map.hasLayer(pair[0])) { map.removeLayer(pair[0]); }
      });
    }
    map.on("zoomend", zoomLabels);
  }

  // ---- features fetched by bbox -------------------------------------------
  // Fetches ``buildUrl()`` (null: nothing to show) on every move; a newer request aborts the older one.
  W.featureLoader = function (map, buildUrl, onData, onError) {
    var controller = null;
    function load() {
      if (controller) { controller.abort(); }
      controller = window.AbortController ? new AbortController() : null;
      var mine = controller;
      var url = buildUrl();
      if (!url) { onData({ type: "FeatureCollection", features: [], total: 0 }); return; }
      W.getJSON(url, controller && controller.signal).then(function (data) {
        if (mine === controller) { onData(data); }
      }).catch(function (err) { if (!err || err.name !== "AbortError") { onError(err); } });
    }
    map.on("moveend", load);
    return load;
  };

  window.WebMap = W;
})();
