/* Copy buttons: <button data-copy="text" hidden> is shown only when the browser can copy, copies
   its text and says so in the live region named by data-status (data-copied-label). Without JavaScript the text is
   still there to select by hand. */
(function () {
  "use strict";

  function fallbackCopy(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "absolute";
    area.style.left = "-9999px";
    document.body.appendChild(area);
    area.select();
    var done = false;
    try { done = document.execCommand("copy"); } catch (e) { done = false; }
    document.body.removeChild(area);
    return done ? Promise.resolve() : Promise.reject(new Error("copy refused"));
  }

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).catch(function () { return fallbackCopy(text); });
    }
    return fallbackCopy(text);
  }

  function init(root) {
    (root || document).querySelectorAll("button[data-copy]").forEach(function (button) {
      var status = document.getElementById(button.dataset.status || "");
      button.hidden = false;
      button.addEventListener("click", function () {
        copyText(button.dataset.copy).then(function () {
          button.dataset.copied = "1";
          if (status) { status.textContent = button.dataset.copiedLabel || ""; }
        }, function () {
          if (status) { status.textContent = button.dataset.failedLabel || ""; }
        });
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () { init(document); });
})();
