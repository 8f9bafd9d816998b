/* Forms everywhere: after a failed submission focus moves to the error summary (so screen
   readers read it and keyboard users start from it); a form marked data-submit-once is sent once
   per click, however often the button is pressed. Loaded with `defer`; no inline script. */
(function () {
  "use strict";

  function focusErrorSummary(root) {
    var summary = (root || document).querySelector("[data-error-summary]");
    if (summary) {
      summary.focus();
      summary.scrollIntoView({ block: "start" });
    }
  }

  function submitOnce(form) {
    form.addEventListener("submit", function (event) {
      if (form.dataset.submitting === "1") {
        event.preventDefault();
        return;
      }
      form.dataset.submitting = "1";
      form.querySelectorAll("button[type=submit]").forEach(function (button) {
        button.setAttribute("aria-disabled", "true");
        button.classList.add("is-busy");
      });
    });
  }

  function init(root) {
    focusErrorSummary(root);
    (root || document).querySelectorAll("form[data-submit-once]").forEach(submitOnce);
  }

  document.documentElement.classList.add("js");
  window.Tingia = window.Tingia || {};
  window.Tingia.initForms = init;
  document.addEventListener("DOMContentLoaded", function () { init(document); });
})();
