// Issue a batch chunk by chunk: each POST issues the next chunk and answers
// {done, total}; the bar follows, and a reload resumes an interrupted batch.
document.querySelectorAll("form[data-batch]").forEach((form) => {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = form.querySelector("button[type=submit]");
    const bar = form.querySelector("[data-batch-progress]");
    const counter = form.querySelector("[data-batch-done]");
    const error = form.querySelector("[data-batch-error]");
    const token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
    button.disabled = true;
    error.classList.add("d-none");
    let done = Number(form.dataset.done);
    let refused = Number(form.dataset.refused || 0);
    const total = Number(form.dataset.total);
    // Refused certificates (a character no font prints) stay pending: the
    // page lists them after the reload.
    while (done + refused < total) {
      const response = await fetch(window.location.href, {
        method: "POST",
        headers: { "X-CSRFToken": token, Accept: "application/json" },
      });
      if (!response.ok) {
        error.classList.remove("d-none");
        button.disabled = false;
        return;
      }
      ({ done, refused } = await response.json());
      bar.value = done;
      counter.textContent = done;
    }
    window.location.reload();
  });
});
