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
