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
    var button = event.target.closest && event.target.closest("[data-print]");
    if (button) { event.preventDefault(); window.print(); }
  });
})();
