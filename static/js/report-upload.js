/* The report form on a cheap phone: previews of the chosen images, their size and type checked
   before anything is sent (images that would be refused are left out, and the citizen is told
   which and why), a progress bar while the report uploads, and one report per click.

   Progressive enhancement: without this script the form posts as usual, and the server keeps
   checked images when the form comes back with errors. With it, the form is sent with
   XMLHttpRequest (the only way to follow upload progress); the server's answer is the same as
   without JavaScript: a redirect to the tracking page, or the form again with its errors, which
   replaces the page's content. Messages come from the form's data-msg-* attributes (translated
   by the server). */
(function () {
  "use strict";

  var ACCEPTED = ["image/jpeg", "image/png", "image/webp"];

  function format(template, values) {
    return template.replace(/\{(\w+)\}/g, function (whole, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? values[key] : whole;
    });
  }

  function megabytes(bytes) {
    var mb = bytes / (1024 * 1024);
    return (mb < 0.1 ? "0.1" : mb.toFixed(1)) + " MB";
  }

  function keptCount(form) {
    return form.querySelectorAll("input[name=kept_images]:checked").length;
  }

  /* Keep only the files the server would accept; describe the others. */
  function checkFiles(form, input) {
    var maxBytes = parseInt(form.dataset.maxBytes, 10);
    var room = parseInt(form.dataset.maxImages, 10) - keptCount(form);
    var kept = new DataTransfer();
    var problems = [];
    Array.prototype.forEach.call(input.files, function (file) {
      if (ACCEPTED.indexOf(file.type) === -1) {
        problems.push(format(form.dataset.msgWrongType, { name: file.name }));
      } else if (file.size > maxBytes) {
        problems.push(format(form.dataset.msgTooLarge, { name: file.name }));
      } else if (kept.items.length >= room) {
        problems.push(form.dataset.msgTooMany + " " + form.dataset.msgLeftOut + " " + file.name);
      } else {
        kept.items.add(file);
      }
    });
    if (problems.length) {
      input.files = kept.files;
    }
    return problems;
  }

  function showPreviews(form, input) {
    var list = form.querySelector("[data-upload-previews]");
    list.querySelectorAll("img").forEach(function (img) { URL.revokeObjectURL(img.src); });
    list.textContent = "";
    Array.prototype.forEach.call(input.files, function (file) {
      var item = document.createElement("li");
      item.setAttribute("data-testid", "upload-preview");
      var img = document.createElement("img");
      img.src = URL.createObjectURL(file);
      img.alt = file.name;
      var caption = document.createElement("span");
      caption.textContent = file.name + " (" + megabytes(file.size) + ")";
      item.appendChild(img);
      item.appendChild(caption);
      list.appendChild(item);
    });
  }

  function onFilesChosen(form, input) {
    var message = form.querySelector("[data-upload-message]");
    var problems = checkFiles(form, input);
    message.textContent = problems.join(" ");
    input.setAttribute("aria-invalid", problems.length ? "true" : "false");
    showPreviews(form, input);
  }

  function setProgress(form, fraction) {
    var box = form.querySelector("[data-upload-progress]");
    var bar = box.querySelector("progress");
    var percent = Math.round(fraction * 100);
    box.hidden = false;
    bar.value = percent;
    box.querySelector("[data-upload-percent]").textContent = percent + "%";
  }

  /* The server sent the form back with its errors: show that page, scripts wired again. */
  function replacePage(html) {
    var next = new DOMParser().parseFromString(html, "text/html");
    document.title = next.title;
    document.body.replaceWith(document.adoptNode(next.body));
    initPage(document);
    if (window.Tingia && window.Tingia.initForms) { window.Tingia.initForms(document); }
  }

  function send(form, button) {
    var failure = form.querySelector("[data-send-error]");
    var request = new XMLHttpRequest();
    function fail(text) {
      form.dataset.sending = "";
      form.dataset.submitting = "";
      button.removeAttribute("aria-disabled");
      button.classList.remove("is-busy");
      form.querySelector("[data-upload-progress]").hidden = true;
      failure.textContent = text;
    }
    failure.textContent = "";
    request.open("POST", form.action || window.location.href);
    request.upload.addEventListener("progress", function (event) {
      if (event.lengthComputable) { setProgress(form, event.loaded / event.total); }
    });
    request.addEventListener("load", function () {
      var landed = request.responseURL || "";
      if (request.status === 200 && landed.indexOf("/track/") !== -1) {
        setProgress(form, 1);
        window.location.assign(landed);  // the tracking page the server redirected to
      } else if (request.status === 400 || request.status === 200) {
        replacePage(request.responseText);
      } else {
        fail(format(form.dataset.msgRefused, { status: String(request.status) }));
      }
    });
    request.addEventListener("error", function () { fail(form.dataset.msgFailed); });
    request.addEventListener("timeout", function () { fail(form.dataset.msgFailed); });
    setProgress(form, 0);
    request.send(new FormData(form));
  }

  function enhance(form) {
    var input = form.querySelector("[data-upload-input]");
    if (!input || !window.FormData || !window.DataTransfer || !window.XMLHttpRequest) { return; }
    input.addEventListener("change", function () { onFilesChosen(form, input); });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (form.dataset.sending === "1") { return; }  // one report per click
      form.dataset.sending = "1";
      var button = form.querySelector("button[type=submit]");
      button.setAttribute("aria-disabled", "true");
      button.classList.add("is-busy");
      send(form, button);
    });
  }

  function initPage(root) {
    root.querySelectorAll("form[data-report-form]").forEach(enhance);
  }

  document.addEventListener("DOMContentLoaded", function () { initPage(document); });
})();
