// Search-as-you-type (liaison/autocomplete.py, liaison/autocomplete_multiple.py). No inline script: CSP script-src 'self'.
// A single choice writes the picked match's id into a hidden input; a multiple choice adds it as one more
// checked checkbox in its entries box.
(function () {
  "use strict";
  // The <datalist> of `input` filled from `url` as the person types; onPick(id, text) when a match is chosen.
  function searchBox(input, url, extraParams, onPick, onOther) {
    var list = document.getElementById(input.getAttribute("list"));
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
    function search() {
      var address = url + (url.indexOf("?") < 0 ? "?" : "&") + "q=" + encodeURIComponent(input.value.trim()) + extraParams();
      fetch(address, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (data) { fill(data.results || []); })
        .catch(function () { fill([]); });
    }
    input.addEventListener("input", function () {
      var text = input.value.trim();
      if (Object.prototype.hasOwnProperty.call(byText, text)) {
        if (onPick(byText[text], text)) { return; }
      } else {
        onOther();
      }
      clearTimeout(timer);
      timer = setTimeout(search, 200);
    });
    input.addEventListener("focus", function () { if (!list.children.length) { search(); } });
  }

  function setupSingle(input) {
    if (input.dataset.autocompleteReady) { return; }  // the script may be included once per widget
    input.dataset.autocompleteReady = "1";
    var hidden = document.getElementById(input.dataset.autocompleteTarget);
    searchBox(input, input.dataset.autocompleteUrl, function () { return ""; },
              function (id) { hidden.value = id; return false; },
              function () { hidden.value = ""; });
  }

  function setupMultiple(input) {
    if (input.dataset.autocompleteMultipleReady) { return; }
    input.dataset.autocompleteMultipleReady = "1";
    var box = document.getElementById(input.dataset.autocompleteMultipleTarget);
    var name = input.dataset.autocompleteMultipleName;
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
      return true;
    }
    searchBox(input, input.dataset.autocompleteMultipleUrl, extraParams, choose, function () {});
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); }  // Enter picks a match, it does not post the form
    });
  }

  function setupAll() {
    document.querySelectorAll("input[data-autocomplete-url]").forEach(setupSingle);
    document.querySelectorAll("input[data-autocomplete-multiple-url]").forEach(setupMultiple);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setupAll);
  } else {
    setupAll();
  }
})();
