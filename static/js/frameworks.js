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
  // A form opened in the editor's panel: bring it into view and focus its first field
  // (or the error summary when it came back with errors).
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.target.id !== "editor-panel" || !event.target.firstElementChild) return;
    event.target.scrollIntoView({ block: "start", behavior: "auto" });
    var first = event.target.querySelector(".error-summary, input:not([type=hidden]), textarea, select");
    if (first) first.focus();
  });
})();
