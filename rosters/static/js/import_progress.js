// Polls a running import and reloads the page when it has finished.
(function () {
  "use strict";
  var box = document.getElementById("import-progress");
  if (!box) return;
  var bar = box.querySelector("progress");
  var text = box.querySelector(".import-progress-text");
  function poll() {
    fetch(box.dataset.url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (state) {
        if (state.finished) { window.location.reload(); return; }
        bar.max = state.rows_total || 1;
        bar.value = state.rows_done;
        text.textContent = state.rows_done.toLocaleString() + " / " + state.rows_total.toLocaleString();
        window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  poll();
})();
