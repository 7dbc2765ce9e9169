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
    // the directory's bulk form: "tick everyone on this page" and how many are ticked
    root.querySelectorAll("[data-tick-all]").forEach(function (all) {
      if (all.dataset.bound) return;
      all.dataset.bound = "1";
      all.hidden = false;
      var table = all.closest("table");
      var count = document.querySelector("[data-bulk-count]");
      var ticks = function () { return table.querySelectorAll("input[data-tick]"); };
      var update = function () {
        var n = Array.prototype.filter.call(ticks(), function (t) { return t.checked; }).length;
        all.checked = n > 0 && n === ticks().length;
        all.indeterminate = n > 0 && n < ticks().length;
        if (count) count.textContent = n ? n + (n === 1 ? " person ticked" : " people ticked") : "";
      };
      all.addEventListener("change", function () {
        ticks().forEach(function (t) { t.checked = all.checked; });
        update();
      });
      table.addEventListener("change", function (event) { if (event.target.matches("[data-tick]")) update(); });
      update();
    });
    root.querySelectorAll(".error-summary").forEach(function (summary) { summary.focus(); });
  }
  // An htmx request the server refused (a read-only organization, a role too low) or that
  // failed: say so where the person is looking instead of doing nothing.
  document.addEventListener("htmx:responseError", function (event) {
    var text = "";
    try {
      var doc = new DOMParser().parseFromString(event.detail.xhr.responseText, "text/html");
      doc.querySelectorAll("main .card p").forEach(function (p) {
        var link = p.querySelector("a");
        if (link && p.textContent.trim() === link.textContent.trim()) return; // "Go to the home page"
        text += (text ? " " : "") + p.textContent.trim();
      });
    } catch (e) { text = ""; }
    if (!text) text = "That did not work, and nothing was saved. Reload the page and try again.";
    var box = document.getElementById("editor-alert") || document.getElementById("request-error");
    if (!box) {
      box = document.createElement("div");
      box.id = "request-error";
      box.setAttribute("aria-live", "assertive");
      var main = document.getElementById("main") || document.body;
      main.insertBefore(box, main.firstChild);
    }
    box.textContent = "";
    var notice = document.createElement("div");
    notice.className = "notice notice--error";
    notice.setAttribute("role", "alert");
    var p = document.createElement("p");
    p.textContent = text;
    notice.appendChild(p);
    box.appendChild(notice);
    box.scrollIntoView({ block: "nearest" });
  });
  // Autosaved forms ([data-autosave], e.g. the review form): a submit waits for an
  // autosave in flight (its answer carries the new revision), and no autosave starts
  // once the form is being submitted, so the two never race each other.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("[data-autosave]")) return;
    if (form.dataset.saving === "1") {
      event.preventDefault();
      form._pendingSubmitter = event.submitter || null;
      return;
    }
    form.dataset.submitting = "1";
  }, true);
  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = event.detail.elt;
    if (!form.matches || !form.matches("[data-autosave]")) return;
    if (form.dataset.submitting === "1") { event.preventDefault(); return; }
    form.dataset.saving = "1";
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt;
    if (!form.matches || !form.matches("[data-autosave]")) return;
    window.setTimeout(function () {
      form.dataset.saving = "";
      if (form._pendingSubmitter !== undefined) {
        var submitter = form._pendingSubmitter;
        delete form._pendingSubmitter;
        form.dataset.submitting = "1";
        if (submitter) { form.requestSubmit(submitter); } else { form.requestSubmit(); }
      }
    }, 30);
  });
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
  // The read-only ladder matrix (.matrix-wrap--flow) scrolls only sideways, so its header
  // rows cannot be position: sticky against the page. Keep them under the top bar by moving
  // them down (a CSS custom property set through the CSSOM, which the CSP allows).
  function placeMatrixHeads() {
    var bar = document.querySelector(".topbar");
    var top = bar && getComputedStyle(bar).position === "sticky" ? bar.getBoundingClientRect().bottom : 0;
    document.querySelectorAll(".matrix-wrap--flow").forEach(function (wrap) {
      var head = wrap.querySelector("thead");
      if (!head) return;
      var box = wrap.getBoundingClientRect();
      // (less the box's top border, in whole pixels so that no seam shows)
      var y = Math.round(Math.max(0, Math.min(top - box.top - 1, box.height - head.offsetHeight - 2)));
      wrap.style.setProperty("--matrix-head-y", y + "px");
      wrap.classList.toggle("is-stuck", y > 0);
    });
  }
  window.addEventListener("scroll", placeMatrixHeads, { passive: true });
  window.addEventListener("resize", placeMatrixHeads);
  document.addEventListener("DOMContentLoaded", placeMatrixHeads);
  document.addEventListener("htmx:afterSettle", placeMatrixHeads);
  // A box that scrolls sideways (a wide table, the ladder diagram or a chart on a phone) takes
  // keyboard focus, so that it can be scrolled with the arrow keys; one that fits does not.
  function focusableScrollers() {
    document.querySelectorAll(".table-wrap, .ladder-diagram, .chart").forEach(function (box) {
      var scrolls = box.scrollWidth > box.clientWidth + 1;
      if (scrolls && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
        box.dataset.scrollFocus = "1";
      } else if (!scrolls && box.dataset.scrollFocus) {
        box.removeAttribute("tabindex");
        delete box.dataset.scrollFocus;
      }
    });
  }
  window.addEventListener("resize", focusableScrollers);
  document.addEventListener("DOMContentLoaded", focusableScrollers);
  document.addEventListener("htmx:afterSettle", focusableScrollers);
})();
