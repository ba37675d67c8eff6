// Search-as-you-type for filter fields (liaison/autocomplete.py). No inline script: CSP script-src 'self'.
(function () {
  "use strict";
  function setup(input) {
    if (input.dataset.autocompleteReady) { return; }  // the script may be included once per widget
    input.dataset.autocompleteReady = "1";
    var hidden = document.getElementById(input.dataset.autocompleteTarget);
    var list = document.getElementById(input.getAttribute("list"));
    var byText = {};
    var timer = null;
    function fill(results) {
      byText = {};
      list.replaceChildren();
      results.forEach(function (row) {
        byText[row.text] = row.id;
        var option = document.createElement("option");
        option.value = row.text;
        list.appendChild(option);
      });
    }
    function search() {
      var url = input.dataset.autocompleteUrl + "?q=" + encodeURIComponent(input.value.trim());
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (data) { fill(data.results || []); })
        .catch(function () { fill([]); });
    }
    input.addEventListener("input", function () {
      var text = input.value.trim();
      hidden.value = Object.prototype.hasOwnProperty.call(byText, text) ? byText[text] : "";
      clearTimeout(timer);
      timer = setTimeout(search, 200);
    });
    input.addEventListener("focus", function () { if (!list.children.length) { search(); } });
  }
  function setupAll() { document.querySelectorAll("input[data-autocomplete-url]").forEach(setup); }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setupAll);
  } else {
    setupAll();
  }
})();
