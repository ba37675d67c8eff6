// Search-as-you-type for a multiple choice (liaison/autocomplete_multiple.py): a picked match becomes one more
// checked checkbox in the entries box. No inline script: CSP script-src 'self'.
(function () {
  "use strict";
  function setup(input) {
    if (input.dataset.autocompleteMultipleReady) { return; }  // the script may be included once per widget
    input.dataset.autocompleteMultipleReady = "1";
    var box = document.getElementById(input.dataset.autocompleteMultipleTarget);
    var list = document.getElementById(input.getAttribute("list"));
    var name = input.dataset.autocompleteMultipleName;
    var byText = {};
    var timer = null;
    function fill(results) {
      byText = {};
      list.replaceChildren();
      results.forEach(function (row) {
        if (Object.prototype.hasOwnProperty.call(byText, row.text)) { return; }
        byText[row.text] = row.id;
        var option = document.createElement("option");
        option.value = row.text;
        list.appendChild(option);
      });
    }
    function extraParams() {
      // Other fields of the form the search narrows by (e.g. the suggestion's category).
      var form = input.form;
      var params = "";
      (input.dataset.autocompleteMultipleWith || "").split(" ").forEach(function (field) {
        var element = field && form ? form.elements.namedItem(field) : null;
        if (element && element.value) { params += "&" + encodeURIComponent(field) + "=" + encodeURIComponent(element.value); }
      });
      return params;
    }
    function search() {
      var url = input.dataset.autocompleteMultipleUrl;
      url += (url.indexOf("?") < 0 ? "?" : "&") + "q=" + encodeURIComponent(input.value.trim()) + extraParams();
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (data) { fill(data.results || []); })
        .catch(function () { fill([]); });
    }
    function choose(id, text) {
      var existing = box.querySelector('input[type="checkbox"][value="' + String(id).replace(/[^0-9]/g, "") + '"]');
      if (existing) {
        existing.checked = true;
      } else {
        var entry = document.createElement("div");
        entry.className = "form-check";
        var checkbox = document.createElement("input");
        checkbox.type = "checkbox";
        checkbox.className = "form-check-input";
        checkbox.name = name;
        checkbox.value = id;
        checkbox.checked = true;
        checkbox.id = box.id + "_" + id;
        var label = document.createElement("label");
        label.className = "form-check-label";
        label.htmlFor = checkbox.id;
        label.textContent = text;
        entry.appendChild(checkbox);
        entry.appendChild(label);
        box.insertBefore(entry, box.firstChild);
      }
      input.value = "";
    }
    input.addEventListener("input", function () {
      var text = input.value.trim();
      if (Object.prototype.hasOwnProperty.call(byText, text)) {
        choose(byText[text], text);
        return;
      }
      clearTimeout(timer);
      timer = setTimeout(search, 200);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); }  // Enter picks a match, it does not post the form
    });
    input.addEventListener("focus", function () { if (!list.children.length) { search(); } });
  }
  function setupAll() { document.querySelectorAll("input[data-autocomplete-multiple-url]").forEach(setup); }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setupAll);
  } else {
    setupAll();
  }
})();
