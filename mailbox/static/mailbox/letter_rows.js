// Keyboard-fast letter rows: Enter in a one-line field of the last row adds a row
// and puts the cursor in its first field; Ctrl+Enter saves the whole form.
(function () {
  var table = document.getElementById("letter-rows");
  if (!table) return;
  var form = table.closest("form");
  var total = form.querySelector("input[name$='-TOTAL_FORMS']");
  var template = document.getElementById("letter-row-template");
  var count = form.querySelector("input[name='letter_count']");
  var body = table.querySelector("tbody");

  function rowsWithText() {
    return Array.prototype.filter.call(body.querySelectorAll("textarea"), function (t) { return t.value.trim(); }).length;
  }
  function syncCount() {
    if (count && rowsWithText() > (parseInt(count.value, 10) || 0)) count.value = rowsWithText();
    var n = document.getElementById("letter-row-count");
    if (n) n.textContent = rowsWithText();
  }
  function addRow() {
    var index = parseInt(total.value, 10);
    var html = template.innerHTML.replace(/__prefix__/g, index).replace(/__number__/g, index + 1);
    body.insertAdjacentHTML("beforeend", html);
    total.value = index + 1;
    var row = body.lastElementChild;
    row.querySelector("textarea").focus();
    return row;
  }
  document.getElementById("add-letter-row").addEventListener("click", function () { addRow(); });
  form.addEventListener("input", syncCount);
  form.addEventListener("keydown", function (event) {
    if (event.key !== "Enter") return;
    if (event.ctrlKey || event.metaKey) { event.preventDefault(); syncCount(); form.requestSubmit(); return; }
    var target = event.target;
    var row = target.closest("tr.letter-row");
    if (!row || target.tagName === "TEXTAREA" || target.tagName === "BUTTON") return;
    event.preventDefault();
    var next = row.nextElementSibling;
    if (next) { next.querySelector("textarea").focus(); } else { addRow(); }
  });
  syncCount();
})();
