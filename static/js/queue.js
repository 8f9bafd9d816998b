// The queue: select-all, a count of the ticked cases and keyboard shortcuts
// (j/k next/previous, x tick, a assign to me, o or Enter open, / search).
// Without JavaScript the queue works the same, one click at a time.
(function () {
  "use strict";

  document.addEventListener("DOMContentLoaded", function () {
    // Sorting and the page size apply at once (without JavaScript: the Search button).
    document.querySelectorAll("[data-submit-on-change]").forEach(function (select) {
      select.addEventListener("change", function () {
        select.form.submit();
      });
    });

    var table = document.querySelector("[data-queue]");
    var form = document.querySelector("[data-bulk-form]");
    if (!table || !form) {
      return;
    }
    var rows = Array.prototype.slice.call(table.querySelectorAll("tbody tr[data-case-id]"));
    var boxes = rows.map(function (row) { return row.querySelector("input[name=case_ids]"); });
    var selectAll = table.querySelector("[data-select-all]");
    var counter = form.querySelector("[data-ticked-count]");
    var help = document.querySelector("[data-testid=shortcuts]");
    var current = -1;

    function refresh() {
      var ticked = boxes.filter(function (box) { return box.checked; }).length;
      if (selectAll) {
        selectAll.checked = ticked > 0 && ticked === boxes.length;
        selectAll.indeterminate = ticked > 0 && ticked < boxes.length;
      }
      if (counter) {
        counter.textContent = ticked ? "(" + ticked + ")" : "";
      }
    }

    if (selectAll && boxes.length) {
      selectAll.hidden = false;
      selectAll.addEventListener("change", function () {
        boxes.forEach(function (box) { box.checked = selectAll.checked; });
        refresh();
      });
    }
    boxes.forEach(function (box) { box.addEventListener("change", refresh); });
    if (help && rows.length) {
      help.hidden = false;
    }

    function move(to) {
      if (!rows.length) {
        return;
      }
      if (current >= 0) {
        rows[current].classList.remove("is-current");
      }
      current = Math.max(0, Math.min(rows.length - 1, to));
      var row = rows[current];
      row.classList.add("is-current");
      row.querySelector("[data-testid=case-link]").focus();
      row.scrollIntoView({ block: "nearest" });
    }

    // "a": the bulk form's own endpoint, for this one case, assigned to the user ("me").
    function assignToMe(row) {
      var post = document.createElement("form");
      post.method = "post";
      post.action = form.getAttribute("action");  // form.action is its "action" radio buttons
      var fields = {
        csrf_token: form.querySelector("input[name=csrf_token]").value,
        case_ids: row.getAttribute("data-case-id"),
        action: "assign",
        assignee: "me"
      };
      Object.keys(fields).forEach(function (name) {
        var input = document.createElement("input");
        input.type = "hidden";
        input.name = name;
        input.value = fields[name];
        post.appendChild(input);
      });
      document.body.appendChild(post);
      post.submit();
    }

    // Keys typed into a text field or a list are theirs, not shortcuts.
    function typing(element) {
      if (!element || !element.closest) {
        return false;
      }
      if (element.closest("select, textarea, [contenteditable]")) {
        return true;
      }
      var buttonLike = ["checkbox", "radio", "button", "submit", "reset"];
      return element.tagName === "INPUT" && buttonLike.indexOf(element.type) < 0;
    }

    document.addEventListener("keydown", function (event) {
      var target = event.target;
      if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) {
        return;
      }
      if (typing(target)) {
        return;
      }
      var row = current >= 0 ? rows[current] : null;
      switch (event.key) {
        case "j":
          move(current + 1);
          break;
        case "k":
          move(current < 0 ? 0 : current - 1);
          break;
        case "x":
          if (!row) {
            return;
          }
          boxes[current].checked = !boxes[current].checked;
          refresh();
          break;
        case "a":
          if (!row) {
            return;
          }
          assignToMe(row);
          break;
        case "o":
          if (!row) {
            return;
          }
          row.querySelector("[data-testid=case-link]").click();
          break;
        case "/":
          var search = document.querySelector("[data-shortcut-search]");
          if (!search) {
            return;
          }
          search.focus();
          break;
        case "?":
          if (help) {
            help.open = !help.open;
          }
          break;
        default:
          return;
      }
      event.preventDefault();
    });

    // Focus on a row's link (Tab, a click) makes it the current row for the shortcuts.
    rows.forEach(function (row, index) {
      row.addEventListener("focusin", function () {
        if (current !== index) {
          if (current >= 0) {
            rows[current].classList.remove("is-current");
          }
          current = index;
          row.classList.add("is-current");
        }
      });
    });
    refresh();
  });
})();
