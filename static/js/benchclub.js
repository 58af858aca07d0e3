// BenchClub page behaviour, loaded from our own origin so the Content-Security-Policy needs no inline script.
(function () {
  "use strict";

  // Charts: each .bc-chart div has a JSON block <script type="application/json" id="ID-data"> (see macros/charts.html).
  function drawCharts() {
    if (typeof Plotly === "undefined") { return; }
    document.querySelectorAll(".bc-chart").forEach(function (div) {
      var data = document.getElementById(div.id + "-data");
      if (!data || div.dataset.drawn) { return; }
      var fig = JSON.parse(data.textContent);
      div.dataset.drawn = "1";
      Plotly.newPlot(div.id, fig.data, fig.layout, {responsive: true, displaylogo: false});
    });
  }

  // Forms that ask before a destructive POST: <form data-confirm="message">.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  });

  // <button data-action="print">
  document.addEventListener("click", function (event) {
    var el = event.target.closest ? event.target.closest("[data-action='print']") : null;
    if (el) { window.print(); }
  });

  // <input data-select-on-focus> selects its text (links to copy).
  document.addEventListener("focusin", function (event) {
    if (event.target.hasAttribute && event.target.hasAttribute("data-select-on-focus")) { event.target.select(); }
  });

  // <select data-submit-on-change> submits its form (a club picker).
  document.addEventListener("change", function (event) {
    if (event.target.hasAttribute && event.target.hasAttribute("data-submit-on-change") && event.target.form) {
      event.target.form.submit();
    }
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawCharts);
  } else {
    drawCharts();
  }
})();
