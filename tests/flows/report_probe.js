/* Injected into the report by test_report_renders_in_headless_chromium: clicks every
   header of every sortable table and checks the column's order (ascending, missing values
   last), counts p-values and FDRs printed as 0 and broken images; the results go into
   attributes of <body> for chromium --dump-dom. */
window.addEventListener("load", function () {
  var problems = [], zeros = [], tables = document.querySelectorAll("table.sortable");
  function key(text) { var n = Number(text); return isNaN(n) ? text.toLowerCase() : n; }
  tables.forEach(function (table) {
    Array.from(table.tHead.rows[0].cells).forEach(function (th, column) {
      th.click();
      var cells = Array.from(table.tBodies[0].rows).map(function (row) {
        return row.cells[column].textContent.trim(); });
      var seenMissing = false, previous = null;
      cells.forEach(function (text) {
        if (text === "" || text === "NA") { seenMissing = true; return; }
        if (seenMissing) { problems.push(table.dataset.name + "/" + th.textContent + ": value after NA"); }
        var value = key(text);
        if (previous !== null && typeof previous === typeof value && previous > value) {
          problems.push(table.dataset.name + "/" + th.textContent + ": " + previous + " > " + value);
        }
        previous = value;
      });
      if (th.getAttribute("aria-sort") !== "ascending") { problems.push(th.textContent + ": not marked"); }
      if (/^(p_value|fdr|p|q_value|adj_p)$/.test(th.textContent)) {
        cells.forEach(function (text) { if (text !== "" && Number(text) === 0) { zeros.push(text); } });
      }
    });
  });
  var broken = Array.from(document.images).filter(function (i) {
    return !(i.complete && i.naturalWidth > 0); }).length;
  document.body.setAttribute("data-tables", tables.length);
  document.body.setAttribute("data-sort-problems", problems.slice(0, 5).join(" | ") || "none");
  document.body.setAttribute("data-zero-p", zeros.length);
  document.body.setAttribute("data-broken-images", broken);
});
