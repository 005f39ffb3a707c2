// rxsupply web UI: keyboard helpers, and the charts; every page but its charts works without
// this file.
(function () {
  "use strict";

  function typing(target) {
    var tag = target && target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable);
  }

  // A field marked data-select has its text selected when focused, so the next scan or number
  // replaces it instead of being appended.
  function selectOnFocus(el) {
    el.addEventListener("focus", function () { el.select(); });
    if (document.activeElement === el) { el.select(); }
  }

  // A chart is a div[data-chart] and its figure in a JSON data block (no inline script, so the
  // pages keep to their Content Security Policy): plotly draws it here.
  function draw(block) {
    var div = document.getElementById(block.getAttribute("data-chart-for"));
    if (!div || !window.Plotly) { return; }
    var chart = JSON.parse(block.textContent);
    div.style.height = div.getAttribute("data-height") + "px";
    div.style.width = "100%";
    window.Plotly.newPlot(div, chart.figure.data, chart.figure.layout, chart.config);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("script[data-chart-for]").forEach(draw);
    document.querySelectorAll("input[data-select]").forEach(selectOnFocus);
    // A button marked data-print prints the page (a pick list, a count sheet).
    document.querySelectorAll("button[data-print]").forEach(function (b) {
      b.addEventListener("click", function () { window.print(); });
    });
    // A form marked data-busy says it is working (a planning run takes a while) and is not
    // sent twice.
    document.querySelectorAll("form[data-busy]").forEach(function (form) {
      form.addEventListener("submit", function () {
        var button = form.querySelector("button[type=submit]");
        if (button) {
          window.setTimeout(function () { button.disabled = true; button.textContent = form.getAttribute("data-busy"); }, 0);
        }
      });
    });
    // A form marked data-confirm asks before it is sent (a batch decision changes many levels
    // at once); without this file it is sent as it is, with its own guards.
    document.querySelectorAll("form[data-confirm]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (!window.confirm(form.getAttribute("data-confirm"))) { event.preventDefault(); }
      });
    });
    var auto = document.querySelector("[autofocus]");
    if (auto && document.activeElement !== auto) { auto.focus(); }
  });

  document.addEventListener("keydown", function (event) {
    // "/" jumps to the page's search or scan field.
    if (event.key === "/" && !typing(event.target) && !event.altKey && !event.ctrlKey && !event.metaKey) {
      var field = document.querySelector("[data-search]");
      if (field) { event.preventDefault(); field.focus(); }
      return;
    }
    // Esc cancels a scan that is waiting for its quantity.
    if (event.key === "Escape") {
      var cancel = document.querySelector("[data-cancel]");
      if (cancel) { event.preventDefault(); window.location.assign(cancel.getAttribute("href")); }
    }
  });
})();
