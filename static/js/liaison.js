// Small behaviours that the Content-Security-Policy allows only from a static
// file (no inline scripts, no on* attributes). Every page loads it.
(function () {
  "use strict";

  // On a phone a table stacks into cards (liaison.css); each cell shows its
  // column heading above the value, taken from the table's own header row.
  function labelCells(root) {
    root.querySelectorAll("table.table").forEach(function (table) {
      var heads = Array.prototype.map.call(table.querySelectorAll("thead tr:last-child th"), function (th) {
        return th.textContent.trim();
      });
      if (!heads.length) return;
      table.querySelectorAll("tbody tr, tfoot tr").forEach(function (row) {
        var column = 0;
        Array.prototype.forEach.call(row.children, function (cell) {
          if (heads[column] && !cell.hasAttribute("data-label")) cell.setAttribute("data-label", heads[column]);
          column += cell.colSpan || 1;
        });
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { labelCells(document); });
  document.addEventListener("htmx:load", function (event) { labelCells(event.target); });

  // <button data-confirm="…"> asks before it submits; <button data-print> prints the page.
  document.addEventListener("click", function (event) {
    var asking = event.target.closest("[data-confirm]");
    if (asking && !window.confirm(asking.getAttribute("data-confirm"))) event.preventDefault();
    if (event.target.closest("[data-print]")) window.print();
  });
  // Enter in a search box inside a bigger form searches instead of saving the form.
  document.addEventListener("keydown", function (event) {
    var field = event.target.closest && event.target.closest("[data-enter-clicks]");
    if (!field || event.key !== "Enter") return;
    event.preventDefault();
    var button = document.querySelector(field.getAttribute("data-enter-clicks"));
    if (button) button.click();
  });
  // <form data-action-template="/x/0/" data-action-field="constituency">: the chosen id goes in place of 0.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var template = form.getAttribute && form.getAttribute("data-action-template");
    if (template) {
      var field = form.elements[form.getAttribute("data-action-field") || "constituency"];
      form.action = template.replace("/0/", "/" + encodeURIComponent(field.value) + "/");
    }
  });
})();
