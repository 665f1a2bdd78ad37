// Review pages: the print button (no inline handlers: the CSP forbids them).
(function () {
  "use strict";
  // Settling copies attributes from the old element to the new one; copying "style" (which the
  // browser may have left empty on a form field) is an inline style, and the strict CSP refuses it.
  if (window.htmx) htmx.config.attributesToSettle = ["class", "width", "height"];
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-print]") : null;
    if (!button) return;
    event.preventDefault();
    window.print();
  });
})();
