// Small progressive enhancements. Everything works without JavaScript.
(function () {
  "use strict";
  function init(root) {
    root.querySelectorAll("[data-toggle]").forEach(function (button) {
      if (button.dataset.bound) return;
      button.dataset.bound = "1";
      button.addEventListener("click", function () {
        var target = document.getElementById(button.dataset.toggle);
        var open = target.classList.toggle("is-open");
        button.setAttribute("aria-expanded", open ? "true" : "false");
      });
    });
    root.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
      if (select.dataset.bound) return;
      select.dataset.bound = "1";
      select.addEventListener("change", function () { select.form.submit(); });
    });
    root.querySelectorAll("[data-confirm]").forEach(function (el) {
      if (el.dataset.bound) return;
      el.dataset.bound = "1";
      el.addEventListener("click", function (event) {
        if (!window.confirm(el.dataset.confirm)) event.preventDefault();
      });
    });
    root.querySelectorAll(".error-summary").forEach(function (summary) { summary.focus(); });
  }
  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:afterSwap", function (event) { init(event.target); });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      document.querySelectorAll("details.dropdown[open]").forEach(function (d) { d.removeAttribute("open"); });
      // the phone menu closes too, and focus goes back to its button
      document.querySelectorAll("[data-toggle][aria-expanded=true]").forEach(function (button) {
        var target = document.getElementById(button.dataset.toggle);
        if (target) target.classList.remove("is-open");
        button.setAttribute("aria-expanded", "false");
        button.focus();
      });
    }
  });
})();
