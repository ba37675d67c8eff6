// Reload the page while a background job works: <div data-auto-refresh="2"> (seconds).
(function () {
  "use strict";
  var marker = document.querySelector("[data-auto-refresh]");
  if (!marker) { return; }
  var seconds = parseFloat(marker.getAttribute("data-auto-refresh")) || 2;
  window.setTimeout(function () { window.location.reload(); }, seconds * 1000);
})();
