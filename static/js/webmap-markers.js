// webmap: the one marker renderer of the maps. A cluster is a counted circle (a click zooms in);
// a work shows its type's icon (class work-<icon>; open works dashed); a case is a dot coloured by
// its status (class case-<status>; overdue ringed). A feature whose geometry is a line is drawn
// as that line, its marker at the line's anchor. The page's legend uses the same classes.
(function () {
  "use strict";
  var W = window.WebMap;

  W.workIcon = function (p) {
    return L.divIcon({ className: "work-marker work-" + W.token(p.icon) + (p.status === "done" ? "" : " work-open"),
                       iconSize: [24, 24], iconAnchor: [12, 12], popupAnchor: [0, -10] });
  };

  W.caseIcon = function (p) {
    return L.divIcon({ className: "case-marker case-" + W.token(p.status) + (p.overdue ? " overdue" : ""),
                       iconSize: [18, 18], iconAnchor: [9, 9], popupAnchor: [0, -8] });
  };

  // Cluster markers: a count in a circle sized by it; a click zooms to the cluster's cell.
  W.clusterMarker = function (map, feature, extraClass) {
    var c = feature.geometry.coordinates, p = feature.properties;
    var size = p.count < 10 ? "small" : p.count < 100 ? "medium" : p.count < 1000 ? "large" : "huge";
    var px = { small: 30, medium: 36, large: 44, huge: 52 }[size];
    var text = p.count >= 10000 ? Math.round(p.count / 1000) + "k" : String(p.count);
    var marker = L.marker([c[1], c[0]], {
      icon: L.divIcon({ className: "cluster-marker cluster-" + size + (extraClass ? " " + extraClass : ""),
                        html: W.el("span", { text: text }), iconSize: [px, px] }),
      title: String(p.count), keyboard: true, riseOnHover: true
    });
    marker.on("click", function () {
      var b = p.bbox;
      var target = map.getZoom() + 2;
      if (b) {
        var bounds = L.latLngBounds([b[1], b[0]], [b[3], b[2]]);
        map.fitBounds(bounds, { maxZoom: Math.max(target, map.getBoundsZoom(bounds)) });
      } else {
        map.setView([c[1], c[0]], target);
      }
    });
    return marker;
  };

  // Draws one feature of /api/features (or /api/operator/features) into ``layer`` and returns its
  // marker, for the page to bind a popup to (null for a cluster). Options: ``title(p)`` (the
  // marker's tooltip, default p.title), ``clusterClass(p)``, ``lineWeight``.
  W.drawFeature = function (map, layer, feature, opts) {
    opts = opts || {};
    var p = feature.properties, g = feature.geometry;
    if (p.cluster) {
      layer.addLayer(W.clusterMarker(map, feature, opts.clusterClass ? opts.clusterClass(p) : ""));
      return null;
    }
    var at = g.coordinates;
    if (g.type !== "Point") {
      var line = L.geoJSON(g, { style: { className: p.kind + "-line " + p.kind + "-line-" + W.token(p.kind === "work" ? p.icon : p.status),
                                         weight: opts.lineWeight || 6 }, interactive: false });
      layer.addLayer(line);
      if (p.anchor) { at = p.anchor; } else { var centre = line.getBounds().getCenter(); at = [centre.lng, centre.lat]; }
    }
    var marker = L.marker([at[1], at[0]], { icon: p.kind === "work" ? W.workIcon(p) : W.caseIcon(p),
                                            title: opts.title ? opts.title(p) : p.title, riseOnHover: true });
    layer.addLayer(marker);
    return marker;
  };
})();
