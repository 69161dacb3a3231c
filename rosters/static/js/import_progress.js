// Polls a running import and reloads the page when it has finished. Where the
// server cannot tell how far an import has got (SQLite), the bar stays
// indeterminate with its "Starting…" text (or says the import waits for a
// background worker, while it is queued).
(function () {
  "use strict";
  var box = document.getElementById("import-progress");
  if (!box) return;
  var bar = box.querySelector("progress");
  var text = box.querySelector(".import-progress-text");
  bar.removeAttribute("value");
  function poll() {
    fetch(box.dataset.url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (state) {
        if (state.finished) { window.location.reload(); return; }
        // Queued: no worker has picked the import up yet.
        if (state.waiting) text.textContent = box.dataset.waiting;
        if (state.rows_done > 0) {
          bar.max = state.rows_total || state.rows_done;
          bar.value = state.rows_done;
          text.textContent = state.rows_done.toLocaleString() + (state.rows_total ? " / " + state.rows_total.toLocaleString() : "");
        }
        window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  poll();
})();
