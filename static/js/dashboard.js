// Draws the dashboard's charts with Chart.js (static/vendor/chart.js) from the JSON block next to
// each <canvas data-chart="...">; the same rows are in the table under the chart.
(function () {
  "use strict";
  if (typeof Chart === "undefined") { return; }
  var lang = document.documentElement.lang || "ru";
  var locale = lang === "en" ? "en-GB" : "ru-RU";
  var palette = ["#1f77b4", "#2e8b57", "#e6a100", "#c92a2a", "#6a4c93", "#4a4a4a"];
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.locale = locale;
  Chart.defaults.animation = false;

  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var source = document.getElementById(canvas.getAttribute("data-chart"));
    if (!source) { return; }
    var spec;
    try { spec = JSON.parse(source.textContent); } catch (e) { return; }
    if (!spec.labels || spec.labels.length === 0) {
      canvas.parentNode.classList.add("dash-empty");
      return;
    }
    var line = spec.type === "line";
    var whole = spec.datasets.every(function (d) {
      return d.data.every(function (v) { return v === null || Math.round(v) === v; });
    });
    var datasets = spec.datasets.map(function (d, i) {
      var color = palette[i % palette.length];
      return {
        label: d.label, data: d.data, backgroundColor: line ? color : color + "cc", borderColor: color,
        borderWidth: line ? 2 : 1, tension: 0.2, pointRadius: line ? 3 : 0, spanGaps: true
      };
    });
    var box = canvas.parentNode;
    if (spec.horizontal) {  // one bar band per row, so long Russian names stay readable
      box.style.height = Math.max(160, 36 + spec.labels.length * 18 * Math.max(1, datasets.length)) + "px";
    }
    canvas.chart = new Chart(canvas, {
      type: line ? "line" : "bar",
      data: { labels: spec.labels, datasets: datasets },
      options: {
        indexAxis: spec.horizontal ? "y" : "x",
        maintainAspectRatio: false,
        responsive: true,
        plugins: { legend: { display: datasets.length > 1, position: "bottom" } },
        scales: {
          x: { ticks: { autoSkip: !spec.horizontal, maxRotation: 45, precision: whole ? 0 : undefined }, beginAtZero: true },
          y: { ticks: { autoSkip: !spec.horizontal, precision: whole ? 0 : undefined }, beginAtZero: true }
        }
      }
    });
    canvas.setAttribute("data-drawn", "1");
  });
})();
