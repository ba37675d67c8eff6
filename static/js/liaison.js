// Small behaviours wired by data attributes: the Content-Security-Policy allows
// scripts only from our static files, so pages carry no inline script or on*= handler.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var printer = event.target.closest("[data-print]");
    if (printer) {
      window.print();
      return;
    }
    var confirming = event.target.closest("[data-confirm]");
    if (confirming && !window.confirm(confirming.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });
  // <form data-action-template="/x/0/y/" data-action-field="constituency">: the chosen id goes in place of 0.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var template = form.getAttribute && form.getAttribute("data-action-template");
    if (template) {
      var field = form.elements[form.getAttribute("data-action-field")];
      form.action = template.replace("/0/", "/" + encodeURIComponent(field.value) + "/");
    }
  });
})();
