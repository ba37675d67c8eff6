// Bulk steps on a list (templates/constituents/_bulk_bar.html): "全选本页" and the count of chosen rows.
// A static file because the Content-Security-Policy forbids inline scripts and on* attributes.
(function () {
  "use strict";
  function boxes(formId) {
    return Array.prototype.slice.call(
      document.querySelectorAll('input[type="checkbox"][name="ids"][form="' + formId + '"]'));
  }
  function setup(all) {
    var formId = all.getAttribute("data-bulk-all");
    var count = document.querySelector('[data-bulk-count="' + formId + '"]');
    var idle = count ? count.textContent : "";
    function refresh() {
      var rows = boxes(formId);
      var chosen = rows.filter(function (box) { return box.checked; }).length;
      all.checked = rows.length > 0 && chosen === rows.length;
      all.indeterminate = chosen > 0 && chosen < rows.length;
      if (count) { count.textContent = chosen ? "已选 " + chosen + " 件" : idle; }
    }
    all.addEventListener("change", function () {
      boxes(formId).forEach(function (box) { box.checked = all.checked; });
      refresh();
    });
    document.addEventListener("change", function (event) {
      if (event.target.matches && event.target.matches('input[name="ids"][form="' + formId + '"]')) { refresh(); }
    });
    refresh();
  }
  function setupAll() { document.querySelectorAll("input[data-bulk-all]").forEach(setup); }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setupAll);
  } else {
    setupAll();
  }
})();
