// Staff pages: small progressive enhancements; every page works without this file.
(function () {
  "use strict";

  // A form sent back with errors: move focus to its error summary, so it is read out first.
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector("[data-error-summary]");
    if (summary) {
      summary.focus();
    }
  });
})();
