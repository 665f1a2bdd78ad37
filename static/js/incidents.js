// Incident pages: show the decision fields only for decisions, and refuse oversized pastes before upload.
(function () {
  "use strict";

  function syncDecisionFields(root) {
    root.querySelectorAll("select[name$='kind']").forEach(function (select) {
      var form = select.form;
      if (!form) return;
      var isDecision = select.value === "decision";
      form.querySelectorAll("textarea[name$='known_then'], textarea[name$='missing_then']").forEach(function (field) {
        var wrapper = field.closest(".field");
        if (wrapper) wrapper.hidden = !isDecision;
      });
    });
  }

  document.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches("select[name$='kind']")) syncDecisionFields(event.target.form || document);
  });
  document.addEventListener("DOMContentLoaded", function () { syncDecisionFields(document); });
  document.addEventListener("htmx:afterSettle", function () { syncDecisionFields(document); });

  // The server refuses large pastes too; this only saves uploading them first.
  document.addEventListener("submit", function (event) {
    var field = event.target.querySelector("textarea[data-max-bytes]");
    if (!field) return;
    var bytes = new Blob([field.value]).size;
    var lines = field.value.split(/\r\n|\r|\n/).length;
    var maxBytes = Number(field.dataset.maxBytes), maxLines = Number(field.dataset.maxLines);
    if (bytes > maxBytes || lines > maxLines) {
      event.preventDefault();
      event.stopImmediatePropagation();
      var slot = event.target.querySelector(".inline-error");
      if (slot) {
        slot.textContent = "This paste has " + bytes.toLocaleString() + " bytes in " + lines.toLocaleString() +
          " lines; we take up to " + Math.round(maxBytes / 1000) + " KB and " + maxLines.toLocaleString() +
          " lines at a time. Split it into parts and import them one after another.";
        slot.hidden = false;
      }
    }
  }, true);
})();

// The people picker: a search box narrows the tick boxes by name (ticked people always stay in view),
// and "other teams involved" never offers the team chosen as leading.
(function () {
  "use strict";

  function narrow(picker) {
    var search = picker.querySelector("[data-people-search]");
    var words = search.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    var shown = 0;
    picker.querySelectorAll("input[type=checkbox]").forEach(function (box) {
      var row = box.closest("div");
      var name = (box.parentElement.textContent || "").toLowerCase();
      var match = box.checked || words.every(function (word) { return name.indexOf(word) >= 0; });
      row.hidden = !match;
      if (match) shown += 1;
    });
    picker.querySelector("[data-people-none]").hidden = shown > 0;
  }

  document.addEventListener("input", function (event) {
    if (event.target.matches && event.target.matches("[data-people-search]")) narrow(event.target.closest("[data-people-picker]"));
  });
  // Enter in the search box ticks the only person left, instead of submitting the form.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || !event.target.matches || !event.target.matches("[data-people-search]")) return;
    event.preventDefault();
    var picker = event.target.closest("[data-people-picker]");
    var visible = Array.prototype.filter.call(picker.querySelectorAll("input[type=checkbox]:not(:checked)"), function (box) {
      return !box.closest("div").hidden;
    });
    if (visible.length === 1) { visible[0].checked = true; event.target.value = ""; narrow(picker); }
  });

  function hideLeadingTeam(form) {
    var leading = form.querySelector("select[name=team]");
    if (!leading) return;
    form.querySelectorAll("input[name=involved_teams]").forEach(function (box) {
      var isLeading = box.value === leading.value;
      if (isLeading) box.checked = false;
      box.closest("div").hidden = isLeading;
    });
  }
  document.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches("select[name=team]") && event.target.form) hideLeadingTeam(event.target.form);
  });
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form").forEach(hideLeadingTeam);
  });
})();
