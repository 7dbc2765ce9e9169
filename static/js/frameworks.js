// The ladder editor and the ladder page: small keyboard and print helpers.
// Everything still works without JavaScript.
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    var form = event.target.closest && event.target.closest(".cell-form");
    if (!form) return;
    if (event.key === "Escape") {
      var cancel = form.querySelector("[data-cell-cancel]");
      if (cancel) { event.preventDefault(); cancel.click(); }
    } else if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  document.addEventListener("click", function (event) {
    if (!event.target.closest) return;
    var button = event.target.closest("[data-print]");
    if (button) { event.preventDefault(); window.print(); return; }
    var close = event.target.closest("[data-panel-close]");
    if (close) {
      var panel = document.getElementById("editor-panel");
      if (panel) panel.innerHTML = "";
    }
  });
  // An edit that redraws the whole editor (undo, move, remove) must not drop keyboard focus
  // on the page: put it back on the same control, else on Undo, else on the status line.
  var focusBefore = null;
  document.addEventListener("htmx:beforeRequest", function () {
    focusBefore = document.activeElement && document.activeElement.id;
  });
  document.addEventListener("htmx:afterSettle", function () {
    if (document.activeElement && document.activeElement !== document.body) return;
    if (!document.getElementById("editor")) return;
    var next = (focusBefore && document.getElementById(focusBefore)) ||
      document.getElementById("undo-button") || document.getElementById("editor-status");
    if (next) next.focus();
  });
  // An opened cell editor: scroll it fully into view inside the matrix (phones, far columns).
  document.addEventListener("htmx:afterSettle", function (event) {
    var cell = event.target.closest && event.target.closest(".matrix__cell--editing");
    if (cell) cell.scrollIntoView({ block: "nearest", inline: "nearest" });
  });
  // A form opened in the editor's panel: bring it into view and focus its first field
  // (or the error summary when it came back with errors).
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.target.id !== "editor-panel" || !event.target.firstElementChild) return;
    event.target.scrollIntoView({ block: "start", behavior: "auto" });
    var first = event.target.querySelector(".error-summary, input:not([type=hidden]), textarea, select");
    if (first) first.focus();
  });
})();
