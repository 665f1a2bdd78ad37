// Behaviour shared by every page. No inline scripts anywhere: the CSP forbids them.
(function () {
  "use strict";

  function showError(message, target) {
    var banner = document.getElementById("htmx-error");
    var local = target && target.closest ? target.closest("[data-error-slot]") : null;
    var slot = local ? local.querySelector(".inline-error") : null;
    if (slot) {
      slot.textContent = message;
      slot.hidden = false;
      return;
    }
    if (banner) {
      banner.textContent = message;
      banner.hidden = false;
    }
  }

  function clearErrors() {
    var banner = document.getElementById("htmx-error");
    if (banner) banner.hidden = true;
    document.querySelectorAll(".inline-error").forEach(function (el) { el.hidden = true; });
  }

  document.addEventListener("htmx:beforeRequest", clearErrors);

  document.addEventListener("htmx:responseError", function (event) {
    var status = event.detail.xhr.status;
    var message = "Something went wrong on our side (" + status + "). What you typed is still here; please try again.";
    if (status === 403) message = "Your role does not allow this. Nothing was changed.";
    if (status === 404) message = "This no longer exists, or you cannot see it. Nothing was changed.";
    if (status === 413) message = "That is more text than we can take at once. Please split it up.";
    showError(message, event.detail.elt);
  });

  document.addEventListener("htmx:sendError", function (event) {
    showError("We could not reach the server. Check your connection; what you typed is still here.", event.detail.elt);
  });

  // Ctrl/Cmd+Enter submits the form a long text field belongs to.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || !(event.ctrlKey || event.metaKey)) return;
    var field = event.target;
    if (!field || field.tagName !== "TEXTAREA" || !field.form) return;
    event.preventDefault();
    if (field.form.requestSubmit) field.form.requestSubmit(); else field.form.submit();
  });
})();
