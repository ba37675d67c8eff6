// 大字版 (larger text) on the public pages, remembered in this browser.
// Loaded in <head> so the page is drawn at the chosen size from the start.
(function () {
  "use strict";
  var KEY = "liaison-large-text";
  var root = document.documentElement;
  try {
    if (window.localStorage.getItem(KEY) === "1") root.classList.add("large-text");
  } catch (error) { /* storage refused (private mode): the switch still works for this page */ }
  document.addEventListener("DOMContentLoaded", function () {
    var button = document.getElementById("large-text-switch");
    if (!button) return;
    function show() { button.setAttribute("aria-pressed", root.classList.contains("large-text") ? "true" : "false"); }
    show();
    button.addEventListener("click", function () {
      root.classList.toggle("large-text");
      try { window.localStorage.setItem(KEY, root.classList.contains("large-text") ? "1" : "0"); } catch (error) { /* see above */ }
      show();
    });
  });
})();
