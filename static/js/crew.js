// The crew page: ask the phone where it is, then let the server sort the works by
// distance (PostGIS) and reorder the list, nearest first. Without a position the
// list stays in the order it was assigned.
(function () {
  "use strict";
  var box = document.querySelector(".crew");
  var list = document.getElementById("crew-works");
  var order = document.getElementById("crew-order");
  if (!box || !list || !navigator.geolocation || !window.fetch) { return; }

  function distanceText(m) {
    if (m === null || m === undefined) { return ""; }
    if (m >= 1000) { return "≈ " + (m / 1000).toFixed(1) + " " + box.dataset.km; }
    return "≈ " + m + " " + box.dataset.m;
  }

  function apply(works) {
    works.forEach(function (work) {
      var item = document.getElementById("work-" + work.id);
      if (!item) { return; }
      var span = item.querySelector(".crew-distance");
      if (span) { span.textContent = distanceText(work.distance_m); }
      list.appendChild(item); // moves it to the end: the server's order is kept
    });
    order.textContent = box.dataset.nearest;
  }

  order.textContent = box.dataset.locating;
  navigator.geolocation.getCurrentPosition(function (pos) {
    var url = box.dataset.api + "?lat=" + pos.coords.latitude.toFixed(6) + "&lon=" + pos.coords.longitude.toFixed(6);
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (data) { apply(data.works); })
      .catch(function () { order.textContent = box.dataset.nogeo; });
  }, function () {
    order.textContent = box.dataset.nogeo;
  }, { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 });
})();
