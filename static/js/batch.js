// A certificate batch runs in the background (a task on the worker): while it
// is in hand, the page reads its progress every second and follows it with
// the bar; once it has finished or stopped, the page is drawn again (with the
// refused certificates, or the button that carries the batch on).
document.querySelectorAll("[data-batch][data-progress-url]").forEach((card) => {
  const bar = card.querySelector("[data-batch-progress]");
  const counter = card.querySelector("[data-batch-done]");
  const totalLabel = card.querySelector("[data-batch-total]");
  const status = card.querySelector("[data-batch-status]");
  const poll = async () => {
    let state;
    try {
      const response = await fetch(card.dataset.progressUrl, { headers: { Accept: "application/json" } });
      if (!response.ok) throw new Error(String(response.status));
      state = await response.json();
    } catch {
      window.setTimeout(poll, 5000); // the server is restarting, or the network is down: try again
      return;
    }
    if (state.total) {
      bar.max = state.total;
      totalLabel.textContent = state.total;
    }
    bar.value = state.done;
    counter.textContent = state.done;
    if (status) status.textContent = state.status_display;
    if (state.in_hand) {
      window.setTimeout(poll, 1000);
    } else {
      window.location.reload();
    }
  };
  window.setTimeout(poll, 1000);
});
